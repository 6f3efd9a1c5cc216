"""The stored counters an idea keeps true as it appears, changes status, is answered or
leaves: per department (leadership's response times and backlog) and per campaign.

An idea is *counted* while it is shown (visible and not merged into another). Every service
that changes visibility, status, first response or merging calls these inside its own
transaction, so the counters move with the idea. `recount_ideas` rebuilds them from rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, F, Q

from staffroom.core.models import Visibility
from staffroom.ideas.models import DECIDED_STATUSES, Campaign, DepartmentStats, Idea, Status


def _ensure_row(department_id: int) -> None:
    DepartmentStats.objects.bulk_create(
        [DepartmentStats(department_id=department_id)], ignore_conflicts=True
    )


def is_counted(idea: Idea) -> bool:
    return idea.visibility == Visibility.VISIBLE and idea.merged_into_id is None


def _status_deltas(status: str, delta: int) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if status not in DECIDED_STATUSES:
        changes["open_ideas"] = F("open_ideas") + delta
    if status == Status.IMPLEMENTED:
        changes["implemented"] = F("implemented") + delta
    return changes


def count_idea(idea: Idea, delta: int) -> None:
    """`idea` starts (+1) or stops (-1) being counted: it appeared, or was held, hidden,
    removed or merged away."""
    _ensure_row(idea.department_id)
    changes: dict[str, Any] = {"ideas": F("ideas") + delta, **_status_deltas(idea.status, delta)}
    if idea.first_response_at is None:
        changes["awaiting_response"] = F("awaiting_response") + delta
    else:
        # An answered idea takes its first response with it (recount_ideas counts shown
        # ideas only), so hiding or merging it away and showing it again stay exact.
        waited = max(0, int((idea.first_response_at - idea.created_at).total_seconds()))
        changes["responded"] = F("responded") + delta
        changes["response_seconds_total"] = F("response_seconds_total") + delta * waited
        if idea.first_response_at <= idea.response_due_at:
            changes["responded_on_time"] = F("responded_on_time") + delta
    DepartmentStats.objects.filter(department_id=idea.department_id).update(**changes)
    if idea.campaign_id is not None:
        Campaign.objects.filter(pk=idea.campaign_id).update(idea_count=F("idea_count") + delta)


def move_status(idea: Idea, old_status: str, new_status: str) -> None:
    """A counted idea's status changed."""
    if not is_counted(idea) or old_status == new_status:
        return
    _ensure_row(idea.department_id)
    changes = _status_deltas(old_status, -1)
    for field, expression in _status_deltas(new_status, +1).items():
        if field in changes:  # open → open: nothing moves
            del changes[field]
        else:
            changes[field] = expression
    if changes:
        DepartmentStats.objects.filter(department_id=idea.department_id).update(**changes)


def record_first_response(idea: Idea, at: datetime) -> None:
    """A counted idea got its first public response at `at`."""
    if not is_counted(idea):
        return
    _ensure_row(idea.department_id)
    waited = max(0, int((at - idea.created_at).total_seconds()))
    on_time = 1 if at <= idea.response_due_at else 0
    DepartmentStats.objects.filter(department_id=idea.department_id).update(
        awaiting_response=F("awaiting_response") - 1,
        responded=F("responded") + 1,
        response_seconds_total=F("response_seconds_total") + waited,
        responded_on_time=F("responded_on_time") + on_time,
    )


def recount_ideas() -> int:
    """Rebuild every department's and campaign's counters from the ideas (after a bulk
    load, or to check the stored ones). Returns the number of departments counted."""
    counted = Idea.objects.shown()
    open_statuses = [s for s in Status.values if s not in DECIDED_STATUSES]
    rows = counted.values("department_id").annotate(
        n=Count("id"),
        awaiting=Count("id", filter=Q(first_response_at__isnull=True)),
        open_n=Count("id", filter=Q(status__in=open_statuses)),
        done=Count("id", filter=Q(status=Status.IMPLEMENTED)),
    )
    DepartmentStats.objects.all().delete()
    stats = {
        row["department_id"]: DepartmentStats(
            department_id=row["department_id"],
            ideas=row["n"],
            awaiting_response=row["awaiting"],
            open_ideas=row["open_n"],
            implemented=row["done"],
        )
        for row in rows
    }
    responded = counted.filter(first_response_at__isnull=False)
    for row in responded.values("department_id").annotate(n=Count("id")):
        stats[row["department_id"]].responded = row["n"]
    on_time = responded.filter(first_response_at__lte=F("response_due_at"))
    for row in on_time.values("department_id").annotate(n=Count("id")):
        stats[row["department_id"]].responded_on_time = row["n"]
    # The waits are summed in Python: date arithmetic differs between the two databases.
    totals: dict[int, int] = {}
    for department_id, created, first in responded.values_list(
        "department_id", "created_at", "first_response_at"
    ).iterator(chunk_size=5000):
        if first is None:  # pragma: no cover - filtered above
            continue
        totals[department_id] = totals.get(department_id, 0) + max(
            0, int((first - created).total_seconds())
        )
    for department_id, total in totals.items():
        stats[department_id].response_seconds_total = total
    DepartmentStats.objects.bulk_create(stats.values(), batch_size=500)
    for campaign_id, n in (
        counted.filter(campaign__isnull=False)
        .values_list("campaign_id")
        .annotate(n=Count("id"))
        .values_list("campaign_id", "n")
    ):
        Campaign.objects.filter(pk=campaign_id).update(idea_count=n)
    Campaign.objects.exclude(
        pk__in=counted.filter(campaign__isnull=False).values("campaign_id")
    ).update(idea_count=0)
    return len(stats)
