"""Uploading a post's video: in chunks that resume (with JavaScript), or as one file (without).

The chunked protocol (views/upload.py speaks it over HTTP):

1. ``start_upload`` checks the announced size and creates ``Video(status=UPLOADING)`` attached
   to the post, deleting the post's previous video in the same transaction.
2. ``receive_chunk`` takes the bytes at ``offset``, which must be exactly what arrived so far
   (``received_bytes``). An earlier offset is a chunk sent again because its answer was lost:
   it is acknowledged and nothing is stored. A later offset is a gap: ``OffsetMismatchError``
   says where to continue. The first chunk is checked by its bytes (``media.sniff``) before
   anything is stored; a file that isn't a video deletes the Video row, so nothing is left.
   Each chunk is stored as ``storage.chunk_name(video, n)``, then counted under a row lock.
3. The chunk that completes the file hands the video to processing (``queue_processing``,
   which sets it QUEUED and enqueues the job once the transaction commits) and is audited.

``upload_whole_file`` is the plain form's path: the same checks on the whole file, stored as
chunk 0, queued at once.

Why ``receive_chunk`` and ``upload_whole_file`` are not one atomic block, unlike other
services: a chunk is megabytes written to storage (possibly over the network, to S3), and a
transaction held open meanwhile would hold the row lock for that long; and a refused first
chunk must delete the Video row even though the function then raises. So the storage write
happens outside any transaction, and the bookkeeping in short ``transaction.atomic`` blocks
that re-check the offset under ``select_for_update``. If a request dies between storing and
counting, the stored chunk is simply overwritten by the retry (same offset, same name).

Storage trouble is told apart: a full disk (``ENOSPC``/``EDQUOT``) is ``StorageFullError`` (the
upload pauses and continues when there is room), anything else ``StorageUnavailableError``. In
both cases the partly written chunk is deleted and nothing is counted.
"""

from __future__ import annotations

import errno
import logging
import re
import unicodedata
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person
from staffroom.audit.models import AuditAction
from staffroom.audit.services import record_audit
from staffroom.channels.models import Post
from staffroom.media import storage
from staffroom.media.models import Video
from staffroom.media.sniff import HEADER_BYTES, sniff

__all__ = [
    "OffsetMismatchError",
    "StorageFullError",
    "StorageUnavailableError",
    "UploadError",
    "check_upload_size",
    "receive_chunk",
    "start_upload",
    "upload_whole_file",
]

logger = logging.getLogger(__name__)

_DISK_FULL = {errno.ENOSPC, errno.EDQUOT}
_MAX_NAME = 255


class UploadError(Exception):
    """A chunk that can't be taken now (not the file's fault), with the offset to resume at.

    ``status`` is the HTTP status the upload views answer with.
    """

    status = 400

    def __init__(self, message: str, *, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class OffsetMismatchError(UploadError):
    """The chunk isn't the next one: continue from ``offset``."""

    status = 409


class StorageFullError(UploadError):
    """The disk is full: nothing was kept; the upload can continue once there is room."""

    status = 507


class StorageUnavailableError(UploadError):
    """Storage failed for another reason: nothing was kept; try again later."""

    status = 503


# --- Checks -------------------------------------------------------------------------------------


def check_upload_size(size: int) -> None:
    """Refuse an empty file, or one over ``VIDEO_MAX_UPLOAD_BYTES``, before any byte is sent."""
    if size <= 0:
        raise ValidationError(
            _("This file is empty (0 bytes). Choose the video file again."), code="empty"
        )
    limit = settings.VIDEO_MAX_UPLOAD_BYTES
    if size > limit:
        raise ValidationError(
            _(
                "This video is %(size)s; the limit is %(limit)s. Shorten it or export it at a "
                "lower quality (720p is plenty), then upload it again."
            )
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )


def clean_filename(filename: str) -> str:
    """The file's own name, for showing back to editors: no folders, no control characters."""
    name = re.split(r"[/\\]", filename or "")[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(char for char in name if not unicodedata.category(char).startswith("C"))
    name = re.sub(r"\s+", " ", name).strip()
    return name[-_MAX_NAME:] or _("video")


def live_post_message(post: Post) -> str | None:
    """Why `post` can't take a new video now, or None. A published or scheduled post keeps
    the video it has: a new one would reach readers before it is processed and captioned
    (the rule checked when publishing, media.services.accessibility)."""
    if post.status in (Post.Status.PUBLISHED, Post.Status.SCHEDULED):
        return _(
            "This post is published or scheduled, so its video can't be added or replaced "
            "now. Move the post back to draft first, then publish it again once the new "
            "video is ready and captioned."
        )
    return None


def check_post_takes_video(post: Post) -> None:
    message = live_post_message(post)
    if message is not None:
        raise ValidationError(message, code="post_live")


# --- Starting ----------------------------------------------------------------------------------


@transaction.atomic
def start_upload(*, post: Post, uploader: Person, filename: str, size: int) -> Video:
    """A new upload of `size` bytes for `post`, waiting for its first chunk.

    The caller has checked that `uploader` may edit the post. A post has one video: its
    previous video (and all its files) is deleted here, only once the new size is accepted.
    """
    check_post_takes_video(post)
    check_upload_size(size)
    video = Video.objects.create(
        uploaded_by=uploader, original_name=clean_filename(filename), original_size=size
    )
    _attach(post=post, video=video, editor=uploader)
    return video


def _attach(*, post: Post, video: Video, editor: Person) -> None:
    """Make `video` the post's video, deleting the one it had (inside the caller's
    transaction; the post's row lock makes two uploads started at once queue up)."""
    from staffroom.media.services.processing import delete_video  # the processing slice

    locked = Post.objects.select_for_update().only("pk", "video_id").get(pk=post.pk)
    if locked.video_id is not None and locked.video_id != video.pk:
        old = Video.objects.filter(pk=locked.video_id).first()
        if old is not None:
            delete_video(video=old, editor=editor)
    # The post looks different (it now has a video): bump the key of its cached fragments.
    Post.objects.filter(pk=post.pk).update(video=video, version=F("version") + 1)
    post.video = video
    post.video_id = video.pk
    # The video's file name is a word of the post (channels.items.post_texts): the PHI guard
    # reads the post again, as for an attachment's name.
    from staffroom.privacy.services import recheck_after_edit

    recheck_after_edit(obj=Post.objects.get(pk=post.pk), editor=editor)


# --- Chunks ------------------------------------------------------------------------------------


def receive_chunk(*, video: Video, offset: int, data: bytes, total: int | None = None) -> Video:
    """Store `data`, the bytes of the upload from `offset`, and count them.

    `total` is the file's size as the chunk's sender knows it (from ``Content-Range``); when
    given, it must be the size the upload was started with. Returns the video as it now
    stands (``received_bytes`` is where the next chunk starts). Raises ``ValidationError`` for
    a chunk that can never be taken (the first chunk isn't a video: the Video row is deleted
    too), ``OffsetMismatchError`` for a gap, ``StorageFullError`` or
    ``StorageUnavailableError`` for storage trouble (nothing kept). Not atomic as a whole:
    see the module's docstring.
    """
    if total is not None and total != video.original_size:
        raise ValidationError(
            _(
                "This piece belongs to a file of a different size than the upload that was "
                "started. Choose the same file again, or start a new upload."
            ),
            code="wrong_total",
        )
    if offset < video.received_bytes:
        return video  # sent again after its answer was lost: it is already counted
    if offset > video.received_bytes:
        raise OffsetMismatchError(_gap_message(), offset=video.received_bytes)
    _check_chunk(video, data)
    container = ""
    if offset == 0:
        try:
            container = sniff(data[:HEADER_BYTES])
        except ValidationError:
            _discard(video)
            raise
    index = video.received_chunks
    name = storage.chunk_name(video, index)
    _store(name, ContentFile(data), offset=offset)
    with transaction.atomic():
        locked = Video.objects.select_for_update().filter(pk=video.pk).first()
        if locked is None:
            # Deleted (replaced by a new upload, or removed) while the chunk was being stored.
            _forget(name)
            raise ValidationError(
                _("This upload was cancelled or replaced. Start a new upload."), code="gone"
            )
        if locked.received_bytes != offset or locked.status != Video.Status.UPLOADING:
            # A concurrent copy of this chunk was counted first (it wrote the same bytes to
            # the same name): nothing more to do.
            return locked
        locked.received_bytes = offset + len(data)
        locked.received_chunks = index + 1
        fields = ["received_bytes", "received_chunks", "updated_at"]
        if container:
            locked.container = container
            fields.append("container")
        locked.save(update_fields=fields)
        if locked.received_bytes == locked.original_size:
            _complete(locked)
    return locked


def _check_chunk(video: Video, data: bytes) -> None:
    if video.status != Video.Status.UPLOADING:
        raise ValidationError(
            _("This upload is already complete: nothing more is needed."), code="complete"
        )
    if not data:
        raise ValidationError(
            _("A piece of the upload arrived empty. Choose the file again to continue."),
            code="empty_chunk",
        )
    if len(data) > settings.VIDEO_CHUNK_BYTES:
        raise ValidationError(
            _("A piece of the upload was larger than %(limit)s. Reload the page and try again.")
            % {"limit": filesizeformat(settings.VIDEO_CHUNK_BYTES)},
            code="chunk_too_large",
        )
    if video.received_bytes + len(data) > video.original_size:
        raise ValidationError(
            _(
                "More bytes arrived than the file's size when the upload started. "
                "Choose the same file again, or start a new upload."
            ),
            code="too_many_bytes",
        )


def _gap_message() -> str:
    return _("A piece of the upload is missing; it continues from where the server stopped.")


def _complete(video: Video) -> None:
    """Every byte is here: hand the video to processing (inside the counting transaction)."""
    from staffroom.media.services.processing import queue_processing  # the processing slice

    queue_processing(video=video)
    post_id = Post.objects.filter(video=video).values_list("pk", flat=True).first()
    record_audit(
        actor=video.uploaded_by,
        action=AuditAction.VIDEO_UPLOADED,
        target=video,
        summary=f"Video {video.pk} uploaded ({video.original_size} bytes, {video.container})",
        data={
            "post": post_id,
            "size": video.original_size,
            "chunks": video.received_chunks,
            "container": video.container,
        },
    )


def _discard(video: Video) -> None:
    """Delete an upload whose first bytes were refused: its row, and any file under its
    folder (there should be none: nothing is stored before the first chunk is checked)."""
    with transaction.atomic():
        Post.objects.filter(video=video).update(video=None, version=F("version") + 1)
        Video.objects.filter(pk=video.pk).delete()
    storage.delete_video_files(video)


# --- Storage -----------------------------------------------------------------------------------


def _store(name: str, content: File[bytes] | IO[bytes], *, offset: int) -> None:
    """Write `content` at exactly `name`, replacing an earlier attempt at the same chunk.

    On failure, whatever was partly written is deleted and ``StorageFullError`` (disk full) or
    ``StorageUnavailableError`` is raised, with `offset` as where the upload stands.
    """
    try:
        if default_storage.exists(name):
            default_storage.delete(name)  # a previous attempt stored it, then died uncounted
        saved = default_storage.save(name, content)
    except OSError as error:
        _forget(name)
        if error.errno in _DISK_FULL:
            logger.warning("Video upload paused: storage is full (%s)", name)
            raise StorageFullError(_storage_full_message(), offset=offset) from error
        logger.exception("Video upload: storing %s failed", name)
        raise StorageUnavailableError(_storage_unavailable_message(), offset=offset) from error
    except Exception as error:  # object-storage clients raise their own errors, not OSError
        _forget(name)
        logger.exception("Video upload: storing %s failed", name)
        raise StorageUnavailableError(_storage_unavailable_message(), offset=offset) from error
    if saved != name:
        # A concurrent copy of this chunk created the name between our delete and save, and
        # the storage kept both: drop ours, and let the client ask where things stand.
        _forget(saved)
        raise OffsetMismatchError(_gap_message(), offset=offset)


def _forget(name: str) -> None:
    try:
        if default_storage.exists(name):
            default_storage.delete(name)
    except Exception:  # cleaning up after a failure must not hide the failure
        logger.exception("Video upload: could not delete %s", name)


def _storage_full_message() -> str:
    return _(
        "The server is out of space, so the upload is paused. Your file is safe on your "
        "device: try again later and it continues where it stopped."
    )


def _storage_unavailable_message() -> str:
    return _(
        "The server couldn't store the video just now. Your file is safe on your device: "
        "try again in a few minutes and it continues where it stopped."
    )


# --- The plain form ------------------------------------------------------------------------


def upload_whole_file(*, post: Post, uploader: Person, file: UploadedFile) -> Video:
    """The whole video from the plain form (no JavaScript): checked, stored as chunk 0, queued.

    Size and content are checked before anything is stored. The new video is attached to the
    post (replacing its previous one) only once its file is stored, so a failed upload
    leaves the post as it was. Raises ``ValidationError``, or an ``UploadError`` for storage
    trouble.
    """
    check_post_takes_video(post)
    size = int(file.size or 0)
    check_upload_size(size)
    file.seek(0)
    header = file.read(HEADER_BYTES)
    file.seek(0)
    container = sniff(header)
    video = Video.objects.create(
        uploaded_by=uploader,
        original_name=clean_filename(file.name or ""),
        original_size=size,
        container=container,
    )
    try:
        _store(storage.chunk_name(video, 0), file, offset=0)
    except UploadError:
        _discard(video)
        raise
    with transaction.atomic():
        _attach(post=post, video=video, editor=uploader)
        video.received_bytes = size
        video.received_chunks = 1
        video.save(update_fields=["received_bytes", "received_chunks", "updated_at"])
        _complete(video)
    return video
