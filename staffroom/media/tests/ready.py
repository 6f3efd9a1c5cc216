"""Ready videos for the player's and the file views' tests, made without processing.

The two MP4s are real clips (ffmpeg's test pattern, made once per test run and reused), put in
the default storage under the names processing uses, with their VideoRendition rows; the
captions are real WebVTT read by media.captions. Processing itself is tested on its own.
"""

from __future__ import annotations

import io
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from staffroom.channels.models import Post
from staffroom.channels.tests.factories import PostFactory
from staffroom.media import storage
from staffroom.media.captions import parse_captions
from staffroom.media.models import Caption, Video, VideoRendition
from staffroom.media.tests.clips import make_clip

SIZES = {"720p": (320, 240), "360p": (160, 120)}
SECONDS = 2

ENGLISH = b"""WEBVTT

00:00:00.000 --> 00:00:01.000
Welcome to the ward.

00:00:01.000 --> 00:00:02.000
Wash your hands.
"""

SPANISH = b"""WEBVTT

00:00:00.000 --> 00:00:01.000
Bienvenidos a la planta.

00:00:01.000 --> 00:00:02.000
L\xc3\xa1vense las manos.
"""


@cache
def clip_bytes(quality: str) -> bytes:
    """A real MP4 of the size a rendition of `quality` has (made once per test run)."""
    width, height = SIZES[quality]
    folder = Path(tempfile.mkdtemp(prefix="staffroom-player-"))
    return make_clip(
        folder / f"{quality}.mp4", seconds=SECONDS, width=width, height=height
    ).read_bytes()


def poster_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (11, 93, 122)).save(out, "JPEG")
    return out.getvalue()


def ready_video(
    post: Post | None = None,
    *,
    captions: tuple[tuple[str, str, bytes], ...] = (("en", "English", ENGLISH),),
    transcript: str = "",
    **post_fields: Any,
) -> Video:
    """A READY video with both renditions, a poster and `captions`, attached to `post` (a new
    published post when none is given)."""
    if post is None:
        post = PostFactory(**post_fields)
    video = Video.objects.create(
        status=Video.Status.READY,
        original_name="ward-tour.mp4",
        original_size=len(clip_bytes("720p")),
        received_bytes=len(clip_bytes("720p")),
        container="mp4",
        duration_seconds=72.4,
        source_width=320,
        source_height=240,
        transcript=transcript,
    )
    for quality, (width, height) in SIZES.items():
        data = clip_bytes(quality)
        name = default_storage.save(storage.rendition_name(video, quality), ContentFile(data))
        VideoRendition.objects.create(
            video=video,
            quality=quality,
            file=name,
            width=width,
            height=height,
            size_bytes=len(data),
        )
    video.poster.name = default_storage.save(
        storage.poster_name(video, 1), ContentFile(poster_bytes())
    )
    video.poster_seconds = 0.2
    video.save(update_fields=["poster", "poster_seconds"])
    for language, label, data in captions:
        parsed = parse_captions(data, "captions.vtt")
        Caption.objects.create(
            video=video,
            language=language,
            label=label,
            vtt=parsed.vtt,
            cue_count=parsed.cue_count,
            original_format=parsed.original_format,
        )
    Post.objects.filter(pk=post.pk).update(video=video)
    return video


def rendition_bytes(video: Video, quality: str) -> bytes:
    name = VideoRendition.objects.get(video=video, quality=quality).file.name
    with default_storage.open(name, "rb") as handle:
        data: bytes = handle.read()
    return data
