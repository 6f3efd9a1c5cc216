"""Reads of campaigns and impact, each with a fixed number of queries: the campaign list,
one campaign's audience and its results grouped by decision.

(The campaign's own board is `queries.board_page` with `BoardFilters(campaign_id=…)`.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from staffroom.accounts.models import Person
from staffroom.core.pagination import KeysetPage, keyset_page
from staffroom.ideas.campaigns import campaigns_inviting
from staffroom.ideas.models import Campaign, Idea, Response, Status

# Open and upcoming campaigns are few (leadership runs a handful at a time); the list shows
# at most this many of each, and the closed ones a page at a time.
OPEN_SHOWN = 50
CLOSED_PAGE_SIZE = 20
# The results page shows the most-voted ideas of each decision; "see all" opens the
# campaign's board filtered by that status.
RESULTS_PER_GROUP = 20


def get_campaign_or_404(slug: str) -> Campaign:
    campaign = Campaign.objects.select_related("initiative").filter(slug=slug).first()
    if campaign is None:
        raise Http404(_("There is no campaign at that address."))
    return campaign


@dataclass(frozen=True)
class CampaignList:
    asking_you: list[Campaign]
    open_for_others: list[Campaign]
    upcoming: list[Campaign]
    closed: KeysetPage[Campaign]


def campaign_list(*, viewer: Person, cursor: str | None = None) -> CampaignList:
    """Open campaigns that ask the viewer (closing soonest first), other open ones, those
    coming up, then the closed ones newest first, a page at a time: four queries."""
    now = timezone.now()
    asking = campaigns_inviting(viewer)
    open_now = Campaign.objects.open_at(now).order_by("closes_at", "id")
    return CampaignList(
        asking_you=list(open_now.filter(asking)[:OPEN_SHOWN]),
        open_for_others=list(open_now.exclude(asking)[:OPEN_SHOWN]),
        upcoming=list(
            Campaign.objects.filter(opens_at__gt=now).order_by("opens_at", "id")[:OPEN_SHOWN]
        ),
        closed=keyset_page(
            Campaign.objects.filter(closes_at__lte=now),
            ordering=("-closes_at", "-id"),
            cursor=cursor,
            limit=CLOSED_PAGE_SIZE,
        ),
    )


@dataclass(frozen=True)
class Audience:
    sites: list[str]
    departments: list[str]
    job_families: list[str]

    @property
    def everyone(self) -> bool:
        return not (self.sites or self.departments or self.job_families)


def campaign_audience(campaign: Campaign) -> Audience:
    """Who the campaign asks, by name (three queries when it is narrowed, none otherwise)."""
    if not campaign.audience_restricted:
        return Audience([], [], [])
    return Audience(
        sites=[s.name for s in campaign.audience_sites.order_by("name")],
        departments=[d.name for d in campaign.audience_departments.order_by("name")],
        job_families=[f.name for f in campaign.audience_job_families.order_by("name")],
    )


# --- Results --------------------------------------------------------------------------------

# The decisions, in the order the results page shows them: (key, status, answered, label).
# An idea still New is split by whether a reviewer has answered it (first_response_at): a
# response without a status change leaves it New, but it is answered all the same. Duplicates
# were merged into the ideas they repeat, so they are not shown on their own.
RESULT_GROUPS: tuple[tuple[str, str, bool | None, object], ...] = (
    ("implemented", Status.IMPLEMENTED, None, gettext_lazy("Implemented")),
    ("accepted", Status.ACCEPTED, None, gettext_lazy("Accepted")),
    ("in-progress", Status.IN_PROGRESS, None, gettext_lazy("In progress")),
    ("under-review", Status.UNDER_REVIEW, None, gettext_lazy("Under review")),
    ("not-planned", Status.NOT_PLANNED, None, gettext_lazy("Not planned")),
    ("answered", Status.NEW, True, gettext_lazy("Answered, no decision yet")),
    ("unanswered", Status.NEW, False, gettext_lazy("Not yet answered")),
)


@dataclass
class ResultGroup:
    key: str  # unique on the page (its heading's id)
    status: str  # the campaign board's filter that holds these ideas (and maybe others)
    label: object
    total: int
    ideas: list[Idea] = field(default_factory=list)
    # False when the group is part of its status (New, answered or not): the board filtered
    # by that status shows more than this group.
    whole_status: bool = True

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.ideas))


def _with_latest_response(ideas: QuerySet[Idea]) -> QuerySet[Idea]:
    latest = Response.objects.filter(idea_id=OuterRef("pk")).order_by("-created_at", "-id")
    return ideas.annotate(latest_response_id=Subquery(latest.values("id")[:1]))


def campaign_results(*, campaign: Campaign) -> list[ResultGroup]:
    """The campaign's shown ideas grouped by decision, most-voted first, each with its latest
    response (`idea.latest_response`): at most nine queries (the totals, one per group, the
    responses), whatever the numbers of ideas and responses. Groups with no ideas are left
    out."""
    shown = Idea.objects.shown().filter(campaign_id=campaign.pk)
    counted = (
        shown.order_by()
        .values("status")
        .annotate(n=Count("id"), answered=Count("id", filter=Q(first_response_at__isnull=False)))
    )
    totals = {row["status"]: (row["n"], row["answered"]) for row in counted}
    groups: list[ResultGroup] = []
    ideas: list[Idea] = []
    for key, status, answered, label in RESULT_GROUPS:
        n, n_answered = totals.get(status, (0, 0))
        members_of = shown.filter(status=status)
        if answered is None:
            total = n
        else:
            total = n_answered if answered else n - n_answered
            members_of = members_of.filter(first_response_at__isnull=not answered)
        if not total:
            continue
        members = list(
            _with_latest_response(members_of)
            .select_related("category", "department")
            .order_by("-vote_count", "-id")[:RESULTS_PER_GROUP]
        )
        groups.append(
            ResultGroup(
                key=key,
                status=status,
                label=label,
                total=total,
                ideas=members,
                whole_status=answered is None,
            )
        )
        ideas.extend(members)
    wanted = [i.latest_response_id for i in ideas if i.latest_response_id]  # type: ignore[attr-defined]  # annotated above
    responses = {
        r.pk: r for r in Response.objects.filter(pk__in=wanted).select_related("responder")
    }
    for idea in ideas:
        idea.latest_response = responses.get(idea.latest_response_id)  # type: ignore[attr-defined]  # for the template
    return groups
