"""Videos on break-room screens: a video post on the wall plays its video, muted with its
captions on, the small file for weak Wi-Fi; its files answer the screen's address only for
videos it may show; each play on a wall is counted; the page's cost doesn't grow.

Videos are made ready directly (real small clips in the test storage, rendition and caption
rows), not by processing: processing has its own tests."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Post
from staffroom.channels.tests.factories import PostFactory
from staffroom.core.models import Visibility
from staffroom.kiosk import queries
from staffroom.kiosk.services import record_screen_play, switch_off_screen
from staffroom.kiosk.tests.factories import make_screen
from staffroom.media import storage
from staffroom.media.models import Caption, Video, VideoRendition
from staffroom.media.tests.clips import make_clip
from staffroom.organisation.tests.factories import (
    DepartmentFactory,
    JobFamilyFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db

VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHand hygiene saves lives.\n"


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """One real 2-second MP4 (H.264/AAC), made once for every test here."""
    path = make_clip(tmp_path_factory.mktemp("clips") / "clip.mp4", seconds=2)
    return path.read_bytes()


@pytest.fixture
def made() -> Iterator[list[Video]]:
    """The videos a test made; their files are swept from the storage afterwards."""
    videos: list[Video] = []
    yield videos
    for video in videos:
        storage.delete_video_files(video)


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 90, 160)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def ready_video(clip: bytes, made: list[Video]) -> Any:
    def make(
        *,
        captions: tuple[str, ...] = ("en",),
        qualities: tuple[str, ...] = ("720p", "360p"),
        poster: bool = True,
        duration: float = 2.0,
        status: str = Video.Status.READY,
    ) -> Video:
        video = Video.objects.create(
            original_name="handwashing.mp4",
            original_size=len(clip),
            received_bytes=len(clip),
            container="mp4",
            status=status,
            duration_seconds=duration,
            source_width=320,
            source_height=240,
        )
        made.append(video)
        for quality in qualities:
            name = default_storage.save(storage.rendition_name(video, quality), ContentFile(clip))
            VideoRendition.objects.create(
                video=video,
                quality=quality,
                file=name,
                width=320,
                height=240,
                size_bytes=len(clip),
            )
        if poster:
            video.poster.name = default_storage.save(
                storage.poster_name(video, 1), ContentFile(_jpeg())
            )
            video.save(update_fields=["poster"])
        labels = {"en": "English", "es": "Español", "fr": "Français"}
        for language in captions:
            Caption.objects.create(
                video=video,
                language=language,
                label=labels.get(language, language),
                vtt=VTT,
                cue_count=1,
                original_format="vtt",
            )
        return video

    return make


def page(secret: str, **params: str) -> str:
    response = Client().get(reverse("kiosk:screen", args=[secret]), params)
    assert response.status_code == 200
    return response.content.decode()


def video_slides(html: str) -> list[str]:
    return re.findall(
        r'<article class="kiosk-slide kiosk-slide--video".*?</article>', html, re.DOTALL
    )


def titles(html: str) -> list[str]:
    return re.findall(r'<h2 class="kiosk-slide__title">([^<]*)</h2>', html)


def file_url(name: str, secret: str, *args: Any) -> str:
    return reverse(f"media:screen_{name}", args=[secret, *args])


# --- Slides ---------------------------------------------------------------------------------


def test_a_video_post_is_a_muted_video_slide_with_captions_on_and_the_small_file(ready_video):
    video = ready_video()
    post = PostFactory(title="Handwashing in 90 seconds", video=video)
    _screen, secret = make_screen()
    html = page(secret)
    [slide] = video_slides(html)
    assert titles(html) == ["Handwashing in 90 seconds"]  # in place of its news slide
    tag = re.search(r"<video [^>]*>", slide)
    assert tag is not None
    player = tag.group(0)
    assert " muted" in player
    assert " playsinline" in player
    assert 'preload="none"' in player
    # No src in the page: kiosk.js gives it when the slide is shown, so nothing else fetches.
    assert " src=" not in player
    rendition = file_url("rendition", secret, video.pk, "360p")
    assert f'data-src="{rendition}?v={video.version}"' in player
    assert f'poster="{file_url("poster", secret, video.pk)}?v={video.version}"' in player
    assert 'data-play-seconds="2"' in player
    caption = video.captions.get()
    track = re.search(r"<track [^>]*>", slide)
    assert track is not None
    assert 'kind="captions"' in track.group(0)
    assert " default" in track.group(0)
    assert 'srclang="en"' in track.group(0)
    assert f'src="{file_url("caption", secret, video.pk, caption.pk)}?v={video.version}"' in (
        track.group(0)
    )
    # The way to watch with sound: the post's address, as a QR code and written out.
    assert post.get_absolute_url() in slide
    assert "Scan to watch" in slide


def test_a_video_without_captions_stays_a_news_slide(ready_video):
    PostFactory(title="Silent tour of the new wing", video=ready_video(captions=()))
    _screen, secret = make_screen()
    html = page(secret)
    assert video_slides(html) == []
    assert titles(html) == ["Silent tour of the new wing"]
    assert "<video" not in html


def test_a_video_still_processing_is_not_played(ready_video):
    PostFactory(title="Coming soon", video=ready_video(status=Video.Status.PROCESSING))
    _screen, secret = make_screen()
    html = page(secret)
    assert video_slides(html) == []
    assert "<video" not in html


@pytest.mark.parametrize("visibility", [Visibility.HELD, Visibility.HIDDEN, Visibility.REMOVED])
def test_a_held_hidden_or_removed_video_post_is_not_on_the_wall(ready_video, visibility):
    PostFactory(title="Held", video=ready_video(), visibility=visibility)
    _screen, secret = make_screen()
    html = page(secret)
    assert "<video" not in html
    assert "Held" not in titles(html)


def test_a_draft_video_post_is_not_on_the_wall(ready_video):
    PostFactory(title="Draft", video=ready_video(), status=Post.Status.DRAFT, published_at=None)
    _screen, secret = make_screen()
    assert "<video" not in page(secret)


def test_video_posts_follow_the_screens_audience(ready_video):
    site = SiteFactory()
    emergency = DepartmentFactory(site=site)
    radiology = DepartmentFactory(site=site)
    nurses = JobFamilyFactory()
    PostFactory(title="For the ED", video=ready_video(), audience_departments=[emergency])
    PostFactory(title="For radiology", video=ready_video(), audience_departments=[radiology])
    PostFactory(title="For nurses", video=ready_video(), audience_job_families=[nurses])
    _screen, secret = make_screen(department=emergency)
    html = page(secret)
    assert len(video_slides(html)) == 1
    assert titles(html) == ["For the ED"]
    _screen, organisation_secret = make_screen("Canteen")
    assert "<video" not in page(organisation_secret)


def test_at_most_two_videos_newest_first_and_the_others_as_news(ready_video):
    now = timezone.now()
    for number in range(3):
        PostFactory(
            title=f"Video {number}",
            video=ready_video(),
            published_at=now - timedelta(hours=number + 1),
        )
    _screen, secret = make_screen()
    html = page(secret)
    shown = [titles(slide)[0] for slide in video_slides(html)]
    assert shown == ["Video 0", "Video 1"]
    assert titles(html).count("Video 2") == 1  # a news slide: words, no player
    assert html.count("<video") == 2


def test_captions_in_the_screens_language_come_first(ready_video):
    both = ready_video(captions=("en", "es"))
    english_only = ready_video(captions=("en",))
    PostFactory(title="Both", video=both)
    PostFactory(title="English only", video=english_only)
    _screen, secret = make_screen(language="es")
    html = page(secret)
    by_title = {titles(slide)[0]: slide for slide in video_slides(html)}
    assert 'srclang="es"' in by_title["Both"]
    assert 'label="Español"' in by_title["Both"]
    assert 'srclang="en"' in by_title["English only"]
    _screen, english_secret = make_screen("English screen", language="en")
    english = {titles(s)[0]: s for s in video_slides(page(english_secret))}
    assert 'srclang="en"' in english["Both"]


def test_without_a_360p_file_the_720p_one_plays_and_long_videos_stop_at_90_seconds(
    ready_video,
):
    video = ready_video(qualities=("720p",), duration=600.0, poster=False)
    PostFactory(video=video)
    _screen, secret = make_screen()
    [slide] = video_slides(page(secret))
    assert f'data-src="{file_url("rendition", secret, video.pk, "720p")}' in slide
    assert 'data-play-seconds="90"' in slide
    assert "poster=" not in slide


def test_the_slides_fragment_carries_the_video_slides_too(ready_video):
    video = ready_video()
    PostFactory(video=video)
    _screen, secret = make_screen()
    response = Client().get(reverse("kiosk:screen_slides", args=[secret]))
    html = response.content.decode()
    assert len(video_slides(html)) == 1
    assert file_url("rendition", secret, video.pk, "360p") in html


def test_without_javascript_a_video_slide_shows_its_poster_and_words(ready_video):
    PostFactory(title="First news", published_at=timezone.now() - timedelta(hours=2))
    PostFactory(title="A video", video=ready_video())
    _screen, secret = make_screen()
    html = page(secret)
    assert '<meta http-equiv="refresh" content="15;url=?slide=1">' in html
    [slide] = video_slides(html)
    assert " hidden" not in slide.split(">", 1)[0]  # the first slide, shown
    # Nothing plays without JavaScript: the poster stands in for the player (kiosk-video.css
    # shows it and this line only on a page without kiosk.js).
    poster = file_url("poster", secret, Video.objects.get().pk)
    assert f'<img class="kiosk-video__poster" alt="" loading="lazy" src="{poster}' in slide
    assert "A video: scan to watch it on your phone." in slide


def _count(url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = Client().get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("place", ["organisation", "site", "department"])
def test_the_screen_costs_the_same_with_one_video_post_or_many(ready_video, place):
    site = SiteFactory()
    department = DepartmentFactory(site=site)
    fields: dict[str, dict[str, Any]] = {
        "organisation": {},
        "site": {"site": site},
        "department": {"department": department},
    }
    _screen, secret = make_screen(**fields[place])
    PostFactory(video=ready_video())
    url = reverse("kiosk:screen", args=[secret])
    fragment = reverse("kiosk:screen_slides", args=[secret])
    _count(url)  # the first visit of the minute writes last_seen_at
    few, few_fragment = _count(url), _count(fragment)
    for number in range(6):
        PostFactory(
            video=ready_video(captions=("en", "es")),
            audience_sites=[site] if number % 2 else [],
        )
        PostFactory(video=ready_video(captions=()))
        PostFactory(video=ready_video(), audience_departments=[DepartmentFactory(site=site)])
    html = page(secret)
    assert len(video_slides(html)) == queries.VIDEO_SLIDES
    assert _count(url) == few
    assert _count(fragment) == few_fragment
    # The screen, videos, news, top ideas, implemented ideas.
    assert few <= 5


# --- The files, by the screen's address --------------------------------------------------------


@pytest.fixture
def on_screen(ready_video: Any) -> tuple[Video, str]:
    video = ready_video()
    PostFactory(title="On the wall", video=video)
    _screen, secret = make_screen()
    return video, secret


def body(response: Any) -> bytes:
    """All the bytes of a streamed answer."""
    return b"".join(response.streaming_content)


def plays(video: Video) -> int:
    video.refresh_from_db(fields=["screen_plays"])
    return video.screen_plays


def test_the_rendition_answers_whole_and_in_ranges(on_screen, clip):
    video, secret = on_screen
    url = file_url("rendition", secret, video.pk, "360p")
    whole = Client().get(url)
    assert whole.status_code == 200
    assert whole["Content-Type"] == "video/mp4"
    assert whole["Accept-Ranges"] == "bytes"
    assert int(whole["Content-Length"]) == len(clip)
    assert body(whole) == clip
    assert "private" in whole["Cache-Control"]
    assert not whole.cookies

    part = Client().get(url, headers={"range": "bytes=100-199"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(clip)}"
    assert part["Content-Length"] == "100"
    assert body(part) == clip[100:200]

    tail = Client().get(url, headers={"range": "bytes=-10"})
    assert body(tail) == clip[-10:]

    beyond = Client().get(url, headers={"range": f"bytes={len(clip) + 5}-{len(clip) + 9}"})
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{len(clip)}"

    same = Client().get(url, headers={"if-none-match": whole["ETag"]})
    assert same.status_code == 304


def test_each_request_for_the_first_byte_is_one_play_on_a_wall(on_screen):
    video, secret = on_screen
    url = file_url("rendition", secret, video.pk, "360p")
    assert plays(video) == 0
    Client().get(url, headers={"range": "bytes=0-"})
    assert plays(video) == 1
    # Further parts of the same play, a size probe, and HEAD are not plays.
    Client().get(url, headers={"range": "bytes=5000-"})
    Client().get(url, headers={"range": "bytes=0-1"})
    Client().head(url)
    assert plays(video) == 1
    Client().get(url)
    assert plays(video) == 2
    # The poster and captions are not plays either; nor is a person's reach touched.
    Client().get(file_url("poster", secret, video.pk))
    Client().get(file_url("caption", secret, video.pk, video.captions.get().pk))
    video.refresh_from_db()
    assert video.screen_plays == 2
    assert video.reach_count == 0


def test_the_poster_and_captions_are_served_to_the_screen(on_screen):
    video, secret = on_screen
    poster = Client().get(file_url("poster", secret, video.pk))
    assert poster.status_code == 200
    assert poster["Content-Type"] == "image/jpeg"
    assert poster.content[:2] == b"\xff\xd8"
    caption = Client().get(file_url("caption", secret, video.pk, video.captions.get().pk))
    assert caption.status_code == 200
    assert caption["Content-Type"] == "text/vtt; charset=utf-8"
    assert caption.content.decode() == VTT
    again = Client().get(
        file_url("caption", secret, video.pk, video.captions.get().pk),
        headers={"if-none-match": caption["ETag"]},
    )
    assert again.status_code == 304


def _all_files(video: Video, secret: str) -> list[str]:
    caption = video.captions.first()
    urls = [
        file_url("rendition", secret, video.pk, "360p"),
        file_url("rendition", secret, video.pk, "720p"),
        file_url("poster", secret, video.pk),
    ]
    if caption is not None:
        urls.append(file_url("caption", secret, video.pk, caption.pk))
    return urls


def _all_missing(urls: list[str]) -> None:
    for url in urls:
        assert Client().get(url).status_code == 404, url


def test_a_wrong_or_switched_off_address_gets_nothing(on_screen):
    video, secret = on_screen
    _all_missing(_all_files(video, "not-a-screen"))
    screen = queries.find_screen(secret)
    assert screen is not None
    switch_off_screen(screen=screen, editor=PersonFactory())
    _all_missing(_all_files(video, secret))
    assert plays(video) == 0


def test_a_screen_gets_nothing_of_a_video_it_may_not_show(ready_video):
    department = DepartmentFactory()
    elsewhere = DepartmentFactory()
    _screen, secret = make_screen(department=department)
    others = [
        ready_video(),  # no post at all
        ready_video(captions=()),
        ready_video(status=Video.Status.PROCESSING),
    ]
    PostFactory(video=others[1])
    PostFactory(video=others[2])
    held = ready_video()
    PostFactory(video=held, visibility=Visibility.HELD)
    narrowed = ready_video()
    PostFactory(video=narrowed, audience_departments=[elsewhere])
    draft = ready_video()
    PostFactory(video=draft, status=Post.Status.DRAFT, published_at=None)
    for video in [*others, held, narrowed, draft]:
        _all_missing(_all_files(video, secret))
        assert plays(video) == 0


def test_a_screen_gets_only_its_videos_files(on_screen, ready_video):
    video, secret = on_screen
    other = ready_video(captions=("es",))
    PostFactory(video=other)
    other_caption = other.captions.get()
    # Its own video with another video's caption, and a quality that doesn't exist.
    assert Client().get(file_url("caption", secret, video.pk, other_caption.pk)).status_code == (
        404
    )
    assert Client().get(file_url("rendition", secret, video.pk, "1080p")).status_code == 404


def test_a_video_without_a_poster_has_no_poster_file(ready_video):
    video = ready_video(poster=False)
    PostFactory(video=video)
    _screen, secret = make_screen()
    assert Client().get(file_url("poster", secret, video.pk)).status_code == 404


def test_a_missing_file_is_a_404_not_an_error(on_screen):
    video, secret = on_screen
    default_storage.delete(video.renditions.get(quality="360p").file.name)
    assert Client().get(file_url("rendition", secret, video.pk, "360p")).status_code == 404


def test_the_files_cost_a_fixed_few_queries(on_screen):
    video, secret = on_screen
    url = file_url("rendition", secret, video.pk, "360p")
    with CaptureQueriesContext(connection) as context:
        Client().get(url, headers={"range": "bytes=10-"})
    # The screen, the video (with its checks), the rendition.
    assert len(context.captured_queries) == 3


def test_recording_a_screen_play_adds_one(ready_video):
    video = ready_video()
    record_screen_play(video=video)
    record_screen_play(video=video)
    assert plays(video) == 2


def test_with_object_storage_the_screen_is_sent_to_a_presigned_address(
    on_screen, settings, monkeypatch
):
    video, secret = on_screen
    settings.VIDEO_SERVE_REDIRECT = True
    monkeypatch.setattr(
        default_storage, "url", lambda name: f"https://bucket.example/{name}?signature=abc"
    )
    response = Client().get(
        file_url("rendition", secret, video.pk, "360p"), headers={"range": "bytes=0-"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(f"https://bucket.example/videos/{video.pk}/")
    assert "no-store" in response["Cache-Control"]
    assert plays(video) == 1  # checked and counted before the bucket serves it


def test_a_storage_without_presigned_addresses_is_streamed_even_when_redirects_are_on(
    on_screen, settings
):
    """A local disk's address (/media/…) would skip the screen's check: never sent there."""
    video, secret = on_screen
    settings.VIDEO_SERVE_REDIRECT = True
    response = Client().get(file_url("rendition", secret, video.pk, "360p"))
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
