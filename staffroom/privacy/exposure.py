"""When patient information got through anyway: mark an item, report its exposure, purge it.

A privacy officer marks a published item as patient information (`mark_as_phi`): it is set
REMOVED through its kind's `set_visibility`, so it leaves every page, feed, search and
notification at once, and an exposure report freezes who could have seen it (its audience,
as rows) and who did, how and when (page views, private feed deliveries, notifications).
A breach risk assessment asks exactly that.

`purge_item` then removes the words from everywhere they are stored (the kind's `purge`),
leaving a Tombstone: the SHA-256 of the removed words, the reason, who and when. The item's
row stays, blanked, so the discussion around it keeps its shape.

Neither the report nor the audit trail holds a word of the item: they name it by kind, id
and its word-free label.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person
from staffroom.audit.models import AuditAction
from staffroom.audit.services import record_audit
from staffroom.core.items import ItemKind, Sighting, get_item, kind_of
from staffroom.core.models import Visibility
from staffroom.privacy.models import (
    ExposureAudience,
    ExposureReport,
    ExposureSighting,
    PrivacyHold,
    Tombstone,
)

AUDIENCE_BATCH = 1000
REASON_MAX_LENGTH = 2000
# Staffroom sends no email or digest yet (notifications are stored and shown in the app
# only). When email arrives (issue 6) its deliveries must become sightings, and this False.
SENDS_EMAIL = False


def report_for(obj: Any) -> ExposureReport | None:
    """The exposure report already made for `obj`, if it was marked."""
    kind = kind_of(obj)
    return ExposureReport.objects.filter(item_kind=kind.key, item_id=obj.pk).first()


def _was_shown(kind: ItemKind, obj: Any) -> bool:
    """Did anyone but its author and reviewers ever see it with these words?

    Held by the PHI guard: no. Removed from the privacy queue (held, then removed): no.
    A draft or a post scheduled for later: no. Visible, or hidden by a moderator: yes.
    """
    if obj.visibility == Visibility.HELD:
        return False
    if hasattr(obj, "published_at") and (
        obj.published_at is None or obj.published_at > timezone.now()
    ):
        return False  # a draft, or scheduled for later: only its editors have seen it
    if obj.visibility == Visibility.REMOVED:
        return not PrivacyHold.objects.filter(
            item_kind=kind.key, item_id=obj.pk, status=PrivacyHold.Status.REMOVED
        ).exists()
    return True


def _first_visible_at(kind: ItemKind, obj: Any) -> datetime | None:
    if kind.key == "comment":
        from staffroom.discussion.exposure import comment_shown_since

        return comment_shown_since(obj)
    return getattr(obj, "published_at", None) or getattr(obj, "created_at", None)


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why this is patient information: the report keeps your reason.")}
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("Keep the reason under %(max)d characters.") % {"max": REASON_MAX_LENGTH}}
        )
    return reason


def _distinct_sightings(sightings: Iterable[Sighting], *, before: datetime) -> list[Sighting]:
    seen: set[tuple[int, str, datetime]] = set()
    kept = []
    for sighting in sorted(sightings, key=lambda s: (s.at, s.person_id, s.how)):
        key = (sighting.person_id, sighting.how, sighting.at)
        if key in seen or sighting.at > before:
            continue
        seen.add(key)
        kept.append(sighting)
    return kept


@transaction.atomic
def mark_as_phi(*, obj: Any, officer: Person, reason: str) -> ExposureReport:
    """Take `obj` down as patient information and report who could see it and who did.

    Precondition: `officer` is a privacy officer (views check). Marking an item already
    marked returns its report unchanged (a second click, or two officers at once).
    """
    reason = _clean_reason(reason)
    kind = kind_of(obj)
    # Lock the item: two officers marking at once make one report.
    obj = kind.model._default_manager.select_for_update().get(pk=obj.pk)
    existing = report_for(obj)
    if existing is not None:
        return existing
    now = timezone.now()
    author_id = kind.author_id(obj)
    was_shown = _was_shown(kind, obj)
    was_public = bool(getattr(obj, "is_public", False)) and was_shown
    first_visible_at = _first_visible_at(kind, obj) if was_shown else None
    # Snapshot before the visibility changes: taking it down may tidy notifications away.
    if was_shown:
        audience_ids = list(
            kind.audience(obj)
            .exclude(pk=author_id)
            .order_by("sort_name", "pk")
            .values_list("pk", flat=True)
        )
    else:
        audience_ids = []
    # Never shown: whatever views of its page exist, they didn't show it.
    sightings = [
        s
        for s in _distinct_sightings(kind.sightings(obj) if was_shown else [], before=now)
        if s.person_id != author_id
    ]
    if obj.visibility != Visibility.REMOVED:
        kind.set_visibility(obj, Visibility.REMOVED)
    report = ExposureReport.objects.create(
        item_kind=kind.key,
        item_id=obj.pk,
        item_label=kind.label(obj)[:200],
        item_author_id=author_id,
        marked_by=officer,
        reason=reason,
        made_at=now,
        item_first_visible_at=first_visible_at,
        was_shown=was_shown,
        was_public=was_public,
        could_see_count=len(audience_ids),
        saw_count=len({s.person_id for s in sightings}),
    )
    for start in range(0, len(audience_ids), AUDIENCE_BATCH):
        ExposureAudience.objects.bulk_create(
            ExposureAudience(report=report, person_id=person_id)
            for person_id in audience_ids[start : start + AUDIENCE_BATCH]
        )
    ExposureSighting.objects.bulk_create(
        (
            ExposureSighting(report=report, person_id=s.person_id, how=s.how, at=s.at)
            for s in sightings
        ),
        batch_size=AUDIENCE_BATCH,
    )
    record_audit(
        actor=officer,
        action=AuditAction.MARKED_PHI,
        target=obj,
        summary=f"{report.item_label} marked as patient information (report {report.pk})",
        data={
            "report": report.pk,
            "kind": kind.key,
            "item": obj.pk,
            "could_see": report.could_see_count,
            "saw": report.saw_count,
            "was_shown": was_shown,
        },
    )
    return report


def content_hash(texts: dict[str, str]) -> str:
    """SHA-256 of an item's words as canonical JSON (labels sorted, UTF-8)."""
    canonical = json.dumps(texts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@transaction.atomic
def purge_item(*, report: ExposureReport, officer: Person) -> Tombstone:
    """Remove the reported item's words and files from everywhere; leave a Tombstone.

    Precondition: `officer` is a privacy officer (views check). Works for any marked item,
    including one that was held and never shown (mark it first: the report says so).
    """
    report = ExposureReport.objects.select_for_update().get(pk=report.pk)
    if report.is_purged:
        raise ValidationError(_("This item was already purged."))
    obj = get_item(report.item_kind, report.item_id)
    kind = kind_of(obj)
    if obj.visibility != Visibility.REMOVED:
        # Restored by someone since it was marked: take it down again before purging.
        kind.set_visibility(obj, Visibility.REMOVED)
    digest = content_hash(kind.texts(obj))
    kind.purge(obj)
    _clear_notes_about(report.item_kind, report.item_id)
    _compact_search_index()
    now = timezone.now()
    tombstone = Tombstone.objects.create(
        item_kind=report.item_kind,
        item_id=report.item_id,
        content_sha256=digest,
        reason=report.reason,
        report=report,
        purged_by=officer,
        purged_at=now,
    )
    report.purged_at = now
    report.purged_by = officer
    report.save(update_fields=["purged_at", "purged_by", "updated_at"])
    record_audit(
        actor=officer,
        action=AuditAction.PURGED,
        target=obj,
        summary=f"{report.item_label} purged (report {report.pk}, tombstone {tombstone.pk})",
        data={"report": report.pk, "tombstone": tombstone.pk, "kind": kind.key, "item": obj.pk},
    )
    return tombstone


def _clear_notes_about(item_kind: str, item_id: int) -> None:
    """Words others wrote about the item may quote it: flaggers' notes and the author's note
    to the privacy officer go with it. (Moderators' and officers' decisions stay: they are
    the record of what was done, written knowing the rules.)"""
    from staffroom.moderation.models import Flag

    Flag.objects.filter(item_kind=item_kind, item_id=item_id).exclude(note="").update(note="")
    PrivacyHold.objects.filter(item_kind=item_kind, item_id=item_id).exclude(author_note="").update(
        author_note=""
    )


def _compact_search_index() -> None:
    """SQLite's FTS5 keeps a deleted document's words in its index segments until they are
    merged; "optimize" merges them now, so purged words leave the index file too. (On
    PostgreSQL the words are a column of the deleted index row and go with it.)"""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_fts'")
        if cursor.fetchone() is not None:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES('optimize')")


def record_report_viewed(*, report: ExposureReport, officer: Person, request: Any = None) -> None:
    """Who opened an exposure report (it names people and what they saw): audited."""
    record_audit(
        actor=officer,
        action=AuditAction.EXPOSURE_REPORT_VIEWED,
        target=report,
        summary=f"Exposure report {report.pk} viewed",
        data={"report": report.pk, "kind": report.item_kind, "item": report.item_id},
        request=request,
    )


def record_report_exported(*, report: ExposureReport, officer: Person, request: Any = None) -> None:
    record_audit(
        actor=officer,
        action=AuditAction.EXPORTED,
        target=report,
        summary=f"Exposure report {report.pk} exported as CSV",
        data={"report": report.pk, "kind": report.item_kind, "item": report.item_id},
        request=request,
    )
