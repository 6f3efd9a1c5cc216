"""Reads of the idea box: the board (every sort a keyset walk on an index), the idea page's
pieces, the implemented wall, and which ideas a person voted for.

Every function here costs a fixed number of queries, whatever the number of ideas, votes,
comments or responses: lists read stored counters (`vote_count`, `thread.comment_count`) and
walk an index from a cursor (core.pagination), never OFFSET or COUNT(*).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, F, Func, OuterRef, Q, QuerySet
from django.db.models.lookups import IsNull
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from staffroom.accounts.models import Person
from staffroom.core.models import Visibility
from staffroom.core.pagination import KeysetPage, keyset_page
from staffroom.ideas.models import (
    Campaign,
    Category,
    Contributor,
    Follow,
    Idea,
    IdeaQuerySet,
    Impact,
    Response,
    Status,
    Vote,
)
from staffroom.ideas.permissions import can_see_idea


@dataclass(frozen=True)
class BoardFilters:
    status: str = ""  # a Status value, or "" for all
    category_id: int | None = None
    department_id: int | None = None
    campaign_id: int | None = None
    mine: bool = False  # ideas I proposed (anonymous ones too: it's me)
    following: bool = False  # ideas I follow or voted for


SORTS = ("top", "trending", "newest", "updated")

# Each sort walks one index of Idea.Meta.indexes backwards; `id` breaks ties, so every idea
# has exactly one place and a cursor never skips or repeats one.
ORDERINGS: dict[str, tuple[str, str]] = {
    "top": ("-vote_count", "-id"),
    "trending": ("-trending_score", "-id"),
    "newest": ("-created_at", "-id"),
    "updated": ("-last_activity_at", "-id"),
}

BOARD_PAGE_SIZE = 24
WALL_PAGE_SIZE = 24

# What a card shows, joined in the page's one query.
CARD_RELATED = ("category", "department", "campaign", "thread", "author")


# The columns a board card, its cache key, its vote box and the sort cursors read: a third
# of the model's (no problem, proposal or file fields), read in a third less time. Any other
# field a card came to read would cost a query per card: the board's query-count tests fail.
CARD_ONLY = (
    *("id", "created_at", "updated_at", "title", "status", "visibility", "is_anonymous"),
    *("vote_count", "trending_score", "last_activity_at", "version", "merged_into_id"),
    *("category_id", "department_id", "campaign_id", "author_id", "thread_id"),
    *("category__name", "category__updated_at", "department__name", "department__updated_at"),
    *("campaign__slug", "campaign__title", "campaign__updated_at"),
    *("campaign__opens_at", "campaign__closes_at"),
    *("thread__comment_count", "thread__version"),
    # display_name and is_erased (an erased author's name must never show).
    *("author__first_name", "author__last_name", "author__preferred_name", "author__erased_at"),
)


def with_card_fields(queryset: QuerySet[Idea]) -> QuerySet[Idea]:
    return queryset.select_related(*CARD_RELATED)


class _NotAnIndexKey(Func):
    """A column the database must not look rows up by: `+column` on SQLite (which keeps the
    planner off the column's index), the column itself elsewhere."""

    template = "%(expressions)s"
    arity = 1

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra_context)


def _shown_ideas() -> IdeaQuerySet:
    """`Idea.objects.shown()`, the same rows, for walking a sort index.

    SQLite's planner takes `merged_into_id IS NULL` for a selective lookup on the
    merged_into index (nearly every idea matches it), reads every idea and sorts them:
    240-330 ms on the large dataset against 0.2 ms walking the sort's index
    (docs/benchmarks.md). PostgreSQL's statistics know better; the SQL there is unchanged."""
    return Idea.objects.filter(visibility=Visibility.VISIBLE).filter(
        IsNull(_NotAnIndexKey(F("merged_into")), rhs=True)
    )


def _board_queryset(viewer: Person, filters: BoardFilters) -> QuerySet[Idea]:
    shown = Q(visibility=Visibility.VISIBLE, merged_into__isnull=True)
    if filters.mine:
        # The author's own ideas, held ones too: an idea waiting for privacy review must not
        # seem to have vanished from the person who proposed it.
        ideas = Idea.objects.filter(author_id=viewer.pk).filter(
            shown | Q(visibility=Visibility.HELD, merged_into__isnull=True)
        )
    else:
        ideas = _shown_ideas()
    if filters.status:
        ideas = ideas.filter(status=filters.status)
    if filters.category_id is not None:
        ideas = ideas.filter(category_id=filters.category_id)
    if filters.department_id is not None:
        ideas = ideas.filter(department_id=filters.department_id)
    if filters.campaign_id is not None:
        ideas = ideas.filter(campaign_id=filters.campaign_id)
    if filters.following:
        # One subquery, the union of this person's votes and follows (read on the
        # (person, created_at) indexes): the database looks up just those ideas by key and
        # sorts them, however many ideas there are. (Two IN-subqueries joined by OR look
        # unselective to PostgreSQL, which then walks the whole sort index: 73 ms against
        # 1 ms on the large dataset, and worse the fewer ideas someone follows.)
        ideas = ideas.filter(
            pk__in=Vote.objects.filter(person_id=viewer.pk)
            .values("idea_id")
            .union(Follow.objects.filter(person_id=viewer.pk).values("idea_id"))
        )
    return ideas


def board_page(
    *,
    viewer: Person,
    sort: str,
    filters: BoardFilters,
    cursor: str | None,
    limit: int = BOARD_PAGE_SIZE,
) -> KeysetPage[Idea]:
    """One page of the board: shown ideas, filtered, in `sort` order (an unknown sort is
    "top"), after `cursor`. Two queries at most (the page, and the cached cards' read when
    the cache is the database), whatever the filters. Whether `viewer` voted for each comes
    in the page's query (voted_ids then reads it, no query)."""
    ordering = ORDERINGS.get(sort, ORDERINGS["top"])
    voted = Exists(Vote.objects.filter(idea_id=OuterRef("pk"), person_id=viewer.pk))
    ideas: QuerySet[Idea] = (
        with_card_fields(_board_queryset(viewer, filters))
        .only(*CARD_ONLY)
        .annotate(viewer_voted=voted)
    )
    page = keyset_page(
        ideas,
        ordering=ordering,
        cursor=cursor,
        limit=limit,
    )
    for idea in page.items:
        idea.voted_by = viewer.pk  # type: ignore[attr-defined]  # whose vote viewer_voted is
    attach_card_html(page.items)
    return page


def voted_ids(viewer: Person, ideas: Iterable[Idea]) -> set[int]:
    """Which of these ideas `viewer` voted for: read from board_page's query when it said,
    else one query on the vote's unique index."""
    ideas = list(ideas)
    if all(getattr(idea, "voted_by", None) == viewer.pk for idea in ideas):
        return {idea.pk for idea in ideas if idea.viewer_voted}  # type: ignore[attr-defined]
    ids = [idea.pk for idea in ideas]
    if not ids:
        return set()
    return set(
        Vote.objects.filter(person_id=viewer.pk, idea_id__in=ids).values_list("idea_id", flat=True)
    )


# --- Cached cards -------------------------------------------------------------------------

CARD_TEMPLATE = "ideas/_idea_card_body.html"
CARD_CACHE_SECONDS = 60 * 60 * 24


def _stamp(obj: Any) -> str:
    return str(obj.updated_at.timestamp()) if obj is not None else "-"


def _card_key(idea: Idea, language: str) -> str:
    # Everything the shared part of a card shows changes one of these: the idea's version
    # (words, status, visibility), its comment count, the names of its category,
    # department and campaign, and its author's name (erasure changes it). The vote count
    # and the viewer's own vote are drawn outside the cached part.
    thread = idea.thread
    return ":".join(
        str(part)
        for part in (
            "idea_card",
            idea.pk,
            idea.version,
            thread.version,
            thread.comment_count,
            _stamp(idea.category),
            _stamp(idea.department),
            _stamp(idea.campaign) if idea.campaign_id else "-",
            "anonymous" if idea.is_anonymous else _author_stamp(idea.author),
            language,
            # The card's date is in the current time zone (the same instant is another day
            # elsewhere).
            timezone.get_current_timezone_name(),
        )
    )


def _author_stamp(author: Person) -> str:
    # A Person has no updated_at: the name the card shows, hashed (keys hold no spaces).
    digest = hashlib.blake2b(author.display_name.encode(), digest_size=8).hexdigest()
    return f"{author.pk}-{digest}"


def attach_card_html(ideas: list[Idea]) -> None:
    """Give each idea its rendered card body as `idea.card_html` (one cache read per page);
    cards missing from the cache are rendered and stored together."""
    if not ideas:
        return
    language = translation.get_language() or settings.LANGUAGE_CODE
    keys = {idea.pk: _card_key(idea, language) for idea in ideas}
    cached = cache.get_many(list(keys.values()))
    fresh: dict[str, str] = {}
    for idea in ideas:
        key = keys[idea.pk]
        html = cached.get(key)
        if not isinstance(html, str):
            html = render_to_string(CARD_TEMPLATE, {"idea": idea})
            fresh[key] = html
        idea.card_html = mark_safe(html)  # type: ignore[attr-defined]  # noqa: S308  # our template's output
    if fresh:
        cache.set_many(fresh, CARD_CACHE_SECONDS)


# --- The board's choices and its filter form, cached ----------------------------------------

Choice = tuple[int, str]


@dataclass(frozen=True)
class BoardChoices:
    """The filter form's options, and the version of the rows they were read from."""

    version: str
    categories: list[Choice]
    departments: list[Choice]
    campaigns: list[Choice]


def _choices_version() -> str:
    """One query, whatever the sizes: how many categories, departments and campaigns there
    are and when the last of each changed. Adding, renaming, reordering or deleting one
    changes it (deleting changes the count; saving sets `updated_at`)."""
    from staffroom.organisation.models import Department

    quote = connection.ops.quote_name
    tables = [quote(model._meta.db_table) for model in (Category, Department, Campaign)]
    changed = quote("updated_at")
    parts = ", ".join(
        f"(SELECT COUNT(*) FROM {table}), (SELECT MAX({changed}) FROM {table})"  # noqa: S608  # table names from the models, quoted
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}")
        row = cursor.fetchone()
    return hashlib.blake2b(repr(row).encode(), digest_size=8).hexdigest()


def _read_choices(version: str) -> BoardChoices:
    return BoardChoices(
        version=version,
        categories=[(c.pk, str(c)) for c in category_choices()],
        departments=department_choices(),
        campaigns=[(c.pk, str(c)) for c in campaign_choices()],
    )


FILTERS_CACHE_SECONDS = 60 * 60 * 24


def board_filters(raw: dict[str, list[str]]) -> tuple[BoardChoices, str, str | None]:
    """The board's filter options and, when cached, the filter form as HTML for these raw
    address values (`raw`: the form's parameters and the sort, as the request gave them):
    the options' version query and one cache read, instead of reading every category,
    department and campaign and rendering 400-odd options on each request.

    Returns (choices, the form's cache key, its cached HTML or None): after rendering a
    missing form, store it with `store_board_filters(key, html)`. The key holds the options'
    version, the language and the raw values, so the form shows exactly what it would if
    rendered now (the chosen options, the errors of invalid values); nothing in it is
    personal."""
    version = _choices_version()
    language = translation.get_language() or settings.LANGUAGE_CODE
    values = hashlib.blake2b(repr(sorted(raw.items())).encode(), digest_size=12).hexdigest()
    choices_key = f"idea_board_choices:{version}"
    html_key = f"idea_board_filters:{version}:{language}:{values}"
    found = cache.get_many([choices_key, html_key])
    stored = found.get(choices_key)
    if isinstance(stored, tuple) and len(stored) == 3:
        choices = BoardChoices(version, *(list(options) for options in stored))
    else:
        choices = _read_choices(version)
        cache.set(
            choices_key,
            (choices.categories, choices.departments, choices.campaigns),
            FILTERS_CACHE_SECONDS,
        )
    html = found.get(html_key)
    return choices, html_key, html if isinstance(html, str) else None


def store_board_filters(key: str, html: str) -> None:
    cache.set(key, html, FILTERS_CACHE_SECONDS)


def category_choices() -> list[Category]:
    return list(Category.objects.only("pk", "name", "position").order_by("position", "name"))


def department_choices() -> list[tuple[int, str]]:
    from staffroom.organisation.models import Department

    return list(Department.objects.order_by("name", "pk").values_list("pk", "name"))


def campaign_choices() -> list[Campaign]:
    return list(Campaign.objects.only("pk", "title", "slug", "opens_at").order_by("-opens_at"))


# --- The idea page -------------------------------------------------------------------------

PAGE_RELATED = (
    "category",
    "department",
    "unit",
    "campaign",
    "initiative",
    "author",
    "thread",
)


def get_idea_or_404(viewer: Person, pk: int) -> Idea:
    """The idea with everything its page shows, or 404 when it doesn't exist or `viewer`
    may not see it (a held idea to anyone but its author and privacy officers)."""
    idea = Idea.objects.select_related(*PAGE_RELATED).filter(pk=pk).first()
    if idea is None or not can_see_idea(viewer, idea):
        raise Http404
    return idea


def _person_only(relation: str) -> tuple[str, ...]:
    """A person's columns for display_name, is_erased (an erased person's name must never
    show) and get_absolute_url."""
    return tuple(
        f"{relation}__{name}"
        for name in ("id", "first_name", "last_name", "preferred_name", "erased_at")
    )


RESPONSE_ONLY = (
    *("id", "created_at", "idea_id", "responder_id", "from_status", "to_status"),
    *("message_html", "related_idea_id", "related_idea__id", "related_idea__title"),
    *_person_only("responder"),
)
MERGED_ONLY = (
    *("id", "created_at", "title", "problem_html", "proposal_html", "is_anonymous"),
    *("author_id", "merged_into_id", "visibility"),
    *_person_only("author"),
)


@dataclass
class IdeaPage:
    """What the idea page shows beside the idea itself."""

    responses: list[Response]
    impact: Impact | None
    contributors: list[Contributor]
    merged_ideas: list[Idea]
    has_voted: bool
    follows: bool
    extra: dict[str, Any] = field(default_factory=dict)


def idea_page(*, viewer: Person, idea: Idea) -> IdeaPage:
    """The timeline, impact, credits and merged duplicates of `idea`, and the viewer's own
    vote and follow: six queries, whatever their sizes.

    Precondition: the viewer may see `idea` (get_idea_or_404)."""
    # Only the columns the page shows: a responder, a credited person or a duplicate's
    # author read whole (and a related idea with its texts) cost more than the query.
    responses = list(
        Response.objects.filter(idea_id=idea.pk)
        .select_related("responder", "related_idea")
        .only(*RESPONSE_ONLY)
        .order_by("created_at", "id")
    )
    impact = Impact.objects.filter(idea_id=idea.pk).first()
    contributors = list(
        Contributor.objects.filter(idea_id=idea.pk)
        .select_related("person")
        .only("id", "idea_id", "person_id", "contribution", *_person_only("person"))
        .order_by("id")
    )
    # Duplicates merged into this idea that are still visible; their words stay readable
    # here (their URLs redirect to this page, at #merged-<pk>).
    merged_ideas = list(
        Idea.objects.filter(merged_into_id=idea.pk, visibility=Visibility.VISIBLE)
        .select_related("author")
        .only(*MERGED_ONLY)
        .order_by("created_at", "id")
    )
    # The viewer's vote and follow, in one query.
    has_voted, follows = Idea.objects.filter(pk=idea.pk).values_list(
        Exists(Vote.objects.filter(idea_id=idea.pk, person_id=viewer.pk)),
        Exists(Follow.objects.filter(idea_id=idea.pk, person_id=viewer.pk)),
    )[0]
    return IdeaPage(
        responses=responses,
        impact=impact,
        contributors=contributors,
        merged_ideas=merged_ideas,
        has_voted=has_voted,
        follows=follows,
    )


# --- The implemented wall ------------------------------------------------------------------

# Newest implemented first. Implemented ideas change status no more, so `status_changed_at`
# is the moment they were implemented. (The filter uses the `idea_status_updated` index's
# leading column; an index on (status, status_changed_at, id) would make the walk exact.)
WALL_ORDERING = ("-status_changed_at", "-id")


def implemented_wall(cursor: str | None = None, *, limit: int = WALL_PAGE_SIZE) -> KeysetPage[Idea]:
    page = keyset_page(
        with_card_fields(Idea.objects.shown().filter(status=Status.IMPLEMENTED)).select_related(
            "impact"
        ),
        ordering=WALL_ORDERING,
        cursor=cursor,
        limit=limit,
    )
    for idea in page.items:
        # Joined above: a missing impact is known to be missing and raises, never queries.
        try:
            idea.found_impact = idea.impact  # type: ignore[attr-defined]  # for the template
        except Impact.DoesNotExist:
            idea.found_impact = None  # type: ignore[attr-defined]  # for the template
    attach_card_html(page.items)
    return page
