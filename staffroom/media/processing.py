"""Processing a complete upload with ffmpeg, in a background job (media.tasks.process_video).

One run of `process(video_id)`:

1. Claims the video with a conditional UPDATE (QUEUED → PROCESSING, attempts + 1), so two
   workers never process the same video: the second finds it no longer QUEUED and skips it.
2. Puts the upload back together in a work folder (the chunks, streamed one after the other,
   or the kept original): the storage may be S3, so ffmpeg never reads it directly.
3. Probes it (`media.ffmpeg.probe`, read as the container the content check found), refuses
   what can't become a video (damaged, no picture, too long), and plans the two renditions:
   the short side at min(720, source) and min(360, source), aspect kept, never enlarged, at
   most 30 frames a second.
4. Runs ffmpeg once for both MP4s (H.264 main + AAC, fast start), writing the percentage to
   the row at most every PROGRESS_EVERY_SECONDS with a short UPDATE of its own (no
   transaction stays open while ffmpeg works), then takes the poster frame.
5. Stores the MP4s and poster (and the original, when VIDEO_KEEP_ORIGINALS is on) under names
   of this attempt (`720p-a3.mp4`), and in one short transaction marks the video READY — only
   if this attempt still owns it — then deletes the chunks and what earlier attempts left.

A failure marks the video FAILED with a plain reason, deletes every file this attempt wrote,
and keeps the chunks (or original) so that "Try again" works. ffmpeg's own words go to the log.

The heartbeat: every UPDATE a live attempt makes (the progress, and one every
PROGRESS_EVERY_SECONDS while it copies chunks or stores files) also sets `updated_at`. A
worker killed half-way leaves the video PROCESSING with a heartbeat that stops: once it is
older than VIDEO_STALL_SECONDS the video is stalled (`is_stale`). The periodic job
`media.tasks.requeue_stalled_videos` queues it again (or, after MAX_ATTEMPTS, fails it with a
plain reason), the editor's "Try again" is offered, and a re-delivered job does the same. An
attempt whose heartbeat finds the claim gone (requeued, retried, deleted) stops ffmpeg and
deletes what it wrote; finishing and failing are conditional on the attempt number too, so a
late worker changes nothing on the row, and its files have names no other attempt uses.
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
from functools import partial
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
COPY_BUFFER = 1024 * 1024
MAX_FPS = 30
# A video whose processing stalled this many times is failed instead of queued again.
MAX_ATTEMPTS = 3
WORK_PREFIX = "staffroom-video-"
# A killed worker's work folder is removed once untouched this long past the ffmpeg limit.
WORK_FOLDER_GRACE = timedelta(hours=1)
# This process's work folders in use: never swept, whatever their age.
_ACTIVE_FOLDERS: set[str] = set()
# Names processing gives the MP4s, kept originals and posters at the top of a video's folder.
_RENDITION_FILE = re.compile(r"(?:720p|360p)(?:-a\d+)?\.mp4|original(?:-a\d+)?\.\w+")
_POSTER_FILE = re.compile(r"poster-(\d+)\.jpg")


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
        "stalled": _(
            "Processing stopped three times without finishing: the server may not cope with "
            "this file. Try a shorter or smaller export, or tell the IT service desk."
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


def stall_cutoff(now: datetime | None = None) -> datetime:
    """A PROCESSING video whose heartbeat (`updated_at`) is older than this has stalled."""
    return (now or timezone.now()) - timedelta(seconds=settings.VIDEO_STALL_SECONDS)


def is_stale(video: Video, now: datetime | None = None) -> bool:
    """PROCESSING, but no heartbeat for VIDEO_STALL_SECONDS: its worker was killed (or is
    stuck), so the video may be queued again."""
    if video.status != Video.Status.PROCESSING:
        return False
    return video.updated_at is None or video.updated_at < stall_cutoff(now)


def requeue_if_stalled(video: Video, *, now: datetime | None = None) -> str:
    """Queue a stalled video again (enqueueing its processing on commit), or fail it with a
    plain reason after MAX_ATTEMPTS. Conditional on the heartbeat being the one `video` was
    read with, so a worker that came back to life (or a second sweeper) wins. Returns
    "requeued", "failed" or "" (nothing to do)."""
    if not is_stale(video, now):
        return ""
    now = now or timezone.now()
    unchanged = Video.objects.filter(
        pk=video.pk, status=Video.Status.PROCESSING, updated_at=video.updated_at
    )
    if video.attempts >= MAX_ATTEMPTS:
        if not unchanged.update(
            status=Video.Status.FAILED,
            failure_reason=failure_message("stalled")[:500],
            progress=0,
            updated_at=now,
        ):
            return ""
        logger.warning("video %s stalled %s times: failed", video.pk, video.attempts)
        return "failed"
    if not unchanged.update(status=Video.Status.QUEUED, progress=0, updated_at=now):
        return ""
    from staffroom.media.tasks import process_video

    logger.warning("video %s stalled in attempt %s: queued again", video.pk, video.attempts)
    transaction.on_commit(partial(process_video.enqueue, video.pk))
    return "requeued"


def requeue_stalled(*, now: datetime | None = None) -> dict[str, int]:
    """`requeue_if_stalled` for every stalled video. Returns how many of each outcome."""
    counts = {"requeued": 0, "failed": 0}
    stalled = Video.objects.filter(
        status=Video.Status.PROCESSING, updated_at__lt=stall_cutoff(now)
    ).only("pk", "status", "attempts", "updated_at")
    for video in stalled:
        outcome = requeue_if_stalled(video, now=now)
        if outcome:
            counts[outcome] += 1
    return counts


def sweep_work_folders(*, now: float | None = None) -> int:
    """Remove the work folders killed workers left in this machine's temporary folder: those
    untouched for VIDEO_PROCESSING_TIMEOUT_SECONDS + WORK_FOLDER_GRACE (ffmpeg is killed at
    the first, so no live attempt leaves its folder alone that long), never one this process
    is using. Returns how many."""
    now = now if now is not None else time.time()
    limit = settings.VIDEO_PROCESSING_TIMEOUT_SECONDS + WORK_FOLDER_GRACE.total_seconds()
    removed = 0
    for folder in Path(tempfile.gettempdir()).glob(f"{WORK_PREFIX}*"):
        if str(folder) in _ACTIVE_FOLDERS or folder.is_symlink() or not folder.is_dir():
            continue
        try:
            touched = max(
                [folder.stat().st_mtime] + [entry.stat().st_mtime for entry in folder.iterdir()]
            )
        except OSError:
            continue  # removed meanwhile
        if now - touched > limit:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
            logger.warning("removed the work folder %s left by a killed worker", folder)
    return removed


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


class ClaimLostError(Exception):
    """This attempt no longer owns the video (queued again, retried, deleted): stop."""


def process(video_id: int) -> str:
    """Make the renditions and poster of a QUEUED video. Returns what happened, for the job
    list: "ready", "failed: <kind>", "skipped" (not queued), "requeued" (a job delivered again
    after its worker was killed, for a video that has stalled since) or "discarded"."""
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
        current = Video.objects.filter(pk=video_id).first()
        stalled = current is not None and requeue_if_stalled(current) == "requeued"
        return "requeued" if stalled else "skipped"
    video = Video.objects.get(pk=video_id)
    attempt = video.attempts
    written: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix=f"{WORK_PREFIX}{video_id}-") as folder:
            _ACTIVE_FOLDERS.add(folder)
            try:
                return _run(video, attempt, Path(folder), written)
            finally:
                _ACTIVE_FOLDERS.discard(folder)
    except ClaimLostError:
        logger.warning("video %s: attempt %s lost its claim; it stopped", video_id, attempt)
        _delete_files(_unreferenced(video_id, written))
        written.clear()
        return "discarded"
    except (ProcessingError, ffmpeg.FFmpegError) as failure:
        _fail(video, attempt, failure.kind, failure.detail, written)
        return f"failed: {failure.kind}"
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
    heartbeat = _ProgressWriter(video.pk, attempt)
    container = video.container
    ffmpeg.input_options(container)  # an unknown container fails before any copying
    source = folder / f"source.{container}"
    _assemble(video, source, heartbeat)
    info = ffmpeg.probe(source, container=container)
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
        on_progress=heartbeat,
        timeout=settings.VIDEO_PROCESSING_TIMEOUT_SECONDS,
        container=container,
    )
    hd = ffmpeg.probe(targets[0].path, container="mp4")
    expected = info.video_duration or info.duration
    if hd.duration < expected * 0.9 - 1:
        # The file promised more than it held: cut off part-way (a WebM copied half-way).
        raise ProcessingError("damaged", f"made {hd.duration:.1f} s of {expected:.1f} s")
    at = poster_seconds(hd.duration)
    poster_file = ffmpeg.extract_frame(targets[0].path, at, folder / "poster.jpg", container="mp4")

    # Store the files under this attempt's names, then mark the video ready (short
    # transaction, this attempt only).
    sizes = {}
    names = {}
    for target, quality in zip(targets, QUALITIES, strict=True):
        heartbeat.beat()
        sizes[quality.name] = target.path.stat().st_size
        names[quality.name] = _store(
            storage.rendition_name(video, quality.name, attempt), target.path, written
        )
    heartbeat.beat()
    poster_name = _store(_free_poster_name(video), poster_file, written)
    original = ""
    if settings.VIDEO_KEEP_ORIGINALS:
        heartbeat.beat()
        original = video.original.name or _store(
            storage.original_name(video, attempt), source, written
        )
    renditions = [
        VideoRendition(
            quality=quality.name,
            file=names[quality.name],
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
        # Every name this attempt wrote is its own (attempt-numbered MP4s, a poster number
        # that was free); the check against the rows is a second belt.
        orphans = _unreferenced(video.pk, written)
        transaction.on_commit(partial(_delete_files, orphans))
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
    transaction.on_commit(partial(_delete_leftovers, video.pk))
    return "ready"


def _referenced(video_id: int) -> set[str]:
    """The stored names the video's rows point to now (its MP4s, poster and original)."""
    names = set(VideoRendition.objects.filter(video_id=video_id).values_list("file", flat=True))
    row = Video.objects.filter(pk=video_id).values("poster", "original").first()
    if row is not None:
        names.update(name for name in (row["poster"], row["original"]) if name)
    return names


def _unreferenced(video_id: int, names: list[str]) -> list[str]:
    keep = _referenced(video_id)
    return [name for name in names if name not in keep]


def _delete_leftovers(video_id: int) -> None:
    """After an attempt succeeded: delete the MP4s and originals earlier attempts (killed,
    or late) left in the folder, and posters older than the one in use — never a file the
    rows point to. Runs after the commit; a poster changed since has a higher number."""
    folder = f"videos/{video_id}/"
    try:
        _directories, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    keep = _referenced(video_id)
    current = _POSTER_FILE.search(next((n for n in keep if "/poster-" in n), ""))
    newest = int(current.group(1)) if current else 0
    doomed = []
    for name in files:
        poster = _POSTER_FILE.fullmatch(name)
        stale_poster = poster is not None and int(poster.group(1)) < newest
        if f"{folder}{name}" not in keep and (_RENDITION_FILE.fullmatch(name) or stale_poster):
            doomed.append(f"{folder}{name}")
    _delete_files(doomed)


def _bump_post(video: Video) -> None:
    """The post's cached fragments show the video: a new version refreshes them."""
    from staffroom.channels.models import Post

    Post.objects.filter(video=video).update(version=F("version") + 1)


def _assemble(video: Video, dest: Path, heartbeat: _ProgressWriter) -> None:
    """The upload as one local file: the kept original, or the chunks in order, streamed,
    with a heartbeat as it goes (copying 2 GB from S3 takes a while)."""
    try:
        with dest.open("wb") as out:
            if video.original.name:
                with default_storage.open(video.original.name, "rb") as part:
                    while block := part.read(COPY_BUFFER):
                        out.write(block)
                        heartbeat.beat()
                return
            if video.received_chunks == 0:
                raise ProcessingError("missing", "no chunks")
            for index in range(video.received_chunks):
                with default_storage.open(storage.chunk_name(video, index), "rb") as part:
                    shutil.copyfileobj(part, out, COPY_BUFFER)
                heartbeat.beat()
    except FileNotFoundError as error:
        raise ProcessingError("missing", repr(error)) from error


def _free_poster_name(video: Video) -> str:
    """The next poster number no file has yet: a late attempt and a newer one each get
    their own."""
    number = next_poster_number(video)
    while default_storage.exists(storage.poster_name(video, number)):
        number += 1
    return storage.poster_name(video, number)


def _store(name: str, path: Path, written: list[str]) -> str:
    """Save a local file at exactly `name`, a name this attempt owns."""
    if default_storage.exists(name):
        default_storage.delete(name)  # of this attempt, if its job ran twice
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
    if not owned:
        logger.warning("video %s: attempt %s had lost its claim", video.pk, attempt)
    # Every name this attempt wrote is its own; the check against the rows is a second belt.
    _delete_files(_unreferenced(video.pk, written))
    written.clear()


class _ProgressWriter:
    """The attempt's heartbeat: writes ffmpeg's percentage (and `updated_at`) to the row, at
    most every PROGRESS_EVERY_SECONDS; `beat()` does the same without a percentage while
    files are copied. Raises ClaimLostError when the row is no longer this attempt's."""

    def __init__(self, video_id: int, attempt: int) -> None:
        self.video_id = video_id
        self.attempt = attempt
        self.written_at = time.monotonic()  # the claim itself was the first beat

    def __call__(self, percent: int) -> None:
        self._write(progress=percent)

    def beat(self) -> None:
        self._write()

    def _write(self, **fields: int) -> None:
        now = time.monotonic()
        if now - self.written_at < PROGRESS_EVERY_SECONDS:
            return
        self.written_at = now
        owned = Video.objects.filter(
            pk=self.video_id, status=Video.Status.PROCESSING, attempts=self.attempt
        ).update(updated_at=timezone.now(), **fields)
        if not owned:
            raise ClaimLostError(f"video {self.video_id} attempt {self.attempt}")
