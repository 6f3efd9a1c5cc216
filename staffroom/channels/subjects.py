"""Posts as a discussion subject: how discussion finds, shows and guards a post's thread."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from staffroom.accounts.models import Role
from staffroom.accounts.permissions import has_organisation_wide_role, has_role
from staffroom.channels.models import Channel, Post
from staffroom.channels.permissions import can_edit_channel, can_see_post
from staffroom.discussion.models import Thread
from staffroom.discussion.subjects import Subject, SubjectType, register_subject


def subject_for(post: Post) -> Subject:
    """The discussion subject of a post already checked as visible (no query)."""
    return Subject(thread=post.thread, obj=post, title=post.title, url=post.get_absolute_url())


def resolve_post(viewer: Any, thread: Thread) -> Subject:
    """The post that owns `thread`, or a 404 if the viewer may not see it."""
    post = (
        Post.objects.select_related("channel", "channel__department", "author", "thread")
        .filter(thread=thread)
        .first()
    )
    if post is None or not can_see_post(viewer, post):
        raise Http404
    return subject_for(post)


def can_moderate_post(person: Any, subject: Subject) -> bool:
    """The channel's editors and moderators may hide any comment on a post.

    A moderator grant counts where it applies: an organisation-wide moderator moderates
    every channel; one granted for a department (or its site) moderates that department's
    channel only, not Let's Talk, topic channels or other departments.
    """
    if not getattr(person, "is_authenticated", False) or not person.is_active:
        return False
    channel = subject.obj.channel
    if can_edit_channel(person, channel):
        return True
    department = (
        channel.department
        if channel.kind == Channel.Kind.DEPARTMENT and channel.department_id is not None
        else None
    )
    if department is not None:
        return has_role(person, Role.MODERATOR, department=department)
    return has_organisation_wide_role(person, Role.MODERATOR)


def visible_post_thread_ids(viewer: Any, threads: list[Thread]) -> set[int]:
    """Of these threads, those whose post the viewer may see (one query).

    Live posts in the viewer's audience; editors' drafts are left out on purpose, as lists
    (notifications, search, backlinks) show only what is live.
    """
    ids = [thread.pk for thread in threads]
    if not ids:
        return set()
    return set(
        Post.objects.visible_to(viewer)
        .filter(thread_id__in=ids)
        .values_list("thread_id", flat=True)
    )


def register_post_subject() -> None:
    register_subject(
        SubjectType(
            kind=Thread.Kind.POST,
            resolve=resolve_post,
            can_moderate=can_moderate_post,
            visible_thread_ids=visible_post_thread_ids,
        )
    )
