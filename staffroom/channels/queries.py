"""Page-shaped reads of channels and posts, each with a fixed number of queries.

Every list of posts goes through `Post.objects.visible_to(viewer)` (the audience rule) and
keyset pagination on (published_at, id): "load more" costs the same on the first page and the
five-hundredth, and nobody ever sees a post meant for someone else.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from staffroom.channels.models import Channel, ChannelEditor, ChannelFollow, Post, PostReach, Tag
from staffroom.core.models import Visibility
from staffroom.core.pagination import KeysetPage, keyset_page
from staffroom.organisation.models import Department, Site, Unit

if TYPE_CHECKING:
    from staffroom.accounts.models import Person
    from staffroom.privacy.models import PrivacyHold

FEED_PAGE_SIZE = 20
CHANNEL_PAGE_SIZE = 20
CHANNEL_LIST_PAGE_SIZE = 40
# Pinned posts shown above the first page of the home feed (the newest pins win).
FEED_PINNED_LIMIT = 3
# Pinned posts shown above a channel's first page.
CHANNEL_PINNED_LIMIT = 5
DRAFTS_LIMIT = 50
POST_ORDER = ("-published_at", "-id")
CHANNEL_ORDER = ("name", "id")


def is_mandatory(channel: Channel) -> bool:
    """Everyone follows Let's Talk and channels an admin marked mandatory; nobody unfollows."""
    return channel.kind == Channel.Kind.LEADERSHIP or channel.is_mandatory


def followed_channel_ids(person: Person) -> set[int]:
    """The channels `person` follows: defaults plus their explicit choices (one query, memoised).

    Defaults: Let's Talk and mandatory channels (always), and the person's own department's
    channel (until they unfollow it). A ChannelFollow row overrides the default of any channel
    that isn't mandatory.
    """
    cached: set[int] | None = getattr(person, "_followed_channel_ids", None)
    if cached is not None:
        return cached
    choices = ChannelFollow.objects.filter(person_id=person.pk)
    choice = choices.filter(channel_id=OuterRef("pk")).values("following")[:1]
    department_id = person.department_id
    candidates = Q(kind=Channel.Kind.LEADERSHIP) | Q(is_mandatory=True)
    if department_id is not None:
        candidates |= Q(department_id=department_id)
    candidates |= Q(pk__in=choices.values("channel_id"))
    rows = (
        Channel.objects.filter(candidates)
        .annotate(choice=Subquery(choice))
        .values_list("pk", "kind", "is_mandatory", "department_id", "choice")
    )
    followed: set[int] = set()
    for pk, kind, mandatory, channel_department_id, chosen in rows:
        if kind == Channel.Kind.LEADERSHIP or mandatory:
            followed.add(pk)
        elif chosen is not None:
            if chosen:
                followed.add(pk)
        elif department_id is not None and channel_department_id == department_id:
            followed.add(pk)
    person._followed_channel_ids = followed  # type: ignore[attr-defined]  # per-request memo
    return followed


def forget_followed_channels(person: Person) -> None:
    """Drop the memo after a follow or unfollow, so the same request sees the change."""
    if hasattr(person, "_followed_channel_ids"):
        del person._followed_channel_ids


# --- Lists of posts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PostList:
    """A page of post cards: pinned ones (first page only), the page, and which are unread."""

    page: KeysetPage[Post]
    pinned: list[Post] = field(default_factory=list)
    unread_ids: frozenset[int] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not self.pinned and not self.page.items


# The words of a post: the largest columns, never shown on a card (its summary is).
CARD_DEFERRED = ("body", "body_html")


def with_card_fields(queryset: QuerySet[Post]) -> QuerySet[Post]:
    """What a post card shows, in the same query: channel, author, discussion counters,
    and the video (its label and poster); not the post's body, which cards don't show."""
    return queryset.select_related("channel", "author", "thread", "video").defer(*CARD_DEFERRED)


CARD_TEMPLATE = "channels/_post_card_body.html"
CARD_CACHE_SECONDS = 60 * 60 * 24


def _name_stamp(name: str) -> str:
    return hashlib.blake2b(name.encode(), digest_size=8).hexdigest()


def _card_key(post: Post, language: str) -> str:
    # Everything the card shows changes one of these: the post's version (words, status,
    # pin), the discussion's counters, the channel's name (updated_at), the author's name as
    # shown (people have no version: a changed or erased name must not linger on cards), the
    # video's state.
    thread = post.thread
    video = post.video if post.video_id else None
    return ":".join(
        str(part)
        for part in (
            "post_card",
            post.pk,
            post.version,
            thread.version,
            thread.comment_count,
            thread.reaction_total,
            post.channel.updated_at.timestamp(),
            _name_stamp(post.author.display_name),
            f"{video.pk}.{video.version}.{video.status}" if video is not None else "-",
            language,
            # The card shows its publication time in the time zone in force.
            timezone.get_current_timezone_name(),
        )
    )


def attach_card_html(posts: list[Post]) -> None:
    """Give each post its rendered card as `post.card_html`: one cache read for the page.

    Rendering is most of a list page's cost, and a card is the same for everyone who may see
    it, so cards are cached by the versions of what they show. Reading them with one
    `get_many` keeps the page's query count fixed on the database cache too. Cards missing
    from the cache are rendered and stored together.
    """
    if not posts:
        return
    language = translation.get_language() or settings.LANGUAGE_CODE
    keys = {post.pk: _card_key(post, language) for post in posts}
    cached = cache.get_many(list(keys.values()))
    fresh: dict[str, str] = {}
    for post in posts:
        key = keys[post.pk]
        html = cached.get(key)
        if not isinstance(html, str):
            html = render_to_string(CARD_TEMPLATE, {"post": post})
            fresh[key] = html
        post.card_html = mark_safe(html)  # type: ignore[attr-defined]  # noqa: S308  # our template's output
    if fresh:
        cache.set_many(fresh, CARD_CACHE_SECONDS)


CARD_WRAPPER_TEMPLATE = "channels/_post_card.html"
# Stand-ins for a post's id and its cached card while the per-person wrapper is rendered
# (NUL characters: never in a translation, and forms refuse them in what people write).
_PK = "\x00pk\x00"
_BODY = "\x00card\x00"
_wrappers: dict[tuple[str, bool, bool], str] = {}


def _card_wrapper(language: str, *, unread: bool, pinned: bool) -> str:
    """channels/_post_card.html around stand-ins, rendered once per language and flags for
    the life of the process (its words are translations only, no person's data)."""
    key = (language, unread, pinned)
    wrapper = _wrappers.get(key)
    if wrapper is None:
        stand_in = {"pk": _PK, "card_html": mark_safe(_BODY)}  # noqa: S308  # a stand-in
        wrapper = render_to_string(
            CARD_WRAPPER_TEMPLATE, {"post": stand_in, "unread": unread, "pinned": pinned}
        )
        _wrappers[key] = wrapper
    return wrapper


def attach_card_rows(posts: list[Post], *, unread_ids: frozenset[int], pinned: bool) -> None:
    """Give each post its whole card as `post.row_html`: the cached card in its per-person
    wrapper (the "New" and "Pinned" flags), one string replacement per card instead of a
    template include. Precondition: attach_card_html() gave each post its `card_html`."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    for post in posts:
        wrapper = _card_wrapper(language, unread=post.pk in unread_ids, pinned=pinned)
        # The id first, the card last: the card's own text is never searched for a stand-in.
        html = wrapper.replace(_PK, str(post.pk)).replace(_BODY, post.card_html)  # type: ignore[attr-defined]  # set by attach_card_html
        post.row_html = mark_safe(html)  # type: ignore[attr-defined]  # noqa: S308  # our templates' output


def unread_post_ids(person: Person, posts: list[Post]) -> frozenset[int]:
    """Which of these posts `person` has never opened: one query on the PostView index."""
    ids = [post.pk for post in posts]
    if not ids:
        return frozenset()
    from staffroom.channels.models import PostView

    read = set(
        PostView.objects.filter(person_id=person.pk, post_id__in=ids).values_list(
            "post_id", flat=True
        )
    )
    return frozenset(pk for pk in ids if pk not in read)


def _post_list(
    *,
    viewer: Person,
    posts: QuerySet[Post],
    pinned: QuerySet[Post] | None,
    pinned_limit: int,
    cursor: str | None,
    limit: int,
) -> PostList:
    shown_pinned: list[Post] = []
    if pinned is not None:
        pinned_top = pinned.order_by("-pinned_at", "-id")
        # Pinned posts are shown once, above the list, never again further down. The first
        # page has them already: excluding their ids is cheaper than a second audience
        # subquery (which SQLite would answer by scanning the whole channel again).
        if cursor:
            posts = posts.exclude(pk__in=Subquery(pinned_top.values("pk")[:pinned_limit]))
        else:
            shown_pinned = list(with_card_fields(pinned_top)[:pinned_limit])
            if shown_pinned:
                posts = posts.exclude(pk__in=[post.pk for post in shown_pinned])
    page = keyset_page(with_card_fields(posts), ordering=POST_ORDER, cursor=cursor, limit=limit)
    attach_card_html([*shown_pinned, *page.items])
    unread_ids = unread_post_ids(viewer, [*shown_pinned, *page.items])
    attach_card_rows(shown_pinned, unread_ids=unread_ids, pinned=True)
    attach_card_rows(page.items, unread_ids=unread_ids, pinned=False)
    return PostList(page=page, pinned=shown_pinned, unread_ids=unread_ids)


def _pinned(visible: QuerySet[Post], channels: Q) -> QuerySet[Post]:
    """The pinned posts of `visible` in `channels`, found through the (channel, pinned_at)
    index: a channel has a few pinned posts among thousands, and filtering the visible
    posts by `pinned_at` directly lets the planner walk the whole channel instead."""
    return visible.filter(
        pk__in=Post.objects.filter(channels, pinned_at__isnull=False).values("pk")
    )


def home_feed(
    *, viewer: Person, cursor: str | None = None, limit: int = FEED_PAGE_SIZE
) -> PostList:
    """The personal feed: followed channels, plus posts targeted at the viewer anywhere.

    A post "targeted at" someone has an audience list that includes them (visible_to already
    guarantees the inclusion), so a post for "all nurses at Northgate" reaches Northgate's
    nurses in whatever channel it was written.
    """
    visible = Post.objects.visible_to(viewer)
    followed = followed_channel_ids(viewer)
    posts = visible.filter(Q(channel_id__in=followed) | Q(audience_restricted=True))
    return _post_list(
        viewer=viewer,
        posts=posts,
        pinned=_pinned(visible, Q(channel_id__in=followed)),
        pinned_limit=FEED_PINNED_LIMIT,
        cursor=cursor,
        limit=limit,
    )


def channel_posts(
    *, viewer: Person, channel: Channel, cursor: str | None = None, limit: int = CHANNEL_PAGE_SIZE
) -> PostList:
    """A channel's live posts meant for the viewer, pinned ones on top of the first page."""
    visible = Post.objects.visible_to(viewer).filter(channel=channel)
    return _post_list(
        viewer=viewer,
        posts=visible,
        pinned=_pinned(visible, Q(channel=channel)),
        pinned_limit=CHANNEL_PINNED_LIMIT,
        cursor=cursor,
        limit=limit,
    )


def tag_posts(
    *, viewer: Person, tag: Tag, cursor: str | None = None, limit: int = CHANNEL_PAGE_SIZE
) -> PostList:
    """Live posts with this tag that the viewer may see, newest first."""
    posts = Post.objects.visible_to(viewer).filter(tags=tag)
    return _post_list(
        viewer=viewer, posts=posts, pinned=None, pinned_limit=0, cursor=cursor, limit=limit
    )


def channel_drafts(channel: Channel, *, viewer: Person) -> list[Post]:
    """For editors: drafts and posts scheduled for later, most recently changed first; and
    the viewer's own held posts, whatever their status.

    Another editor's held post is left out: only its author and the privacy officers may see
    what the PHI guard stopped (channels.permissions.can_see_post).
    """
    waiting = Q(status=Post.Status.DRAFT) | Q(
        status=Post.Status.SCHEDULED, published_at__gt=timezone.now()
    )
    shown = Q(visibility=Visibility.VISIBLE) | Q(author_id=viewer.pk)
    own_held = Q(author_id=viewer.pk, visibility=Visibility.HELD) & ~Q(status=Post.Status.ARCHIVED)
    posts = Post.objects.filter((waiting & shown) | own_held, channel=channel)
    return list(posts.select_related("author").order_by("-updated_at", "-id")[:DRAFTS_LIMIT])


def open_hold_of(post: Post) -> PrivacyHold | None:
    """The privacy hold still open on `post`, if any (awaiting its author or in review)."""
    from staffroom.channels.items import POST_KIND
    from staffroom.privacy.models import PrivacyHold

    return PrivacyHold.objects.filter(
        item_kind=POST_KIND, item_id=post.pk, status__in=PrivacyHold.OPEN
    ).first()


def unit_of(person: Person) -> Unit | None:
    """The person's unit with its department and site, for the feed's "Where you work" (one
    small query; none without a unit)."""
    if person.unit_id is None:
        return None
    return Unit.objects.select_related("department__site").filter(pk=person.unit_id).first()


# --- Channels ----------------------------------------------------------------------------------


def get_channel_or_404(slug: str) -> Channel:
    return get_object_or_404(Channel.objects.select_related("department__site"), slug=slug)


def _tags_visible_to(viewer: object) -> QuerySet[Tag]:
    """Tags on at least one post `viewer` may see: a tag used only on drafts, scheduled
    posts or other audiences' posts names something the viewer may not know about."""
    return Tag.objects.filter(Exists(Post.objects.visible_to(viewer).filter(tags=OuterRef("pk"))))


def get_visible_tag_or_404(viewer: object, slug: str) -> Tag:
    """The tag, if `viewer` may see a post that has it; a 404 for everyone else (one query)."""
    return get_object_or_404(_tags_visible_to(viewer), slug=slug)


def visible_tags(viewer: object, *, limit: int) -> list[Tag]:
    """Up to `limit` tags by name, each on a post `viewer` may see (one query)."""
    return list(_tags_visible_to(viewer).order_by("name", "id")[:limit])


def _kind_rank(channel: Channel, department_id: int | None) -> int:
    if channel.kind == Channel.Kind.LEADERSHIP:
        return 0
    if department_id is not None and channel.department_id == department_id:
        return 1
    return 2


def my_channels(person: Person) -> list[Channel]:
    """The channels `person` follows: Let's Talk first, their department, then by name."""
    channels = list(Channel.objects.filter(pk__in=followed_channel_ids(person)))
    return sorted(channels, key=lambda c: (_kind_rank(c, person.department_id), c.name, c.pk))


@dataclass(frozen=True)
class ChannelDirectory:
    """The channel list page: yours, the topic channels, and a page of department channels."""

    mine: list[Channel]
    topics: list[Channel]
    departments: KeysetPage[Channel]
    sites: list[Site]
    site: Site | None
    followed_ids: frozenset[int]


def channel_directory(
    *, viewer: Person, site_code: str | None = None, cursor: str | None = None
) -> ChannelDirectory:
    """Everything the channel list shows, in five queries whatever the number of channels.

    Topic channels are few (communications admins make them) and listed in full; department
    channels (hundreds in a health system) come a page at a time, optionally for one site.
    """
    followed = followed_channel_ids(viewer)
    sites = list(Site.objects.order_by("name"))
    site = next((s for s in sites if s.code == site_code), None) if site_code else None
    mine = my_channels(viewer) if not cursor else []
    topics = (
        list(
            Channel.objects.filter(kind=Channel.Kind.TOPIC, is_archived=False)
            .exclude(pk__in=followed)
            .order_by(*CHANNEL_ORDER)
        )
        if not cursor
        else []
    )
    departments = Channel.objects.filter(kind=Channel.Kind.DEPARTMENT, is_archived=False)
    if site is not None:
        departments = departments.filter(department__site=site)
    page = keyset_page(
        departments.select_related("department__site"),
        ordering=CHANNEL_ORDER,
        cursor=cursor,
        limit=CHANNEL_LIST_PAGE_SIZE,
    )
    return ChannelDirectory(
        mine=mine,
        topics=topics,
        departments=page,
        sites=sites,
        site=site,
        followed_ids=frozenset(followed),
    )


def channel_editors(channel: Channel) -> list[ChannelEditor]:
    """The people named as editors of a channel (role holders are listed separately)."""
    return list(
        ChannelEditor.objects.filter(channel=channel)
        .select_related("person", "granted_by")
        .order_by("person__sort_name", "pk")
    )


# --- Reach -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReachRow:
    department: Department | None
    reached: int
    audience: int

    @property
    def share(self) -> float:
        """Reached as a share of the audience, 0 to 1 (more than 1 can't happen, but is capped)."""
        if self.audience <= 0:
            return 0.0
        return min(1.0, self.reached / self.audience)

    @property
    def percent(self) -> int:
        return round(self.share * 100)


@dataclass(frozen=True)
class PostReachReport:
    reached: int
    audience: int
    rows: list[ReachRow]

    @property
    def share(self) -> float:
        return min(1.0, self.reached / self.audience) if self.audience > 0 else 0.0

    @property
    def percent(self) -> int:
        return round(self.share * 100)


def post_reach(post: Post) -> PostReachReport:
    """People reached by `post`, overall and per department, against its audience.

    Reached counts are the stored PostReach rows: the same few queries for 8 readers or
    80,000. The audience per department is also stored (Department.people_count), except
    when a post targets job families: then it is one grouped count of active people in the
    targeted departments and families (an index scan of the people table, done only on this
    editors-only page).
    """
    from staffroom.accounts.models import Person

    reach = {
        row.department_id: row.people
        for row in PostReach.objects.filter(post=post).only("department_id", "people")
    }
    departments = Department.objects.select_related("site").order_by("name")
    # Audience per department: stored people counts, unless job families narrow it.
    counted: dict[int, int] | None = None
    if post.audience_restricted:
        site_ids = list(post.audience_sites.values_list("pk", flat=True))
        department_ids = list(post.audience_departments.values_list("pk", flat=True))
        family_ids = list(post.audience_job_families.values_list("pk", flat=True))
        if site_ids:
            departments = departments.filter(site_id__in=site_ids)
        if department_ids:
            departments = departments.filter(pk__in=department_ids)
        if family_ids:
            people = Person.objects.filter(
                is_active=True, job_family_id__in=family_ids, department__in=departments
            )
            counted = {
                row["department_id"]: row["n"]
                for row in people.values("department_id").annotate(n=Count("pk"))
            }
    department_list = list(departments)
    audience = counted if counted is not None else {d.pk: d.people_count for d in department_list}
    listed = {d.pk for d in department_list}
    rows = [
        ReachRow(department=d, reached=reach.get(d.pk, 0), audience=audience.get(d.pk, 0))
        for d in department_list
        if audience.get(d.pk, 0) or reach.get(d.pk, 0)
    ]
    # Readers outside the targeted departments (editors checking, people who moved since).
    others = sum(n for pk, n in reach.items() if pk not in listed)
    if others:
        rows.append(ReachRow(department=None, reached=others, audience=0))
    rows.sort(key=lambda r: (-r.share, -r.reached, r.department.name if r.department else "~"))
    return PostReachReport(
        reached=post.reach_count, audience=sum(audience.get(pk, 0) for pk in listed), rows=rows
    )
