"""What goes in one person's digest for one period, at a handful of queries per person.

Rendering 80,000 weekly digests in under ten minutes leaves a few milliseconds for each, so
what is the same for everyone is read once per period and process (`shared_for`): the
period's posts with their audiences and engagement counters, the reviewers' responses to
ideas, the open campaigns, which site each department belongs to and which channels everyone
follows by default. Per person the digest then costs four indexed queries (whether the shared
part is still current, the person's channel choices, the ideas they proposed, voted for or
follow that moved, and whether what was picked is still shown and unedited), and the rules
run in Python on the shared lists — the same rules as `channels.audience`, `ideas.campaigns` and
`channels.queries.followed_channel_ids`, tested against them. Building a query with the ORM
costs more than running it here, so the per-person queries are compiled once per period by
the ORM and then run with the person's id (`Prepared`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection
from django.db.models import IntegerField, Q, QuerySet, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext

from staffroom.channels.models import Channel, ChannelFollow, Post
from staffroom.core.models import Visibility
from staffroom.ideas.models import Campaign, Follow, Idea, Response, Status, Vote
from staffroom.mail.digest.periods import Period
from staffroom.organisation.models import Department

if TYPE_CHECKING:
    from staffroom.accounts.models import Person

LETS_TALK_LIMIT = 3
NEWS_LIMIT = 5
IDEA_UPDATES_LIMIT = 10
CAMPAIGNS_LIMIT = 3
# Posts kept per channel: enough that a person outside some posts' audiences still gets
# their channel's top few.
CANDIDATES_PER_CHANNEL = 10
EXCERPT_CHARACTERS = 220
# The shared part is rebuilt at least this often, so engagement counters stay fresh.
SHARED_SECONDS = 300

LIVE_STATUSES = (Post.Status.PUBLISHED, Post.Status.SCHEDULED)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@dataclass(frozen=True)
class Audience:
    """Who an item is for (ids); an empty list doesn't narrow (channels.audience)."""

    sites: frozenset[int]
    departments: frozenset[int]
    job_families: frozenset[int]

    def includes(self, site_id: int | None, department_id: int | None, family: int | None) -> bool:
        return (
            (not self.sites or site_id in self.sites)
            and (not self.departments or department_id in self.departments)
            and (not self.job_families or family in self.job_families)
        )


@dataclass(frozen=True)
class Edited:
    """When a post's or idea's row last changed: `updated_at` moves on every save, `version`
    on every edit made with a queryset update (privacy release, purge, sharing)."""

    updated_at: datetime
    version: int


@dataclass(frozen=True)
class NewsItem:
    pk: int
    title: str
    summary: str
    url: str
    channel_id: int
    channel_name: str
    is_lets_talk: bool
    published_at: datetime
    comments: int
    reactions: int
    reach: int
    audience: Audience | None  # None: for everyone
    # The post's row when its words were read: a digest re-checks it (`_still_shown`).
    edited: Edited

    @property
    def rank(self) -> tuple[int, int, datetime, int]:
        """Engagement first (comments and reactions), then people reached, then newest."""
        return (self.comments + self.reactions, self.reach, self.published_at, self.pk)


@dataclass(frozen=True)
class IdeaUpdate:
    """The latest response to an idea in the period (reviewers answer in their own name;
    the idea's author is never part of this)."""

    idea_id: int
    title: str
    url: str
    to_status: str
    changed_status: bool
    responder: str
    excerpt: str
    responded_at: datetime
    responses: int
    edited: Edited  # the idea's row when its title was read

    @property
    def status_label(self) -> str:
        return str(Status(self.to_status).label)


class Relation:
    PROPOSED = 1
    VOTED = 2
    FOLLOWED = 3


@dataclass(frozen=True)
class PersonalUpdate:
    update: IdeaUpdate
    relation: int

    @property
    def why(self) -> str:
        if self.relation == Relation.PROPOSED:
            return gettext("Your idea")
        if self.relation == Relation.VOTED:
            return gettext("You voted for this idea")
        return gettext("You follow this idea")


@dataclass(frozen=True)
class OpenCampaign:
    pk: int
    title: str
    url: str
    opens_at: datetime
    closes_at: datetime
    audience: Audience | None


@dataclass
class Shared:
    version: tuple[object, ...]
    built_at: float
    news_by_channel: dict[int, list[NewsItem]]
    # Restricted posts, wherever written: they reach the people they target (as the home
    # feed does), followed channel or not.
    targeted: list[NewsItem]
    updates: dict[int, IdeaUpdate]
    campaigns: list[OpenCampaign]
    department_sites: dict[int, int]
    # Followed by everyone (Let's Talk, mandatory channels): no one can unfollow them.
    always_followed: frozenset[int]
    department_channels: dict[int, int]  # department id -> its channel id
    # Rendered pieces (a news item in Spanish…), the same in every digest that shows them.
    fragments: dict[tuple[object, ...], tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Digest:
    person: Person
    period: Period
    lets_talk: list[NewsItem] = field(default_factory=list)
    news: list[NewsItem] = field(default_factory=list)
    idea_updates: list[PersonalUpdate] = field(default_factory=list)
    campaigns: list[OpenCampaign] = field(default_factory=list)
    # The shared part's cache of rendered pieces (see render.py).
    fragments: dict[tuple[object, ...], tuple[str, str]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def new_campaigns(self) -> list[OpenCampaign]:
        return [c for c in self.campaigns if c.opens_at >= self.period.starts_at]

    @property
    def news_count(self) -> int:
        return len(self.lets_talk) + len(self.news)

    @property
    def is_empty(self) -> bool:
        """Nothing new: no news, no idea updates, no campaign opened since the period
        began. Campaigns still open are listed only beside something new."""
        return not (self.lets_talk or self.news or self.idea_updates or self.new_campaigns)


# --- The shared part, once per period and process ------------------------------------------

_lock = threading.Lock()
_shared: dict[tuple[str, str], Shared] = {}


def forget_shared() -> None:
    with _lock:
        _shared.clear()
        _prepared.clear()


def _version() -> tuple[object, ...]:
    """What changes when the shared part may have: newer posts, responses or campaigns.
    One query on indexes (and the handful of campaigns). Creation times beside the ids:
    SQLite may give a new row the id of a deleted one (a test's rolled-back rows)."""
    post = Post._meta.db_table
    response = Response._meta.db_table
    campaign = Campaign._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {post}), (SELECT MAX(created_at) FROM {post}), "  # noqa: S608  # table names from models
            f"(SELECT MAX(id) FROM {response}), (SELECT MAX(created_at) FROM {response}), "
            f"(SELECT MAX(updated_at) FROM {campaign}), (SELECT COUNT(*) FROM {campaign})"
        )
        row = cursor.fetchone()
    return tuple(row or ())


def shared_for(period: Period, *, rebuild: bool = False) -> Shared:
    """The period's shared part: cached, or read again when something new was written, when
    it is `SHARED_SECONDS` old, or when asked (`rebuild`: a picked item's words changed)."""
    key = (period.frequency, period.start.isoformat())
    version = _version()
    with _lock:
        found = _shared.get(key)
        if (
            not rebuild
            and found is not None
            and found.version == version
            and time.monotonic() - found.built_at < SHARED_SECONDS
        ):
            return found
    built = _build_shared(period, version)
    with _lock:
        # Periods are few at a time (this week's, maybe yesterday's): keep the latest two.
        for old in list(_shared)[:-1]:
            if old != key:
                del _shared[old]
        _shared[key] = built
    return built


def _audiences(model: type[Post] | type[Campaign], ids: list[int]) -> dict[int, Audience]:
    """The audience lists of these items, in three queries (none when `ids` is empty)."""
    if not ids:
        return {}
    owner = "post_id" if model is Post else "campaign_id"
    lists: dict[str, dict[int, set[int]]] = {}
    for relation, column in (
        ("audience_sites", "site_id"),
        ("audience_departments", "department_id"),
        ("audience_job_families", "jobfamily_id"),
    ):
        through = getattr(model, relation).through
        found: dict[int, set[int]] = {}
        for owner_id, target in through.objects.filter(**{f"{owner}__in": ids}).values_list(
            owner, column
        ):
            found.setdefault(owner_id, set()).add(target)
        lists[relation] = found
    return {
        pk: Audience(
            sites=frozenset(lists["audience_sites"].get(pk, ())),
            departments=frozenset(lists["audience_departments"].get(pk, ())),
            job_families=frozenset(lists["audience_job_families"].get(pk, ())),
        )
        for pk in ids
    }


def _build_shared(period: Period, version: tuple[object, ...]) -> Shared:
    now = timezone.now()
    posts = list(
        Post.objects.filter(
            status__in=LIVE_STATUSES,
            published_at__gte=period.starts_at,
            published_at__lt=min(period.ends_at, now),
            visibility=Visibility.VISIBLE,
            channel__is_archived=False,
        )
        .select_related("channel", "thread")
        .only(
            "pk",
            "title",
            "summary",
            "published_at",
            "reach_count",
            "audience_restricted",
            "updated_at",
            "version",
            "channel__name",
            "channel__kind",
            "thread__comment_count",
            "thread__reaction_total",
        )
    )
    audiences = _audiences(Post, [p.pk for p in posts if p.audience_restricted])
    items = [
        NewsItem(
            pk=post.pk,
            title=post.title,
            summary=post.summary,
            url=absolute(post.get_absolute_url()),
            channel_id=post.channel_id,
            channel_name=post.channel.name,
            is_lets_talk=post.channel.kind == Channel.Kind.LEADERSHIP,
            published_at=post.published_at or now,
            comments=post.thread.comment_count,
            reactions=post.thread.reaction_total,
            reach=post.reach_count,
            audience=audiences.get(post.pk),
            edited=Edited(post.updated_at, post.version),
        )
        for post in posts
    ]
    items.sort(key=lambda item: item.rank, reverse=True)
    by_channel: dict[int, list[NewsItem]] = {}
    targeted: list[NewsItem] = []
    for item in items:
        if item.audience is not None:
            targeted.append(item)
        kept = by_channel.setdefault(item.channel_id, [])
        if len(kept) < CANDIDATES_PER_CHANNEL:
            kept.append(item)

    updates: dict[int, IdeaUpdate] = {}
    responses = (
        Response.objects.filter(
            created_at__gte=period.starts_at,
            created_at__lt=period.ends_at,
            idea__visibility=Visibility.VISIBLE,
        )
        .select_related("idea", "responder")
        .only(
            "pk",
            "created_at",
            "from_status",
            "to_status",
            "message_html",
            "idea__id",
            "idea__title",
            "idea__updated_at",
            "idea__version",
            "responder__first_name",
            "responder__last_name",
            "responder__preferred_name",
            "responder__erased_at",
        )
        .order_by("created_at", "pk")
    )
    counts: dict[int, int] = {}
    changed: set[int] = set()
    for response in responses:
        idea_id = response.idea_id
        counts[idea_id] = counts.get(idea_id, 0) + 1
        if response.changed_status:
            changed.add(idea_id)
        updates[idea_id] = IdeaUpdate(
            idea_id=idea_id,
            title=response.idea.title,
            url=absolute(reverse("ideas:idea", kwargs={"pk": idea_id})),
            to_status=response.to_status,
            changed_status=idea_id in changed,
            responder=response.responder.display_name,
            excerpt=Truncator(strip_tags(response.message_html).strip()).chars(EXCERPT_CHARACTERS),
            responded_at=response.created_at,
            responses=counts[idea_id],
            edited=Edited(response.idea.updated_at, response.idea.version),
        )

    campaigns = list(Campaign.objects.open_at(now).order_by("closes_at", "pk"))
    campaign_audiences = _audiences(Campaign, [c.pk for c in campaigns if c.audience_restricted])
    open_campaigns = [
        OpenCampaign(
            pk=c.pk,
            title=c.title,
            url=absolute(c.get_absolute_url()),
            opens_at=c.opens_at,
            closes_at=c.closes_at,
            audience=campaign_audiences.get(c.pk),
        )
        for c in campaigns
    ]
    department_sites = dict(Department.objects.values_list("pk", "site_id"))
    always_followed = frozenset(
        Channel.objects.filter(Q(kind=Channel.Kind.LEADERSHIP) | Q(is_mandatory=True)).values_list(
            "pk", flat=True
        )
    )
    department_channels = dict(
        Channel.objects.filter(department__isnull=False).values_list("department_id", "pk")
    )
    return Shared(
        version=version,
        built_at=time.monotonic(),
        news_by_channel=by_channel,
        targeted=targeted,
        updates=updates,
        campaigns=open_campaigns,
        department_sites=department_sites,
        always_followed=always_followed,
        department_channels=department_channels,
    )


# --- One person's digest -------------------------------------------------------------------


# A person id no real row has: compiled into the prepared queries, swapped for the real id.
PERSON_ID = -7_654_321


class Prepared:
    """A query compiled once by the ORM (per period and process) and run with a person's id
    in place of `PERSON_ID`: the same SQL the ORM would send, without building it again."""

    def __init__(self, queryset: QuerySet[Any]) -> None:
        sql, params = queryset.query.get_compiler(connection=connection).as_sql()
        self.sql = sql
        self.params = list(params)
        self.slots = [n for n, value in enumerate(self.params) if value == PERSON_ID]
        if not self.slots:
            raise ValueError("The query doesn't use the person's id")

    def rows(self, person_id: int) -> list[tuple[Any, ...]]:
        params = list(self.params)
        for slot in self.slots:
            params[slot] = person_id
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            return list(cursor.fetchall())


_prepared: dict[tuple[str, str, str, str], Prepared] = {}


def prepare(name: str, period: Period, build: Callable[[], QuerySet[Any]]) -> Prepared:
    key = (connection.alias, name, period.frequency, period.start.isoformat())
    found = _prepared.get(key)
    if found is None:
        found = Prepared(build())
        with _lock:
            if len(_prepared) > 16:
                _prepared.clear()
            _prepared[key] = found
    return found


def _channel_choices_query() -> QuerySet[Any]:
    return ChannelFollow.objects.filter(person_id=PERSON_ID).values_list("channel_id", "following")


def followed_channels(person: Person, shared: Shared, period: Period) -> set[int]:
    """The channels `person` follows (channels.queries.followed_channel_ids), from the shared
    defaults and one query for their own choices."""
    followed = set(shared.always_followed)
    own = shared.department_channels.get(person.department_id) if person.department_id else None
    choices = dict(prepare("channel_choices", period, _channel_choices_query).rows(person.pk))
    if own is not None and choices.get(own, True):
        followed.add(own)
    followed.update(channel for channel, following in choices.items() if following)
    return followed


def _idea_relations_query(since: datetime) -> QuerySet[Any]:
    number: IntegerField[int, int] = IntegerField()
    proposed = Idea.objects.filter(author_id=PERSON_ID, last_activity_at__gte=since).values_list(
        "pk", Value(Relation.PROPOSED, output_field=number)
    )
    voted = Vote.objects.filter(person_id=PERSON_ID, idea__last_activity_at__gte=since).values_list(
        "idea_id", Value(Relation.VOTED, output_field=number)
    )
    followed = Follow.objects.filter(
        person_id=PERSON_ID, idea__last_activity_at__gte=since
    ).values_list("idea_id", Value(Relation.FOLLOWED, output_field=number))
    return proposed.union(voted, followed, all=True)


def _idea_relations(person: Person, period: Period) -> dict[int, int]:
    """The ideas `person` proposed, voted for or follows that had any activity since the
    period began (a superset of those answered in it), in one query."""
    query = prepare("idea_relations", period, lambda: _idea_relations_query(period.starts_at))
    relations: dict[int, int] = {}
    for idea_id, relation in query.rows(person.pk):
        relations[idea_id] = min(relation, relations.get(idea_id, relation))
    return relations


def _as_datetime(value: datetime | str) -> datetime:
    """A timestamp from a raw cursor, as the ORM reads it (SQLite gives naive UTC text)."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        raise ValueError(f"Not a timestamp: {value!r}")
    return timezone.make_aware(moment, UTC) if timezone.is_naive(moment) else moment


def _still_shown(
    post_ids: list[int], idea_ids: list[int]
) -> tuple[dict[int, Edited], dict[int, Edited]]:
    """Which of the picked posts and ideas are still shown now, and when each last changed
    (one query on primary keys): the shared part may be minutes old, a post held for patient
    information must not go out, and neither may words its author has since taken out."""
    if not post_ids and not idea_ids:
        return {}, {}
    post_table = connection.ops.quote_name(Post._meta.db_table)
    idea_table = connection.ops.quote_name(Idea._meta.db_table)
    # Written out, not built with the ORM: its length varies with the lists (see Prepared).
    parts = []
    params: list[int | str] = []
    if post_ids:
        marks = ", ".join(["%s"] * len(post_ids))
        parts.append(
            f"SELECT id, 0, updated_at, version FROM {post_table} WHERE id IN ({marks}) "  # noqa: S608  # names from models, values as parameters
            "AND status IN (%s, %s) AND visibility = %s"
        )
        params += [*post_ids, *(str(s) for s in LIVE_STATUSES), str(Visibility.VISIBLE)]
    if idea_ids:
        marks = ", ".join(["%s"] * len(idea_ids))
        parts.append(
            f"SELECT id, 1, updated_at, version FROM {idea_table} "  # noqa: S608
            f"WHERE id IN ({marks}) AND visibility = %s"
        )
        params += [*idea_ids, str(Visibility.VISIBLE)]
    shown_posts: dict[int, Edited] = {}
    shown_ideas: dict[int, Edited] = {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for pk, which, updated_at, version in cursor.fetchall():
            (shown_ideas if which else shown_posts)[pk] = Edited(_as_datetime(updated_at), version)
    return shown_posts, shown_ideas


def build_digest(person: Person, period: Period) -> Digest:
    """`person`'s digest for `period`: top news they may see from the channels they follow
    and Let's Talk, responses to their ideas, and the open campaigns that ask them.

    A picked post or idea edited since the shared part read it (a summary cleared of patient
    information) makes the shared part be read again, so the digest carries its current
    words; one edited yet again meanwhile is left out rather than shown with old words."""
    digest, stale = _digest_from(person, period, shared_for(period))
    if stale:
        digest, _ = _digest_from(person, period, shared_for(period, rebuild=True))
    return digest


def _digest_from(person: Person, period: Period, shared: Shared) -> tuple[Digest, bool]:
    """The digest from this shared part, with only what is still shown and unchanged since
    the shared part read it; and whether something picked had changed."""
    department_id = person.department_id
    site_id = shared.department_sites.get(department_id) if department_id else None
    family_id = person.job_family_id

    def sees(audience: Audience | None) -> bool:
        return audience is None or audience.includes(site_id, department_id, family_id)

    followed = followed_channels(person, shared, period)
    candidates: dict[int, NewsItem] = {}
    for channel_id in followed:
        for item in shared.news_by_channel.get(channel_id, ()):
            if sees(item.audience):
                candidates[item.pk] = item
    for item in shared.targeted:
        if item.pk not in candidates and sees(item.audience):
            candidates[item.pk] = item
    ranked = sorted(candidates.values(), key=lambda item: item.rank, reverse=True)
    lets_talk = [item for item in ranked if item.is_lets_talk][:LETS_TALK_LIMIT]
    news = [item for item in ranked if not item.is_lets_talk][:NEWS_LIMIT]

    updates: list[PersonalUpdate] = []
    if shared.updates:
        relations = _idea_relations(person, period)
        updates = [
            PersonalUpdate(update=shared.updates[idea_id], relation=relation)
            for idea_id, relation in relations.items()
            if idea_id in shared.updates
        ]
        updates.sort(key=lambda u: (u.relation, -u.update.responded_at.timestamp()))
        updates = updates[:IDEA_UPDATES_LIMIT]

    shown_posts, shown_ideas = _still_shown(
        [item.pk for item in (*lets_talk, *news)], [u.update.idea_id for u in updates]
    )
    stale = any(
        item.pk in shown_posts and shown_posts[item.pk] != item.edited
        for item in (*lets_talk, *news)
    ) or any(
        u.update.idea_id in shown_ideas and shown_ideas[u.update.idea_id] != u.update.edited
        for u in updates
    )
    campaigns = [c for c in shared.campaigns if sees(c.audience)][:CAMPAIGNS_LIMIT]
    digest = Digest(
        person=person,
        period=period,
        lets_talk=[item for item in lets_talk if shown_posts.get(item.pk) == item.edited],
        news=[item for item in news if shown_posts.get(item.pk) == item.edited],
        idea_updates=[u for u in updates if shown_ideas.get(u.update.idea_id) == u.update.edited],
        campaigns=campaigns,
        fragments=shared.fragments,
    )
    return digest, stale
