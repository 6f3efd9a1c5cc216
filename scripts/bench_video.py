"""Time processing a 1-minute 1080p clip end to end (issue 7: under 2 minutes on 2 cores).

    .venv/bin/python scripts/bench_video.py [--seconds 60] [--keep-clip PATH]

What it does:

1. Makes a 60 s 1920x1080 30 fps clip with sound, H.264/AAC in MP4, like a phone's. A test
   pattern alone is far too easy to encode, so it is covered in moving grain (the `noise`
   filter), which costs the encoder about what camera footage does.
2. Points Django at a throwaway data directory with an SQLite database and local-disk
   storage, migrates it, and stores the clip in 4 MiB chunks as an upload leaves it.
3. Runs `media.processing.process` (both MP4s in one ffmpeg run, the poster, storing the
   files) and prints the wall time and what came out.

It writes nothing to docs/: the figure goes into docs/benchmarks.md by hand.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 120
CHUNK_BYTES = 4 * 1024 * 1024


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def make_clip(path: Path, seconds: int) -> None:
    """A camera-like 1080p30 clip: moving test pattern under temporal grain, plus a tone."""
    subprocess.run(  # noqa: S603  # ffmpeg with our own arguments
        [
            shutil.which("ffmpeg") or "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size=1920x1080:rate=30:duration={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=330:beep_factor=4:duration={seconds}:sample_rate=48000",
            "-vf",
            "noise=alls=20:allf=t+u",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            # About what a phone records at 1080p30 (16 Mbit/s), not the grain at full quality.
            "-b:v",
            "16M",
            "-maxrate",
            "20M",
            "-bufsize",
            "32M",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "192k",
            "-shortest",
            str(path),
        ],
        check=True,
        timeout=900,
    )


def setup_django(data_dir: str) -> None:
    os.environ["STAFFROOM_DATA_DIR"] = data_dir
    os.environ["DEBUG"] = "true"  # a generated secret key in the throwaway data directory
    os.environ.pop("DATABASE_URL", None)  # always a scratch SQLite database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # no SQL log: production runs without it


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--keep-clip", type=Path, help="Reuse (or keep) the clip at this path.")
    options = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="staffroom-bench-video-")
    try:
        clip = options.keep_clip or Path(data_dir) / "clip.mp4"
        if not clip.exists():
            started = time.perf_counter()
            make_clip(clip, options.seconds)
            say(f"made the clip in {time.perf_counter() - started:.1f} s")
        size = clip.stat().st_size
        setup_django(data_dir)

        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage
        from django.core.management import call_command

        from staffroom.media import processing, storage
        from staffroom.media.models import Video

        call_command("migrate", verbosity=0)
        video = Video.objects.create(
            original_name=clip.name,
            original_size=size,
            received_bytes=size,
            container="mp4",
            status=Video.Status.QUEUED,
        )
        count = 0
        with clip.open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                default_storage.save(storage.chunk_name(video, count), ContentFile(chunk))
                count += 1
        Video.objects.filter(pk=video.pk).update(received_chunks=count)

        cores = os.cpu_count()
        say(
            f"{options.seconds} s of 1920x1080 at 30 fps with sound, {size / 1e6:.0f} MB, "
            f"on {platform.machine()} with {cores} cores"
        )
        started = time.perf_counter()
        result = processing.process(video.pk)
        elapsed = time.perf_counter() - started
        video.refresh_from_db()
        say(f"result: {result} ({video.failure_reason or 'no failure'})")
        for rendition in video.renditions.all():
            say(
                f"  {rendition.quality}: {rendition.width}x{rendition.height}, "
                f"{rendition.size_bytes / 1e6:.1f} MB"
            )
        verdict = "within" if elapsed < TARGET_SECONDS else "OVER"
        say(f"processing took {elapsed:.1f} s ({verdict} the {TARGET_SECONDS} s target)")
        if result != "ready":
            sys.exit(1)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
