"""Who may do what with a video. A video belongs to a post, so the post decides.

- Managing it (upload, captions, transcript, poster, retry, delete) is editing the post:
  the editors of the post's channel (channels.permissions.can_edit_channel) who may see the
  post — a held, hidden or removed post's video only its author and reviewers who edit the
  channel, as for the post's own editing pages.
- An upload still arriving isn't the post's video yet (media.services.upload): it belongs
  to the post it is meant for (``Video.for_post``), and that post decides the same way.
- Watching it is seeing the post (channels.permissions.can_see_post), once it is ready.
  Editors watch their own drafts' videos too. A video with no post (its post was deleted)
  has no channel: only communications admins see it.
Anything else is a 404, never a 403, like posts.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from staffroom.channels.models import Post
from staffroom.channels.permissions import can_edit_channel, can_manage_channels, can_see_post
from staffroom.media.models import Video


def post_of(video: Video) -> Post | None:
    """The post this video belongs to, or None (one query unless already loaded): the post
    it is attached to, else the post an unfinished upload is meant for (``for_post``: the
    upload's editors are that post's)."""
    try:
        return video.post  # reverse one-to-one
    except Post.DoesNotExist:
        return video.for_post


def can_manage_video(person: Any, video: Video) -> bool:
    if not getattr(person, "is_authenticated", False) or not person.is_active:
        return False
    post = post_of(video)
    if post is None:
        return bool(can_manage_channels(person))
    return can_see_post(person, post) and can_edit_channel(person, post.channel)


def check_manage_video(person: Any, video: Video) -> None:
    if not can_manage_video(person, video):
        raise PermissionDenied(_("Only the editors of this post's channel can change its video."))


def can_watch_video(person: Any, video: Video) -> bool:
    if not video.is_ready:
        return False
    post = post_of(video)
    if post is None:
        return bool(getattr(person, "is_authenticated", False) and can_manage_video(person, video))
    return can_see_post(person, post)


def get_manageable_video_or_404(person: Any, pk: int) -> Video:
    """The video, for one of its post's editors; a 404 for anyone who can't see the post, a
    403 with a reason for those who can see it but not change it."""
    video = _get_or_404(pk)
    if can_manage_video(person, video):
        return video
    post = post_of(video)
    if post is not None and can_see_post(person, post):
        check_manage_video(person, video)
    raise Http404


def get_watchable_video_or_404(person: Any, pk: int) -> Video:
    video = _get_or_404(pk)
    if not can_watch_video(person, video):
        raise Http404
    return video


def _get_or_404(pk: int) -> Video:
    try:
        return Video.objects.select_related(
            "post",
            "post__channel",
            "post__channel__department",
            "for_post",
            "for_post__channel",
            "for_post__channel__department",
        ).get(pk=pk)
    except Video.DoesNotExist:
        raise Http404 from None
