"""A video on a break-room screen, in a real browser: the TV (nobody signed in, 1920 by 1080)
plays the video post's video by itself, muted, with its captions showing; the server counts
one play on a wall; when the video ends the screen moves on to the next slide without
waiting for the usual time. Axe checks the screen with the video on it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from playwright.sync_api import Page, expect

from staffroom.channels.tests.factories import PostFactory
from staffroom.kiosk.tests.factories import make_screen
from staffroom.media import storage
from staffroom.media.models import Caption, Video, VideoRendition
from staffroom.media.tests.clips import make_clip
from tests.browser.conftest import Hospital, NewContext
from tests.browser.helpers import assert_accessible, open_page, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TV = {"width": 1920, "height": 1080}
CLIP_SECONDS = 3
CAPTIONS = (
    "WEBVTT\n\n"
    "00:00:00.000 --> 00:00:01.500\nWash your hands for twenty seconds.\n\n"
    "00:00:01.500 --> 00:00:03.000\nThen dry them well.\n"
)
VIDEO = "[data-slide]:not([hidden]) video"


@pytest.fixture
def video(tmp_path: Path) -> Iterator[Video]:
    """A ready video: a real clip in the storage as its 360p file, and English captions."""
    data = make_clip(tmp_path / "clip.mp4", seconds=CLIP_SECONDS).read_bytes()
    made = Video.objects.create(
        original_name="handwashing.mp4",
        original_size=len(data),
        received_bytes=len(data),
        container="mp4",
        status=Video.Status.READY,
        duration_seconds=CLIP_SECONDS,
        source_width=320,
        source_height=240,
    )
    name = default_storage.save(storage.rendition_name(made, "360p"), ContentFile(data))
    VideoRendition.objects.create(
        video=made, quality="360p", file=name, width=320, height=240, size_bytes=len(data)
    )
    Caption.objects.create(
        video=made,
        language="en",
        label="English",
        vtt=CAPTIONS,
        cue_count=2,
        original_format="vtt",
    )
    yield made
    storage.delete_video_files(made)


def player(page: Page, expression: str) -> Any:
    return page.evaluate(
        f"() => {{ const video = document.querySelector({VIDEO!r}); return {expression}; }}"
    )


def test_a_screen_plays_a_video_post_muted_with_captions_and_moves_on_when_it_ends(
    new_context: NewContext, hospital: Hospital, video: Video
) -> None:
    PostFactory(title="Flu jabs in the canteen", published_at=timezone.now() - timedelta(hours=1))
    PostFactory(title="Handwashing in three seconds", video=video)
    _screen, secret = make_screen("ED break room")

    tv = new_context(viewport=TV).new_page()
    open_page(tv, f"/screen/{secret}/")
    shown = tv.locator("[data-slide]:not([hidden])")
    expect(shown.get_by_role("heading")).to_have_text("Handwashing in three seconds")

    # It plays by itself, muted, and time passes in it.
    wait_until(
        tv,
        f"() => {{ const v = document.querySelector({VIDEO!r}); "
        "return !!v && v.readyState >= 2 && !v.paused && v.currentTime > 0.3; }",
        "the video to play",
    )
    assert player(tv, "video.muted") is True
    assert player(tv, "video.currentSrc").endswith(f"/videos/{video.pk}/360p.mp4?v={video.version}")
    # Its captions show on the screen: the track is on and its cues are loaded.
    wait_until(
        tv,
        f"() => {{ const v = document.querySelector({VIDEO!r}); const t = v.textTracks[0]; "
        "return t.mode === 'showing' && !!t.cues && t.cues.length === 2; }",
        "the captions to load",
    )
    assert player(tv, "video.textTracks[0].language") == "en"
    assert_accessible(tv)

    # The server counted one play on a wall.
    video.refresh_from_db()
    assert video.screen_plays == 1

    # At its end (3 s, not the usual 12) the screen moves on, and the video lets go of its file.
    expect(shown.get_by_role("heading")).to_have_text("Flu jabs in the canteen", timeout=8_000)
    assert tv.evaluate("() => !document.querySelector('[data-kiosk-video]').hasAttribute('src')")
