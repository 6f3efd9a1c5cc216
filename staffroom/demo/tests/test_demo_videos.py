"""The demo hospital's video posts: drawn by ffmpeg, put through the real pipeline (upload,
processing, captions), read and played; and a build without ffmpeg that still succeeds.

The demo size is built once for this module with DEMO_VIDEOS on (the test settings switch it
off for every other demo build); each test reads it in a savepoint. Real ffmpeg, real files.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Sum
from django.test import override_settings

from staffroom.channels.models import Channel, Post, PostView
from staffroom.channels.permissions import can_edit_channel
from staffroom.demo.content.video_texts import DEMO_VIDEOS, LARGE_VIDEOS
from staffroom.demo.content.videos import build_videos, srt, video_post_key
from staffroom.demo.hospital import SIZES
from staffroom.demo.plan import HospitalPlan, OrganisationPlan
from staffroom.demo.services import DemoBuild, DemoReport, build_demo_hospital
from staffroom.media.models import Video, VideoReach, VideoRendition, VideoView

TODAY = date(2025, 6, 2)
DEMO = SIZES["demo"]


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoReport]:
    """One demo build, with its videos, for every test here (rolled back at the end)."""
    with (
        override_settings(DEMO_VIDEOS=True),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        report = build_demo_hospital(size=DEMO, today=TODAY)
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def built(demo: DemoReport, db: None, settings: Any) -> DemoReport:
    settings.DEMO_VIDEOS = True
    return demo


def video_post(key: str) -> Post:
    text = next(t for t in DEMO_VIDEOS if t.post.key == key)
    return Post.objects.select_related("video", "channel", "author", "initiative").get(
        submission_key=video_post_key(text)
    )


def test_the_demo_has_three_published_video_posts_ready_to_play(built: DemoReport) -> None:
    assert built.created["video posts"] == len(DEMO_VIDEOS) == 3
    assert not built.notes
    posts = Post.objects.exclude(video=None).select_related("video", "channel", "author")
    assert posts.count() == 3  # the large size's videos are not in the demo size
    for post in posts:
        assert post.status == Post.Status.PUBLISHED
        assert can_edit_channel(post.author, post.channel), post.title
        video = post.video
        assert video is not None
        assert video.status == Video.Status.READY, video.failure_reason
        assert video.uploaded_by == post.author
        assert 8 <= (video.duration_seconds or 0) <= 16
        assert (video.source_width, video.source_height) == (640, 360)
        assert video.has_audio
        assert video.poster.name
        assert default_storage.exists(video.poster.name)
        renditions = {r.quality: r for r in video.renditions.all()}
        assert set(renditions) == {VideoRendition.Quality.HD, VideoRendition.Quality.LOW}
        for rendition in renditions.values():
            assert default_storage.size(rendition.file.name) == rendition.size_bytes > 1000
        assert (renditions["360p"].width, renditions["360p"].height) == (640, 360)


def test_every_demo_video_has_english_captions_and_the_cnos_has_spanish_and_a_transcript(
    built: DemoReport,
) -> None:
    for text in DEMO_VIDEOS:
        video = video_post(text.post.key).video
        assert video is not None
        english = video.captions.get(language="en")
        assert english.cue_count == len(text.lines)
        assert english.original_format == "srt"
        assert english.vtt.startswith("WEBVTT")
        assert text.lines[0][2].split("|")[0] in english.vtt
    cno = video_post("video-cno-self-scheduling")
    assert cno.channel.kind == Channel.Kind.LEADERSHIP
    assert cno.initiative is not None
    assert cno.initiative.slug == "safe-staffing-self-scheduling"
    assert cno.author.job_title == "Chief Nursing Officer"
    assert cno.video is not None
    assert set(cno.video.captions.values_list("language", flat=True)) == {"en", "es"}
    assert cno.video.transcript.startswith("Hello everyone.")
    ward = video_post("video-4-west-handover-board")
    assert ward.author.username == "manager"
    assert ward.channel.department is not None
    assert ward.channel.department.code == "rgh-medicine"
    beds = video_post("video-report-a-broken-bed")
    assert beds.channel.department is not None
    assert beds.channel.department.code == "rgh-facilities"


def test_reads_and_plays_are_stored_and_counted(built: DemoReport) -> None:
    for post in Post.objects.exclude(video=None).select_related("video"):
        video = post.video
        assert video is not None
        views = PostView.objects.filter(post=post).count()
        plays = VideoView.objects.filter(video=video).count()
        assert post.reach_count == views > 0
        assert 0 < video.reach_count == plays <= views
        reach = VideoReach.objects.filter(video=video).aggregate(people=Sum("people"))
        assert reach["people"] == plays
    # The demo nurse hasn't seen the newest video yet: it shows as unread for her.
    ward = video_post("video-4-west-handover-board")
    assert not PostView.objects.filter(post=ward, person__username="nurse").exists()


def test_building_again_adds_no_video(built: DemoReport) -> None:
    videos = Video.objects.count()
    again = build_demo_hospital(size=DEMO, today=TODAY)
    assert again.already_built
    assert Video.objects.count() == videos


def test_without_ffmpeg_the_build_goes_on_without_videos_and_says_why(
    built: DemoReport, settings: Any
) -> None:
    Post.objects.exclude(video=None).delete()
    settings.FFMPEG_BINARY = "/nonexistent/ffmpeg"
    build = DemoBuild(size=DEMO, seed=1, plan=HospitalPlan(OrganisationPlan((), (), ()), ()))
    build_videos(build)
    assert not build.created.get("video posts")
    assert build.notes == [
        "Demo videos skipped: /nonexistent/ffmpeg is not installed (apt-get install ffmpeg)."
    ]
    assert not Post.objects.exclude(video=None).exists()


def test_the_large_size_adds_ten_videos_across_other_channels() -> None:
    assert len(LARGE_VIDEOS) == 10
    assert len({t.post.channel for t in LARGE_VIDEOS}) == 10
    assert all(t.sizes == ("large",) for t in LARGE_VIDEOS)
    assert all(8 <= t.seconds <= 16 for t in (*DEMO_VIDEOS, *LARGE_VIDEOS))


def test_captions_are_written_as_subrip_with_line_breaks() -> None:
    assert srt([(0.5, 3.25, "One|two"), (61, 3723.5, "Three")]) == (
        "1\n00:00:00,500 --> 00:00:03,250\nOne\ntwo\n\n2\n00:01:01,000 --> 01:02:03,500\nThree\n"
    )
