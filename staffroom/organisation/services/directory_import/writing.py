"""Applying a checked plan with bulk statements, and the DirectoryImport record of each upload."""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person
from staffroom.core.locks import lock_for_transaction
from staffroom.organisation.models import DirectoryImport
from staffroom.organisation.services import recount_people
from staffroom.organisation.services.directory_import.planning import check_directory_file
from staffroom.organisation.services.directory_import.types import (
    DirectoryFileError,
    ImportPlan,
    ImportResult,
)

# Named after the package, as before it was split, so log lines and filters keep their name.
logger = logging.getLogger(__package__)

# Rows per INSERT/UPDATE statement (backends with a parameter limit, like SQLite, use fewer).
WRITE_BATCH = 1000
# Ids per "WHERE id IN (...)": below SQLite's historic 999-parameter limit.
ID_BATCH = 500
# What a DirectoryImport record keeps: enough to act on, small enough to show on one page.
KEPT_ERRORS = 500
PREVIEW_SAMPLE = 50
# The name of the lock that lets one import apply at a time (see core.locks).
LOCK_NAME = "staffroom.directory_import"

# Called inside an import's transaction, under its lock, after the writes: later apps register
# here (channels keeps one channel per department) so the directory never has to import them,
# and what they derive from the directory is applied with it or not at all.
after_import_applied: list[Callable[[], object]] = []


def _lock_directory_imports() -> None:
    """Wait until no other import is being applied; held until the transaction ends.

    Must be called inside transaction.atomic(), before the plan is made, so that a second
    import plans from what the first one wrote (its duplicate creates become no-ops instead of
    IntegrityErrors, and it doesn't overwrite the first one's updates with stale values).

    PostgreSQL: a transaction-level advisory lock. SQLite: nothing to do here, because the
    settings open every transaction with BEGIN IMMEDIATE, which takes the database's write lock
    at the start of the outermost atomic block: the check and the writes of apply_directory_file
    run inside that same block, so a second import waits at its BEGIN until the first commits.
    """
    lock_for_transaction(LOCK_NAME)


# --- The services -----------------------------------------------------------------------------


def apply_directory_file(*, data: bytes, full_snapshot: bool, actor: Person | None) -> ImportResult:
    """Check the file again and apply it in one transaction: all of it, or nothing.

    `actor` is the administrator applying it, or None from the command line. Raises
    DirectoryFileError (a ValidationError) with every row error when the file has problems.
    Imports are applied one at a time: a second one waits, then plans from the first's result.
    """
    started = time.monotonic()
    with transaction.atomic():
        _lock_directory_imports()
        # Planned inside the lock and the same transaction as the writes, never before them.
        plan = check_directory_file(data=data, full_snapshot=full_snapshot, actor=actor)
        if plan.errors:
            raise DirectoryFileError(plan)
        _write(plan)
        for hook in after_import_applied:
            hook()
    result = ImportResult(
        row_count=plan.row_count,
        created=len(plan.creates),
        changed=len(plan.changes),
        deactivated=len(plan.deactivations),
        unchanged=plan.unchanged_count,
        duration_ms=round((time.monotonic() - started) * 1000),
    )
    logger.info(
        "Directory import applied by %s: %d created, %d changed, %d deactivated, %d unchanged",
        actor.username if actor else "the command line",
        result.created,
        result.changed,
        result.deactivated,
        result.unchanged,
    )
    return result


def _batches(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _unusable_password() -> str:
    """What make_password(None) makes ("!" and random text: it can't match any password).

    Built directly because make_password(None) draws its 40 random characters one at a time,
    which costs ~0.1 ms a person: 8 seconds of an 80,000-person first import.
    """
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(20)


def _create_people(plan: ImportPlan) -> dict[str, int]:
    """INSERT the new people and return their ids by employee ID.

    Managers go in before the people they manage (one round of bulk INSERTs per level of the
    organisation chart), so every manager_id is known when the row is written and no second
    pass of UPDATEs is needed: bulk_update costs about as much per row as the INSERT itself.
    """
    manager_of = {
        employee_id: manager for pk, employee_id, manager in plan.deferred_managers if pk is None
    }
    waiting = {values["employee_id"]: values for values in plan.new_people}
    created: dict[str, int] = {}
    while waiting:
        level = [v for e, v in waiting.items() if manager_of.get(e) not in waiting]
        if not level:
            raise RuntimeError("Manager loop among new people; the check should have refused it.")
        # Built a batch at a time: 80,000 model instances at once would hold ~150 MB.
        for start in range(0, len(level), WRITE_BATCH):
            batch = level[start : start + WRITE_BATCH]
            people = []
            for values in batch:
                manager = manager_of.get(values["employee_id"])
                link = {"manager_id": created[manager]} if manager else {}
                people.append(Person(password=_unusable_password(), **values, **link))
            # PostgreSQL and SQLite (3.35+) both set the new ids on the objects.
            Person.objects.bulk_create(people)
            for values, person in zip(batch, people, strict=True):
                created[values["employee_id"]] = person.pk
        for values in level:
            del waiting[values["employee_id"]]
    return created


def _write(plan: ImportPlan) -> None:
    """Write a valid plan with bulk statements. Runs inside the caller's transaction."""
    created = _create_people(plan)

    changes = dict(plan.updates)
    for pk, _employee_id, manager in plan.deferred_managers:
        if pk is not None:
            changes[pk] = {**changes.get(pk, {}), "manager_id": created[manager]}
    # One bulk UPDATE per set of changed columns, so unchanged columns are never written.
    by_columns: dict[tuple[str, ...], list[Person]] = defaultdict(list)
    for pk, changed in changes.items():
        by_columns[tuple(sorted(changed))].append(Person(pk=pk, **changed))
    for field_names, people in by_columns.items():
        Person.objects.bulk_update(people, list(field_names), batch_size=WRITE_BATCH)

    today = timezone.localdate()
    for batch in _batches(plan.deactivate_ids, ID_BATCH):
        Person.objects.filter(pk__in=batch).update(is_active=False, left_on=today)

    if created or changes or plan.deactivate_ids:
        recount_people()


# --- Uploads kept as DirectoryImport records --------------------------------------------------


def _preview(plan: ImportPlan) -> dict[str, Any]:
    """The first few of each kind of change, for the confirmation page."""
    return {
        "error_count": len(plan.errors),
        "creates": [
            {"line": c.line, "employee_id": c.employee_id, "name": c.name, "unit": c.unit}
            for c in plan.creates[:PREVIEW_SAMPLE]
        ],
        "changes": [
            {
                "line": c.line,
                "employee_id": c.employee_id,
                "name": c.name,
                "fields": [{"column": f.column, "old": f.old, "new": f.new} for f in c.fields],
            }
            for c in plan.changes[:PREVIEW_SAMPLE]
        ],
        "deactivations": [
            {"employee_id": d.employee_id, "name": d.name}
            for d in plan.deactivations[:PREVIEW_SAMPLE]
        ],
    }


def _record_plan(record: DirectoryImport, plan: ImportPlan) -> None:
    record.row_count = plan.row_count
    record.created_count = len(plan.creates)
    record.changed_count = len(plan.changes)
    record.deactivated_count = len(plan.deactivations)
    record.unchanged_count = plan.unchanged_count
    record.errors = [e.as_dict() for e in plan.errors[:KEPT_ERRORS]]
    record.preview = _preview(plan)


def create_directory_import(
    *, file_name: str, data: bytes, full_snapshot: bool, uploaded_by: Person
) -> DirectoryImport:
    """Check an uploaded directory file and keep the outcome, ready for confirmation.

    The file itself is stored only when it passed the check, because only then can it be
    applied; a rejected file keeps just its errors.
    """
    started = time.monotonic()
    plan = check_directory_file(data=data, full_snapshot=full_snapshot, actor=uploaded_by)
    record = DirectoryImport(
        uploaded_by=uploaded_by,
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        full_snapshot=full_snapshot,
        status=(
            DirectoryImport.Status.PREVIEWED if plan.is_valid else DirectoryImport.Status.REJECTED
        ),
    )
    _record_plan(record, plan)
    record.duration_ms = round((time.monotonic() - started) * 1000)
    with transaction.atomic():
        if plan.is_valid:
            # A random name: the uploaded name is shown from file_name, never used as a path.
            record.file.save(f"{uuid.uuid4().hex}.csv", ContentFile(data), save=False)
        record.save()
    return record


def apply_directory_import(*, directory_import: DirectoryImport, actor: Person) -> DirectoryImport:
    """Apply a checked upload: the same bytes that were previewed, checked again.

    Raises ValidationError when it can't be applied (already applied, rejected, expired,
    superseded by a newer import, or the stored file changed), changing nothing; raises
    DirectoryFileError, after recording the errors on the import, when the file no longer
    passes the check.
    """
    rejected: DirectoryFileError | None = None
    with transaction.atomic():
        # Locks the record: a double-clicked "Apply" waits here, then sees it was applied.
        record = DirectoryImport.objects.select_for_update().get(pk=directory_import.pk)
        # And one import at a time, so the "newer file applied" check below sees any import
        # (another record, or the command) that was being applied while this one waited.
        _lock_directory_imports()
        if record.status == DirectoryImport.Status.APPLIED:
            when = timezone.localtime(record.applied_at or record.updated_at)
            raise ValidationError(
                _("This file was already applied on %(when)s, so nothing was changed.")
                % {"when": date_format(when, "DATETIME_FORMAT")},
                code="applied",
            )
        if record.status == DirectoryImport.Status.EXPIRED:
            raise ValidationError(
                _(
                    "The stored copy of this file was deleted because it was not applied in "
                    "time. Upload the file again."
                ),
                code="expired",
            )
        if record.status != DirectoryImport.Status.PREVIEWED or not record.file:
            raise ValidationError(
                _("This file was rejected. Correct it and upload it again."), code="rejected"
            )
        if DirectoryImport.objects.filter(
            status=DirectoryImport.Status.APPLIED, applied_at__gt=record.created_at
        ).exists():
            raise ValidationError(
                _(
                    "A newer directory file has been applied since this one was checked. "
                    "Upload this file again to see what it would change now."
                ),
                code="superseded",
            )
        with record.file.open("rb") as stored:
            data = stored.read()
        if hashlib.sha256(data).hexdigest() != record.file_sha256:
            raise ValidationError(
                _("The stored file is not the one that was checked. Upload it again."),
                code="changed",
            )
        try:
            result = apply_directory_file(
                data=data, full_snapshot=record.full_snapshot, actor=actor
            )
        except DirectoryFileError as exc:
            # The people or units changed since the check. Keep the new errors to show.
            rejected = exc
            _record_plan(record, exc.plan)
            record.status = DirectoryImport.Status.REJECTED
        else:
            record.status = DirectoryImport.Status.APPLIED
            record.applied_at = timezone.now()
            record.applied_by = actor
            record.row_count = result.row_count
            record.created_count = result.created
            record.changed_count = result.changed
            record.deactivated_count = result.deactivated
            record.unchanged_count = result.unchanged
            record.duration_ms = result.duration_ms
        # The people are in the database now, or the file was refused: either way the copy of
        # the HR export (names, emails, managers of every employee) is no longer needed.
        stored_name = record.file.name
        record.file = ""  # an empty name is how a FileField says "no file"
        record.save()
        if stored_name:
            transaction.on_commit(partial(record.file.storage.delete, stored_name))
    if rejected is not None:
        raise rejected
    return record


def import_directory_file(*, file_name: str, data: bytes, full_snapshot: bool) -> DirectoryImport:
    """Check and apply a file in one go, for the import_directory command, and keep a record
    of it (no uploader, no applier) so the upload page's history shows scheduled imports too.

    Raises DirectoryFileError, after recording the file as rejected, when it has problems.
    """
    started = time.monotonic()
    record = DirectoryImport(
        uploaded_by=None,
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        full_snapshot=full_snapshot,
    )
    try:
        # The record is written in the same transaction as the people: both or neither.
        with transaction.atomic():
            result = apply_directory_file(data=data, full_snapshot=full_snapshot, actor=None)
            record.status = DirectoryImport.Status.APPLIED
            record.applied_at = timezone.now()
            record.row_count = result.row_count
            record.created_count = result.created
            record.changed_count = result.changed
            record.deactivated_count = result.deactivated
            record.unchanged_count = result.unchanged
            record.duration_ms = result.duration_ms
            record.save()
    except DirectoryFileError as exc:
        _record_plan(record, exc.plan)
        record.status = DirectoryImport.Status.REJECTED
        record.duration_ms = round((time.monotonic() - started) * 1000)
        record.save()
        raise
    return record


def purge_stale_directory_files(*, older_than_days: int) -> int:
    """Delete the stored copies of files checked more than `older_than_days` days ago and never
    applied, and mark those imports as expired (they can no longer be applied). Returns how
    many files were deleted.

    A checked file holds everyone's names and emails; it is kept only so that it can be
    applied, and an administrator who walked away should not leave it on disk for ever.
    """
    cutoff = timezone.now() - timedelta(days=older_than_days)
    with transaction.atomic():
        # Row locks: an "Apply" of one of these waits, then finds it expired (and vice versa).
        stale = list(
            DirectoryImport.objects.select_for_update()
            .exclude(status=DirectoryImport.Status.APPLIED)
            .exclude(file="")
            .filter(created_at__lt=cutoff)
        )
        now = timezone.now()
        for record in stale:
            stored_name = record.file.name
            record.file = ""
            record.file_deleted_at = now
            if record.status == DirectoryImport.Status.PREVIEWED:
                record.status = DirectoryImport.Status.EXPIRED
            record.save(update_fields=["file", "file_deleted_at", "status", "updated_at"])
            transaction.on_commit(partial(record.file.storage.delete, stored_name))
    if stale:
        logger.info(
            "Deleted %d directory files never applied after %d days", len(stale), older_than_days
        )
    return len(stale)
