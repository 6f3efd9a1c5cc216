"""Writes around processing: queue it, try again, change the poster, delete the video.

The heavy work runs in background jobs (media.tasks); these services only change rows and
enqueue, on commit, so a web request never waits on ffmpeg.
"""

from __future__ import annotations

import io
import math
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from staffroom.audit.models import AuditAction
from staffroom.audit.services import record_audit
from staffroom.core.uploads import process_image
from staffroom.media import processing, storage
from staffroom.media.models import Video

if TYPE_CHECKING:
    from staffroom.accounts.models import Person

POSTER_MAX_SIDE = 1280
# A poster frame is taken this far before the end at the latest: at the very end there is none.
POSTER_END_MARGIN = 0.1
POSTER_PROBLEM_SECONDS = 24 * 3600


def _poster_problem_key(video_id: int, version: int) -> str:
    return f"video_poster_problem:{video_id}:{version}"


def poster_problem(video: Video) -> str:
    """Says that the last poster frame asked for couldn't be taken, while the video is
    unchanged since (a new poster bumps the version, and the message goes), or "": for the
    poster section."""
    at = cache.get(_poster_problem_key(video.pk, video.version))
    if at is None:
        return ""
    return _(
        "The picture at %(at)s seconds couldn't be taken from the video, so the poster is "
        "unchanged. Try an earlier moment, or upload a picture."
    ) % {"at": f"{float(at):.1f}"}


def report_poster_problem(*, video: Video, at_seconds: float) -> None:
    """Remember for the poster section that no frame came at `at_seconds` (the poster-frame
    job, media.tasks.take_poster_frame, calls this when ffmpeg finds none)."""
    cache.set(_poster_problem_key(video.pk, video.version), at_seconds, POSTER_PROBLEM_SECONDS)


def can_retry(video: Video) -> bool:
    """Failed, or stuck PROCESSING because its heartbeat stopped (processing.is_stale)."""
    return video.status == Video.Status.FAILED or processing.is_stale(video)


@transaction.atomic
def queue_processing(*, video: Video) -> None:
    """Mark a complete upload as waiting and enqueue its processing once this commits.

    Call it inside the transaction that completes the upload (or retries it)."""
    from staffroom.media.tasks import process_video

    video.status = Video.Status.QUEUED
    video.progress = 0
    video.failure_reason = ""
    video.save(update_fields=["status", "progress", "failure_reason", "updated_at"])
    transaction.on_commit(partial(process_video.enqueue, video.pk))


@transaction.atomic
def retry_processing(*, video: Video, editor: Person) -> Video:
    """Process a failed video again (or one whose worker died), from the kept chunks."""
    locked = Video.objects.select_for_update().get(pk=video.pk)
    if not can_retry(locked):
        if locked.status == Video.Status.READY:
            raise ValidationError(_("This video is ready: there is nothing to try again."))
        raise ValidationError(
            _("This video is already waiting or being processed. Refresh the page in a moment.")
        )
    previous = locked.status
    queue_processing(video=locked)
    record_audit(
        actor=editor,
        action=AuditAction.VIDEO_RETRIED,
        target=locked,
        data={"from_status": previous, "attempts": locked.attempts},
    )
    return locked


def _check_ready(video: Video) -> None:
    if video.status != Video.Status.READY:
        raise ValidationError(
            _("The poster can be changed once the video is ready."), code="not_ready"
        )


@transaction.atomic
def change_poster(
    *,
    video: Video,
    editor: Person,
    at_seconds: float | None = None,
    image: UploadedFile | None = None,
) -> Video:
    """Choose the poster: the frame at `at_seconds` (taken in a background job, from the 720p
    file), or an uploaded picture (checked and stored now). Exactly one of the two."""
    if (at_seconds is None) == (image is None):
        raise ValidationError(_("Choose a moment in the video or a picture."))
    locked = Video.objects.select_for_update().get(pk=video.pk)
    _check_ready(locked)
    if at_seconds is not None:
        duration = locked.duration_seconds or 0.0
        if not (math.isfinite(at_seconds) and 0 <= at_seconds <= duration):
            raise ValidationError(
                {
                    "at_seconds": _("Choose a moment between 0 and %(end)s seconds.")
                    % {"end": f"{duration:.0f}"}
                }
            )
        # The very end has no frame to take: the last moment that has one.
        at = round(min(float(at_seconds), max(0.0, duration - POSTER_END_MARGIN)), 3)
        from staffroom.media.tasks import take_poster_frame

        # A problem with the frame asked for before is no longer news.
        transaction.on_commit(partial(cache.delete, _poster_problem_key(locked.pk, locked.version)))
        transaction.on_commit(partial(take_poster_frame.enqueue, locked.pk, at))
        record_audit(
            actor=editor,
            action=AuditAction.VIDEO_POSTER_CHANGED,
            target=locked,
            data={"source": "frame", "at_seconds": at},
        )
        return locked
    assert image is not None  # exactly one of the two, checked above
    image.seek(0)
    try:
        processed = process_image(image, max_side=POSTER_MAX_SIDE)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from error
    content = processed.content
    if processed.content_type != "image/jpeg":
        content = _as_jpeg(content)
    replace_poster(video=locked, content=content, at_seconds=None)
    record_audit(
        actor=editor,
        action=AuditAction.VIDEO_POSTER_CHANGED,
        target=locked,
        data={"source": "image"},
    )
    return locked


def _as_jpeg(content: File[bytes]) -> ContentFile[bytes]:
    """A picture with transparency (PNG) flattened onto white, as a JPEG."""
    content.seek(0)
    with Image.open(io.BytesIO(content.read())) as picture:
        rgba = picture.convert("RGBA")
        flat = Image.new("RGB", picture.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        buffer = io.BytesIO()
        flat.save(buffer, format="JPEG", quality=85, optimize=True, progressive=True)
    return ContentFile(buffer.getvalue(), name="poster.jpg")


@transaction.atomic
def replace_poster(*, video: Video, content: File[bytes], at_seconds: float | None) -> Video:
    """Store `content` (a JPEG) as the video's new poster, under a new number so no browser
    shows a cached old one; the old file is deleted once this commits. Used by
    `change_poster` and by the poster-frame job (media.tasks.take_poster_frame)."""
    locked = Video.objects.select_for_update().get(pk=video.pk)
    name = storage.poster_name(locked, processing.next_poster_number(locked))
    if default_storage.exists(name):
        default_storage.delete(name)  # a leftover of an attempt that died half-way
    content.seek(0)
    saved = default_storage.save(name, content)
    old = locked.poster.name or ""
    try:
        locked.poster.name = saved
        locked.poster_seconds = at_seconds
        locked.version = F("version") + 1
        locked.save(update_fields=["poster", "poster_seconds", "version", "updated_at"])
        locked.refresh_from_db(fields=["version"])
        _bump_post(locked)
    except Exception:
        default_storage.delete(saved)
        raise
    if old and old != saved:
        transaction.on_commit(partial(default_storage.delete, old))
    video.poster.name = saved
    video.poster_seconds = at_seconds
    video.version = locked.version
    return locked


def _bump_post(video: Video) -> None:
    from staffroom.channels.models import Post

    Post.objects.filter(video=video).update(version=F("version") + 1)


@transaction.atomic
def delete_video(*, video: Video, editor: Person | None) -> None:
    """Delete the video's rows now and its files in a background job (enqueued once this
    commits: on S3 a folder is hundreds of requests, too many for a web request); the post
    keeps its words. `editor` None is the system (an upload nobody finished)."""
    from staffroom.channels.models import Post
    from staffroom.media.tasks import delete_video_files_task

    post_id = Post.objects.filter(video=video).values_list("pk", flat=True).first()
    doomed = Video(pk=video.pk)  # keeps the folder name after the row is gone
    record_audit(
        actor=editor,
        action=AuditAction.VIDEO_DELETED,
        target=video,
        data={"post": post_id, "status": video.status},
    )
    if post_id is not None:
        Post.objects.filter(pk=post_id).update(video=None, version=F("version") + 1)
    Video.objects.filter(pk=video.pk).delete()
    transaction.on_commit(partial(delete_video_files_task.enqueue, doomed.folder))


def expire_uploads(*, now: datetime | None = None) -> int:
    """Delete uploads nobody added to for VIDEO_UPLOAD_EXPIRY_HOURS (files and row; the post
    keeps its words): counted from the last chunk (`updated_at`, which every chunk bumps),
    so a long upload paused and resumed is never deleted part-way. Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.VIDEO_UPLOAD_EXPIRY_HOURS)
    expired = 0
    for video in Video.objects.filter(status=Video.Status.UPLOADING, updated_at__lt=cutoff):
        with transaction.atomic():
            locked = (
                Video.objects.select_for_update()
                .filter(pk=video.pk, status=Video.Status.UPLOADING, updated_at__lt=cutoff)
                .first()
            )
            if locked is None:
                continue  # finished, resumed or deleted meanwhile
            delete_video(video=locked, editor=None)
        expired += 1
    return expired
