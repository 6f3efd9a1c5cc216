"""Reads of a person's notifications, each with a fixed number of queries."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staffroom.accounts.models import Person
from staffroom.channels.models import Post
from staffroom.core.models import Visibility
from staffroom.core.pagination import keyset_page
from staffroom.discussion import subjects
from staffroom.discussion.models import Comment, Thread
from staffroom.notifications.models import Notification
from staffroom.organisation.models import Department

PAGE_SIZE = 30
INBOX_ORDER = ("-created_at", "-id")
# The header shows "99+" past this: counting is bounded, never a COUNT over the whole inbox.
UNREAD_SHOWN_UP_TO = 99


@dataclass(frozen=True)
class NotificationItem:
    notification: Notification
    subject_title: str
    url: str

    @property
    def is_unread(self) -> bool:
        return self.notification.read_at is None


@dataclass(frozen=True)
class NotificationPage:
    items: list[NotificationItem]
    next_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def notification_page(
    *,
    viewer: Person,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
    only_id: int | None = None,
) -> NotificationPage:
    """The viewer's notifications, newest first, keeping only those about subjects the viewer
    may still see (an audience can change after the notification was stored).

    One query for the page (with actors, threads and the threads' subjects), then one per
    kind of subject for visibility. A page may hold fewer than `limit` items when some are
    hidden; the cursor still moves past them.
    """
    rows = (
        Notification.objects.filter(recipient=viewer)
        .filter(_shown_condition())
        .select_related(
            "actor",
            "thread",
            *subjects.subject_relations("thread__"),
            # A new post's channel is named ("New post in Let's Talk").
            "thread__post__channel",
        )
        .annotate(comment_visibility=F("comment__visibility"))
    )
    if only_id is not None:
        rows = rows.filter(pk=only_id)
    page = keyset_page(rows, ordering=INBOX_ORDER, cursor=cursor, limit=limit)
    threads = [n.thread for n in page.items if n.thread is not None]
    visible = subjects.visible_thread_ids(viewer, threads)
    items = []
    for notification in page.items:
        item = _item(notification, visible)
        if item is not None:
            items.append(item)
    return NotificationPage(items=items, next_cursor=page.next_cursor)


# Told to the author about what they wrote (a moderator's or privacy officer's decision, with
# why): shown even when the item itself is no longer visible to anyone.
ABOUT_OWN_ITEM = (Notification.Kind.MODERATION, Notification.Kind.PRIVACY)


def _shown_condition() -> Q:
    """Leave out notifications about a comment others can't see (held by the PHI guard, hidden,
    removed): a mention or reply inside it must not reveal it, not even as a number."""
    return (
        Q(comment__isnull=True)
        | Q(comment__visibility=Visibility.VISIBLE)
        | Q(kind__in=ABOUT_OWN_ITEM)
    )


def _item(notification: Notification, visible: set[int]) -> NotificationItem | None:
    thread = notification.thread
    if notification.kind == Notification.Kind.REVEAL:
        # For the other privacy officers: the list of reveals, never the item or its author.
        return NotificationItem(
            notification=notification,
            subject_title=str(_("the list of revealed authors")),
            url=reverse("privacy:reveals"),
        )
    if notification.kind == Notification.Kind.CHAT_HOOK_PAUSED:
        # For a channel's editors: their chat rooms, where the paused one says why.
        return NotificationItem(
            notification=notification,
            subject_title=str(_("your chat rooms")),
            url=reverse("chat:mine"),
        )
    if notification.kind in ABOUT_OWN_ITEM:
        return _own_item(notification, visible)
    if thread is None or thread.pk not in visible:
        return None
    summary = subjects.subject_summary(thread)
    if summary is None:
        return None
    title, url = summary
    if notification.comment_id:
        url = f"{url}#comment-{notification.comment_id}"
    return NotificationItem(notification=notification, subject_title=title, url=url)


def _own_item(notification: Notification, visible: set[int]) -> NotificationItem:
    """A moderation or privacy notice: linked to the item where the reader may see it, else
    to their own held items (privacy) or their notifications.

    The subject is named only when the reader may see it now: a held or removed post's
    title can be the patient information it was withheld for."""
    thread = notification.thread
    summary = subjects.subject_summary(thread) if thread is not None else None
    subject_seen = summary is not None and thread is not None and thread.pk in visible
    item_visible = getattr(notification, "comment_visibility", None) in (None, Visibility.VISIBLE)
    if summary is not None and subject_seen and item_visible:
        title, url = summary
        if notification.comment_id:
            url = f"{url}#comment-{notification.comment_id}"
        return NotificationItem(notification=notification, subject_title=title, url=url)
    if notification.kind == Notification.Kind.PRIVACY:
        fallback, url = str(_("your held items")), reverse("privacy:my_holds")
    else:
        fallback, url = str(_("your notifications")), reverse("notifications:list")
    if summary is None:
        title = fallback
    elif subject_seen:
        title = summary[0]
    else:
        title = _unseen_subject(notification)
    return NotificationItem(notification=notification, subject_title=title, url=url)


def _unseen_subject(notification: Notification) -> str:
    """Neutral words for a subject the reader can't see now, never its title."""
    thread = notification.thread
    subject = getattr(thread, thread.kind, None) if thread is not None else None
    if subject is None or thread is None or thread.kind != Thread.Kind.POST:
        return str(_("an item you can no longer see"))
    if subject.author_id != notification.recipient_id:
        return str(_("a post you can no longer see"))
    if subject.visibility == Visibility.HELD:
        return str(_("your post under privacy review"))
    return str(_("your post, not shown to others"))


def unread_count(person: Person) -> int:
    """Unread notifications, counted up to UNREAD_SHOWN_UP_TO + 1 on the (recipient, read_at)
    index: one cheap query, whatever the size of the inbox.

    A notification about a post the person may no longer see (its audience changed) is not
    counted: even a number must not reveal that such a post exists.
    """
    return _unread(person)[: UNREAD_SHOWN_UP_TO + 1].count()


def _unread(person: Person) -> QuerySet[Notification]:
    visible_post = Post.objects.visible_to(person).filter(thread_id=OuterRef("thread_id"))
    return (
        Notification.objects.filter(recipient=person, read_at__isnull=True)
        .filter(_shown_condition())
        .filter(
            ~Q(thread__kind=Thread.Kind.POST) | Exists(visible_post) | Q(kind__in=ABOUT_OWN_ITEM)
        )
    )


# The header's count, on every page (cached_unread_count): decided from one plain query of
# the unread rows when it can be, else cached per person under a fingerprint of everything
# it depends on. At most this many unread rows are read for it.
FINGERPRINT_ROWS = 200
# Only so that unused entries go: an entry is never stale, its key changes with the state.
UNREAD_CACHE_SECONDS = 24 * 60 * 60
_LIVE_STATUSES = (Post.Status.PUBLISHED, Post.Status.SCHEDULED)


def _unread_state_sql() -> str:
    n, c, t, p, d = (
        Notification._meta.db_table,
        Comment._meta.db_table,
        Thread._meta.db_table,
        Post._meta.db_table,
        Department._meta.db_table,
    )
    # Plain SQL on purpose: it runs on every page, and building the audience rule with the
    # ORM costs more than the whole query does in the database. Only table names are
    # formatted in; the person, their department and the time are bound parameters.
    return (
        "SELECT n.id, n.kind, n.comment_id, c.visibility, t.kind, p.id, p.version, "  # noqa: S608
        "p.status, p.visibility, CASE WHEN p.published_at <= %s THEN 1 ELSE 0 END, "
        f"p.audience_restricted, (SELECT d.site_id FROM {d} d WHERE d.id = %s) "
        f"FROM {n} n LEFT JOIN {c} c ON c.id = n.comment_id "
        f"LEFT JOIN {t} t ON t.id = n.thread_id LEFT JOIN {p} p ON p.thread_id = n.thread_id "
        "WHERE n.recipient_id = %s AND n.read_at IS NULL ORDER BY n.id DESC LIMIT %s"
    )


@dataclass(frozen=True)
class UnreadState:
    ids: list[int]
    fingerprint: str
    # How many of the rows unread_count() counts, when the rows alone tell (None when one is
    # about a post with a restricted audience: that takes the audience lists).
    shown: int | None

    @property
    def is_complete(self) -> bool:
        """Every unread notification is among `ids`."""
        return len(self.ids) <= FINGERPRINT_ROWS


def unread_state(person: Person) -> UnreadState | None:
    """The unread notifications (newest first, at most FINGERPRINT_ROWS + 1) and a
    fingerprint of everything unread_count() depends on: which rows are unread, their
    comments' visibility, for posts their version (bumped by every edit, the audience
    included), status, visibility and whether they are live yet; and who the person is for
    audiences (active, site, department, job family). None when nothing is unread.

    One indexed query without the ORM: cheap enough for every page.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _unread_state_sql(),
            [timezone.now(), person.department_id, person.pk, FINGERPRINT_ROWS + 1],
        )
        rows = cursor.fetchall()
    if not rows:
        return None
    who = (person.pk, person.is_active, person.department_id, person.job_family_id)
    fingerprint = hashlib.sha256(repr((who, rows)).encode()).hexdigest()
    return UnreadState(
        ids=[int(row[0]) for row in rows], fingerprint=fingerprint, shown=_shown(person, rows)
    )


def _shown(person: Person, rows: list[tuple[Any, ...]]) -> int | None:
    """unread_count()'s rule (_unread) applied to the rows in memory, or None when a row is
    about a restricted post (whose audience lists the rows don't hold). The rule is the same
    as _shown_condition() and Post.objects.visible_to(); the tests hold the two together."""
    shown = 0
    for row in rows:
        kind, comment_id, comment_visibility, thread_kind = row[1:5]
        post_id, _version, status, visibility, live, restricted = row[5:11]
        if kind in ABOUT_OWN_ITEM:
            shown += 1
            continue
        if comment_id is not None and comment_visibility != Visibility.VISIBLE:
            continue
        if thread_kind == Thread.Kind.POST:
            if post_id is None or not person.is_active:
                continue
            if not live or status not in _LIVE_STATUSES or visibility != Visibility.VISIBLE:
                continue
            if restricted:
                return None
        shown += 1
    return shown


def cached_unread_count(person: Person) -> int:
    """unread_count(), for every page's header, without its cost.

    Usually one query and nothing else: the unread rows (unread_state) tell the count
    themselves. When one is about a post with a restricted audience, the count is read from
    the cache under the fingerprint of the state, so a new, read or hidden notification, a
    changed post or a move to another department is a new key (never a stale count, never
    time alone); worked out once per state.
    """
    state = unread_state(person)
    if state is None:
        return 0
    if state.shown is not None and (state.is_complete or state.shown > UNREAD_SHOWN_UP_TO):
        return min(state.shown, UNREAD_SHOWN_UP_TO + 1)
    key = f"notifications:unread:{person.pk}:{state.fingerprint}"
    count: int | None = cache.get(key)
    if count is not None:
        return count
    if state.is_complete:
        count = _unread_among(person, state.ids)
    else:
        # More unread than were fingerprinted: the count is only certain from them when they
        # alone reach the cap; otherwise count everything, and don't cache it.
        count = _unread_among(person, state.ids[:FINGERPRINT_ROWS])
        if count <= UNREAD_SHOWN_UP_TO:
            return unread_count(person)
    cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def _unread_among(person: Person, ids: list[int]) -> int:
    return _unread(person).filter(pk__in=ids)[: UNREAD_SHOWN_UP_TO + 1].count()
