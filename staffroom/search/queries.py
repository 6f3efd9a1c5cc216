"""Searching: one function, `search()`, the same on SQLite and PostgreSQL.

Cost is bounded whatever the data: the engine reads at most CANDIDATE_LIMIT matching
documents that the viewer may see (newest first, straight off the word index), they are
ranked by relevance in memory, and only the page shown is loaded and highlighted. A query
matching more than that says so ("more than 500 results — add a word") instead of counting
them all. Two queries, at any size.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from staffroom.channels.models import Channel, Post
from staffroom.ideas.models import Idea
from staffroom.search.backends import current_backend
from staffroom.search.models import SearchDocument
from staffroom.search.text import ParsedQuery, has_match, highlight, parse_query, plain_text

CANDIDATE_LIMIT = 500
PAGE_SIZE = 20
SNIPPET_WORDS = 32

Kind = SearchDocument.Kind


@dataclass(frozen=True)
class SearchFilters:
    """Narrowing a search. Empty `kinds` means every kind."""

    kinds: frozenset[str] = frozenset()
    channel_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class SearchHit:
    kind: str
    kind_label: str
    title_html: SafeString
    snippet_html: SafeString
    url: str
    channel: Channel | None
    dated_at: datetime | None
    # An idea's status ("Under review"), for idea results; empty for everything else.
    status_label: str = ""


@dataclass(frozen=True)
class SearchResults:
    query: ParsedQuery
    hits: list[SearchHit] = field(default_factory=list)
    # Matches the viewer may see, up to CANDIDATE_LIMIT; `is_capped` when there are more.
    total: int = 0
    is_capped: bool = False
    next_cursor: str | None = None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def visible_documents(viewer: Any) -> QuerySet[SearchDocument]:
    """Documents `viewer` may see, by the live audience rule (nothing is copied into the
    index, so a change of audience, status or schedule applies at once).

    Posts and comments on posts: only where the post is in `Post.objects.visible_to(viewer)`
    (drafts, archived, not-yet-scheduled and other audiences' posts drop out). Initiatives and
    their comments: everyone signed in. Ideas and their comments: every active member of
    staff, while the idea is shown (`Idea.objects.shown()`: not held, hidden, removed or
    merged away; such ideas have no document either). A comment on anything else: nobody,
    until its app says who may see it.
    """
    visible_post = Post.objects.visible_to(viewer).filter(pk=OuterRef("post_id"))
    visible = (
        Q(Exists(visible_post), post__isnull=False, kind__in=[Kind.POST, Kind.COMMENT])
        | Q(kind=Kind.INITIATIVE)
        | Q(kind=Kind.COMMENT, post__isnull=True, initiative__isnull=False)
    )
    if getattr(viewer, "is_authenticated", False) and viewer.is_active:
        shown_idea = Idea.objects.shown().filter(pk=OuterRef("idea_id"))
        visible |= Q(
            Exists(shown_idea),
            kind__in=[Kind.IDEA, Kind.COMMENT],
            post__isnull=True,
            initiative__isnull=True,
            idea__isnull=False,
        )
    return SearchDocument.objects.filter(visible)


def _filtered(
    queryset: QuerySet[SearchDocument], filters: SearchFilters
) -> QuerySet[SearchDocument]:
    if filters.kinds:
        queryset = queryset.filter(kind__in=sorted(filters.kinds))
    if filters.channel_id is not None:
        queryset = queryset.filter(channel_id=filters.channel_id)
    if filters.date_from is not None:
        queryset = queryset.filter(dated_at__gte=_start_of(filters.date_from))
    if filters.date_to is not None:
        queryset = queryset.filter(dated_at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return queryset


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def search(
    *,
    viewer: Any,
    text: str,
    filters: SearchFilters | None = None,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> SearchResults:
    """The page of results for `text` that `viewer` may see, best first.

    `cursor` (from a previous page's `next_cursor`) continues after that page; a tampered
    cursor starts again from the top.
    """
    query = parse_query(text)
    if not query:
        return SearchResults(query=query)
    candidates = current_backend().matching(
        _filtered(visible_documents(viewer), filters or SearchFilters()), query
    )
    # "score" comes from the backend's extra(select=...), which django-stubs can't see.
    rows: list[tuple[int, float]] = list(
        candidates.values_list("id", "score")[: CANDIDATE_LIMIT + 1]  # type: ignore[misc]
    )
    is_capped = len(rows) > CANDIDATE_LIMIT
    ranked = sorted(rows[:CANDIDATE_LIMIT], key=lambda row: (-row[1], -row[0]))
    after = _decode_cursor(cursor)
    if after is not None:
        ranked = [row for row in ranked if (-row[1], -row[0]) > (-after[1], -after[0])]
    page, more = ranked[:limit], len(ranked) > limit
    return SearchResults(
        query=query,
        hits=_hits([doc_id for doc_id, _score in page], query),
        total=len(rows[:CANDIDATE_LIMIT]),
        is_capped=is_capped,
        next_cursor=_encode_cursor(page[-1]) if more else None,
    )


def _hits(ids: list[int], query: ParsedQuery) -> list[SearchHit]:
    if not ids:
        return []
    documents = (
        SearchDocument.objects.filter(id__in=ids)
        .select_related("post", "initiative", "idea", "channel")
        # Only titles, statuses and addresses are shown from these; their words can be long.
        .defer(
            "post__body",
            "post__body_html",
            "initiative__body",
            "initiative__body_html",
            "idea__problem",
            "idea__problem_html",
            "idea__proposal",
            "idea__proposal_html",
        )
    )
    by_id = {doc.id: doc for doc in documents}
    return [_hit(by_id[i], query) for i in ids if i in by_id]


def _hit(doc: SearchDocument, query: ParsedQuery) -> SearchHit:
    body, summary = plain_text(doc.body), plain_text(doc.summary)
    snippet_source = next(
        (text for text in (body, summary) if text and has_match(text, query)),
        summary or body,
    )
    snippet = highlight(snippet_source, query, max_words=SNIPPET_WORDS)
    status_label = ""
    if doc.kind == Kind.COMMENT:
        subject = doc.post or doc.initiative or doc.idea
        assert subject is not None  # visible_documents() only returns comments with a subject
        title = format_html(_("Comment on {title}"), title=subject.title)
        url = f"{subject.get_absolute_url()}#comment-{doc.source_id}"
        kind_label = _("Comment")
    elif doc.kind == Kind.IDEA:
        # Never the author: an idea may be anonymous, and results name nobody.
        assert doc.idea is not None
        title = highlight(doc.title, query)
        url = doc.idea.get_absolute_url()
        kind_label = _("Idea")
        status_label = doc.idea.get_status_display()
    elif doc.kind == Kind.INITIATIVE:
        assert doc.initiative is not None
        title = highlight(doc.title, query)
        url = doc.initiative.get_absolute_url()
        kind_label = _("Initiative")
    else:
        title = highlight(doc.title, query)
        url = reverse("channels:post", kwargs={"pk": doc.source_id})
        kind_label = _("Post")
    return SearchHit(
        kind=doc.kind,
        kind_label=kind_label,
        title_html=title,
        snippet_html=snippet,
        url=url,
        channel=doc.channel,
        dated_at=doc.dated_at,
        status_label=status_label,
    )


def _encode_cursor(row: tuple[int, float]) -> str:
    raw = json.dumps([row[0], row[1]]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str | None) -> tuple[int, float] | None:
    """(document id, score) of the last hit shown, or None for anything malformed."""
    if not cursor:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if (
        not isinstance(values, list)
        or len(values) != 2
        or not isinstance(values[0], int)
        or not isinstance(values[1], int | float)
        or not math.isfinite(values[1])
    ):
        return None
    return values[0], float(values[1])


def channel_choices() -> list[Channel]:
    """Channels for the filter, by name."""
    return list(Channel.objects.only("id", "name").order_by("name"))
