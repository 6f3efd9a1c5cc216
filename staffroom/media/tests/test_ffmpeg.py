"""media.ffmpeg: probing, the one-run transcode with its progress, and poster frames."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from staffroom.media import ffmpeg
from staffroom.media.processing import QUALITIES, plan_renditions
from staffroom.media.tests.clips import make_clip, truncated_copy


def rotated_copy(source: Path, path: Path, degrees: int = 90) -> Path:
    """The clip as a phone held upright stores it: sideways pixels plus a display rotation."""
    subprocess.run(
        [
            ffmpeg._binary("FFMPEG_BINARY"),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(source),
            "-c",
            "copy",
            "-metadata:s:v:0",
            f"rotate={degrees}",
            str(path),
        ],
        check=True,
        timeout=60,
    )
    return path


def test_a_clip_is_probed_for_size_duration_rate_and_sound(tmp_path: Path) -> None:
    info = ffmpeg.probe(make_clip(tmp_path / "a.mp4", seconds=2, rate=25))
    assert (info.width, info.height) == (320, 240)
    assert info.duration == pytest.approx(2, abs=0.2)
    assert info.frame_rate == pytest.approx(25)
    assert info.video_codec == "h264"
    assert info.has_audio
    assert not info.portrait


def test_a_clip_without_sound_says_so(tmp_path: Path) -> None:
    info = ffmpeg.probe(make_clip(tmp_path / "a.webm", seconds=1, audio=False))
    assert not info.has_audio
    assert info.video_codec == "vp8"


def test_a_rotated_phone_video_is_probed_as_shown(tmp_path: Path) -> None:
    clip = rotated_copy(make_clip(tmp_path / "a.mp4", seconds=1), tmp_path / "r.mp4")
    info = ffmpeg.probe(clip)
    assert abs(info.rotation) == 90
    assert (info.width, info.height) == (240, 320)
    assert info.portrait


def test_text_and_truncated_files_are_damaged(tmp_path: Path) -> None:
    text = tmp_path / "notes.mp4"
    text.write_text("Shift handover notes, not a video.\n" * 50)
    with pytest.raises(ffmpeg.FFmpegError) as error:
        ffmpeg.probe(text)
    assert error.value.kind == "damaged"
    cut = truncated_copy(make_clip(tmp_path / "a.mp4", seconds=1), tmp_path / "cut.mp4")
    with pytest.raises(ffmpeg.FFmpegError) as error:
        ffmpeg.probe(cut)
    assert error.value.kind == "damaged"


def test_a_sound_recording_has_no_picture(tmp_path: Path) -> None:
    sound = tmp_path / "sound.m4a"
    subprocess.run(
        [
            ffmpeg._binary("FFMPEG_BINARY"),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=1",
            "-c:a",
            "aac",
            str(sound),
        ],
        check=True,
        timeout=60,
    )
    with pytest.raises(ffmpeg.FFmpegError) as error:
        ffmpeg.probe(sound)
    assert error.value.kind == "no_picture"


def test_transcoding_reports_rising_progress_and_writes_both_files(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "a.mp4", seconds=3, width=640, height=360)
    info = ffmpeg.probe(clip)
    plan = plan_renditions(info)
    targets = [
        ffmpeg.Target(
            tmp_path / f"{q.name}.mp4", *plan.sizes[q.name], q.crf, q.max_kbps, q.audio_kbps
        )
        for q in QUALITIES
    ]
    seen: list[int] = []
    ffmpeg.transcode(clip, info, targets, on_progress=seen.append, timeout=60)
    assert seen, "no progress was reported"
    assert seen == sorted(seen)
    assert len(set(seen)) == len(seen)
    assert all(0 <= p <= 99 for p in seen)
    hd, low = (ffmpeg.probe(t.path) for t in targets)
    assert (hd.width, hd.height) == (640, 360)
    assert (low.width, low.height) == (640, 360)  # never enlarged beyond the source


def test_a_transcode_past_its_time_is_stopped(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "a.mp4", seconds=2)
    info = ffmpeg.probe(clip)
    target = ffmpeg.Target(tmp_path / "o.mp4", 320, 240, 23, 1000, 64)
    with pytest.raises(ffmpeg.FFmpegError) as error:
        ffmpeg.transcode(clip, info, [target], timeout=0.0001)
    assert error.value.kind == "timeout"


def test_a_frame_is_extracted_from_a_file_or_a_fast_start_stream(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "a.mp4", seconds=2)
    from_file = ffmpeg.extract_frame(clip, 1.0, tmp_path / "one.jpg")
    assert from_file.read_bytes()[:2] == b"\xff\xd8"
    # Through a pipe, as from the storage: our MP4s have their index at the front.
    fast = tmp_path / "fast.mp4"
    subprocess.run(
        [
            ffmpeg._binary("FFMPEG_BINARY"),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(clip),
            "-c",
            "copy",
            "-movflags",
            "+faststart",
            str(fast),
        ],
        check=True,
        timeout=60,
    )
    with fast.open("rb") as stream:
        from_stream = ffmpeg.extract_frame(stream, 0.5, tmp_path / "two.jpg")
    assert from_stream.read_bytes()[:2] == b"\xff\xd8"
