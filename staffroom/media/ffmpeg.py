"""ffprobe and ffmpeg, run as subprocesses on local files in a work folder.

Nothing here touches the database or the storage: `media.processing` copies files in and
out. Every failure is an `FFmpegError` whose `kind` says what went wrong in terms a message
to the editor can be chosen from ("damaged", "no_picture", "disk_full", "timeout",
"failed"); ffmpeg's own words go to the log only (`FFmpegError.detail`).

Every input is opened with `input_options`: only the `file` and `pipe` protocols (an uploaded
file can't make ffmpeg fetch a URL), and, when the container is known (what the content check
found: `Video.container`), with that demuxer forced, so a file that passed the header check is
read as an MP4/MOV or WebM and never as a playlist or anything else ffmpeg would guess.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings

logger = logging.getLogger(__name__)

PROBE_TIMEOUT_SECONDS = 60
PROTOCOLS = "file,pipe"
# Video.container (the content check's verdict) → the ffmpeg demuxer that reads it.
DEMUXERS = {"mp4": "mov", "mov": "mov", "webm": "matroska"}
FRAME_TIMEOUT_SECONDS = 120
STDERR_TAIL_CHARS = 2000
# What ffmpeg says when the picture or sound can't be read, in any demuxer or decoder.
_DAMAGED_SIGNS = (
    "moov atom not found",
    "invalid data found when processing input",
    "error while decoding",
    "corrupt",
    "truncat",
    "end of file",
)


class FFmpegError(Exception):
    """ffprobe or ffmpeg couldn't do the work. `kind` is one of KINDS."""

    KINDS = ("damaged", "no_picture", "disk_full", "timeout", "not_installed", "failed")

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail[-300:]}")
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Probe:
    """What ffprobe says about a file. `width` and `height` are as the picture is *shown*:
    rotation (a phone held upright) and non-square pixels already applied."""

    duration: float  # seconds
    width: int
    height: int
    frame_rate: float  # frames a second (0 when unknown)
    video_codec: str
    has_audio: bool
    audio_codec: str
    rotation: int  # degrees, as the file's display matrix says
    format_name: str
    video_duration: float | None = None  # the picture's own duration, when the file says

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    @property
    def short_side(self) -> int:
        return min(self.width, self.height)


@dataclass(frozen=True)
class Target:
    """One MP4 to make in a transcode run."""

    path: Path
    width: int
    height: int
    crf: int
    max_kbps: int
    audio_kbps: int


def _binary(name: str) -> str:
    """The program a setting names; FFmpegError("not_installed") when the server lacks it."""
    program = str(getattr(settings, name))
    found = shutil.which(program)
    if found is None:
        raise FFmpegError("not_installed", f"{name}={program} is not on this server")
    return found


def input_options(container: str | None = None) -> list[str]:
    """What goes before every `-i`: local files and pipes only, and the demuxer of `container`
    ("mp4", "mov" or "webm") forced. None lets ffmpeg guess (our own tests and tools only);
    any other container is refused as damaged: processing never guesses."""
    options = ["-protocol_whitelist", PROTOCOLS]
    if container is None:
        return options
    demuxer = DEMUXERS.get(container)
    if demuxer is None:
        raise FFmpegError("damaged", f"not a container we read: {container!r}")
    return [*options, "-f", demuxer]


def _tail(text: str) -> str:
    return text[-STDERR_TAIL_CHARS:]


def _classify(stderr: str) -> str:
    lowered = stderr.lower()
    if "no space left on device" in lowered:
        return "disk_full"
    if any(sign in lowered for sign in _DAMAGED_SIGNS):
        return "damaged"
    return "failed"


def _fraction(value: str | None) -> float:
    if not value or "/" not in value:
        try:
            return float(value or 0)
        except ValueError:
            return 0.0
    top, bottom = value.split("/", 1)
    try:
        return float(top) / float(bottom) if float(bottom) else 0.0
    except ValueError:
        return 0.0


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None


def _rotation(stream: dict[str, Any]) -> int:
    for side_data in stream.get("side_data_list") or []:
        if "rotation" in side_data:
            try:
                return int(float(side_data["rotation"]))
            except (TypeError, ValueError):
                return 0
    try:
        return int(float((stream.get("tags") or {}).get("rotate", 0)))
    except (TypeError, ValueError):
        return 0


def probe(path: Path, *, container: str | None = None) -> Probe:
    """Read a file's streams with ffprobe (as `container`, see `input_options`). Raises
    FFmpegError("damaged") when it can't be read and FFmpegError("no_picture") when it holds
    no moving picture."""
    command = [
        _binary("FFPROBE_BINARY"),
        "-v",
        "error",
        *input_options(container),
        "-print_format",
        "json",
        "-show_streams",
        "-show_format",
        "-i",
        str(path),
    ]
    try:
        result = subprocess.run(  # noqa: S603  # a fixed binary and our own arguments
            command, capture_output=True, text=True, timeout=PROBE_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise FFmpegError("damaged", "ffprobe timed out") from error
    if result.returncode != 0:
        raise FFmpegError("damaged", _tail(result.stderr))
    try:
        data = json.loads(result.stdout or "{}")
    except json.JSONDecodeError as error:
        raise FFmpegError("damaged", "ffprobe printed no JSON") from error
    streams: list[dict[str, Any]] = data.get("streams") or []
    fmt: dict[str, Any] = data.get("format") or {}
    videos = [
        s
        for s in streams
        if s.get("codec_type") == "video"
        and not (s.get("disposition") or {}).get("attached_pic")  # cover art isn't a video
        and int(s.get("width") or 0) > 0
    ]
    if not videos:
        if streams or fmt.get("format_name"):
            raise FFmpegError("no_picture", f"streams: {[s.get('codec_type') for s in streams]}")
        raise FFmpegError("damaged", "no streams")
    video = videos[0]
    audios = [s for s in streams if s.get("codec_type") == "audio"]
    width, height = int(video["width"]), int(video["height"])
    aspect = _fraction(video.get("sample_aspect_ratio"))
    if aspect > 0 and abs(aspect - 1) > 0.01:
        width = round(width * aspect)
    rotation = _rotation(video)
    if abs(rotation) % 180 == 90:
        width, height = height, width
    video_duration = _float(video.get("duration"))
    duration = _float(fmt.get("duration")) or video_duration
    if duration is None:
        raise FFmpegError("damaged", "no duration")
    return Probe(
        duration=duration,
        width=width,
        height=height,
        frame_rate=_fraction(video.get("avg_frame_rate")) or _fraction(video.get("r_frame_rate")),
        video_codec=str(video.get("codec_name", "")),
        has_audio=bool(audios),
        audio_codec=str(audios[0].get("codec_name", "")) if audios else "",
        rotation=rotation,
        format_name=str(fmt.get("format_name", "")),
        video_duration=video_duration,
    )


def transcode_command(
    source: Path,
    info: Probe,
    targets: Sequence[Target],
    *,
    max_fps: int = 30,
    container: str | None = None,
) -> list[str]:
    """One ffmpeg run that decodes once and encodes every target (the `split` filter).

    ffmpeg turns rotated phone videos upright by itself (autorotate, on by default) before
    the filters, and writes no rotation into the outputs.
    """
    command = [_binary("FFMPEG_BINARY"), "-hide_banner", "-nostdin", "-y"]
    command += [*input_options(container), "-i", str(source)]
    if not info.has_audio:
        # A silent track, so every player (and its volume button) behaves the same.
        command += [
            "-protocol_whitelist",
            PROTOCOLS,
            "-f",
            "lavfi",
            "-t",
            f"{info.duration + 1:.3f}",
            "-i",
            "anullsrc=channel_layout=stereo:sample_rate=48000",
        ]
    head = f"fps={max_fps}," if info.frame_rate > max_fps + 0.01 else ""
    labels = [f"v{index}" for index in range(len(targets))]
    graph = [f"[0:v:0]{head}split={len(targets)}" + "".join(f"[s{i}]" for i in range(len(labels)))]
    for index, target in enumerate(targets):
        graph.append(
            f"[s{index}]scale={target.width}:{target.height}:flags=bicubic,"
            f"setsar=1,format=yuv420p[{labels[index]}]"
        )
    command += ["-filter_complex", ";".join(graph)]
    audio_input = "0:a:0" if info.has_audio else "1:a:0"
    for index, target in enumerate(targets):
        command += [
            "-map",
            f"[{labels[index]}]",
            "-map",
            audio_input,
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-profile:v",
            "main",
            "-pix_fmt",
            "yuv420p",
            "-crf",
            str(target.crf),
            "-maxrate",
            f"{target.max_kbps}k",
            "-bufsize",
            f"{target.max_kbps * 2}k",
            "-c:a",
            "aac",
            "-b:a",
            f"{target.audio_kbps}k",
            "-ac",
            "2",
            "-ar",
            "48000",
            "-movflags",
            "+faststart",
            "-map_metadata",
            "-1",
            "-shortest",
            "-f",
            "mp4",
            str(target.path),
        ]
    return command


def transcode(
    source: Path,
    info: Probe,
    targets: Sequence[Target],
    *,
    on_progress: Callable[[int], None] | None = None,
    timeout: float | None = None,
    container: str | None = None,
) -> None:
    """Make every target from `source` (read as `container`, see `input_options`), calling
    `on_progress(percent)` each time ffmpeg reports how far it has got (`-progress pipe:1`,
    its `out_time_us`, about twice a second, so the callback is also a heartbeat). The
    callback runs in this thread (it may use the database); an exception it raises stops
    ffmpeg and goes on up. Raises FFmpegError."""
    command = transcode_command(source, info, targets, container=container)
    command[1:1] = ["-progress", "pipe:1", "-nostats", "-loglevel", "error"]
    run(command, duration=info.duration, on_progress=on_progress, timeout=timeout)


def run(
    command: list[str],
    *,
    duration: float,
    on_progress: Callable[[int], None] | None = None,
    timeout: float | None = None,
) -> None:
    """Run an ffmpeg `command` that has `-progress pipe:1`; see `transcode`. ffmpeg never
    outlives this call: whatever stops it (the deadline, an exception from `on_progress`)
    kills it first."""
    deadline = time.monotonic() + timeout if timeout else None
    lines: queue.Queue[str | None] = queue.Queue()
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as stderr:
        process = subprocess.Popen(  # noqa: S603  # a fixed binary and our own arguments
            command, stdout=subprocess.PIPE, stderr=stderr, text=True, encoding="utf-8"
        )
        stdout = process.stdout
        assert stdout is not None  # stdout=PIPE above

        def read() -> None:
            for line in stdout:
                lines.put(line)
            lines.put(None)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        percent = 0
        try:
            finished = False
            while not finished:
                try:
                    line = lines.get(timeout=0.5)
                except queue.Empty:
                    line = ""
                if line is None:
                    finished = True
                elif line.startswith("out_time_us=") and on_progress is not None and duration > 0:
                    microseconds = _float(line.partition("=")[2].strip()) or 0.0
                    # Never backwards; called even when unchanged (the caller's heartbeat).
                    percent = max(percent, min(99, int(microseconds / (duration * 1e6) * 100)))
                    on_progress(percent)
                _check_deadline(deadline)
        except BaseException:
            process.kill()
            process.wait()
            raise
        returncode = process.wait()
        reader.join(timeout=5)
        stderr.seek(0)
        errors = stderr.read()
    if returncode != 0:
        raise FFmpegError(_classify(errors), _tail(errors))
    if errors.strip():
        logger.info("ffmpeg finished with warnings: %s", _tail(errors))


def _check_deadline(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise FFmpegError("timeout", "ffmpeg ran longer than allowed")


def extract_frame(
    source: Path | IO[bytes],
    at_seconds: float,
    dest: Path,
    *,
    max_width: int = 1280,
    container: str | None = None,
) -> Path:
    """Write the picture at `at_seconds` as a JPEG to `dest` (`source` read as `container`,
    see `input_options`).

    `source` is a local file, or a readable stream (a file in the storage, fed to ffmpeg
    through a pipe, so a poster from a long video needn't copy it whole: with the index at
    the front, ffmpeg reads only up to the moment asked for).
    """
    streaming = not isinstance(source, Path)
    command = [_binary("FFMPEG_BINARY"), "-hide_banner", "-loglevel", "error", "-y"]
    if not streaming:
        command.append("-nostdin")
    command += ["-ss", f"{max(0.0, at_seconds):.3f}", *input_options(container), "-i"]
    command.append("pipe:0" if streaming else str(source))
    command += [
        "-frames:v",
        "1",
        "-vf",
        f"scale='min({max_width},iw)':-2",
        "-q:v",
        "3",
        "-f",
        "image2",
        "-c:v",
        "mjpeg",
        str(dest),
    ]
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(  # noqa: S603  # a fixed binary and our own arguments
            command,
            stdin=subprocess.PIPE if streaming else subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        feeder: threading.Thread | None = None
        if not isinstance(source, Path):
            feeder = threading.Thread(target=_feed, args=(source, process.stdin), daemon=True)
            feeder.start()
        try:
            process.wait(timeout=FRAME_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as error:
            process.kill()
            process.wait()
            raise FFmpegError("timeout", "ffmpeg took too long for one frame") from error
        finally:
            if feeder is not None:
                feeder.join(timeout=5)
        stderr.seek(0)
        errors = stderr.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise FFmpegError(_classify(errors), _tail(errors))
    if not dest.exists() or dest.stat().st_size == 0:
        raise FFmpegError("failed", f"no frame at {at_seconds:.3f} s. {_tail(errors)}")
    return dest


def _feed(stream: IO[bytes], stdin: IO[bytes] | None) -> None:
    """Copy `stream` into ffmpeg until it has what it needs (and closes the pipe)."""
    if stdin is None:
        return
    try:
        shutil.copyfileobj(stream, stdin, 1024 * 1024)
    except (BrokenPipeError, ValueError, OSError):
        pass  # ffmpeg has its frame and stopped reading
    finally:
        with contextlib.suppress(OSError):
            stdin.close()
