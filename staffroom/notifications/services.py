"""Writes of notifications. Creating them belongs to the app whose event causes them
(discussion.services for mentions, replies and reactions)."""

from __future__ import annotations

from django.db import transaction
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
