"""Exposure and purge for comments: who could see a comment, who did, removing its words.

Used through the item registry (discussion.items) by privacy.exposure. A comment is seen on
its subject's page, so its audience is the subject's: a post's audience, or everyone for an
initiative. Nothing here checks permissions or audits: the privacy services do both.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from staffroom.core.items import Sighting

if TYPE_CHECKING:
    from staffroom.accounts.models import Person
    from staffroom.channels.models import Post
    from staffroom.discussion.models import Comment


def _post_of(comment: Comment) -> Post | None:
    from staffroom.channels.models import Post

    return (
        Post.objects.select_related("channel", "channel__department")
        .filter(thread_id=comment.thread_id)
        .first()
    )


def comment_shown_since(comment: Comment) -> datetime | None:
    """When others could first see the comment (when it was written, or, if the PHI guard
    held it, when a privacy officer released it), or None: never. Kept when it is held,
    hidden or removed later, so a comment edited into a hold still counts as shown."""
    return comment.first_shown_at


def comment_audience(comment: Comment) -> QuerySet[Person]:
    """Everyone who could see the comment's subject (and so the comment), and its author;
    nobody but its author if it was never shown.

    Not only active people: someone who has left since could have seen it.
    """
    from staffroom.accounts.models import Person
    from staffroom.channels.exposure import post_audience

    since = comment_shown_since(comment)
    if since is None:
        return Person.objects.filter(pk=comment.author_id)
    post = _post_of(comment)
    if post is None:  # an initiative: for everyone (strategy.subjects)
        return Person.objects.exclude(left_on__lt=timezone.localdate(since))
    return Person.objects.filter(
        Q(pk__in=post_audience(post).values("pk")) | Q(pk=comment.author_id)
    ).exclude(left_on__lt=timezone.localdate(since))


def comment_sightings(comment: Comment) -> list[Sighting]:
    """People who opened the subject's page after the comment appeared (their latest view:
    the comment was on the page), and those notified about it (sent, and read). None if it
    was never shown.

    Only a post's page views are recorded; an initiative's page keeps no views.
    """
    from staffroom.channels.exposure import NOTIFICATION, NOTIFICATION_READ, PAGE_VIEW
    from staffroom.channels.models import PostView
    from staffroom.notifications.models import Notification

    since = comment_shown_since(comment)
    if since is None:
        return []
    found: list[Sighting] = []
    post = _post_of(comment)
    if post is not None:
        views = PostView.objects.filter(post_id=post.pk, last_viewed_at__gte=since)
        found.extend(
            Sighting(person_id=person_id, at=at, how=PAGE_VIEW)
            for person_id, at in views.values_list("person_id", "last_viewed_at")
        )
    notifications = Notification.objects.filter(comment_id=comment.pk).values_list(
        "recipient_id", "created_at", "read_at"
    )
    for person_id, sent, read in notifications:
        found.append(Sighting(person_id=person_id, at=sent, how=NOTIFICATION))
        if read is not None:
            found.append(Sighting(person_id=person_id, at=read, how=NOTIFICATION_READ))
    return found


def purge_comment(comment: Comment) -> None:
    """Remove the comment's words from everywhere Staffroom keeps them.

    The row stays (replies keep their place, shown as "Comment removed") with its words
    blanked, and any moderator's note about them. Also removed: earlier
    versions, its search document, cached comment lists, notifications about it, and the
    mentions and links it made. Precondition: the comment is no longer visible.
    """
    from staffroom.discussion.models import Backlink, Comment, CommentRevision, Mention, Thread
    from staffroom.notifications.models import Notification
    from staffroom.privacy.caching import forget_cached
    from staffroom.search.models import SearchDocument

    CommentRevision.objects.filter(comment_id=comment.pk).delete()
    Comment.objects.filter(pk=comment.pk).update(body="", body_html="", moderation_note="")
    SearchDocument.objects.filter(kind="comment", source_id=comment.pk).delete()
    Notification.objects.filter(comment_id=comment.pk).delete()
    Mention.objects.filter(comment_id=comment.pk).delete()
    Backlink.objects.filter(source_comment_id=comment.pk).delete()
    Thread.objects.filter(pk=comment.thread_id).update(version=F("version") + 1)
    forget_cached([f"discussion:list:{comment.thread_id}:"])
    comment.refresh_from_db()
