"""Processing real clips end to end: renditions, poster, notes, failures, retry, delete."""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
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
    assert files_of(video) == sorted(
        [
            storage.rendition_name(video, "720p"),
            storage.rendition_name(video, "360p"),
            video.poster.name,
        ]
    )
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
    info = probe_stored(storage.rendition_name(video, "360p"), tmp_path)
    assert info.audio_codec == "aac"


def test_a_4k_60fps_video_becomes_720p_at_30fps(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "big.mp4", seconds=1, width=3840, height=2160, rate=60, audio=False)
    video = staged_video(clip, chunk=1024 * 1024)
    process(video.pk)
    video.refresh_from_db()
    assert video.status == Video.Status.READY, video.failure_reason
    assert {Video.Note.DOWNSCALED, Video.Note.FRAME_RATE} <= set(video.notes)
    info = probe_stored(storage.rendition_name(video, "720p"), tmp_path)
    assert (info.width, info.height) == (1280, 720)
    assert info.frame_rate == pytest.approx(30, abs=0.5)


@pytest.mark.parametrize("container", ["webm", "mov"])
def test_webm_and_mov_uploads_are_processed(tmp_path: Path, container: str) -> None:
    video = staged_video(make_clip(tmp_path / f"clip.{container}", seconds=1))
    assert process(video.pk) == "ready"
    video.refresh_from_db()
    assert video.renditions.count() == 2
    assert probe_stored(storage.rendition_name(video, "720p"), tmp_path).video_codec == "h264"


def test_a_rotated_phone_video_comes_out_upright(tmp_path: Path) -> None:
    from staffroom.media.tests.test_ffmpeg import rotated_copy

    clip = rotated_copy(make_clip(tmp_path / "a.mp4", seconds=1), tmp_path / "r.mp4")
    video = staged_video(clip)
    process(video.pk)
    info = probe_stored(storage.rendition_name(video, "720p"), tmp_path)
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
    assert not default_storage.exists(storage.rendition_name(video, "720p"))


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
    Video.objects.filter(pk=video.pk).update(
        status=Video.Status.PROCESSING, processing_started_at=timezone.now()
    )
    video.refresh_from_db()
    with pytest.raises(ValidationError):
        services.retry_processing(video=video, editor=editor)
    # A worker killed long ago: the editor may start again.
    Video.objects.filter(pk=video.pk).update(
        processing_started_at=timezone.now() - timedelta(days=1)
    )
    video.refresh_from_db()
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
    assert video.original.name == storage.original_name(video)
    assert not [name for name in files_of(video) if "/upload/" in name]


def test_deleting_a_video_removes_every_file_and_row_and_keeps_the_post(tmp_path: Path) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=1))
    process(video.pk)
    post = Post.objects.get(video=video)
    assert files_of(video)
    with on_commit(execute=True):
        services.delete_video(video=video, editor=post.author)
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
    Video.objects.filter(pk__in=[old.pk, fresh.pk]).update(status=Video.Status.UPLOADING)
    Video.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=49))
    with on_commit(execute=True):
        assert services.expire_uploads() == 1
    assert not Video.objects.filter(pk=old.pk).exists()
    assert files_of(old) == []
    assert Video.objects.filter(pk=fresh.pk).exists()
    assert files_of(fresh)


def test_the_expiry_job_is_registered_with_the_clock() -> None:
    from staffroom.jobs.schedule import PERIODIC

    assert "expire_video_uploads" in PERIODIC


def test_a_late_worker_that_lost_its_claim_changes_nothing(
    tmp_path: Path, monkeypatch: Any
) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=1))
    real = ffmpeg.transcode

    def slow(*args: Any, **kwargs: Any) -> None:
        real(*args, **kwargs)
        # Meanwhile the editor retried a "stuck" video and another worker claimed it.
        Video.objects.filter(pk=video.pk).update(attempts=5)

    monkeypatch.setattr(ffmpeg, "transcode", slow)
    assert process(video.pk) == "discarded"
    video.refresh_from_db()
    assert video.status == Video.Status.PROCESSING
    assert not video.renditions.exists()
    assert not default_storage.exists(storage.poster_name(video, 1))
