"""Processing real clips end to end: renditions, poster, notes, failures, retry, delete."""

from __future__ import annotations

import hashlib
import io
import os
import struct
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.utils import timezone
from PIL import Image

from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.channels.models import Post
from staffroom.channels.tests.factories import PostFactory
from staffroom.jobs.testing import run_jobs
from staffroom.media import ffmpeg, processing, storage
from staffroom.media.models import Video, VideoRendition
from staffroom.media.services import processing as services
from staffroom.media.tests.clips import make_clip, truncated_copy

pytestmark = pytest.mark.django_db


def _delete_tree(folder: str) -> None:
    try:
        directories, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        default_storage.delete(f"{folder}{name}")
    for directory in directories:
        _delete_tree(f"{folder}{directory}/")


@pytest.fixture(autouse=True)
def _empty_video_storage() -> Iterator[None]:
    """The in-memory storage outlives a test, and ids are reused: start each one empty."""
    _delete_tree("videos/")
    yield
    _delete_tree("videos/")


def files_of(video: Video) -> list[str]:
    found: list[str] = []

    def walk(folder: str) -> None:
        try:
            directories, files = default_storage.listdir(folder)
        except FileNotFoundError:
            return
        found.extend(f"{folder}{name}" for name in files)
        for directory in directories:
            walk(f"{folder}{directory}/")

    walk(f"videos/{video.pk}/")
    return sorted(found)


def staged_video(path: Path, *, post: Post | None = None, chunk: int = 64 * 1024) -> Video:
    """A complete upload of `path`, as the upload slice leaves it: chunks in the storage,
    the video QUEUED and attached to a post."""
    data = path.read_bytes()
    container = path.suffix.lstrip(".") if path.suffix in (".mp4", ".mov", ".webm") else ""
    video = Video.objects.create(
        original_name=path.name,
        original_size=len(data),
        received_bytes=len(data),
        container=container,
        status=Video.Status.QUEUED,
    )
    count = 0
    for offset in range(0, len(data), chunk):
        default_storage.save(
            storage.chunk_name(video, count), io.BytesIO(data[offset : offset + chunk])
        )
        count += 1
    Video.objects.filter(pk=video.pk).update(received_chunks=count)
    post = post or PostFactory()
    Post.objects.filter(pk=post.pk).update(video=video)
    video.refresh_from_db()
    return video


def on_commit(*, execute: bool = True) -> Any:
    """Run what the code defers to the commit (the test's transaction never commits)."""
    return TestCase.captureOnCommitCallbacks(execute=execute)


def process(video_id: int) -> str:
    with on_commit():
        return processing.process(video_id)


def atoms(data: bytes) -> list[str]:
    """The top-level MP4 boxes, in order."""
    names, offset = [], 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8 : offset + 16])[0]
        names.append(kind.decode("latin-1"))
        if size < 8:
            break
        offset += size
    return names


def rendition_file(video: Video, quality: str) -> str:
    """The stored name of the video's `quality` MP4, as its row says."""
    return str(VideoRendition.objects.get(video=video, quality=quality).file.name)


def probe_stored(name: str, tmp_path: Path) -> ffmpeg.Probe:
    local = tmp_path / name.replace("/", "_")
    with default_storage.open(name, "rb") as handle:
        local.write_bytes(handle.read())
    return ffmpeg.probe(local)


def test_a_landscape_clip_becomes_two_fast_start_h264_aac_mp4s_and_a_poster(tmp_path: Path) -> None:
    video = staged_video(make_clip(tmp_path / "ward.mp4", seconds=2, width=1280, height=720))
    assert process(video.pk) == "ready"
    video.refresh_from_db()
    assert video.status == Video.Status.READY
    assert video.progress == 100
    assert video.duration_seconds == pytest.approx(2, abs=0.2)
    assert (video.source_width, video.source_height) == (1280, 720)
    assert video.has_audio
    assert video.notes == []
    assert video.processed_at is not None
    assert video.version == 2
    renditions = {r.quality: r for r in video.renditions.all()}
    assert set(renditions) == {"720p", "360p"}
    assert (renditions["720p"].width, renditions["720p"].height) == (1280, 720)
    assert (renditions["360p"].width, renditions["360p"].height) == (640, 360)
    for rendition in renditions.values():
        info = probe_stored(rendition.file.name, tmp_path)
        assert (info.video_codec, info.audio_codec) == ("h264", "aac")
        assert (info.width, info.height) == (rendition.width, rendition.height)
        with default_storage.open(rendition.file.name, "rb") as handle:
            data = handle.read()
        assert rendition.size_bytes == len(data)
        order = atoms(data)
        assert order.index("moov") < order.index("mdat"), order
    assert video.poster.name == storage.poster_name(video, 1)
    with default_storage.open(video.poster.name, "rb") as poster:
        assert poster.read(2) == b"\xff\xd8"
    # The chunks are gone; no original is kept by default.
    # The MP4s are named after the attempt that made them.
    assert files_of(video) == sorted(
        [
            storage.rendition_name(video, "720p", 1),
            storage.rendition_name(video, "360p", 1),
            video.poster.name,
        ]
    )
    assert renditions["720p"].file.name == f"videos/{video.pk}/720p-a1.mp4"
    assert not video.original


def test_a_portrait_phone_video_stays_portrait_and_is_not_enlarged(tmp_path: Path) -> None:
    video = staged_video(make_clip(tmp_path / "phone.mp4", seconds=1, width=240, height=320))
    process(video.pk)
    video.refresh_from_db()
    assert video.status == Video.Status.READY
    assert set(video.notes) == {Video.Note.PORTRAIT, Video.Note.SMALL}
    sizes = {r.quality: (r.width, r.height) for r in video.renditions.all()}
    assert sizes == {"720p": (240, 320), "360p": (240, 320)}


def test_a_video_without_sound_gets_a_silent_track(tmp_path: Path) -> None:
    video = staged_video(make_clip(tmp_path / "quiet.mp4", seconds=1, audio=False))
    process(video.pk)
    video.refresh_from_db()
    assert video.status == Video.Status.READY
    assert not video.has_audio
    assert Video.Note.NO_AUDIO in video.notes
    info = probe_stored(rendition_file(video, "360p"), tmp_path)
    assert info.audio_codec == "aac"


def test_a_4k_60fps_video_becomes_720p_at_30fps(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "big.mp4", seconds=1, width=3840, height=2160, rate=60, audio=False)
    video = staged_video(clip, chunk=1024 * 1024)
    process(video.pk)
    video.refresh_from_db()
    assert video.status == Video.Status.READY, video.failure_reason
    assert {Video.Note.DOWNSCALED, Video.Note.FRAME_RATE} <= set(video.notes)
    info = probe_stored(rendition_file(video, "720p"), tmp_path)
    assert (info.width, info.height) == (1280, 720)
    assert info.frame_rate == pytest.approx(30, abs=0.5)


@pytest.mark.parametrize("container", ["webm", "mov"])
def test_webm_and_mov_uploads_are_processed(tmp_path: Path, container: str) -> None:
    video = staged_video(make_clip(tmp_path / f"clip.{container}", seconds=1))
    assert process(video.pk) == "ready"
    video.refresh_from_db()
    assert video.renditions.count() == 2
    assert probe_stored(rendition_file(video, "720p"), tmp_path).video_codec == "h264"


def test_a_rotated_phone_video_comes_out_upright(tmp_path: Path) -> None:
    from staffroom.media.tests.test_ffmpeg import rotated_copy

    clip = rotated_copy(make_clip(tmp_path / "a.mp4", seconds=1), tmp_path / "r.mp4")
    video = staged_video(clip)
    process(video.pk)
    info = probe_stored(rendition_file(video, "720p"), tmp_path)
    assert (info.width, info.height) == (240, 320)
    assert info.rotation == 0


def _text_file(tmp_path: Path) -> Path:
    path = tmp_path / "handover.mp4"
    path.write_text("Bed 4: obs every hour. Not a video at all.\n" * 200)
    return path


@pytest.mark.parametrize("bad", ["text", "truncated"])
def test_a_damaged_file_fails_with_a_plain_reason_and_leaves_no_output(
    tmp_path: Path, bad: str
) -> None:
    path = (
        _text_file(tmp_path)
        if bad == "text"
        else truncated_copy(make_clip(tmp_path / "a.mp4", seconds=2), tmp_path / "cut.mp4")
    )
    video = staged_video(path)
    chunks_before = files_of(video)
    assert process(video.pk) == "failed: damaged"
    video.refresh_from_db()
    assert video.status == Video.Status.FAILED
    assert video.failure_reason.startswith("This file is damaged or incomplete")
    assert VideoRendition.objects.filter(video=video).count() == 0
    assert files_of(video) == chunks_before  # the chunks stay, so "Try again" works


def test_a_truncated_webm_is_noticed_by_its_missing_end(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "a.webm", seconds=3)
    video = staged_video(truncated_copy(clip, tmp_path / "cut.webm", keep=0.4))
    result = process(video.pk)
    video.refresh_from_db()
    assert result == "failed: damaged", video.failure_reason
    assert not [name for name in files_of(video) if name.endswith((".mp4", ".jpg"))]


def test_a_video_over_the_length_limit_is_refused(tmp_path: Path) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=2))
    with override_settings(VIDEO_MAX_DURATION_SECONDS=1):
        assert process(video.pk) == "failed: too_long"
    video.refresh_from_db()
    assert "longer than" in video.failure_reason


def test_a_server_without_ffmpeg_says_so_and_keeps_the_upload(tmp_path: Path) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=1))
    with override_settings(FFPROBE_BINARY="ffprobe-not-installed-here"):
        assert process(video.pk) == "failed: not_installed"
    video.refresh_from_db()
    assert "ffmpeg isn't installed" in video.failure_reason
    assert default_storage.exists(storage.chunk_name(video, 0))  # "Try again" can still work


def test_a_full_disk_fails_with_try_again_later(tmp_path: Path, monkeypatch: Any) -> None:
    import errno

    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=1))

    def full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(processing, "_assemble", full)
    assert process(video.pk) == "failed: disk_full"
    video.refresh_from_db()
    assert "ran out of disk space" in video.failure_reason


def test_a_failed_video_can_be_tried_again_and_then_succeeds(
    tmp_path: Path, monkeypatch: Any
) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=1))
    post = Post.objects.get(video=video)
    real = ffmpeg.transcode

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ffmpeg.FFmpegError("failed", "encoder exploded")

    monkeypatch.setattr(ffmpeg, "transcode", broken)
    process(video.pk)
    video.refresh_from_db()
    assert video.status == Video.Status.FAILED
    monkeypatch.setattr(ffmpeg, "transcode", real)

    with on_commit():
        services.retry_processing(video=video, editor=post.author)
    video.refresh_from_db()
    assert video.status == Video.Status.QUEUED
    assert video.failure_reason == ""
    assert AuditEntry.objects.filter(action=AuditAction.VIDEO_RETRIED).count() == 1
    with on_commit():
        run_jobs(queue="video")
    video.refresh_from_db()
    assert video.status == Video.Status.READY
    assert video.attempts == 2


def test_a_ready_or_busy_video_cannot_be_retried(tmp_path: Path) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=1))
    editor = Post.objects.get(video=video).author
    with pytest.raises(ValidationError):
        services.retry_processing(video=video, editor=editor)  # queued
    # Processing for hours, but with a fresh heartbeat: a live worker, slow.
    Video.objects.filter(pk=video.pk).update(
        status=Video.Status.PROCESSING,
        processing_started_at=timezone.now() - timedelta(hours=3),
        updated_at=timezone.now() - timedelta(seconds=30),
    )
    video.refresh_from_db()
    assert not services.can_retry(video)
    with pytest.raises(ValidationError):
        services.retry_processing(video=video, editor=editor)
    # No heartbeat for longer than VIDEO_STALL_SECONDS: its worker was killed.
    Video.objects.filter(pk=video.pk).update(updated_at=timezone.now() - timedelta(seconds=601))
    video.refresh_from_db()
    assert services.can_retry(video)
    services.retry_processing(video=video, editor=editor)
    video.refresh_from_db()
    assert video.status == Video.Status.QUEUED


def test_two_workers_claiming_the_same_video_process_it_once(tmp_path: Path) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=1))
    assert process(video.pk) == "ready"
    assert process(video.pk) == "skipped"
    video.refresh_from_db()
    assert video.attempts == 1


def test_progress_is_written_while_ffmpeg_works(tmp_path: Path, monkeypatch: Any) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=3))
    seen: list[int] = []
    monkeypatch.setattr(processing, "PROGRESS_EVERY_SECONDS", 0)
    original = processing._ProgressWriter.__call__

    def spy(self: Any, percent: int) -> None:
        original(self, percent)
        seen.append(Video.objects.values_list("progress", flat=True).get(pk=video.pk))

    monkeypatch.setattr(processing._ProgressWriter, "__call__", spy)
    process(video.pk)
    assert seen
    assert seen == sorted(seen)
    assert max(seen) < 100


def test_kept_originals_are_stored_and_chunks_deleted(tmp_path: Path) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=1))
    with override_settings(VIDEO_KEEP_ORIGINALS=True):
        process(video.pk)
    video.refresh_from_db()
    assert video.original.name == storage.original_name(video, 1)
    assert default_storage.exists(video.original.name)
    assert not [name for name in files_of(video) if "/upload/" in name]


def test_deleting_a_video_removes_every_file_and_row_and_keeps_the_post(tmp_path: Path) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=1))
    process(video.pk)
    post = Post.objects.get(video=video)
    assert files_of(video)
    with on_commit(execute=True):
        services.delete_video(video=video, editor=post.author)
    # The rows go at once; the files in a job on the default queue (not in the request).
    assert not Video.objects.filter(pk=video.pk).exists()
    assert files_of(video)
    assert run_jobs(queue="default") == 1
    assert files_of(video) == []
    # Empty folders may stay behind (the in-memory storage keeps them); no file does.
    assert default_storage.listdir(f"videos/{video.pk}/")[1] == []
    assert not Video.objects.filter(pk=video.pk).exists()
    assert not VideoRendition.objects.filter(video_id=video.pk).exists()
    post.refresh_from_db()
    assert post.video_id is None
    assert AuditEntry.objects.filter(action=AuditAction.VIDEO_DELETED).count() == 1


def test_the_poster_is_changed_by_a_moment_in_the_video(tmp_path: Path) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=2))
    process(video.pk)
    video.refresh_from_db()
    first = video.poster.name
    editor = Post.objects.get(video=video).author
    with on_commit(execute=True):
        services.change_poster(video=video, editor=editor, at_seconds=1.5)
    with on_commit():
        run_jobs(queue="video")
    video.refresh_from_db()
    assert video.poster.name == storage.poster_name(video, 2)
    assert video.poster_seconds == pytest.approx(1.5)
    assert not default_storage.exists(first)
    assert AuditEntry.objects.filter(action=AuditAction.VIDEO_POSTER_CHANGED).count() == 1


def test_the_poster_is_changed_by_a_picture(tmp_path: Path) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=1))
    process(video.pk)
    video.refresh_from_db()
    first = video.poster.name
    editor = Post.objects.get(video=video).author
    buffer = io.BytesIO()
    Image.new("RGBA", (64, 48), (0, 128, 128, 128)).save(buffer, format="PNG")
    with on_commit(execute=True):
        services.change_poster(
            video=video,
            editor=editor,
            image=SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png"),
        )
    video.refresh_from_db()
    assert video.poster.name == storage.poster_name(video, 2)
    assert video.poster_seconds is None
    with default_storage.open(video.poster.name, "rb") as poster:
        assert poster.read(2) == b"\xff\xd8"
    assert not default_storage.exists(first)


def test_a_poster_moment_past_the_end_is_refused(tmp_path: Path) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=1))
    process(video.pk)
    video.refresh_from_db()
    with pytest.raises(ValidationError):
        services.change_poster(video=video, editor=video.uploaded_by, at_seconds=99)  # type: ignore[arg-type]


def test_uploads_left_unfinished_expire(tmp_path: Path) -> None:
    old = staged_video(make_clip(tmp_path / "a.mp4", seconds=1))
    fresh = staged_video(make_clip(tmp_path / "b.mp4", seconds=1))
    resumed = staged_video(make_clip(tmp_path / "c.mp4", seconds=1))
    ids = [old.pk, fresh.pk, resumed.pk]
    Video.objects.filter(pk__in=ids).update(status=Video.Status.UPLOADING)
    long_ago = timezone.now() - timedelta(hours=49)
    Video.objects.filter(pk=old.pk).update(created_at=long_ago, updated_at=long_ago)
    # Started long ago, paused, and sent a chunk an hour ago (each chunk bumps updated_at).
    Video.objects.filter(pk=resumed.pk).update(
        created_at=long_ago, updated_at=timezone.now() - timedelta(hours=1)
    )
    with on_commit(execute=True):
        assert services.expire_uploads() == 1
    run_jobs(queue="default")
    assert not Video.objects.filter(pk=old.pk).exists()
    assert files_of(old) == []
    for kept in (fresh, resumed):
        assert Video.objects.filter(pk=kept.pk).exists()
        assert files_of(kept)


def test_the_expiry_job_is_registered_with_the_clock() -> None:
    from staffroom.jobs.schedule import PERIODIC

    assert "expire_video_uploads" in PERIODIC


def test_a_late_worker_that_lost_its_claim_changes_nothing(
    tmp_path: Path, monkeypatch: Any
) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=1))
    real = ffmpeg.transcode
    newer: dict[str, Any] = {}

    def slow(*args: Any, **kwargs: Any) -> None:
        real(*args, **kwargs)
        if newer:
            return  # the newer attempt's own transcode
        # Meanwhile the video was queued again (its heartbeat looked stalled) and another
        # worker processed it completely.
        Video.objects.filter(pk=video.pk).update(status=Video.Status.QUEUED)
        newer["result"] = "running"
        newer["result"] = process(video.pk)
        newer["files"] = {
            name: hashlib.sha256(default_storage.open(name, "rb").read()).hexdigest()
            for name in files_of(video)
        }

    monkeypatch.setattr(ffmpeg, "transcode", slow)
    # A late worker that doesn't notice in time (no heartbeat) stores its files and only
    # learns at the end; only its own clean-up may remove them in this test.
    monkeypatch.setattr(processing._ProgressWriter, "beat", lambda self: None)
    monkeypatch.setattr(processing, "_delete_leftovers", lambda video_id: None)
    assert process(video.pk) == "discarded"
    assert newer["result"] == "ready"
    video.refresh_from_db()
    # The row is the newer attempt's, and so is every file: the late worker (attempt 1)
    # overwrote none of them and deleted only what it wrote itself.
    assert (video.status, video.attempts) == (Video.Status.READY, 2)
    assert {r.file.name for r in video.renditions.all()} == {
        storage.rendition_name(video, "720p", 2),
        storage.rendition_name(video, "360p", 2),
    }
    assert video.poster.name == storage.poster_name(video, 1)
    after = {
        name: hashlib.sha256(default_storage.open(name, "rb").read()).hexdigest()
        for name in files_of(video)
    }
    assert after == newer["files"]
    assert not default_storage.exists(storage.rendition_name(video, "720p", 1))
    assert not default_storage.exists(storage.poster_name(video, 2))


def test_a_worker_whose_claim_is_taken_stops_ffmpeg_and_leaves_nothing(
    tmp_path: Path, monkeypatch: Any
) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=3))
    monkeypatch.setattr(processing, "PROGRESS_EVERY_SECONDS", 0)
    beats: list[int] = []
    original = processing._ProgressWriter.__call__

    def spy(self: Any, percent: int) -> None:
        beats.append(percent)
        if len(beats) == 1:  # the editor's "Try again" on what looked stalled
            Video.objects.filter(pk=video.pk).update(status=Video.Status.QUEUED)
        original(self, percent)

    monkeypatch.setattr(processing._ProgressWriter, "__call__", spy)
    assert process(video.pk) == "discarded"
    assert len(beats) == 1  # that heartbeat found the claim gone and stopped ffmpeg
    video.refresh_from_db()
    assert video.status == Video.Status.QUEUED
    assert not [name for name in files_of(video) if "/upload/" not in name]


def test_the_heartbeat_touches_the_row_while_chunks_are_copied(
    tmp_path: Path, monkeypatch: Any
) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=1), chunk=8 * 1024)
    assert video.received_chunks > 3
    monkeypatch.setattr(processing, "PROGRESS_EVERY_SECONDS", 0)
    long_ago = timezone.now() - timedelta(hours=1)
    seen: list[Any] = []
    real_probe = ffmpeg.probe

    def probe(path: Path, **kwargs: Any) -> ffmpeg.Probe:
        if not seen:  # right after the copy: the heartbeat moved on from "long ago"
            seen.append(Video.objects.values_list("updated_at", flat=True).get(pk=video.pk))
        return real_probe(path, **kwargs)

    claim = Video.objects.filter(pk=video.pk)
    real_assemble = processing._assemble

    def assemble(*args: Any) -> None:
        claim.update(updated_at=long_ago)  # as if the claim was an hour ago
        real_assemble(*args)

    monkeypatch.setattr(processing, "_assemble", assemble)
    monkeypatch.setattr(ffmpeg, "probe", probe)
    assert process(video.pk) == "ready"
    assert seen[0] > long_ago + timedelta(minutes=59)


def _stall(video: Video, *, attempts: int = 1, seconds: int = 601) -> None:
    Video.objects.filter(pk=video.pk).update(
        status=Video.Status.PROCESSING,
        attempts=attempts,
        progress=40,
        processing_started_at=timezone.now() - timedelta(seconds=seconds),
        updated_at=timezone.now() - timedelta(seconds=seconds),
    )


def test_a_video_whose_worker_was_killed_is_queued_again_and_processed(tmp_path: Path) -> None:
    stalled = staged_video(make_clip(tmp_path / "a.mp4", seconds=1))
    alive = staged_video(make_clip(tmp_path / "b.mp4", seconds=1))
    _stall(stalled)
    _stall(alive, seconds=60)  # a slow but live worker: its heartbeat is recent
    from staffroom.media.tasks import requeue_stalled_videos

    with on_commit():
        requeue_stalled_videos.enqueue()
        assert run_jobs(queue="video") == 1
    assert Video.objects.get(pk=stalled.pk).status == Video.Status.QUEUED
    with on_commit():
        assert run_jobs(queue="video") == 1  # the processing it queued
    stalled.refresh_from_db()
    alive.refresh_from_db()
    assert stalled.status == Video.Status.READY
    assert stalled.attempts == 2
    assert {r.file.name for r in stalled.renditions.all()} == {
        storage.rendition_name(stalled, "720p", 2),
        storage.rendition_name(stalled, "360p", 2),
    }
    assert (alive.status, alive.attempts, alive.progress) == (Video.Status.PROCESSING, 1, 40)


def test_a_video_that_stalls_three_times_fails_with_a_plain_reason(tmp_path: Path) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=1))
    _stall(video, attempts=3)
    with on_commit():
        assert processing.requeue_stalled() == {"requeued": 0, "failed": 1}
    video.refresh_from_db()
    assert video.status == Video.Status.FAILED
    assert video.failure_reason.startswith("Processing stopped three times without finishing")
    assert "IT service desk" in video.failure_reason
    assert services.can_retry(video)  # the editor may still try once more
    assert default_storage.exists(storage.chunk_name(video, 0))


def test_queuing_again_is_conditional_on_the_heartbeat_it_saw(tmp_path: Path) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=1))
    _stall(video)
    seen = Video.objects.get(pk=video.pk)
    # The worker was alive after all: it beats between the sweep's read and its update.
    Video.objects.filter(pk=video.pk).update(updated_at=timezone.now())
    with on_commit() as callbacks:
        assert processing.requeue_if_stalled(seen) == ""
    assert callbacks == []
    assert Video.objects.get(pk=video.pk).status == Video.Status.PROCESSING


def test_a_job_delivered_again_after_its_worker_died_starts_over(tmp_path: Path) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=1))
    _stall(video)
    with on_commit():
        assert processing.process(video.pk) == "requeued"
    with on_commit():
        assert run_jobs(queue="video") == 1
    video.refresh_from_db()
    assert (video.status, video.attempts) == (Video.Status.READY, 2)
    _stall(video, seconds=60)
    assert process(video.pk) == "skipped"  # still alive: leave it be


def test_the_stall_sweep_is_registered_with_the_clock_on_the_video_queue() -> None:
    from staffroom.jobs.schedule import PERIODIC

    periodic = PERIODIC["requeue_stalled_videos"]
    assert periodic.every == timedelta(minutes=5)
    assert periodic.task.queue_name == "video"


def test_work_folders_of_killed_workers_are_removed(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    old = time.time() - settings.VIDEO_PROCESSING_TIMEOUT_SECONDS - 3600 - 60

    def folder(name: str, *, touched: float) -> Path:
        path = tmp_path / name
        path.mkdir()
        (path / "source.mp4").write_bytes(b"x")
        for item in (path / "source.mp4", path):
            os.utime(item, (touched, touched))
        return path

    dead = folder("staffroom-video-7-dead", touched=old)
    recent = folder("staffroom-video-8-recent", touched=time.time() - 3600)
    mine = folder("staffroom-video-9-mine", touched=old)
    other = folder("someone-elses-folder", touched=old)
    monkeypatch.setattr(processing, "_ACTIVE_FOLDERS", {str(mine)})
    assert processing.sweep_work_folders() == 1
    assert not dead.exists()
    assert recent.exists()
    assert mine.exists()
    assert other.exists()


def test_a_successful_attempt_deletes_what_earlier_attempts_left(tmp_path: Path) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=1))
    # A worker killed while storing its files (attempt 1), and one before the poster.
    for name in ("720p-a1.mp4", "360p-a1.mp4", "poster-1.jpg", "720p.mp4", "original-a1.mp4"):
        default_storage.save(f"{video.folder}{name}", io.BytesIO(b"left over"))
    Video.objects.filter(pk=video.pk).update(attempts=1)
    assert process(video.pk) == "ready"
    video.refresh_from_db()
    assert video.poster.name == storage.poster_name(video, 2)  # number 1 was taken
    assert files_of(video) == sorted(
        [
            storage.rendition_name(video, "720p", 2),
            storage.rendition_name(video, "360p", 2),
            video.poster.name,
        ]
    )


def test_a_playlist_uploaded_as_an_mp4_fails_as_damaged_without_reading_elsewhere(
    tmp_path: Path,
) -> None:
    from staffroom.media.tests.test_ffmpeg import _playlist, _segment

    playlist = tmp_path / "ward-tour.mp4"
    playlist.write_bytes(_playlist(_segment(tmp_path)))
    video = staged_video(playlist)
    assert video.container == "mp4"
    assert process(video.pk) == "failed: damaged"
    assert not video.renditions.exists()
    # Processing never guesses a container the content check didn't name.
    other = staged_video(make_clip(tmp_path / "a.mp4", seconds=1))
    Video.objects.filter(pk=other.pk).update(container="")
    assert process(other.pk) == "failed: damaged"


def test_deleting_files_is_a_job_on_the_default_queue_for_a_video_folder_only() -> None:
    from staffroom.media.tasks import delete_video_files_task

    assert delete_video_files_task.queue_name == "default"
    for folder in ("videos/", "videos/../", "videos/7", "other/7/", "videos/07/", "/videos/7/"):
        with pytest.raises(ValueError, match="not a video's folder"):
            storage.delete_folder(folder)


def test_deleting_on_local_disk_removes_the_emptied_folders(tmp_path: Path) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import FileSystemStorage

    disk = FileSystemStorage(location=tmp_path)
    video, neighbour = Video(pk=41, container="mp4"), Video(pk=410, container="mp4")
    for v in (video, neighbour):
        disk.save(storage.chunk_name(v, 0), ContentFile(b"chunk"))
        disk.save(storage.rendition_name(v, "720p", 1), ContentFile(b"mp4"))
        disk.save(storage.poster_name(v, 1), ContentFile(b"jpeg"))
    assert storage.delete_video_files("videos/41/", disk) == 3
    assert not (tmp_path / "videos" / "41").exists()
    assert (tmp_path / "videos").is_dir()
    assert sorted(disk.listdir("videos/410/")[1]) == ["720p-a1.mp4", "poster-1.jpg"]
    assert storage.delete_folder("videos/41/", disk) == 0  # again: harmless
