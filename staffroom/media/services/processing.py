"""Writes around processing: queue it, try again, change the poster, delete the video.

The heavy work runs in background jobs (media.tasks); these services only change rows and
enqueue, on commit, so a web request never waits on ffmpeg.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
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


def can_retry(video: Video) -> bool:
    """Failed, or stuck PROCESSING because its worker died (see processing.is_stale)."""
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
        if not 0 <= at_seconds <= duration:
            raise ValidationError(
                {
                    "at_seconds": _("Choose a moment between 0 and %(end)s seconds.")
                    % {"end": f"{duration:.0f}"}
                }
            )
        from staffroom.media.tasks import take_poster_frame

        transaction.on_commit(partial(take_poster_frame.enqueue, locked.pk, float(at_seconds)))
        record_audit(
            actor=editor,
            action=AuditAction.VIDEO_POSTER_CHANGED,
            target=locked,
            data={"source": "frame", "at_seconds": round(at_seconds, 3)},
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
    """Delete the video's files (once this commits) and its rows; the post keeps its words.
    `editor` None is the system (an upload nobody finished)."""
    from staffroom.channels.models import Post

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
    transaction.on_commit(partial(storage.delete_video_files, doomed))


def expire_uploads(*, now: datetime | None = None) -> int:
    """Delete uploads left unfinished longer than VIDEO_UPLOAD_EXPIRY_HOURS (files and row;
    the post keeps its words). Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.VIDEO_UPLOAD_EXPIRY_HOURS)
    expired = 0
    for video in Video.objects.filter(status=Video.Status.UPLOADING, created_at__lt=cutoff):
        with transaction.atomic():
            locked = (
                Video.objects.select_for_update()
                .filter(pk=video.pk, status=Video.Status.UPLOADING)
                .first()
            )
            if locked is None:
                continue  # finished (or deleted) meanwhile
            delete_video(video=locked, editor=None)
        expired += 1
    return expired
