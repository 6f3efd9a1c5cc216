"""Small real videos made by ffmpeg's test sources, for tests (no binaries in the repository).

ffmpeg is a real part of the suite, like PostgreSQL: without it these fail loudly.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CONTAINERS = {"mp4": ("libx264", "aac"), "mov": ("libx264", "aac"), "webm": ("libvpx", "libopus")}


def ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found is None:
        pytest.fail("ffmpeg is not installed: run `make install` (it installs it) or apt-get")
    return found


def make_clip(
    path: Path,
    *,
    seconds: float = 2,
    width: int = 320,
    height: int = 240,
    rate: int = 25,
    audio: bool = True,
    container: str | None = None,
) -> Path:
    """Write a clip of moving test pattern (and a tone, unless `audio` is False) to `path`,
    in the container its suffix names (mp4, mov or webm)."""
    container = container or path.suffix.lstrip(".")
    video_codec, audio_codec = CONTAINERS[container]
    command = [
        ffmpeg(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=size={width}x{height}:rate={rate}:duration={seconds}",
    ]
    if audio:
        command += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    command += ["-c:v", video_codec, "-pix_fmt", "yuv420p"]
    if video_codec == "libx264":
        command += ["-preset", "ultrafast"]
    else:
        command += ["-deadline", "realtime", "-cpu-used", "8"]
    if audio:
        command += ["-c:a", audio_codec, "-shortest"]
    command += ["-f", container, str(path)]
    subprocess.run(command, check=True, timeout=120)
    return path


def truncated_copy(source: Path, path: Path, *, keep: float = 0.5) -> Path:
    """The first `keep` share of `source`'s bytes: what a copy cut off half-way leaves."""
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path
