"""Reads for reviewers and leadership: the review queue, merge candidates, the review page's
timeline and the response times per department. Each has a fixed number of queries."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Func, Q, QuerySet
from django.db.models.lookups import IsNull
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.core.models import Visibility
from staffroom.core.pagination import KeysetPage, keyset_page
from staffroom.ideas.models import DECIDED_STATUSES, DepartmentStats, Idea, Response, Status
from staffroom.ideas.permissions import reviewer_scope
from staffroom.ideas.similar import similar_ideas

QUEUE_PAGE_SIZE = 25
# Tab counts stop here ("99+"): a bounded count on an index, never all of them.
COUNTED_UP_TO = 99
CANDIDATES_SHOWN = 10
# Ideas read from the word index for a merge search, before those outside the reviewer's
# scope are left out (a department's reviewer sees the best of these in their scope).
CANDIDATE_POOL = 50
# What a merge search reads of the words typed (the form takes 150 characters).
SEARCH_MAX_LENGTH = 150
DAY = timedelta(days=1)


class QueueTab:
    WAITING = "waiting"
    OVERDUE = "overdue"
    OPEN = "open"
    ALL = (WAITING, OVERDUE, OPEN)


OPEN_STATUSES = tuple(s for s in Status if s not in DECIDED_STATUSES)

# Each tab: its ordering (a keyset walk: oldest due, or longest untouched, first).
_ORDERINGS = {
    QueueTab.WAITING: ("response_due_at", "id"),
    QueueTab.OVERDUE: ("response_due_at", "id"),
    QueueTab.OPEN: ("last_activity_at", "id"),
}


@dataclass(frozen=True)
class QueueRow:
    idea: Idea
    # Whole days past the promised first response (0 when not late), and days left.
    days_late: int
    days_left: int

    @property
    def is_overdue(self) -> bool:
        return self.days_late > 0


@dataclass(frozen=True)
class QueuePage:
    tab: str
    rows: list[QueueRow]
    next_cursor: str | None
    waiting_count: int
    overdue_count: int

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def _in_scope(viewer: Person) -> QuerySet[Idea]:
    return Idea.objects.shown().filter(reviewer_scope(viewer))


def _tab_ideas(viewer: Person, tab: str, now: datetime) -> QuerySet[Idea]:
    ideas = _in_scope(viewer)
    if tab == QueueTab.OPEN:
        return ideas.filter(first_response_at__isnull=False, status__in=OPEN_STATUSES)
    ideas = ideas.filter(first_response_at__isnull=True)
    if tab == QueueTab.OVERDUE:
        ideas = ideas.filter(response_due_at__lt=now)
    return ideas


def days_late(due: datetime, now: datetime) -> int:
    """Whole days since `due` (at least 1 once it has passed); 0 when it isn't due yet."""
    if due >= now:
        return 0
    return max(1, math.floor((now - due) / DAY))


def _days_left(due: datetime, now: datetime) -> int:
    if due < now:
        return 0
    return math.floor((due - now) / DAY)


def _bounded_count(ideas: QuerySet[Idea]) -> int:
    return ideas.values("pk")[: COUNTED_UP_TO + 1].count()


def review_queue(
    *, viewer: Person, tab: str, cursor: str | None = None, limit: int = QUEUE_PAGE_SIZE
) -> QueuePage:
    """A page of the viewer's queue: ideas in their review scope, by tab (QueueTab).

    Four queries whatever the data: the page (with department and category), two bounded
    tab counts, and the viewer's roles (memoised).
    """
    if tab not in QueueTab.ALL:
        tab = QueueTab.WAITING
    now = timezone.now()
    ideas = _tab_ideas(viewer, tab, now).select_related("department", "category")
    page: KeysetPage[Idea] = keyset_page(
        ideas, ordering=_ORDERINGS[tab], cursor=cursor, limit=limit
    )
    rows = [
        QueueRow(
            idea=idea,
            days_late=0
            if idea.first_response_at is not None
            else days_late(idea.response_due_at, now),
            days_left=_days_left(idea.response_due_at, now),
        )
        for idea in page.items
    ]
    return QueuePage(
        tab=tab,
        rows=rows,
        next_cursor=page.next_cursor,
        waiting_count=_bounded_count(_tab_ideas(viewer, QueueTab.WAITING, now)),
        overdue_count=_bounded_count(_tab_ideas(viewer, QueueTab.OVERDUE, now)),
    )


def timeline(idea: Idea) -> list[Response]:
    """The idea's responses, oldest first, with who answered (one query)."""
    return list(
        Response.objects.filter(idea=idea)
        .select_related("responder", "related_idea")
        .order_by("created_at", "id")
    )


def _mergeable(viewer: Person, duplicate: Idea) -> QuerySet[Idea]:
    """Ideas `duplicate` may be merged into: shown, in the viewer's scope, not itself and not
    a duplicate (merges never chain)."""
    return (
        _in_scope(viewer)
        .exclude(pk=duplicate.pk)
        .exclude(status=Status.DUPLICATE)
        .select_related("department", "category", "thread")
    )


def idea_number(text: str) -> int | None:
    """The idea number typed ("123" or "#123"), or None. ASCII digits only: `str.isdigit`
    also accepts "²", which `int` refuses."""
    number = text.removeprefix("#").strip()
    if number.isascii() and number.isdigit() and len(number) < 12:
        return int(number)
    return None


def merge_candidates(*, viewer: Person, duplicate: Idea, words: str) -> list[Idea]:
    """Ideas `duplicate` might repeat (see `_mergeable`): by number ("123" or "#123"), or the
    ideas' word index ranked by relevance (similar.similar_ideas), best first.

    It answers on every pause in typing, so its cost is bounded at any size: a number is
    one lookup by key; words are the similar-ideas lookup (at most three queries on the word
    index, ranking a bounded set) and one query loading the best CANDIDATE_POOL of them
    that are in the viewer's scope."""
    words = (words or "").strip()[:SEARCH_MAX_LENGTH]
    if not words:
        return []
    ideas = _mergeable(viewer, duplicate)
    number = idea_number(words)
    if number is not None:
        return list(ideas.filter(pk=number))
    ranked = [
        idea.pk for idea in similar_ideas(text=words, limit=CANDIDATE_POOL, exclude_id=duplicate.pk)
    ]
    if not ranked:
        return []
    found = {idea.pk: idea for idea in ideas.filter(pk__in=ranked)}
    return [found[pk] for pk in ranked if pk in found][:CANDIDATES_SHOWN]


def merge_target(*, viewer: Person, duplicate: Idea, survivor_id: int) -> Idea | None:
    """The chosen survivor, if it is a shown idea in the viewer's scope other than the
    duplicate (the service checks again, under lock)."""
    return _mergeable(viewer, duplicate).filter(pk=survivor_id).first()


@dataclass(frozen=True)
class DepartmentTimes:
    name: str
    site: str
    ideas: int
    awaiting: int
    overdue: int
    open_ideas: int
    implemented: int
    responded: int
    response_seconds_total: int
    responded_on_time: int

    @property
    def average_days(self) -> float | None:
        if not self.responded:
            return None
        return self.response_seconds_total / self.responded / DAY.total_seconds()

    @property
    def on_time_percent(self) -> int | None:
        if not self.responded:
            return None
        return round(100 * self.responded_on_time / self.responded)


@dataclass(frozen=True)
class ResponseTimes:
    promise_days: int
    departments: list[DepartmentTimes]
    totals: DepartmentTimes


class _Unindexed(Func):
    """A column SQLite must not pick an index for: `+column` there (the planner then walks
    the index the query is written for), the column itself elsewhere."""

    template = "%(expressions)s"
    arity = 1

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra_context)


def _waiting_not_yet_due(now: datetime) -> dict[int, int]:
    """Per department, the shown ideas waiting for a first response whose due time is still
    ahead. One grouped count over a range of the `idea_response_due` index from `now`: the
    ideas proposed within the promise (IDEAS_FIRST_RESPONSE_DAYS), however many there are
    in all.

    On SQLite the department and the merge are written `+column`, or the planner walks a
    department index (or the merged_into one) through every idea instead."""
    return dict(
        Idea.objects.filter(
            visibility=Visibility.VISIBLE,
            first_response_at__isnull=True,
            response_due_at__gte=now,
        )
        .filter(IsNull(_Unindexed(F("merged_into")), rhs=True))
        .annotate(department_key=_Unindexed(F("department_id")))
        .values("department_key")
        .annotate(n=Count("id"))
        .values_list("department_key", "n")
    )


def response_times() -> ResponseTimes:
    """Leadership's page: every department's stored counters (DepartmentStats) and the
    number of ideas past their due date without a first response. Two queries.

    Overdue = waiting (stored) minus waiting but not yet due (counted): the ideas past their due
    date are most of the table (every answered one too), so counting them directly reads
    nearly every idea (a sequential scan on PostgreSQL; on SQLite a walk of the whole
    `idea_response_due` index); the ones not yet due are a short range of that index."""
    now = timezone.now()
    not_yet_due = _waiting_not_yet_due(now)
    departments = [
        DepartmentTimes(
            name=row.department.name,
            site=row.department.site.name,
            ideas=row.ideas,
            awaiting=row.awaiting_response,
            overdue=max(0, row.awaiting_response - not_yet_due.get(row.department_id, 0)),
            open_ideas=row.open_ideas,
            implemented=row.implemented,
            responded=row.responded,
            response_seconds_total=row.response_seconds_total,
            responded_on_time=row.responded_on_time,
        )
        for row in DepartmentStats.objects.select_related("department__site")
        .filter(Q(ideas__gt=0) | Q(responded__gt=0))
        .order_by("department__name", "department_id")
    ]

    def total(field: str) -> int:
        return sum(getattr(d, field) for d in departments)

    totals = DepartmentTimes(
        name="",
        site="",
        **{
            field: total(field)
            for field in (
                "ideas",
                "awaiting",
                "overdue",
                "open_ideas",
                "implemented",
                "responded",
                "response_seconds_total",
                "responded_on_time",
            )
        },
    )
    return ResponseTimes(
        promise_days=settings.IDEAS_FIRST_RESPONSE_DAYS,
        departments=departments,
        totals=totals,
    )
