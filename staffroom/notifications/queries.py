"""Reads of a person's notifications, each with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from staffroom.accounts.models import Person
from staffroom.channels.models import Post
from staffroom.core.pagination import keyset_page
from staffroom.discussion import subjects
from staffroom.discussion.models import Thread
from staffroom.notifications.models import Notification

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
    rows = Notification.objects.filter(recipient=viewer).select_related(
        "actor", "thread", *subjects.subject_relations("thread__")
    )
    if only_id is not None:
        rows = rows.filter(pk=only_id)
    page = keyset_page(rows, ordering=INBOX_ORDER, cursor=cursor, limit=limit)
    threads = [n.thread for n in page.items if n.thread is not None]
    visible = subjects.visible_thread_ids(viewer, threads)
    items = []
    for notification in page.items:
        thread = notification.thread
        if thread is None or thread.pk not in visible:
            continue
        summary = subjects.subject_summary(thread)
        if summary is None:
            continue
        title, url = summary
        if notification.comment_id:
            url = f"{url}#comment-{notification.comment_id}"
        items.append(NotificationItem(notification=notification, subject_title=title, url=url))
    return NotificationPage(items=items, next_cursor=page.next_cursor)


def unread_count(person: Person) -> int:
    """Unread notifications, counted up to UNREAD_SHOWN_UP_TO + 1 on the (recipient, read_at)
    index: one cheap query, whatever the size of the inbox.

    A notification about a post the person may no longer see (its audience changed) is not
    counted: even a number must not reveal that such a post exists.
    """
    visible_post = Post.objects.visible_to(person).filter(thread_id=OuterRef("thread_id"))
    return (
        Notification.objects.filter(recipient=person, read_at__isnull=True)
        .filter(~Q(thread__kind=Thread.Kind.POST) | Exists(visible_post))[: UNREAD_SHOWN_UP_TO + 1]
        .count()
    )
