"""Reads of a person's notifications, each with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from staffroom.accounts.models import Person
from staffroom.channels.models import Post
from staffroom.core.models import Visibility
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
    visible_post = Post.objects.visible_to(person).filter(thread_id=OuterRef("thread_id"))
    return (
        Notification.objects.filter(recipient=person, read_at__isnull=True)
        .filter(_shown_condition())
        .filter(
            ~Q(thread__kind=Thread.Kind.POST) | Exists(visible_post) | Q(kind__in=ABOUT_OWN_ITEM)
        )[: UNREAD_SHOWN_UP_TO + 1]
        .count()
    )
