"""What a file is, from its first bytes: real clips made by ffmpeg, and the wrong files an
editor might pick (a text file renamed .mp4, a PDF, a photo, an empty file)."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from staffroom.media.sniff import HEADER_BYTES, sniff
from staffroom.media.tests.clips import ffmpeg, make_clip


def head(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(HEADER_BYTES)


def refusal(header: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        sniff(header)
    return caught.value


@pytest.mark.parametrize("container", ["mp4", "mov", "webm"])
def test_a_real_clip_is_recognised_by_its_bytes(tmp_path: Path, container: str) -> None:
    clip = make_clip(tmp_path / f"clip.{container}", seconds=1)
    assert sniff(head(clip)) == container


def test_the_name_does_not_matter_only_the_bytes(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.webm", seconds=1)
    renamed = clip.rename(tmp_path / "holiday.mp4")
    assert sniff(head(renamed)) == "webm"


def test_a_video_without_sound_is_still_a_video(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "silent.mp4", seconds=1, audio=False)
    assert sniff(head(clip)) == "mp4"


def test_only_the_first_bytes_are_needed(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.mov", seconds=1)
    assert sniff(clip.read_bytes()[:64]) == "mov"


def test_a_text_file_renamed_mp4_is_refused_as_text(tmp_path: Path) -> None:
    fake = tmp_path / "rota.mp4"
    fake.write_text("Night shift rota\nWard 7: Amira, Tom\n", encoding="utf-8")
    error = refusal(head(fake))
    assert error.code == "not_a_video"
    assert "This file is text, not a video" in error.message
    assert "MP4, MOV or WebM" in error.message


def test_a_pdf_is_named_as_a_pdf() -> None:
    error = refusal(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n")
    assert "This file is a PDF document, not a video" in error.message


def test_a_photo_is_named_as_a_picture() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "teal").save(buffer, format="PNG")
    error = refusal(buffer.getvalue())
    assert "This file is a PNG picture, not a video" in error.message


def test_an_empty_file_is_refused_as_empty() -> None:
    error = refusal(b"")
    assert error.code == "empty"
    assert "empty" in error.message


def test_random_bytes_are_refused_without_guessing() -> None:
    error = refusal(bytes(range(256)) * 4)
    assert error.code == "unknown"
    assert "isn't a video we can read" in error.message


def test_an_mkv_file_is_refused_with_a_way_forward(tmp_path: Path) -> None:
    mkv = tmp_path / "talk.mkv"
    subprocess.run(
        [ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
         "testsrc2=size=160x120:duration=1", "-c:v", "libx264", "-preset", "ultrafast",
         str(mkv)],
        check=True,
        timeout=60,
    )  # fmt: skip
    error = refusal(head(mkv))
    assert error.code == "other_video"
    assert "MKV" in error.message
    assert "Export it as MP4" in error.message


def test_an_avi_video_is_refused_with_a_way_forward(tmp_path: Path) -> None:
    avi = tmp_path / "talk.avi"
    subprocess.run(
        [ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
         "testsrc2=size=160x120:duration=1", str(avi)],
        check=True,
        timeout=60,
    )  # fmt: skip
    error = refusal(head(avi))
    assert "AVI video" in error.message
    assert "Export it as MP4" in error.message


def test_a_sound_file_in_an_mp4_box_is_not_a_video(tmp_path: Path) -> None:
    m4a = tmp_path / "voice.m4a"
    subprocess.run(
        [ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
         "sine=duration=1", str(m4a)],
        check=True,
        timeout=60,
    )  # fmt: skip
    error = refusal(head(m4a))
    assert "audio file" in error.message


def test_a_web_page_is_named_as_one() -> None:
    error = refusal(b"<!DOCTYPE html><html><body>Not a video</body></html>")
    assert "web page" in error.message
