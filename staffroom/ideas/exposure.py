"""Exposure and purge for ideas (privacy.exposure acts through ideas.items): who could see
an idea, who did, and removing its words. No permission checks or audit here: the privacy
services do both."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from staffroom.channels.exposure import NOTIFICATION, NOTIFICATION_READ, PAGE_VIEW, PURGED_MARKER
from staffroom.core.items import Sighting

if TYPE_CHECKING:
    from staffroom.accounts.models import Person
    from staffroom.ideas.models import Idea


def idea_audience(idea: Idea) -> QuerySet[Person]:
    """Everyone on the staff while it was shown (every member of staff may read every idea),
    including people who have left since; never shown: its author only."""
    from staffroom.accounts.models import Person

    if idea.first_shown_at is None:
        return Person.objects.filter(pk=idea.author_id)
    return Person.objects.exclude(left_on__lt=timezone.localdate(idea.first_shown_at))


def idea_sightings(idea: Idea) -> list[Sighting]:
    """Who opened the idea (first and latest view) and who was notified about it."""
    from staffroom.ideas.models import IdeaView
    from staffroom.notifications.models import Notification

    found: list[Sighting] = []
    views = IdeaView.objects.filter(idea_id=idea.pk).values_list(
        "person_id", "viewed_at", "last_viewed_at"
    )
    for person_id, first, last in views:
        found.append(Sighting(person_id=person_id, at=first, how=PAGE_VIEW))
        if last is not None and last > first:
            found.append(Sighting(person_id=person_id, at=last, how=PAGE_VIEW))
    notifications = Notification.objects.filter(thread_id=idea.thread_id).values_list(
        "recipient_id", "created_at", "read_at"
    )
    for person_id, sent, read in notifications:
        found.append(Sighting(person_id=person_id, at=sent, how=NOTIFICATION))
        if read is not None:
            found.append(Sighting(person_id=person_id, at=read, how=NOTIFICATION_READ))
    return found


def purge_idea(idea: Idea) -> None:
    """Remove the idea's words and files from everywhere: its texts blanked (title replaced
    by PURGED_MARKER), photo and attachment deleted after commit, its search document,
    notifications about it, and the mentions and links its texts made. Reviewers' responses
    stay (they are the organisation's words, and the timeline keeps its shape).
    Precondition: the idea is no longer visible."""
    from staffroom.discussion.models import Backlink, Mention, Thread
    from staffroom.ideas.models import Idea
    from staffroom.notifications.models import Notification
    from staffroom.privacy.caching import forget_cached
    from staffroom.search.models import SearchDocument

    for name in (idea.photo.name, idea.attachment.name):
        if name:
            transaction.on_commit(partial(default_storage.delete, name))
    Idea.objects.filter(pk=idea.pk).update(
        title=PURGED_MARKER,
        problem="",
        problem_html="",
        proposal="",
        proposal_html="",
        photo="",
        photo_alt_text="",
        attachment="",
        attachment_name="",
        moderation_note="",
        version=F("version") + 1,
    )
    SearchDocument.objects.filter(kind="idea", source_id=idea.pk).delete()
    Notification.objects.filter(thread_id=idea.thread_id, comment__isnull=True).delete()
    Mention.objects.filter(thread_id=idea.thread_id, comment__isnull=True).delete()
    Backlink.objects.filter(source_id=idea.thread_id, source_comment__isnull=True).delete()
    Thread.objects.filter(pk=idea.thread_id).update(version=F("version") + 1)
    forget_cached([f"idea_card:{idea.pk}:", f"discussion:list:{idea.thread_id}:"])
    idea.refresh_from_db()
