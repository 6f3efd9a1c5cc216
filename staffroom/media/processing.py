"""Processing a complete upload with ffmpeg, in a background job (media.tasks.process_video).

One run of `process(video_id)`:

1. Claims the video with a conditional UPDATE (QUEUED → PROCESSING, attempts + 1), so two
   workers never process the same video: the second finds it no longer QUEUED and skips it.
2. Puts the upload back together in a work folder (the chunks, streamed one after the other,
   or the kept original): the storage may be S3, so ffmpeg never reads it directly.
3. Probes it (`media.ffmpeg.probe`), refuses what can't become a video (damaged, no picture,
   too long), and plans the two renditions: the short side at min(720, source) and
   min(360, source), aspect kept, never enlarged, at most 30 frames a second.
4. Runs ffmpeg once for both MP4s (H.264 main + AAC, fast start), writing the percentage to
   the row at most every PROGRESS_EVERY_SECONDS with a short UPDATE of its own (no
   transaction stays open while ffmpeg works), then takes the poster frame.
5. Stores the MP4s and poster (and the original, when VIDEO_KEEP_ORIGINALS is on), and in one
   short transaction marks the video READY — only if this attempt still owns it — then
   deletes the chunks.

A failure marks the video FAILED with a plain reason, deletes every file this attempt wrote,
and keeps the chunks (or original) so that "Try again" works. ffmpeg's own words go to the log.

A worker killed half-way leaves the video PROCESSING. `is_stale` says when the editor may try
again anyway: once `processing_started_at` is older than VIDEO_PROCESSING_TIMEOUT_SECONDS plus
STALE_GRACE. ffmpeg itself is killed at VIDEO_PROCESSING_TIMEOUT_SECONDS, so by then a live
worker has finished or failed; and since finishing (or failing) is conditional on the attempt
number, a late worker that lost its claim changes nothing on the row and leaves the files
whose names the newer attempt owns.
"""

from __future__ import annotations

import errno
import logging
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from staffroom.media import ffmpeg, storage
from staffroom.media.models import Video, VideoRendition

logger = logging.getLogger(__name__)

PROGRESS_EVERY_SECONDS = 2.0
STALE_GRACE = timedelta(minutes=15)
COPY_BUFFER = 1024 * 1024
MAX_FPS = 30


@dataclass(frozen=True)
class Quality:
    name: str  # VideoRendition.Quality value
    short_side: int
    crf: int
    max_kbps: int
    audio_kbps: int


QUALITIES = (
    Quality(VideoRendition.Quality.HD, 720, 23, 3000, 128),
    Quality(VideoRendition.Quality.LOW, 360, 27, 900, 64),
)


class ProcessingError(Exception):
    """This attempt can't succeed; `kind` chooses the message (see `failure_message`)."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail[-300:]}")
        self.kind = kind
        self.detail = detail


def _limit_words(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)d-hour", "%(count)d-hour", hours) % {"count": hours}
    minutes = max(1, seconds // 60)
    return ngettext("%(count)d-minute", "%(count)d-minute", minutes) % {"count": minutes}


def failure_message(kind: str) -> str:
    """What the editor reads for a failure of `kind`: what happened and what to do next."""
    messages = {
        "damaged": _(
            "This file is damaged or incomplete: it may have been cut off while copying. "
            "Export it again from the camera or phone and upload it."
        ),
        "no_picture": _(
            "This file has no picture: it may be a sound recording. Upload a video file "
            "(MP4, MOV or WebM)."
        ),
        "disk_full": _(
            "The server ran out of disk space while processing this video. Nothing is lost: "
            "try again later, and tell the IT service desk if it happens again."
        ),
        "not_installed": _(
            "The server can't process videos yet: ffmpeg isn't installed on it. Ask the IT "
            "team to install it (see the deployment guide), then try again."
        ),
        "missing": _(
            "The uploaded file is no longer on the server. Delete this video and upload it again."
        ),
    }
    if kind == "too_long":
        return _(
            "This video is longer than the %(limit)s limit. Cut it into shorter parts and "
            "upload each one."
        ) % {"limit": _limit_words(settings.VIDEO_MAX_DURATION_SECONDS)}
    if kind == "timeout":
        return _(
            "Processing took longer than the %(limit)s allowed. Try again later, or upload a "
            "shorter video."
        ) % {"limit": _limit_words(settings.VIDEO_PROCESSING_TIMEOUT_SECONDS)}
    return messages.get(kind) or _(
        "Something went wrong while processing this video. Try again; if it fails again, "
        "export the video again and upload it."
    )


# --- Planning ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    sizes: dict[str, tuple[int, int]]  # quality name → (width, height)
    notes: list[str]


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def plan_renditions(info: ffmpeg.Probe) -> Plan:
    """The size of each rendition and the notes for the editor. The short side becomes
    min(720, source) and min(360, source): the shape is kept and nothing is enlarged."""
    sizes: dict[str, tuple[int, int]] = {}
    for quality in QUALITIES:
        side = _even(min(quality.short_side, info.short_side))
        if info.portrait:
            sizes[quality.name] = (side, _even(info.height * side / info.width))
        else:
            sizes[quality.name] = (_even(info.width * side / info.height), side)
    notes: list[str] = []
    if info.portrait:
        notes.append(Video.Note.PORTRAIT)
    if info.short_side > QUALITIES[0].short_side:
        notes.append(Video.Note.DOWNSCALED)
    elif info.short_side < QUALITIES[0].short_side:
        notes.append(Video.Note.SMALL)
    if info.frame_rate > MAX_FPS + 0.01:
        notes.append(Video.Note.FRAME_RATE)
    if not info.has_audio:
        notes.append(Video.Note.NO_AUDIO)
    return Plan(sizes=sizes, notes=[str(note) for note in notes])


def poster_seconds(duration: float) -> float:
    """About a tenth of the way in (past titles and fades), at least 1 s when there is one."""
    return round(max(duration * 0.1, min(1.0, duration / 2)), 3)


def is_stale(video: Video, now: datetime | None = None) -> bool:
    """PROCESSING for longer than any live worker could be: its worker was killed."""
    if video.status != Video.Status.PROCESSING:
        return False
    started = video.processing_started_at
    if started is None:
        return True
    limit = timedelta(seconds=settings.VIDEO_PROCESSING_TIMEOUT_SECONDS) + STALE_GRACE
    return (now or timezone.now()) - started > limit


def next_poster_number(video: Video) -> int:
    match = re.search(r"poster-(\d+)\.jpg$", video.poster.name or "")
    return int(match.group(1)) + 1 if match else 1


# --- The run -----------------------------------------------------------------------------------


def process_now(video_id: int) -> str:
    """Process now, in this process (the demo seeder): a waiting or failed video is queued
    again and processed at once; the queued task, if any, then finds it taken and skips."""
    Video.objects.filter(pk=video_id, status__in=[Video.Status.QUEUED, Video.Status.FAILED]).update(
        status=Video.Status.QUEUED, updated_at=timezone.now()
    )
    return process(video_id)


def process(video_id: int) -> str:
    """Make the renditions and poster of a QUEUED video. Returns what happened, for the job
    list: "ready", "failed: <kind>", "skipped" (not queued) or "discarded"."""
    now = timezone.now()
    claimed = Video.objects.filter(pk=video_id, status=Video.Status.QUEUED).update(
        status=Video.Status.PROCESSING,
        progress=0,
        failure_reason="",
        attempts=F("attempts") + 1,
        processing_started_at=now,
        updated_at=now,
    )
    if not claimed:
        return "skipped"
    video = Video.objects.get(pk=video_id)
    attempt = video.attempts
    written: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix=f"staffroom-video-{video_id}-") as folder:
            return _run(video, attempt, Path(folder), written)
    except ProcessingError as failure:
        _fail(video, attempt, failure.kind, failure.detail, written)
        return f"failed: {failure.kind}"
    except ffmpeg.FFmpegError as error:
        _fail(video, attempt, error.kind, error.detail, written)
        return f"failed: {error.kind}"
    except OSError as error:
        kind = "disk_full" if error.errno == errno.ENOSPC else "failed"
        _fail(video, attempt, kind, repr(error), written)
        if kind == "failed":
            raise
        return f"failed: {kind}"
    except Exception as error:
        # A bug, not bad input: the editor can try again; the job list shows the traceback.
        _fail(video, attempt, "failed", repr(error), written)
        raise


def _run(video: Video, attempt: int, folder: Path, written: list[str]) -> str:
    source = folder / f"source.{video.container or 'bin'}"
    _assemble(video, source)
    info = ffmpeg.probe(source)
    if info.duration > settings.VIDEO_MAX_DURATION_SECONDS:
        raise ProcessingError("too_long", f"{info.duration:.0f} s")
    plan = plan_renditions(info)
    targets = [
        ffmpeg.Target(
            path=folder / f"{quality.name}.mp4",
            width=plan.sizes[quality.name][0],
            height=plan.sizes[quality.name][1],
            crf=quality.crf,
            max_kbps=quality.max_kbps,
            audio_kbps=quality.audio_kbps,
        )
        for quality in QUALITIES
    ]
    ffmpeg.transcode(
        source,
        info,
        targets,
        on_progress=_ProgressWriter(video.pk, attempt),
        timeout=settings.VIDEO_PROCESSING_TIMEOUT_SECONDS,
    )
    hd = ffmpeg.probe(targets[0].path)
    expected = info.video_duration or info.duration
    if hd.duration < expected * 0.9 - 1:
        # The file promised more than it held: cut off part-way (a WebM copied half-way).
        raise ProcessingError("damaged", f"made {hd.duration:.1f} s of {expected:.1f} s")
    at = poster_seconds(hd.duration)
    poster_file = ffmpeg.extract_frame(targets[0].path, at, folder / "poster.jpg")

    # Store the files, then mark the video ready (short transaction, this attempt only).
    sizes = {}
    for target, quality in zip(targets, QUALITIES, strict=True):
        sizes[quality.name] = target.path.stat().st_size
        _store(storage.rendition_name(video, quality.name), target.path, written)
    poster_name = _store(
        storage.poster_name(video, next_poster_number(video)), poster_file, written
    )
    original = ""
    if settings.VIDEO_KEEP_ORIGINALS:
        original = video.original.name or _store(storage.original_name(video), source, written)
    renditions = [
        VideoRendition(
            quality=quality.name,
            file=storage.rendition_name(video, quality.name),
            width=target.width,
            height=target.height,
            size_bytes=sizes[quality.name],
        )
        for target, quality in zip(targets, QUALITIES, strict=True)
    ]
    done = _Done(
        info=info,
        notes=plan.notes,
        duration=round(hd.duration, 3),
        poster=poster_name,
        poster_seconds=at,
        original=original,
        renditions=renditions,
    )
    return _finish(video, attempt, done, written)


@dataclass(frozen=True)
class _Done:
    info: ffmpeg.Probe
    notes: list[str]
    duration: float
    poster: str
    poster_seconds: float
    original: str
    renditions: list[VideoRendition]


@transaction.atomic
def _finish(video: Video, attempt: int, done: _Done, written: list[str]) -> str:
    """Mark the video ready with what this attempt stored: one short transaction, and only
    if this attempt still holds the claim."""
    current = Video.objects.select_for_update().filter(pk=video.pk).first()
    if current is None or current.status != Video.Status.PROCESSING or current.attempts != attempt:
        logger.warning(
            "video %s: attempt %s lost its claim; its files are dropped", video.pk, attempt
        )
        # The MP4s have fixed names, which a newer attempt now owns: keep those. The poster
        # (numbered) goes unless it is the one in use; a deleted video's folder is swept by
        # the deletion anyway.
        keep = {current.poster.name} if current is not None else set()
        if current is not None:
            keep.update(storage.rendition_name(video, q.name) for q in QUALITIES)
        orphans = [name for name in written if name not in keep]
        transaction.on_commit(lambda: _delete_files(orphans))
        return "discarded"
    old_poster = current.poster.name or ""
    current.status = Video.Status.READY
    current.progress = 100
    current.failure_reason = ""
    current.notes = done.notes
    current.duration_seconds = done.duration
    current.source_width = done.info.width
    current.source_height = done.info.height
    current.has_audio = done.info.has_audio
    current.poster.name = done.poster
    current.poster_seconds = done.poster_seconds
    current.original.name = done.original
    current.processed_at = timezone.now()
    current.version = F("version") + 1
    current.save()
    VideoRendition.objects.filter(video=current).delete()
    for rendition in done.renditions:
        rendition.video = current
    VideoRendition.objects.bulk_create(done.renditions)
    _bump_post(current)
    chunks = video.received_chunks
    transaction.on_commit(lambda: _delete_chunks(video, chunks))
    if old_poster and old_poster != done.poster:
        transaction.on_commit(lambda: default_storage.delete(old_poster))
    return "ready"


def _bump_post(video: Video) -> None:
    """The post's cached fragments show the video: a new version refreshes them."""
    from staffroom.channels.models import Post

    Post.objects.filter(video=video).update(version=F("version") + 1)


def _assemble(video: Video, dest: Path) -> None:
    """The upload as one local file: the kept original, or the chunks in order, streamed."""
    try:
        with dest.open("wb") as out:
            if video.original.name:
                with default_storage.open(video.original.name, "rb") as part:
                    shutil.copyfileobj(part, out, COPY_BUFFER)
                return
            if video.received_chunks == 0:
                raise ProcessingError("missing", "no chunks")
            for index in range(video.received_chunks):
                with default_storage.open(storage.chunk_name(video, index), "rb") as part:
                    shutil.copyfileobj(part, out, COPY_BUFFER)
    except FileNotFoundError as error:
        raise ProcessingError("missing", repr(error)) from error


def _store(name: str, path: Path, written: list[str]) -> str:
    """Save a local file at exactly `name` (replacing a leftover of a killed attempt)."""
    if default_storage.exists(name):
        default_storage.delete(name)
    with path.open("rb") as handle:
        saved = default_storage.save(name, File(handle, name=path.name))
    written.append(saved)
    return saved


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # cleaning up: one stuck file mustn't hide the rest
            logger.exception("video file %s could not be deleted", name)


def _delete_chunks(video: Video, count: int) -> None:
    folder = f"{video.folder}upload/"
    try:
        _directories, files = default_storage.listdir(folder)
    except FileNotFoundError:
        files = []
    names = {storage.chunk_name(video, index) for index in range(count)}
    names.update(f"{folder}{name}" for name in files)
    _delete_files(sorted(names))


def _fail(video: Video, attempt: int, kind: str, detail: str, written: list[str]) -> None:
    logger.warning("video %s attempt %s failed (%s): %s", video.pk, attempt, kind, detail[-2000:])
    owned = Video.objects.filter(
        pk=video.pk, status=Video.Status.PROCESSING, attempts=attempt
    ).update(
        status=Video.Status.FAILED,
        failure_reason=failure_message(kind)[:500],
        progress=0,
        updated_at=timezone.now(),
    )
    fixed = {storage.rendition_name(video, q.name) for q in QUALITIES}
    fixed.add(storage.original_name(video))
    # Without the claim, the fixed names belong to the attempt that has it.
    _delete_files([name for name in written if owned or name not in fixed])
    written.clear()


class _ProgressWriter:
    """Writes ffmpeg's percentage to the row, at most every PROGRESS_EVERY_SECONDS."""

    def __init__(self, video_id: int, attempt: int) -> None:
        self.video_id = video_id
        self.attempt = attempt
        self.written_at = 0.0

    def __call__(self, percent: int) -> None:
        now = time.monotonic()
        if now - self.written_at < PROGRESS_EVERY_SECONDS:
            return
        self.written_at = now
        Video.objects.filter(
            pk=self.video_id, status=Video.Status.PROCESSING, attempts=self.attempt
        ).update(progress=percent, updated_at=timezone.now())
