"""Reads of moderation: the queue, one flagged item with its context, suspensions.

The queue reads a page of FlaggedItem rows (stored counts, keyset order: oldest first, so
nothing waits forever behind newer, busier items), then the items, their flags and their
authors' histories with one query each, whatever the page's length.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person
from staffroom.core.items import ItemKind, kind_named
from staffroom.core.models import Visibility
from staffroom.core.pagination import keyset_page
from staffroom.moderation.models import Flag, FlaggedItem, ModerationAction, Suspension
from staffroom.moderation.permissions import is_moderator, is_published_item

QUEUE_PAGE = 20
QUEUE_ORDER = ("opened_at", "id")
EXCERPT_LENGTH = 600


# What an item's place and excerpt read, loaded with the item (no query per row).
def _related(kind_key: str) -> tuple[str, ...]:
    if kind_key == "post":
        return ("channel", "author")
    if kind_key == "comment":
        from staffroom.discussion.subjects import subject_relations

        return ("thread", "author", *subject_relations("thread__"))
    return ()


# The actions that count against a person ("previous moderation history").
HISTORY_ACTIONS = (
    ModerationAction.Kind.HIDE,
    ModerationAction.Kind.EDIT,
    ModerationAction.Kind.WARN,
    ModerationAction.Kind.SUSPEND,
)


@dataclass
class QueueEntry:
    flagged: FlaggedItem
    kind: ItemKind
    obj: Any
    excerpt: str
    where: str
    url: str
    flags: list[Flag] = field(default_factory=list)
    history: int = 0
    # Posted anonymously: the queue names no author (decision 18).
    is_anonymous: bool = False

    @property
    def reasons(self) -> dict[str, int]:
        counted: dict[str, int] = defaultdict(int)
        for flag in self.flags:
            counted[flag.get_reason_display()] += 1
        return dict(counted)


@dataclass
class QueuePage:
    entries: list[QueueEntry]
    next_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def excerpt_of(kind_key: str, obj: Any) -> str:
    """The item's words for a reviewer, without the queries `ItemKind.texts` may make."""
    if kind_key == "post":
        return f"{obj.title}\n\n{obj.summary}\n\n{obj.body}".strip()
    if kind_key == "comment":
        return str(obj.body)
    return "\n\n".join(kind_named(kind_key).texts(obj).values())


def where_of(kind_key: str, obj: Any) -> str:
    """Where it is shown, in words: the channel, or the post the comment is on.

    A subject that isn't shown to readers (held, hidden, removed, or unpublished since) is
    never named: its title may be the very patient information it was withheld for."""
    if kind_key == "post":
        return str(obj.channel.name)
    if kind_key == "comment":
        subject = getattr(obj.thread, obj.thread.kind, None)
        if subject is None:
            return ""
        shown = getattr(subject, "visibility", Visibility.VISIBLE) == Visibility.VISIBLE
        if not shown or not is_published_item(subject):
            return str(_("a post not shown to readers"))
        summary = _subject(obj)
        return summary[0] if summary is not None else ""
    return ""


def _subject(comment: Any) -> tuple[str, str] | None:
    from staffroom.discussion.subjects import subject_summary

    return subject_summary(comment.thread)


def url_of(kind: ItemKind, obj: Any) -> str:
    """Where it is shown; for a comment from its loaded subject, without another query."""
    if kind.key == "comment":
        summary = _subject(obj)
        if summary is not None:
            return f"{summary[1]}#comment-{obj.pk}"
    return kind.url(obj)


def _load_items(rows: list[FlaggedItem]) -> dict[tuple[str, int], Any]:
    by_kind: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        by_kind[row.item_kind].append(row.item_id)
    loaded: dict[tuple[str, int], Any] = {}
    for key, ids in by_kind.items():
        try:
            kind = kind_named(key)
        except KeyError:
            continue
        queryset = kind.model._default_manager.select_related(*_related(key))
        for pk, obj in queryset.in_bulk(ids).items():
            loaded[(key, pk)] = obj
    return loaded


def history_counts(person_ids: list[int]) -> dict[int, int]:
    rows = (
        ModerationAction.objects.filter(subject_id__in=person_ids, action__in=HISTORY_ACTIONS)
        .values("subject_id")
        .annotate(n=Count("id"))
    )
    return {row["subject_id"]: row["n"] for row in rows}


def queue_page(*, viewer: Person, cursor: str | None = None, limit: int = QUEUE_PAGE) -> QueuePage:
    """Items with open flags, oldest first. Privacy officers who aren't moderators see those
    flagged for privacy. Held and removed items are left out: privacy officers handle them in
    their own queue."""
    rows = FlaggedItem.objects.filter(state=FlaggedItem.State.OPEN).select_related("author")
    if not is_moderator(viewer):
        rows = rows.filter(privacy_flags__gt=0)
    page = keyset_page(rows, ordering=QUEUE_ORDER, cursor=cursor, limit=limit)
    items = _load_items(page.items)
    flags: dict[int, list[Flag]] = defaultdict(list)
    for flag in (
        Flag.objects.filter(flagged_item__in=page.items, status=Flag.Status.OPEN)
        .select_related("flagged_by")
        .order_by("created_at", "id")
    ):
        flags[flag.flagged_item_id].append(flag)
    history = history_counts(sorted({row.author_id for row in page.items}))
    entries = []
    for row in page.items:
        obj = items.get((row.item_kind, row.item_id))
        if obj is None or obj.visibility in (Visibility.HELD, Visibility.REMOVED):
            continue
        if not is_published_item(obj):
            continue  # unpublished since it was flagged: its channel's editors' business now
        kind = kind_named(row.item_kind)
        entries.append(
            QueueEntry(
                flagged=row,
                kind=kind,
                obj=obj,
                excerpt=excerpt_of(row.item_kind, obj)[:EXCERPT_LENGTH],
                where=where_of(row.item_kind, obj),
                url=url_of(kind, obj),
                flags=flags.get(row.pk, []),
                history=0 if kind.is_anonymous(obj) else history.get(row.author_id, 0),
                is_anonymous=bool(kind.is_anonymous(obj)),
            )
        )
    return QueuePage(entries=entries, next_cursor=page.next_cursor)


def flagged_item_for(kind_key: str, item_id: int) -> FlaggedItem | None:
    return FlaggedItem.objects.filter(item_kind=kind_key, item_id=item_id).first()


def item_context(*, kind: ItemKind, obj: Any) -> dict[str, Any]:
    """Everything the item page shows: the words, flags, what was done, the author's record."""
    author_id = kind.author_id(obj)
    anonymous = bool(kind.is_anonymous(obj))
    author = Person.objects.get(pk=author_id)
    flagged = flagged_item_for(kind.key, obj.pk)
    flags = (
        list(
            Flag.objects.filter(flagged_item=flagged)
            .select_related("flagged_by")
            .order_by("-status", "created_at", "id")
        )
        if flagged is not None
        else []
    )
    # An anonymous item's page lists only what was done about it: the author's record
    # elsewhere would name them. A signed item's page leaves out what was done about the
    # same author's anonymous items, for the same reason.
    about = Q(item_kind=kind.key, item_id=obj.pk)
    actions = _without_anonymous_items(
        list(
            ModerationAction.objects.filter(about if anonymous else about | Q(subject_id=author_id))
            .select_related("moderator")
            .order_by("-created_at", "-id")[:50]
        ),
        keep=(kind.key, obj.pk),
    )
    return {
        "is_anonymous": anonymous,
        "kind": kind,
        "obj": obj,
        "texts": kind.texts(obj),
        "where": where_of(kind.key, obj),
        "url": kind.url(obj),
        "author": author,
        "flagged": flagged,
        "flags": flags,
        "open_flags": [f for f in flags if f.status == Flag.Status.OPEN],
        "actions": actions,
        "history": 0 if anonymous else history_counts([author_id]).get(author_id, 0),
        "suspension": None if anonymous else suspension_of(author),
    }


def _without_anonymous_items(
    actions: list[ModerationAction], *, keep: tuple[str, int]
) -> list[ModerationAction]:
    """`actions` less those about anonymous items other than `keep` (one query per kind)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for action in actions:
        if action.item_kind and action.item_id and (action.item_kind, action.item_id) != keep:
            wanted[action.item_kind].add(action.item_id)
    hidden: set[tuple[str, int]] = set()
    for key, ids in wanted.items():
        try:
            kind = kind_named(key)
        except KeyError:
            continue
        for pk, item in kind.model._default_manager.in_bulk(sorted(ids)).items():
            if kind.is_anonymous(item):
                hidden.add((key, pk))
    return [a for a in actions if (a.item_kind, a.item_id) not in hidden]


def suspension_of(person: Person) -> Suspension | None:
    """The suspension in force for `person` that ends last, if any."""
    if not getattr(person, "is_authenticated", False):
        return None
    return Suspension.objects.in_force().filter(person=person).order_by("-ends").first()


_UNSET = object()


def request_suspension(request: HttpRequest) -> Suspension | None:
    """The signed-in person's suspension, read once per request."""
    cached = getattr(request, "_suspension", _UNSET)
    if cached is _UNSET:
        user = getattr(request, "user", None)
        cached = suspension_of(user) if user is not None else None
        request._suspension = cached  # type: ignore[attr-defined]  # per-request memo
    return cached  # type: ignore[return-value]  # set above to a Suspension or None
