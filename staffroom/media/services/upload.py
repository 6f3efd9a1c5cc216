"""Uploading a post's video: in chunks that resume (with JavaScript), or as one file (without).

A post keeps the video it has until a new upload is complete and checked. An upload is a
``Video`` row of its own, meant for a post (``Video.for_post``) but not attached to it
(``Post.video``) while its bytes arrive; only the chunk that completes it swaps it in. So a
refused file (its first bytes aren't a video), an upload given up half-way or one that the
server can't store never costs the post its ready, captioned video.

The chunked protocol (views/upload.py speaks it over HTTP):

1. ``start_upload`` checks the post (a published or scheduled post takes no new video) and
   the announced size, and creates the unattached ``Video(status=UPLOADING, for_post=post)``.
   An earlier upload for the same post that was never finished is given up: deleted.
2. ``receive_chunk`` takes the bytes at ``offset``, which must be exactly what arrived so far
   (``received_bytes``). An earlier offset is a chunk sent again because its answer was lost:
   it is acknowledged and nothing is stored. A later offset is a gap: ``OffsetMismatchError``
   says where to continue. The first chunk is checked by its bytes (``media.sniff``) before
   anything is stored; a file that isn't a video deletes the upload, so nothing is left.
   Each chunk is stored as ``storage.chunk_name(video, n)`` under a lease (below), then
   counted.
3. The chunk that completes the file, in one transaction with the post's row locked:
   checks again that the post takes a video (it may have been published meanwhile: then the
   upload is refused with ``PostLiveError`` and deleted, files and row), deletes the post's
   previous video (``services.processing.delete_video``), attaches the new one, bumps the
   post's version, runs the privacy guard on the post again (the file name is a word of the
   post), and hands the video to processing (``queue_processing``, which enqueues the job
   once the transaction commits). The upload is audited.

``upload_whole_file`` is the plain form's path: the same checks on the whole file, stored as
chunk 0, then step 3 at once.

Why ``receive_chunk`` and ``upload_whole_file`` are not one atomic block, unlike other
services: a chunk is megabytes written to storage (possibly over the network, to S3), and a
transaction held open meanwhile would hold the row lock for that long. So the storage write
happens outside any transaction, and the bookkeeping in short ``transaction.atomic`` blocks
under ``select_for_update``:

- Before storing, a request takes a **lease** on the upload: under the row lock it checks
  the offset and sets ``receiving_until`` (now + ``LEASE``) and commits. While a lease is
  unexpired, another copy of the chunk (the browser sent it again after giving up waiting)
  is told to come back shortly (``UploadBusyError``, 503 with ``Retry-After``) instead of
  overwriting or deleting what the first is writing.
- After storing, under the lock again, the request checks that it still holds the lease and
  the offset is unchanged, counts the chunk and clears the lease.
- On a storage failure it deletes the chunk it was writing (never counted: its name is the
  next chunk's) and clears the lease. A request that dies mid-store leaves a lease that
  expires by itself; the next attempt replaces the uncounted chunk it left.

The post's row is locked before the video's wherever both are (starting, completing), so
two uploads for the same post queue up rather than deadlock.

Storage trouble is told apart: a full disk (``ENOSPC``/``EDQUOT``) is ``StorageFullError`` (the
upload pauses and continues when there is room), anything else ``StorageUnavailableError``. In
both cases the partly written chunk is deleted and nothing is counted.
"""

from __future__ import annotations

import errno
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
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
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person
from staffroom.audit.models import AuditAction
from staffroom.audit.services import record_audit
from staffroom.channels.models import Post
from staffroom.media import storage
from staffroom.media.models import Video
from staffroom.media.sniff import HEADER_BYTES, sniff

__all__ = [
    "LEASE",
    "RETRY_AFTER_SECONDS",
    "OffsetMismatchError",
    "PostLiveError",
    "StorageFullError",
    "StorageUnavailableError",
    "UploadBusyError",
    "UploadError",
    "check_upload_size",
    "pending_upload",
    "receive_chunk",
    "start_upload",
    "upload_whole_file",
]

logger = logging.getLogger(__name__)

_DISK_FULL = {errno.ENOSPC, errno.EDQUOT}
_MAX_NAME = 255
# How long a request may hold an upload while it stores one chunk (4 MiB: seconds, even
# over a slow link to object storage). Also how long a request that died mid-store blocks
# the chunk: the browser keeps retrying meanwhile.
LEASE = timedelta(seconds=60)
# What a second copy of a chunk being stored is told to wait before trying again.
RETRY_AFTER_SECONDS = 2


class UploadError(Exception):
    """A chunk that can't be taken now (not the file's fault), with the offset to resume at.

    ``status`` is the HTTP status the upload views answer with; ``code`` tells the script
    apart errors that share one.
    """

    status = 400
    code = ""

    def __init__(self, message: str, *, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class OffsetMismatchError(UploadError):
    """The chunk isn't the next one: continue from ``offset``."""

    status = 409


class PostLiveError(UploadError):
    """The upload was complete, but its post was published or scheduled meanwhile: the
    upload is deleted and the post keeps the video it had."""

    status = 409
    code = "post_live"


class UploadBusyError(UploadError):
    """Another request is storing this chunk right now: try again in a moment."""

    status = 503
    code = "busy"


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


def pending_upload(post: Post) -> Video | None:
    """The newest upload meant for `post` that hasn't finished arriving (one query)."""
    return (
        Video.objects.filter(for_post=post, status=Video.Status.UPLOADING, post__isnull=True)
        .order_by("-created_at", "-pk")
        .first()
    )


# --- Starting ----------------------------------------------------------------------------------


@transaction.atomic
def start_upload(*, post: Post, uploader: Person, filename: str, size: int) -> Video:
    """A new upload of `size` bytes for `post`, waiting for its first chunk.

    The caller has checked that `uploader` may edit the post. The post keeps its video: the
    new one replaces it only once complete (``receive_chunk``). An earlier upload for the
    post that never finished is deleted (given up: a post has one upload under way).
    """
    return _new_upload(post=post, uploader=uploader, filename=filename, size=size)


def _new_upload(
    *, post: Post, uploader: Person, filename: str, size: int, container: str = ""
) -> Video:
    """Inside the caller's transaction: check, create the unattached upload, drop older
    unfinished ones for the post."""
    from staffroom.media.services.processing import delete_video  # the processing slice

    locked = _lock_post(post.pk)
    check_post_takes_video(locked)
    check_upload_size(size)
    video = Video.objects.create(
        uploaded_by=uploader,
        for_post_id=locked.pk,
        original_name=clean_filename(filename),
        original_size=size,
        container=container,
    )
    abandoned = Video.objects.filter(
        for_post_id=locked.pk, status=Video.Status.UPLOADING, post__isnull=True
    ).exclude(pk=video.pk)
    for old in abandoned:
        delete_video(video=old, editor=uploader)
    return video


def _lock_post(pk: int) -> Post:
    """The post's row, locked for the rest of the transaction (what this module reads)."""
    return (
        Post.objects.select_for_update()
        .only("pk", "status", "video_id", "author_id", "visibility")
        .get(pk=pk)
    )


def _lock_video(pk: int) -> Video | None:
    return Video.objects.select_for_update().filter(pk=pk).first()


# --- Chunks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lease:
    until: datetime
    index: int  # the chunk's number: received_chunks when the lease was taken
    container: str  # what the first chunk's bytes say (empty for later chunks)


def receive_chunk(*, video: Video, offset: int, data: bytes, total: int | None = None) -> Video:
    """Store `data`, the bytes of the upload from `offset`, and count them.

    `total` is the file's size as the chunk's sender knows it (from ``Content-Range``); when
    given, it must be the size the upload was started with. Returns the video as it now
    stands (``received_bytes`` is where the next chunk starts). Raises ``ValidationError`` for
    a chunk that can never be taken (the first chunk isn't a video: the upload is deleted
    too), ``OffsetMismatchError`` for a gap, ``UploadBusyError`` while another request
    stores this chunk, ``StorageFullError`` or ``StorageUnavailableError`` for storage
    trouble (nothing kept), ``PostLiveError`` when the last chunk finds the post published
    (the upload is deleted). Not atomic as a whole: see the module's docstring.
    """
    if total is not None and total != video.original_size:
        raise ValidationError(
            _(
                "This piece belongs to a file of a different size than the upload that was "
                "started. Choose the same file again, or start a new upload."
            ),
            code="wrong_total",
        )
    lease = _take_lease(video=video, offset=offset, data=data)
    if isinstance(lease, Video):
        return lease  # sent again after its answer was lost: it is already counted
    name = storage.chunk_name(video, lease.index)
    try:
        _store(name, ContentFile(data), offset=offset)
    except UploadError:
        _give_back(video, lease=lease, name=name)
        raise
    return _count(video, lease=lease, offset=offset, size=len(data), name=name)


def _take_lease(*, video: Video, offset: int, data: bytes) -> _Lease | Video:
    """Check the chunk against the upload as it stands and claim it for this request; or
    the upload, when the chunk is already counted."""
    now = timezone.now()
    refused: ValidationError | None = None
    with transaction.atomic():
        locked = _lock_video(video.pk)
        if locked is None:
            raise _gone()
        if offset < locked.received_bytes:
            return locked
        _check_chunk(locked, data)
        if offset > locked.received_bytes:
            raise OffsetMismatchError(_gap_message(), offset=locked.received_bytes)
        if locked.receiving_until is not None and locked.receiving_until > now:
            raise UploadBusyError(_busy_message(), offset=locked.received_bytes)
        container = ""
        if offset == 0:
            try:
                container = sniff(data[:HEADER_BYTES])
            except ValidationError as error:
                refused = error
        if refused is None:
            locked.receiving_until = now + LEASE
            locked.save(update_fields=["receiving_until"])
            return _Lease(
                until=locked.receiving_until, index=locked.received_chunks, container=container
            )
    _discard(locked)
    raise refused


def _count(video: Video, *, lease: _Lease, offset: int, size: int, name: str) -> Video:
    """Count the stored chunk if this request still holds the upload; complete it when it
    was the last."""
    last = offset + size == video.original_size
    refused: PostLiveError | None = None
    with transaction.atomic():
        # The post first when the upload may complete: the lock order of start_upload.
        post = _lock_post(video.for_post_id) if last and video.for_post_id else None
        locked = _lock_video(video.pk)
        if locked is None:
            # Deleted (a newer upload for the post was started, or it expired) meanwhile.
            _forget(name)
            raise _gone()
        if (
            locked.receiving_until != lease.until
            or locked.received_bytes != offset
            or locked.status != Video.Status.UPLOADING
        ):
            # The lease ran out and another request took this chunk over: the name is its
            # now (counted, or being written), so nothing is deleted.
            return locked
        locked.received_bytes = offset + size
        locked.received_chunks = lease.index + 1
        locked.receiving_until = None
        fields = ["received_bytes", "received_chunks", "receiving_until", "updated_at"]
        if lease.container:
            locked.container = lease.container
            fields.append("container")
        locked.save(update_fields=fields)
        if locked.received_bytes == locked.original_size:
            refused = _complete(locked, post)
        if refused is None:
            return locked
    raise refused


def _give_back(video: Video, *, lease: _Lease, name: str) -> None:
    """After a failed store: delete what was partly written under `name` (never counted,
    it is the next chunk's name) and clear the lease, unless another request holds the
    upload by now (then the name is its)."""
    with transaction.atomic():
        locked = _lock_video(video.pk)
        if locked is not None and locked.receiving_until != lease.until:
            return
        _forget(name)
        if locked is not None:
            locked.receiving_until = None
            locked.save(update_fields=["receiving_until"])


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


def _busy_message() -> str:
    return _("This piece of the upload is still being saved. It is sent again in a moment.")


def _gone() -> ValidationError:
    return ValidationError(
        _("This upload was cancelled or replaced. Start a new upload."), code="gone"
    )


def _complete(video: Video, post: Post | None) -> PostLiveError | None:
    """Every byte is here (inside the counting transaction, `post` locked): swap the upload
    in for the post's video and hand it to processing. If the post went live meanwhile, the
    upload is deleted instead (``delete_video``: the row now, its files once this commits)
    and the refusal returned."""
    from staffroom.media.services.processing import delete_video, queue_processing

    if post is not None:
        message = live_post_message(post)
        if message is not None:
            delete_video(video=video, editor=video.uploaded_by)
            return PostLiveError(message, offset=0)
        _attach(post=post, video=video)
    queue_processing(video=video)
    record_audit(
        actor=video.uploaded_by,
        action=AuditAction.VIDEO_UPLOADED,
        target=video,
        summary=f"Video {video.pk} uploaded ({video.original_size} bytes, {video.container})",
        data={
            "post": post.pk if post is not None else None,
            "size": video.original_size,
            "chunks": video.received_chunks,
            "container": video.container,
        },
    )
    return None


def _attach(*, post: Post, video: Video) -> None:
    """Make `video` the (locked) post's video, deleting the one it had, inside the caller's
    transaction."""
    from staffroom.media.services.processing import delete_video  # the processing slice
    from staffroom.privacy.services import recheck_after_edit

    editor = video.uploaded_by
    if post.video_id is not None and post.video_id != video.pk:
        old = Video.objects.filter(pk=post.video_id).first()
        if old is not None:
            delete_video(video=old, editor=editor)
    # The post looks different (a new video): bump the key of its cached fragments.
    Post.objects.filter(pk=post.pk).update(video=video, version=F("version") + 1)
    # The video's file name is a word of the post (channels.items.post_texts): the PHI guard
    # reads the post again, as for an attachment's name. The hold is the author's.
    recheck_after_edit(obj=Post.objects.get(pk=post.pk), editor=editor or post.author)


def _discard(video: Video) -> None:
    """Delete an upload whose first bytes were refused: its row, and any file under its
    folder (there should be none: nothing is stored before the first chunk is checked)."""
    Video.objects.filter(pk=video.pk).delete()
    storage.delete_video_files(video)


# --- Storage -----------------------------------------------------------------------------------


def _store(name: str, content: File[bytes] | IO[bytes], *, offset: int) -> None:
    """Write `content` at exactly `name`, replacing an earlier uncounted attempt at it.

    The caller holds the upload (a lease, or a new upload nobody else knows): `name` isn't
    counted, so whatever is there was left by a request that died before counting. Raises
    ``StorageFullError`` (disk full) or ``StorageUnavailableError``, with `offset` as where
    the upload stands; the caller deletes what was partly written.
    """
    try:
        if default_storage.exists(name):
            default_storage.delete(name)
        saved = default_storage.save(name, content)
    except OSError as error:
        if error.errno in _DISK_FULL:
            logger.warning("Video upload paused: storage is full (%s)", name)
            raise StorageFullError(_storage_full_message(), offset=offset) from error
        logger.exception("Video upload: storing %s failed", name)
        raise StorageUnavailableError(_storage_unavailable_message(), offset=offset) from error
    except Exception as error:  # object-storage clients raise their own errors, not OSError
        logger.exception("Video upload: storing %s failed", name)
        raise StorageUnavailableError(_storage_unavailable_message(), offset=offset) from error
    if saved != name:
        # A request whose lease ran out re-created the name between our delete and save,
        # and the storage kept both: drop ours (its own name), and try again.
        _forget(saved)
        raise StorageUnavailableError(_storage_unavailable_message(), offset=offset)


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
    """The whole video from the plain form (no JavaScript): checked, stored as chunk 0, then
    swapped in for the post's video and queued.

    Size and content are checked before anything is stored. The post keeps its previous
    video until the file is stored and the post checked again under its lock, so a failed
    upload leaves the post as it was. Raises ``ValidationError``, ``PostLiveError`` (the
    post went live while the file was stored; nothing is kept), or another
    ``UploadError`` for storage trouble.
    """
    check_post_takes_video(post)  # at once, before a long store (checked again at the end)
    size = int(file.size or 0)
    check_upload_size(size)
    file.seek(0)
    header = file.read(HEADER_BYTES)
    file.seek(0)
    container = sniff(header)
    with transaction.atomic():
        video = _new_upload(
            post=post,
            uploader=uploader,
            filename=file.name or "",
            size=size,
            container=container,
        )
    try:
        _store(storage.chunk_name(video, 0), file, offset=0)
    except UploadError:
        _discard(video)
        raise
    refused: PostLiveError | None = None
    with transaction.atomic():
        locked_post = _lock_post(post.pk)
        locked = _lock_video(video.pk)
        if locked is None:
            # Given up for a newer upload to the same post while this one was stored.
            storage.delete_video_files(video)
            raise _gone()
        locked.received_bytes = size
        locked.received_chunks = 1
        locked.save(update_fields=["received_bytes", "received_chunks", "updated_at"])
        refused = _complete(locked, locked_post)
    if refused is not None:
        raise refused
    post.video = locked
    post.video_id = locked.pk
    return locked
