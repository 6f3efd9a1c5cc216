"""Writes to the strategic plan. Each function is one change of state.

Answer counters: every answer is counted in three stored rows of InitiativeResult (everyone,
the person's department, the person's job family), one bucket per question. A changed answer
leaves the buckets of the groups recorded with the first answer (the person may have moved
department since) and enters those of the groups the person belongs to now, so the rows
always equal a count of the responses, which `recount_initiative_results` rebuilds.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person
from staffroom.core.richtext import render_markdown
from staffroom.discussion.models import Thread
from staffroom.discussion.services import new_thread, record_backlinks
from staffroom.strategy.models import Initiative, InitiativeResponse, InitiativeResult, Pillar, Plan

logger = logging.getLogger(__name__)

SCALE = range(1, 6)

# (group, group_id) of one stored results row.
GroupKey = tuple[str, int]


def _check_scale(value: object, question: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
        raise ValidationError(
            _("Choose an answer from 1 to 5 for “%(question)s”.") % {"question": question},
            code="out_of_range",
        )
    return value


def _groups(department_id: int | None, job_family_id: int | None) -> list[GroupKey]:
    return [
        (InitiativeResult.Group.EVERYONE, 0),
        (InitiativeResult.Group.DEPARTMENT, department_id or 0),
        (InitiativeResult.Group.JOB_FAMILY, job_family_id or 0),
    ]


def _apply_deltas(initiative: Initiative, deltas: dict[GroupKey, dict[str, int]]) -> None:
    """Add each delta to its bucket, creating missing group rows; one UPDATE per row."""
    for (group, group_id), bucket_deltas in deltas.items():
        changes = {bucket: delta for bucket, delta in bucket_deltas.items() if delta}
        if not changes:
            continue
        InitiativeResult.objects.get_or_create(
            initiative=initiative, group=group, group_id=group_id
        )
        # Greatest(…, 0): a counter can only go below zero if rows drifted (e.g. a department
        # was deleted under recorded answers); never fail a person's answer for it, and let
        # `recount_initiative_results` repair the row.
        InitiativeResult.objects.filter(
            initiative=initiative, group=group, group_id=group_id
        ).update(
            **{
                bucket: Greatest(F(bucket) + delta, 0) if delta < 0 else F(bucket) + delta
                for bucket, delta in changes.items()
            }
        )


def _count(
    deltas: dict[GroupKey, dict[str, int]],
    groups: Iterable[GroupKey],
    *,
    understanding: int,
    support: int,
    sign: int,
) -> None:
    for key in groups:
        deltas[key][f"u{understanding}"] += sign
        deltas[key][f"s{support}"] += sign


@transaction.atomic
def answer_initiative(
    *, initiative: Initiative, person: Person, understanding: int, support: int
) -> InitiativeResponse:
    """Record or change `person`'s two answers (each 1 to 5) and move the stored counters."""
    understanding = _check_scale(understanding, _("I understand what this initiative is for"))
    support = _check_scale(support, _("I support it"))
    if not person.is_active:
        raise ValidationError(_("Only current staff can answer."), code="inactive")
    department_id, job_family_id = person.department_id, person.job_family_id

    response = (
        InitiativeResponse.objects.select_for_update()
        .filter(initiative=initiative, person=person)
        .first()
    )
    if response is None:
        try:
            # A savepoint: a double-clicked first answer loses the race on the unique
            # constraint and is then handled as a change of the answer just stored.
            with transaction.atomic():
                response = InitiativeResponse.objects.create(
                    initiative=initiative,
                    person=person,
                    understanding=understanding,
                    support=support,
                    department_id=department_id,
                    job_family_id=job_family_id,
                )
        except IntegrityError:
            response = InitiativeResponse.objects.select_for_update().get(
                initiative=initiative, person=person
            )
        else:
            deltas: dict[GroupKey, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            _count(
                deltas,
                _groups(department_id, job_family_id),
                understanding=understanding,
                support=support,
                sign=1,
            )
            _apply_deltas(initiative, deltas)
            Initiative.objects.filter(pk=initiative.pk).update(
                response_count=F("response_count") + 1
            )
            return response

    unchanged = (
        response.understanding == understanding
        and response.support == support
        and response.department_id == department_id
        and response.job_family_id == job_family_id
    )
    if unchanged:
        return response
    deltas = defaultdict(lambda: defaultdict(int))
    _count(
        deltas,
        _groups(response.department_id, response.job_family_id),
        understanding=response.understanding,
        support=response.support,
        sign=-1,
    )
    _count(
        deltas,
        _groups(department_id, job_family_id),
        understanding=understanding,
        support=support,
        sign=1,
    )
    _apply_deltas(initiative, deltas)
    response.understanding = understanding
    response.support = support
    response.department_id = department_id
    response.job_family_id = job_family_id
    response.save(
        update_fields=["understanding", "support", "department", "job_family", "updated_at"]
    )
    return response


def _bucket_counts() -> dict[str, Count]:
    counts = {}
    for value in SCALE:
        counts[f"u{value}"] = Count("pk", filter=Q(understanding=value))
        counts[f"s{value}"] = Count("pk", filter=Q(support=value))
    return counts


@transaction.atomic
def recount_initiative_results(*, initiative: Initiative) -> None:
    """Rebuild the initiative's stored results rows and response count from its responses.

    Three aggregate queries and one bulk insert, whatever the number of answers: the demo
    builder calls this after bulk-inserting responses.
    """
    Initiative.objects.select_for_update().filter(pk=initiative.pk).first()
    responses = InitiativeResponse.objects.filter(initiative=initiative).order_by()
    rows: list[InitiativeResult] = []
    everyone = responses.aggregate(**_bucket_counts())
    if any(everyone.values()):
        rows.append(
            InitiativeResult(
                initiative=initiative, group=InitiativeResult.Group.EVERYONE, **everyone
            )
        )
    for group, column in (
        (InitiativeResult.Group.DEPARTMENT, "department_id"),
        (InitiativeResult.Group.JOB_FAMILY, "job_family_id"),
    ):
        for counts in responses.values(column).annotate(**_bucket_counts()):
            group_id = counts.pop(column) or 0
            rows.append(
                InitiativeResult(initiative=initiative, group=group, group_id=group_id, **counts)
            )
    InitiativeResult.objects.filter(initiative=initiative).delete()
    InitiativeResult.objects.bulk_create(rows)
    total = sum(everyone[f"u{value}"] for value in SCALE)
    Initiative.objects.filter(pk=initiative.pk).update(response_count=total)
    initiative.response_count = total


def _clean(instance: Plan | Pillar | Initiative, *, exclude: list[str] | None = None) -> None:
    """The model's own field checks (lengths, required fields, unique addresses)."""
    instance.full_clean(exclude=exclude)


@transaction.atomic
def save_plan(*, plan: Plan) -> Plan:
    """Save a plan written in the admin: render its text, keep only one plan current."""
    if plan.starts_on and plan.ends_on and plan.ends_on < plan.starts_on:
        raise ValidationError(_("The plan can't end before it starts."))
    plan.body_html = render_markdown(plan.body).html
    _clean(plan, exclude=["is_current"])
    if plan.is_current:
        Plan.objects.filter(is_current=True).exclude(pk=plan.pk).update(is_current=False)
    plan.save()
    return plan


def _render_initiative_body(initiative: Initiative) -> list[str]:
    rendered = render_markdown(initiative.body)
    initiative.body_html = rendered.html
    return list(rendered.internal_paths)


@transaction.atomic
def create_initiative(
    *,
    pillar: Pillar,
    title: str,
    slug: str,
    goal: str,
    owner: Person,
    summary: str = "",
    body: str = "",
    status: str = Initiative.Status.PLANNED,
    target_date: datetime.date | None = None,
    position: int | None = None,
) -> Initiative:
    """A new initiative under `pillar`, with its own discussion thread.

    Without `position` it goes after the pillar's other initiatives.
    """
    if not owner.is_active:
        raise ValidationError(_("The owner must be someone who works here now."))
    if position is None:
        last = Initiative.objects.filter(pillar=pillar).aggregate(last=Max("position"))["last"]
        position = 0 if last is None else last + 1
    initiative = Initiative(
        pillar=pillar,
        title=title.strip(),
        slug=slug,
        goal=goal.strip(),
        owner=owner,
        summary=summary.strip(),
        body=body,
        status=status,
        target_date=target_date,
        position=position,
    )
    paths = _render_initiative_body(initiative)
    _clean(initiative, exclude=["thread"])
    initiative.thread = new_thread(kind=Thread.Kind.INITIATIVE)
    initiative.save()
    record_backlinks(source=initiative.thread, paths=paths)
    return initiative


@transaction.atomic
def update_initiative(*, initiative: Initiative) -> Initiative:
    """Save an initiative whose fields were edited (in the admin): re-render its description
    and mark it changed for anything cached by version."""
    if not initiative.owner.is_active:
        raise ValidationError(_("The owner must be someone who works here now."))
    paths = _render_initiative_body(initiative)
    _clean(initiative)
    initiative.version = F("version") + 1
    initiative.save()
    initiative.refresh_from_db(fields=["version"])
    record_backlinks(source=initiative.thread, paths=paths)
    return initiative


@transaction.atomic
def update_initiative_status(*, initiative: Initiative, by: Person, status: str) -> Initiative:
    """Set the initiative's status. The caller has checked that `by` may do so."""
    if status not in Initiative.Status.values:
        raise ValidationError(_("Choose one of the listed statuses."), code="invalid_status")
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if locked.status != status:
        locked.status = status
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated_at"])
        # No audit trail app yet: the log records who changed what.
        logger.info("Initiative %s status set to %s by person %s", locked.pk, status, by.pk)
    initiative.status, initiative.version = locked.status, locked.version
    initiative.updated_at = locked.updated_at
    return initiative
