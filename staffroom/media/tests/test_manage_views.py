"""The editor's video page and its status, retry, poster and delete views."""

from __future__ import annotations

import io
from datetime import timedelta
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.channels.models import Channel, Post
from staffroom.channels.tests.factories import ChannelFactory, PostFactory
from staffroom.jobs.testing import run_jobs
from staffroom.media import ffmpeg
from staffroom.media.models import Video
from staffroom.media.tests.clips import make_clip
from staffroom.media.tests.test_processing import (  # the same staging and storage clean-up
    _empty_video_storage,  # noqa: F401  # an autouse fixture, used by being imported
    files_of,
    on_commit,
    process,
    staged_video,
)
from staffroom.organisation.tests.factories import DepartmentFactory, UnitFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def department() -> Any:
    return DepartmentFactory(name="Maternity")


@pytest.fixture
def post(department: Any) -> Post:
    channel = ChannelFactory(kind=Channel.Kind.DEPARTMENT, department=department, slug="maternity")
    return PostFactory(channel=channel, title="Meet the night team")


@pytest.fixture
def editor(department: Any) -> Any:
    person = PersonFactory(unit=UnitFactory(department=department))
    RoleGrantFactory(person=person, role=Role.CHANNEL_EDITOR, department=department)
    return person


@pytest.fixture
def editor_client(client: Client, editor: Any) -> Client:
    client.force_login(editor)
    return client


@pytest.fixture
def ready(tmp_path: Path, post: Post) -> Video:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=2), post=post)
    process(video.pk)
    video.refresh_from_db()
    return video


def page(post: Post) -> str:
    return reverse("media:post_video", args=[post.pk])


def test_the_page_of_a_post_without_video_offers_the_upload(
    editor_client: Client, post: Post
) -> None:
    response = editor_client.get(page(post))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Meet the night team" in html
    assert 'id="video-upload"' in html
    assert 'id="video-status"' not in html


def test_the_page_of_a_ready_video_shows_status_notes_poster_captions_and_preview(
    editor_client: Client, post: Post, ready: Video
) -> None:
    html = editor_client.get(page(post)).content.decode()
    assert "Ready" in html
    assert "2 s" in html
    assert "720p and 360p" in html
    assert "smaller than 720p" in html  # the SMALL note
    assert 'id="video-poster"' in html
    assert 'id="video-captions"' in html
    assert 'id="video-transcript"' in html
    assert "<video" in html
    assert 'hx-trigger="every 2s"' not in html  # final: nothing to poll


def test_a_processing_video_polls_and_shows_its_percentage(
    editor_client: Client, post: Post, tmp_path: Path
) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=1), post=post)
    Video.objects.filter(pk=video.pk).update(
        status=Video.Status.PROCESSING, progress=45, processing_started_at=timezone.now()
    )
    html = editor_client.get(page(post)).content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert 'value="45"' in html
    assert "Processing" in html
    assert "45%" in html
    assert ">Refresh<" in html
    fragment = editor_client.get(
        reverse("media:status", args=[video.pk]) + "?shown=processing", headers=HX
    )
    assert fragment.status_code == 200
    assert fragment.content.decode().lstrip().startswith("<section")
    assert "HX-Refresh" not in fragment
    # Without htmx, the status address is the page.
    plain = editor_client.get(reverse("media:status", args=[video.pk]))
    assert plain.status_code == 302
    assert plain["Location"] == page(post)


def test_try_again_appears_once_the_processing_heartbeat_has_stopped(
    editor_client: Client, post: Post, tmp_path: Path
) -> None:
    video = staged_video(make_clip(tmp_path / "a.mp4", seconds=1), post=post)
    url = reverse("media:status", args=[video.pk]) + "?shown=processing"
    # Started three hours ago, but its worker beat a minute ago: slow, alive, left alone.
    Video.objects.filter(pk=video.pk).update(
        status=Video.Status.PROCESSING,
        attempts=1,
        processing_started_at=timezone.now() - timedelta(hours=3),
        updated_at=timezone.now() - timedelta(minutes=1),
    )
    html = editor_client.get(url, headers=HX).content.decode()
    assert "Try again" not in html
    response = editor_client.post(reverse("media:retry", args=[video.pk]), headers=HX)
    assert response.status_code == 400
    # Silent for longer than VIDEO_STALL_SECONDS (10 minutes): its worker was killed.
    Video.objects.filter(pk=video.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    html = editor_client.get(url, headers=HX).content.decode()
    assert "Try again" in html
    with on_commit():
        response = editor_client.post(reverse("media:retry", args=[video.pk]), headers=HX)
    assert response.status_code == 200
    video.refresh_from_db()
    assert video.status == Video.Status.QUEUED
    with on_commit():
        assert run_jobs(queue="video") == 1
    video.refresh_from_db()
    assert (video.status, video.attempts) == (Video.Status.READY, 2)


def test_the_status_fragment_reloads_the_page_once_processing_ends(
    editor_client: Client, ready: Video
) -> None:
    url = reverse("media:status", args=[ready.pk])
    response = editor_client.get(url + "?shown=processing", headers=HX)
    assert response["HX-Refresh"] == "true"
    assert "HX-Refresh" not in editor_client.get(url + "?shown=ready", headers=HX)


def test_the_status_fragment_costs_the_same_queries_whatever_the_video(
    editor_client: Client, ready: Video, post: Post, tmp_path: Path, query_count: Any
) -> None:
    url = reverse("media:status", args=[ready.pk])
    ready_queries = query_count(lambda: editor_client.get(url, headers=HX))
    other = PostFactory(channel=post.channel)
    queued = staged_video(make_clip(tmp_path / "b.mp4", seconds=1), post=other)
    queued_queries = query_count(
        lambda: editor_client.get(reverse("media:status", args=[queued.pk]), headers=HX)
    )
    assert ready_queries <= 8
    assert queued_queries <= ready_queries


def test_a_failed_video_shows_its_reason_and_is_tried_again(
    editor_client: Client, post: Post, tmp_path: Path
) -> None:
    text = tmp_path / "notes.mp4"
    text.write_text("not a video\n" * 100)
    video = staged_video(text, post=post)
    process(video.pk)
    html = editor_client.get(page(post)).content.decode()
    assert "Failed: This file is damaged or incomplete" in html
    assert "Try again" in html
    with on_commit():
        response = editor_client.post(reverse("media:retry", args=[video.pk]))
    assert response.status_code == 302
    assert response["Location"] == page(post)
    video.refresh_from_db()
    assert video.status == Video.Status.QUEUED
    # Again, now it's queued: refused with the reason, in the fragment.
    response = editor_client.post(reverse("media:retry", args=[video.pk]), headers=HX)
    assert response.status_code == 400
    assert "already waiting" in response.content.decode()


def test_the_poster_is_changed_by_time_and_by_picture(editor_client: Client, ready: Video) -> None:
    url = reverse("media:poster", args=[ready.pk])
    with on_commit():
        response = editor_client.post(url, {"at_seconds": "1.5"}, headers=HX)
    assert response.status_code == 200
    assert "being taken from the video" in response.content.decode()
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), "teal").save(buffer, format="JPEG")
    with on_commit():
        response = editor_client.post(
            url,
            {"image": SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")},
        )
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.poster_seconds is None
    assert ready.poster.name.endswith("poster-2.jpg")


def test_a_poster_moment_at_the_very_end_takes_the_last_frame(
    editor_client: Client, ready: Video
) -> None:
    end = ready.duration_seconds
    assert end is not None
    with on_commit():
        response = editor_client.post(
            reverse("media:poster", args=[ready.pk]), {"at_seconds": f"{end:.1f}"}, headers=HX
        )
    assert response.status_code == 200
    with on_commit():
        assert run_jobs(queue="video") == 1
    ready.refresh_from_db()
    assert ready.poster.name.endswith("poster-2.jpg")
    assert ready.poster_seconds is not None
    assert ready.poster_seconds <= end - 0.1 + 0.001


def test_a_poster_frame_that_cannot_be_taken_is_explained_on_the_page(
    editor_client: Client, ready: Video, post: Post, monkeypatch: Any
) -> None:
    def no_frame(*args: Any, **kwargs: Any) -> Any:
        raise ffmpeg.FFmpegError("failed", "no frame")

    monkeypatch.setattr(ffmpeg, "extract_frame", no_frame)
    url = reverse("media:poster", args=[ready.pk])
    with on_commit():
        editor_client.post(url, {"at_seconds": "1.5"})
    with on_commit():
        run_jobs(queue="video")
    ready.refresh_from_db()
    assert ready.poster.name.endswith("poster-1.jpg")  # unchanged
    html = unescape(editor_client.get(page(post)).content.decode())
    assert "The picture at 1.5 seconds couldn't be taken from the video" in html
    assert "upload a picture" in html
    # Asking again clears it (the answer to the new request is what counts).
    with on_commit():
        response = editor_client.post(url, {"at_seconds": "0.5"}, headers=HX)
    assert "be taken from the video, so" not in unescape(response.content.decode())
    assert "be taken from the video, so" not in unescape(
        editor_client.get(page(post)).content.decode()
    )


def test_a_poster_form_with_neither_or_a_bad_time_comes_back_with_the_reason(
    editor_client: Client, ready: Video, post: Post
) -> None:
    url = reverse("media:poster", args=[ready.pk])
    response = editor_client.post(url, {})
    assert response.status_code == 400
    assert "Give a time in seconds, or choose a picture" in response.content.decode()
    response = editor_client.post(url, {"at_seconds": "500"}, headers=HX)
    assert response.status_code == 400
    assert "between 0 and 2 seconds" in response.content.decode()
    assert 'value="500"' in response.content.decode()
    for bad in ("-1", "NaN", "Infinity"):
        response = editor_client.post(url, {"at_seconds": bad}, headers=HX)
        assert response.status_code == 400, bad


def test_deleting_asks_first_then_removes_every_file(
    editor_client: Client, ready: Video, post: Post
) -> None:
    url = reverse("media:delete", args=[ready.pk])
    confirm = editor_client.get(url)
    assert confirm.status_code == 200
    assert "be undone" in confirm.content.decode()
    assert files_of(ready)
    with on_commit():
        response = editor_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == page(post)
    assert not Video.objects.filter(pk=ready.pk).exists()
    # The files go in a job on the default queue, not in the request.
    assert files_of(ready)
    assert run_jobs(queue="default") == 1
    assert files_of(ready) == []
    post.refresh_from_db()
    assert post.video_id is None
    assert post.title == "Meet the night team"


@pytest.mark.parametrize("name", ["status", "retry", "poster", "delete"])
def test_other_staff_may_not_touch_the_video(
    client: Client, ready: Video, post: Post, name: str
) -> None:
    client.force_login(PersonFactory())  # sees the published post, edits nothing
    url = reverse(f"media:{name}", args=[ready.pk])
    response = client.post(url) if name != "status" else client.get(url, headers=HX)
    assert response.status_code == 403
    assert client.get(page(post)).status_code == 403
    Post.objects.filter(pk=post.pk).update(status=Post.Status.DRAFT)  # now they can't see it
    response = client.post(url) if name != "status" else client.get(url, headers=HX)
    assert response.status_code == 404
    assert client.get(page(post)).status_code == 404
    assert Video.objects.filter(pk=ready.pk, status=Video.Status.READY).exists()
    assert default_storage.exists(ready.poster.name)


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, ready: Video, post: Post) -> None:
    for url in (page(post), reverse("media:status", args=[ready.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert "sign-in" in response["Location"]
    response = client.post(reverse("media:delete", args=[ready.pk]))
    assert response.status_code == 302
    assert "sign-in" in response["Location"]
    assert Video.objects.filter(pk=ready.pk).exists()


def test_the_post_editor_controls_link_to_the_video_page(editor_client: Client, post: Post) -> None:
    html = editor_client.get(post.get_absolute_url()).content.decode()
    assert page(post) in html
