"""Writes of notifications. Creating them belongs to the app whose event causes them
(discussion.services for mentions, replies and reactions); the ones shared by several apps
are here: batched reactions, and marking read."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.notifications.models import Notification


@transaction.atomic
def mark_read(*, person: Person, notification_id: int | None = None) -> int:
    """Mark one of `person`'s notifications as read, or all of them (no id).

    Returns how many changed. Someone else's notification is never touched.
    """
    unread = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def record_reaction(
    *, recipient_id: int, actor: Person | None, thread_id: int, comment_id: int | None
) -> Notification:
    """Tell `recipient_id` that someone reacted to their comment (or to the subject of the
    thread, without `comment_id`): one unread notification per item gathers every reaction
    until it is read ("Ana and 12 others reacted"); the next reaction after that starts a
    new one.

    `actor` None: a reaction that must not be named (the anonymous author of the thread's
    idea); the notification then names nobody. The latest reaction moves the notification
    to the top of the list (its `created_at` is the latest reaction's time).

    Safe under concurrency: the update below only applies to a row still unread, so a
    reaction racing with "mark all as read" starts a new notification instead of adding to
    one already read. The caller (discussion.services.react) holds the reacted item's row
    lock, so two reactions to the same item never both create one.
    """
    unread = Notification.objects.filter(
        recipient_id=recipient_id,
        kind=Notification.Kind.REACTION,
        thread_id=thread_id,
        read_at__isnull=True,
    )
    unread = (
        unread.filter(comment_id=comment_id)
        if comment_id is not None
        else unread.filter(comment__isnull=True)
    )
    actor_id = actor.pk if actor is not None else None
    now = timezone.now()
    current = unread.order_by("-created_at", "-id").first()
    if current is not None:
        same_person = actor_id is not None and current.actor_id == actor_id
        changes: dict[str, Any] = {"actor_id": actor_id, "created_at": now, "updated_at": now}
        if not same_person:
            changes["others_count"] = F("others_count") + 1
        if Notification.objects.filter(pk=current.pk, read_at__isnull=True).update(**changes):
            current.refresh_from_db()
            return current
    return Notification.objects.create(
        recipient_id=recipient_id,
        kind=Notification.Kind.REACTION,
        actor_id=actor_id,
        thread_id=thread_id,
        comment_id=comment_id,
    )
