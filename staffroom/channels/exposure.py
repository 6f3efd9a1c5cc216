"""Exposure and purge for posts: who could see a post, who did, and removing its words.

Used through the item registry (channels.items) by the privacy officer's "mark as patient
information" report and purge (privacy.exposure). Nothing here checks permissions or
audits: the privacy services do both.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from staffroom.core.items import Sighting

if TYPE_CHECKING:
    from staffroom.accounts.models import Person
    from staffroom.channels.models import Post

# How a sighting happened (core.items.Sighting.how); the report shows them translated.
PAGE_VIEW = "page view"
FEED = "feed"
NOTIFICATION = "notification"
NOTIFICATION_READ = "notification read"

# What a purged item keeps in place of its words (the report and the tombstone say more).
PURGED_MARKER = "[removed for privacy]"


def _channel_editors(post: Post) -> Q:
    """People who may edit the post's channel, who see its posts whatever their audience
    (channels.permissions.can_edit_channel), as a filter on Person."""
    from staffroom.accounts.models import Role, RoleGrant
    from staffroom.channels.models import Channel, ChannelEditor

    organisation_wide = Q(site__isnull=True, department__isnull=True)
    grants = RoleGrant.objects.filter(
        organisation_wide, role__in=[Role.COMMUNICATIONS_ADMIN, Role.ADMINISTRATOR]
    )
    channel = post.channel
    if channel.kind == Channel.Kind.DEPARTMENT and channel.department_id is not None:
        department = channel.department
        scope = organisation_wide | Q(department_id=channel.department_id)
        if department is not None:
            scope |= Q(site_id=department.site_id)
        grants = grants | RoleGrant.objects.filter(scope, role=Role.CHANNEL_EDITOR)
    named = ChannelEditor.objects.filter(channel_id=channel.pk).values("person_id")
    return Q(pk__in=grants.values("person_id")) | Q(pk__in=named)


def shown_since(post: Post) -> datetime | None:
    """When the post's audience could first see it (it went live, visible), or None: never
    (a draft, a post scheduled for later, or held since it was written). Kept when it is held,
    hidden or removed later, so a post edited into a hold still counts as shown."""
    first = post.first_shown_at
    if first is None or first > timezone.now():
        return None
    return first


def _people_then(since: datetime | None) -> QuerySet[Person]:
    """Everyone who could have been there: people who have left since are included (they
    could have seen it before they left), people who had already left when it appeared not."""
    from staffroom.accounts.models import Person

    people = Person.objects.all()
    if since is not None:
        people = people.exclude(left_on__lt=timezone.localdate(since))
    return people


def post_audience(post: Post) -> QuerySet[Person]:
    """Everyone who could see the post: once it went live, the people its audience rule
    includes (channels.audience), its channel's editors and its author; never live (a draft,
    or held), its channel's editors and its author, who may open drafts.

    Not only active people: someone who has left since could have seen it. The reverse of
    `audience_includes`: a person is in it when each audience list that is set names their
    site, department or job family.
    """
    since = shown_since(post)
    people = _people_then(since)
    editors = _channel_editors(post) | Q(pk=post.author_id)
    if since is None:
        return people.filter(editors)
    if not post.audience_restricted:
        return people
    conditions = []
    sites = list(post.audience_sites.values_list("pk", flat=True))
    departments = list(post.audience_departments.values_list("pk", flat=True))
    families = list(post.audience_job_families.values_list("pk", flat=True))
    if sites:
        conditions.append(Q(department__site_id__in=sites))
    if departments:
        conditions.append(Q(department_id__in=departments))
    if families:
        conditions.append(Q(job_family_id__in=families))
    if not conditions:  # restricted with empty lists narrows nothing (channels.audience)
        return people
    rule = conditions[0]
    for condition in conditions[1:]:
        rule &= condition
    return people.filter(rule | editors)


def post_sightings(post: Post) -> list[Sighting]:
    """Who opened the post (first and latest view), who was sent it in a private feed, and
    who was notified about it (sent, and read), with when.

    Notifications on the post's discussion count too: each shows the post's title. A post
    that never went live was seen only on its page, and only its editors' views count (a
    privacy officer reviewing a held post is not an exposure).
    """
    from staffroom.channels.models import FeedDelivery, PostView
    from staffroom.notifications.models import Notification

    found: list[Sighting] = []
    views = PostView.objects.filter(post_id=post.pk)
    if shown_since(post) is None:
        views = views.filter(person__in=post_audience(post))
    for person_id, first, last in views.values_list("person_id", "viewed_at", "last_viewed_at"):
        found.append(Sighting(person_id=person_id, at=first, how=PAGE_VIEW))
        if last is not None and last > first:
            found.append(Sighting(person_id=person_id, at=last, how=PAGE_VIEW))
    if shown_since(post) is None:
        return found
    deliveries = FeedDelivery.objects.filter(post_id=post.pk).values_list(
        "person_id", "delivered_at"
    )
    found.extend(Sighting(person_id=p, at=at, how=FEED) for p, at in deliveries)
    notifications = Notification.objects.filter(thread_id=post.thread_id).values_list(
        "recipient_id", "created_at", "read_at"
    )
    for person_id, sent, read in notifications:
        found.append(Sighting(person_id=person_id, at=sent, how=NOTIFICATION))
        if read is not None:
            found.append(Sighting(person_id=person_id, at=read, how=NOTIFICATION_READ))
    return found


def purge_post(post: Post) -> None:
    """Remove the post's words and files from everywhere Staffroom keeps them.

    The row stays (its discussion keeps its shape) with its words blanked, its title
    replaced by PURGED_MARKER and any moderator's note cleared. Also removed:
    earlier versions, its search document, cached cards and comment lists, its images,
    attachments and video (files deleted after commit), its tags (deleted when no other post
    uses them), notifications about the post itself, and the mentions and links its body
    made. Precondition: the post is no longer visible.
    """
    from staffroom.channels.models import Post, PostAttachment, PostImage, PostRevision, Tag
    from staffroom.discussion.models import Backlink, Mention, Thread
    from staffroom.notifications.models import Notification
    from staffroom.search.models import SearchDocument

    files = [
        *PostImage.objects.filter(post_id=post.pk).values_list("image", flat=True),
        *PostAttachment.objects.filter(post_id=post.pk).values_list("file", flat=True),
    ]
    PostImage.objects.filter(post_id=post.pk).delete()
    PostAttachment.objects.filter(post_id=post.pk).delete()
    for name in files:
        if name:
            transaction.on_commit(partial(default_storage.delete, name))
    PostRevision.objects.filter(post_id=post.pk).delete()
    # Its video: captions, transcript and file name are words of the post, and the picture
    # and sound may show what the guard found in them (files deleted after commit).
    _purge_videos(post)
    # A tag is words too: unlinked, and deleted when no other post uses it (a tag another
    # post uses is that post's words as well, and stays with it).
    tag_ids = list(
        Post.tags.through.objects.filter(post_id=post.pk).values_list("tag_id", flat=True)
    )
    Post.tags.through.objects.filter(post_id=post.pk).delete()
    Tag.objects.filter(pk__in=tag_ids, posts__isnull=True).delete()
    Post.objects.filter(pk=post.pk).update(
        title=PURGED_MARKER,
        summary="",
        body="",
        body_html="",
        moderation_note="",
        is_public=False,
        version=F("version") + 1,
    )
    # The search triggers have just indexed the blank row; a purged post needs no document.
    SearchDocument.objects.filter(kind="post", source_id=post.pk).delete()
    Notification.objects.filter(thread_id=post.thread_id, comment__isnull=True).delete()
    Mention.objects.filter(thread_id=post.thread_id, comment__isnull=True).delete()
    Backlink.objects.filter(source_id=post.thread_id, source_comment__isnull=True).delete()
    Thread.objects.filter(pk=post.thread_id).update(version=F("version") + 1)
    from staffroom.privacy.caching import forget_cached

    forget_cached([f"post_card:{post.pk}:", f"discussion:list:{post.thread_id}:"])
    post.refresh_from_db()


def _purge_videos(post: Post) -> None:
    from staffroom.media.models import Video
    from staffroom.media.services.processing import delete_video

    # With any upload for it not yet finished (its file name is a word of the post too).
    for video in Video.objects.filter(Q(post=post) | Q(for_post=post)):
        delete_video(video=video, editor=None)
