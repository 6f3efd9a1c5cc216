"""Page-shaped reads of the strategic plan, each with a fixed number of queries.

Results are read from the stored counters (InitiativeResult), never counted from answers, and
every group smaller than RESULTS_MIN_GROUP_SIZE is hidden — with enough other groups hidden
beside it that nobody can work it out by subtracting the groups shown from the overall row.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Max, Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person
from staffroom.channels.models import Post
from staffroom.core.models import Visibility
from staffroom.organisation.models import Department, JobFamily
from staffroom.strategy.models import Initiative, InitiativeResponse, InitiativeResult, Pillar, Plan

SCALE = range(1, 6)
PROGRESS_UPDATES_SHOWN = 10


def min_group_size() -> int:
    return max(1, int(settings.RESULTS_MIN_GROUP_SIZE))


# ---- The plan ------------------------------------------------------------------------------


def get_current_plan() -> Plan | None:
    return Plan.objects.filter(is_current=True).first()


def get_plan_or_404(slug: str) -> Plan:
    plan = Plan.objects.filter(slug=slug).first()
    if plan is None:
        raise Http404(_("There is no plan at that address."))
    return plan


@dataclass(frozen=True)
class InitiativeCard:
    initiative: Initiative
    latest_update: datetime.datetime | None
    answered: bool


@dataclass(frozen=True)
class PillarSection:
    pillar: Pillar
    cards: list[InitiativeCard] = field(default_factory=list)


def _latest_updates(initiatives: QuerySet[Post]) -> dict[int, datetime.datetime]:
    rows = (
        initiatives.order_by()
        .values("initiative_id")
        .annotate(latest=Max("published_at"))
        .values_list("initiative_id", "latest")
    )
    return dict(rows)


def plan_page(*, plan: Plan, viewer: Person) -> list[PillarSection]:
    """The plan's pillars, each with its initiatives as cards (four queries at any size)."""
    sections = {
        pillar.pk: PillarSection(pillar) for pillar in plan.pillars.order_by("position", "id")
    }
    initiatives = list(
        Initiative.objects.filter(pillar__plan=plan)
        .select_related("owner")
        .order_by("pillar_id", "position", "id")
    )
    answered = set(
        InitiativeResponse.objects.filter(person=viewer, initiative__pillar__plan=plan).values_list(
            "initiative_id", flat=True
        )
    )
    latest = _latest_updates(Post.objects.visible_to(viewer).filter(initiative__pillar__plan=plan))
    for initiative in initiatives:
        sections[initiative.pillar_id].cards.append(
            InitiativeCard(
                initiative=initiative,
                latest_update=latest.get(initiative.pk),
                answered=initiative.pk in answered,
            )
        )
    return list(sections.values())


# ---- One initiative ------------------------------------------------------------------------


def get_initiative_or_404(slug: str) -> Initiative:
    initiative = (
        Initiative.objects.select_related("pillar__plan", "owner", "thread")
        .filter(slug=slug)
        .first()
    )
    if initiative is None:
        raise Http404(_("There is no initiative at that address."))
    return initiative


def viewer_response(*, initiative: Initiative, viewer: Person) -> InitiativeResponse | None:
    return InitiativeResponse.objects.filter(initiative=initiative, person=viewer).first()


def progress_updates(
    *, initiative: Initiative, viewer: Person, limit: int = PROGRESS_UPDATES_SHOWN
) -> list[Post]:
    """The newest progress updates (posts linked to the initiative) the viewer may see, with
    their cards rendered as the channels show them (`post.card_html`, cached by the posts'
    versions: one cache read for them all)."""
    from staffroom.channels.queries import attach_card_html, with_card_fields

    updates = list(
        with_card_fields(Post.objects.visible_to(viewer).filter(initiative=initiative)).order_by(
            "-published_at", "-id"
        )[:limit]
    )
    attach_card_html(updates)
    return updates


# The ideas box builds on the plan (an idea may name an initiative), so the initiative reads
# its ideas through the reverse relation and imports nothing from it.
INITIATIVE_IDEAS_SHOWN = 6


@dataclass(frozen=True)
class InitiativeIdeas:
    ideas: list[Any]
    has_more: bool


def initiative_ideas(
    *, initiative: Initiative, limit: int = INITIATIVE_IDEAS_SHOWN
) -> InitiativeIdeas:
    """The most-voted ideas staff linked to the initiative (shown ones only: not held,
    hidden or merged away): one query."""
    ideas = list(
        initiative.ideas.filter(visibility=Visibility.VISIBLE, merged_into__isnull=True)
        # What the list shows: a link, the status and the votes (not the idea's texts).
        .only("id", "title", "status", "vote_count", "initiative_id")
        .order_by("-vote_count", "-id")[: limit + 1]
    )
    return InitiativeIdeas(ideas=ideas[:limit], has_more=len(ideas) > limit)


# ---- Results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BarSegment:
    answer: int
    count: int
    percent: int
    x: float
    width: float


@dataclass(frozen=True)
class QuestionStats:
    """Answers to one question in one group: counts of 1…5."""

    counts: tuple[int, int, int, int, int]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def agree_percent(self) -> int:
        """Share answering 4 or 5 ("agree" or "strongly agree"), in whole percent."""
        return round(100 * (self.counts[3] + self.counts[4]) / self.total) if self.total else 0

    @property
    def mean(self) -> float:
        if not self.total:
            return 0.0
        return round(sum(v * n for v, n in zip(SCALE, self.counts, strict=True)) / self.total, 1)

    @property
    def segments(self) -> list[BarSegment]:
        """The distribution as a 100-unit bar: one segment per answer, for an SVG."""
        segments, x = [], 0.0
        for answer, count in zip(SCALE, self.counts, strict=True):
            width = 100 * count / self.total if self.total else 0.0
            segments.append(
                BarSegment(
                    answer=answer,
                    count=count,
                    percent=round(width),
                    x=round(x, 2),
                    width=round(width, 2),
                )
            )
            x += width
        return segments


@dataclass(frozen=True)
class GroupResult:
    """One row of results. A hidden row carries its name only: no count, no answers."""

    label: str
    answers: int | None
    understanding: QuestionStats | None
    support: QuestionStats | None
    # "" when shown; "small" under the minimum size; "protects" hidden so that a small group
    # can't be worked out from the others.
    hidden_because: str = ""

    @property
    def is_hidden(self) -> bool:
        return bool(self.hidden_because)


@dataclass(frozen=True)
class _Counts:
    label: str
    understanding: tuple[int, int, int, int, int]
    support: tuple[int, int, int, int, int]

    @property
    def size(self) -> int:
        return sum(self.understanding)


def _counts_of(row: InitiativeResult, label: str) -> _Counts:
    return _Counts(
        label=label,
        understanding=(row.u1, row.u2, row.u3, row.u4, row.u5),
        support=(row.s1, row.s2, row.s3, row.s4, row.s5),
    )


def _add(a: _Counts, b: _Counts) -> _Counts:
    return _Counts(
        label=a.label,
        understanding=tuple(x + y for x, y in zip(a.understanding, b.understanding, strict=True)),  # type: ignore[arg-type]  # always five
        support=tuple(x + y for x, y in zip(a.support, b.support, strict=True)),  # type: ignore[arg-type]  # always five
    )


def _shown(counts: _Counts) -> GroupResult:
    return GroupResult(
        label=counts.label,
        answers=counts.size,
        understanding=QuestionStats(counts.understanding),
        support=QuestionStats(counts.support),
    )


def _hidden(counts: _Counts, because: str) -> GroupResult:
    return GroupResult(
        label=counts.label, answers=None, understanding=None, support=None, hidden_because=because
    )


def protect_small_groups(groups: Sequence[_Counts], minimum: int) -> list[GroupResult]:
    """Hide every group under `minimum` answers, and enough more that they stay hidden.

    The groups of one breakdown add up to the overall row. If the hidden groups together had
    fewer than `minimum` answers, subtracting the shown groups from the overall row would give
    away a small group's answers; so the smallest shown groups are hidden too ("secondary
    suppression") until the hidden ones together reach the minimum.
    """
    present = [g for g in groups if g.size > 0]
    small = [g for g in present if g.size < minimum]
    large = sorted((g for g in present if g.size >= minimum), key=lambda g: (g.size, g.label))
    protecting: list[_Counts] = []
    hidden_total = sum(g.size for g in small)
    while small and hidden_total < minimum and large:
        extra = large.pop(0)
        protecting.append(extra)
        hidden_total += extra.size
    rows = (
        [_hidden(g, "small") for g in small]
        + [_hidden(g, "protects") for g in protecting]
        + [_shown(g) for g in large]
    )
    return sorted(rows, key=lambda row: row.label.casefold())


@dataclass(frozen=True)
class InitiativeResults:
    min_group_size: int
    overall: GroupResult
    departments: list[GroupResult]
    job_families: list[GroupResult]


def _names(model: type[Model], ids: Iterable[int]) -> dict[int, str]:
    objects: QuerySet[Model] = model._default_manager.filter(pk__in=set(ids))
    if model is Department:
        objects = objects.select_related("site")
    return {obj.pk: str(obj) for obj in objects}


def _breakdown(
    rows: list[InitiativeResult], model: type[Model], not_recorded: str, minimum: int
) -> list[GroupResult]:
    names = _names(model, (row.group_id for row in rows if row.group_id))
    merged: dict[int, _Counts] = {}
    for row in rows:
        # A group no longer in the directory joins "not recorded": one row, one name.
        key = row.group_id if row.group_id in names else 0
        counts = _counts_of(row, names.get(key, not_recorded))
        merged[key] = _add(merged[key], counts) if key in merged else counts
    return protect_small_groups(list(merged.values()), minimum)


def initiative_results(*, initiative: Initiative) -> InitiativeResults:
    """Overall, by department and by job family (three queries at any size)."""
    minimum = min_group_size()
    by_group: dict[str, list[InitiativeResult]] = defaultdict(list)
    for row in InitiativeResult.objects.filter(initiative=initiative):
        by_group[row.group].append(row)
    everyone = by_group[InitiativeResult.Group.EVERYONE]
    overall_counts = (
        _counts_of(everyone[0], _("Everyone"))
        if everyone
        else _Counts(_("Everyone"), (0, 0, 0, 0, 0), (0, 0, 0, 0, 0))
    )
    overall = (
        _shown(overall_counts)
        if overall_counts.size >= minimum
        else _hidden(overall_counts, "small")
    )
    if overall.is_hidden:
        # Too few answers overall: no breakdown can be shown either.
        return InitiativeResults(minimum, overall, [], [])
    return InitiativeResults(
        min_group_size=minimum,
        overall=overall,
        departments=_breakdown(
            by_group[InitiativeResult.Group.DEPARTMENT],
            Department,
            _("No department recorded"),
            minimum,
        ),
        job_families=_breakdown(
            by_group[InitiativeResult.Group.JOB_FAMILY],
            JobFamily,
            _("No job family recorded"),
            minimum,
        ),
    )


@dataclass(frozen=True)
class InitiativeSummary:
    initiative: Initiative
    overall: GroupResult


@dataclass(frozen=True)
class PillarSummary:
    pillar: Pillar
    initiatives: list[InitiativeSummary] = field(default_factory=list)


def plan_results(*, plan: Plan) -> list[PillarSummary]:
    """Every initiative's overall understanding and support (three queries at any size)."""
    minimum = min_group_size()
    sections = {p.pk: PillarSummary(p) for p in plan.pillars.order_by("position", "id")}
    initiatives = list(
        Initiative.objects.filter(pillar__plan=plan).order_by("pillar_id", "position", "id")
    )
    overall = {
        row.initiative_id: row
        for row in InitiativeResult.objects.filter(
            initiative__pillar__plan=plan, group=InitiativeResult.Group.EVERYONE
        )
    }
    for initiative in initiatives:
        row = overall.get(initiative.pk)
        counts = (
            _counts_of(row, _("Everyone"))
            if row
            else _Counts(_("Everyone"), (0, 0, 0, 0, 0), (0, 0, 0, 0, 0))
        )
        result = _shown(counts) if counts.size >= minimum else _hidden(counts, "small")
        sections[initiative.pillar_id].initiatives.append(InitiativeSummary(initiative, result))
    return list(sections.values())
