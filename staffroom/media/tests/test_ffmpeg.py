"""media.ffmpeg: probing, the one-run transcode with its progress, and poster frames."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from staffroom.media import ffmpeg
from staffroom.media.processing import QUALITIES, plan_renditions
from staffroom.media.sniff import sniff
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
    ffmpeg.transcode(clip, info, targets, on_progress=seen.append, timeout=60, container="mp4")
    assert seen, "no progress was reported"
    assert seen == sorted(seen)  # never backwards (repeats are the caller's heartbeat)
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


# --- Input hardening: local files and pipes only, the demuxer the content check found ----------


def test_every_input_is_limited_to_local_files_and_read_as_its_container(tmp_path: Path) -> None:
    info = ffmpeg.probe(make_clip(tmp_path / "a.mp4", seconds=1, audio=False))
    target = ffmpeg.Target(tmp_path / "o.mp4", 320, 240, 23, 1000, 64)
    for container, demuxer in (("mp4", "mov"), ("mov", "mov"), ("webm", "matroska")):
        command = ffmpeg.transcode_command(tmp_path / "in", info, [target], container=container)
        inputs = [index for index, part in enumerate(command) if part == "-i"]
        assert len(inputs) == 2  # the upload, and the silent track it lacks
        for index in inputs:
            assert "-protocol_whitelist" in command[index - 6 : index]
            assert command[command.index("-protocol_whitelist", index - 6) + 1] == "file,pipe"
        assert command[inputs[0] - 2 : inputs[0]] == ["-f", demuxer]
    assert ffmpeg.input_options("webm") == ["-protocol_whitelist", "file,pipe", "-f", "matroska"]
    for unknown in ("", "m3u8", "hls"):
        with pytest.raises(ffmpeg.FFmpegError) as error:
            ffmpeg.input_options(unknown)
        assert error.value.kind == "damaged"


def _segment(tmp_path: Path) -> Path:
    """A real video somewhere else on the server, that a playlist could point at."""
    clip = make_clip(tmp_path / "elsewhere.mp4", seconds=1)
    segment = tmp_path / "secret-segment.ts"
    subprocess.run(
        [
            ffmpeg._binary("FFMPEG_BINARY"),
            *("-hide_banner", "-loglevel", "error", "-y", "-i", str(clip)),
            *("-c", "copy", "-bsf:v", "h264_mp4toannexb", "-f", "mpegts", str(segment)),
        ],
        check=True,
        timeout=60,
    )
    return segment


def _playlist(segment: Path) -> bytes:
    return f"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\n{segment}\n#EXT-X-ENDLIST\n".encode()


def test_a_playlist_named_mp4_cannot_make_ffmpeg_read_another_file(tmp_path: Path) -> None:
    segment = _segment(tmp_path)
    playlist = tmp_path / "ward-tour.mp4"
    playlist.write_bytes(_playlist(segment))
    # What guessing would do: read the playlist, then the file it names (the danger).
    assert ffmpeg.probe(playlist).format_name == "hls"
    # Read as the MP4 it claims to be, it is just damaged.
    with pytest.raises(ffmpeg.FFmpegError) as error:
        ffmpeg.probe(playlist, container="mp4")
    assert error.value.kind == "damaged"


def test_a_playlist_behind_an_mp4_header_passes_the_header_check_but_not_ffmpeg(
    tmp_path: Path,
) -> None:
    header = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isommp41"
    trick = tmp_path / "trick.mp4"
    trick.write_bytes(header + b"\n" + _playlist(_segment(tmp_path)) * 20)
    container = sniff(trick.read_bytes()[:64])
    assert container == "mp4"  # the content check is fooled
    with pytest.raises(ffmpeg.FFmpegError) as error:
        ffmpeg.probe(trick, container=container)
    assert error.value.kind == "damaged"
    target = ffmpeg.Target(tmp_path / "o.mp4", 320, 240, 23, 1000, 64)
    info = ffmpeg.Probe(
        duration=1.0,
        width=320,
        height=240,
        frame_rate=25,
        video_codec="h264",
        has_audio=True,
        audio_codec="aac",
        rotation=0,
        format_name="mov",
    )
    with pytest.raises(ffmpeg.FFmpegError):
        ffmpeg.transcode(trick, info, [target], timeout=60, container=container)
    assert not target.path.exists() or target.path.stat().st_size == 0


def test_a_playlist_cannot_reach_out_over_the_network(tmp_path: Path) -> None:
    playlist = tmp_path / "remote.m3u8"
    playlist.write_text(
        "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nhttp://127.0.0.1:9/x.ts\n#EXT-X-ENDLIST\n"
    )
    command = [
        ffmpeg._binary("FFPROBE_BINARY"),
        *("-v", "error", *ffmpeg.input_options(None), "-show_streams", "-i", str(playlist)),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert "not on whitelist" in result.stderr
    with pytest.raises(ffmpeg.FFmpegError):
        ffmpeg.probe(playlist)


def test_a_webm_is_read_as_matroska_and_a_wrong_container_fails(tmp_path: Path) -> None:
    webm = make_clip(tmp_path / "a.webm", seconds=1)
    assert ffmpeg.probe(webm, container="webm").video_codec == "vp8"
    with pytest.raises(ffmpeg.FFmpegError) as error:
        ffmpeg.probe(webm, container="mp4")
    assert error.value.kind == "damaged"
    frame = ffmpeg.extract_frame(webm, 0.5, tmp_path / "f.jpg", container="webm")
    assert frame.read_bytes()[:2] == b"\xff\xd8"


def test_an_exception_from_the_progress_callback_stops_ffmpeg(
    tmp_path: Path, monkeypatch: Any
) -> None:
    clip = make_clip(tmp_path / "a.mp4", seconds=3)
    info = ffmpeg.probe(clip)
    target = ffmpeg.Target(tmp_path / "o.mp4", 320, 240, 23, 1000, 64)
    started: list[subprocess.Popen[str]] = []
    real = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> Any:
        process = real(*args, **kwargs)
        started.append(process)
        return process

    monkeypatch.setattr(subprocess, "Popen", popen)

    def lost(percent: int) -> None:
        raise RuntimeError("the claim is gone")

    with pytest.raises(RuntimeError):
        ffmpeg.transcode(clip, info, [target], on_progress=lost, timeout=60, container="mp4")
    assert len(started) == 1
    assert started[0].poll() is not None  # ffmpeg was stopped, not left running
