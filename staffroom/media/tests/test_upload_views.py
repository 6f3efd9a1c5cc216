"""The upload over HTTP: the script's JSON protocol (start, ask the offset, PUT chunks), the
plain form without JavaScript, who may upload, CSRF, and a constant cost per chunk."""

from __future__ import annotations

import errno
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpRequest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.channels.models import Channel, Post
from staffroom.channels.tests.factories import ChannelFactory, PostFactory
from staffroom.media.models import Video
from staffroom.media.tests.clips import make_clip
from staffroom.media.tests.ready import ready_video
from staffroom.organisation.tests.factories import DepartmentFactory, UnitFactory

pytestmark = pytest.mark.django_db

CHUNK = 16 * 1024
JSON = {"Accept": "application/json"}

Commit = Callable[..., Any]


class FullDisk(FileSystemStorage):
    """Stands in for a disk with no space left: every save fails with ENOSPC."""

    def save(self, name: str | None, content: Any, max_length: int | None = None) -> str:
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture(scope="module")
def clip_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = make_clip(tmp_path_factory.mktemp("clips") / "update.mp4", seconds=2)
    return path.read_bytes()


@pytest.fixture(autouse=True)
def small_chunks(settings: Any) -> int:
    settings.VIDEO_CHUNK_BYTES = CHUNK
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return CHUNK


@pytest.fixture
def department() -> Any:
    return DepartmentFactory(name="Emergency Department")


@pytest.fixture
def channel(department: Any) -> Channel:
    return ChannelFactory(kind=Channel.Kind.DEPARTMENT, department=department, name="Emergency")


@pytest.fixture
def editor(department: Any) -> Person:
    person = PersonFactory(unit=UnitFactory(department=department))
    RoleGrantFactory(person=person, role=Role.CHANNEL_EDITOR, department=department)
    return person


@pytest.fixture
def post(channel: Channel, editor: Person) -> Post:
    return PostFactory(channel=channel, author=editor, status=Post.Status.DRAFT, published_at=None)


@pytest.fixture
def editor_client(client: Client, editor: Person) -> Client:
    client.force_login(editor)
    return client


def start_url(post: Post) -> str:
    return reverse("media:upload_start", args=[post.pk])


def start(client: Client, post: Post, size: int, filename: str = "update.mp4") -> Any:
    return client.post(start_url(post), {"filename": filename, "size": str(size)}, headers=JSON)


def put(client: Client, url: str, data: bytes, first: int, total: int, *, token: str = "") -> Any:
    headers = {**JSON, "Content-Range": f"bytes {first}-{first + len(data) - 1}/{total}"}
    if token:
        headers["X-CSRFToken"] = token
    return client.put(url, data, content_type="application/octet-stream", headers=headers)


def started(client: Client, post: Post, size: int) -> str:
    response = start(client, post, size)
    assert response.status_code == 201, response.content
    return str(response.json()["upload_url"])


# --- Starting ------------------------------------------------------------------------------------


def test_the_script_starts_an_upload_and_learns_where_to_send_it(
    editor_client: Client, post: Post
) -> None:
    response = start(editor_client, post, 50_000)
    assert response.status_code == 201
    body = response.json()
    video = Video.objects.get()
    assert body == {
        "video": video.pk,
        "offset": 0,
        "chunk_bytes": CHUNK,
        "upload_url": reverse("media:upload_chunk", args=[video.pk]),
        "page_url": reverse("media:post_video", args=[post.pk]),
    }
    post.refresh_from_db()
    assert post.video is None  # the post's until complete
    assert video.for_post == post


def test_an_empty_file_is_refused_before_a_byte_is_sent(editor_client: Client, post: Post) -> None:
    response = start(editor_client, post, 0)
    assert response.status_code == 400
    assert response.json()["error"].startswith("This file is empty")
    assert not Video.objects.exists()


def test_a_file_over_the_limit_is_refused_with_both_sizes(
    editor_client: Client, post: Post, settings: Any
) -> None:
    settings.VIDEO_MAX_UPLOAD_BYTES = 2 * 1024**3
    response = start(editor_client, post, int(2.4 * 1024**3))
    assert response.status_code == 400
    assert "This video is 2.4\xa0GB; the limit is 2.0\xa0GB." in response.json()["error"]
    assert not Video.objects.exists()


def test_a_size_that_is_not_a_number_is_refused(editor_client: Client, post: Post) -> None:
    response = editor_client.post(
        start_url(post), {"filename": "a.mp4", "size": "lots"}, headers=JSON
    )
    assert response.status_code == 400
    assert "error" in response.json()


# --- Chunks --------------------------------------------------------------------------------------


def test_chunks_go_in_one_after_another_and_the_last_queues_processing(
    editor_client: Client, post: Post, clip_bytes: bytes, django_capture_on_commit_callbacks: Commit
) -> None:
    url = started(editor_client, post, len(clip_bytes))
    total = len(clip_bytes)
    offset = 0
    with django_capture_on_commit_callbacks(execute=True):
        while offset < total:
            response = put(editor_client, url, clip_bytes[offset : offset + CHUNK], offset, total)
            assert response.status_code == 200, response.content
            offset = response.json()["offset"]
    body = response.json()
    assert body["complete"] is True
    assert body["status"] == Video.Status.QUEUED
    assert body["page_url"] == reverse("media:post_video", args=[post.pk])
    asked = editor_client.get(url, headers=JSON).json()
    assert (asked["offset"], asked["size"], asked["status"]) == (total, total, "queued")


def test_asking_where_an_upload_stands_gives_the_offset(
    editor_client: Client, post: Post, clip_bytes: bytes
) -> None:
    url = started(editor_client, post, len(clip_bytes))
    put(editor_client, url, clip_bytes[:CHUNK], 0, len(clip_bytes))
    body = editor_client.get(url, headers=JSON).json()
    assert body["offset"] == CHUNK
    assert body["status"] == "uploading"
    assert body["complete"] is False


def test_a_chunk_sent_again_after_its_answer_was_lost_is_acknowledged(
    editor_client: Client, post: Post, clip_bytes: bytes
) -> None:
    url = started(editor_client, post, len(clip_bytes))
    put(editor_client, url, clip_bytes[:CHUNK], 0, len(clip_bytes))
    again = put(editor_client, url, clip_bytes[:CHUNK], 0, len(clip_bytes))
    assert again.status_code == 200
    assert again.json()["offset"] == CHUNK
    assert Video.objects.get().received_chunks == 1


def test_a_gap_is_a_conflict_with_the_offset_to_continue_from(
    editor_client: Client, post: Post, clip_bytes: bytes
) -> None:
    url = started(editor_client, post, len(clip_bytes))
    put(editor_client, url, clip_bytes[:CHUNK], 0, len(clip_bytes))
    response = put(
        editor_client, url, clip_bytes[2 * CHUNK : 3 * CHUNK], 2 * CHUNK, len(clip_bytes)
    )
    assert response.status_code == 409
    assert response.json()["offset"] == CHUNK


def test_a_chunk_for_a_file_of_another_size_is_refused(
    editor_client: Client, post: Post, clip_bytes: bytes
) -> None:
    url = started(editor_client, post, len(clip_bytes))
    response = put(editor_client, url, clip_bytes[:CHUNK], 0, len(clip_bytes) + 5)
    assert response.status_code == 400
    assert "different size" in response.json()["error"]


def test_a_chunk_without_its_position_is_refused(
    editor_client: Client, post: Post, clip_bytes: bytes
) -> None:
    url = started(editor_client, post, len(clip_bytes))
    response = editor_client.put(
        url, clip_bytes[:CHUNK], content_type="application/octet-stream", headers=JSON
    )
    assert response.status_code == 400
    assert Video.objects.get().received_bytes == 0


def test_a_body_larger_than_a_chunk_is_refused_unread(
    editor_client: Client, post: Post, clip_bytes: bytes
) -> None:
    url = started(editor_client, post, len(clip_bytes))
    response = put(editor_client, url, clip_bytes[: CHUNK * 2], 0, len(clip_bytes))
    assert response.status_code == 413
    assert Video.objects.get().received_bytes == 0
    assert default_storage.listdir("")[0] == []


def test_a_text_file_renamed_mp4_is_refused_at_its_first_chunk_and_leaves_nothing(
    editor_client: Client, post: Post
) -> None:
    text = b"These are the minutes of Tuesday's meeting.\n" * 2000
    url = started(editor_client, post, len(text))
    response = put(editor_client, url, text[:CHUNK], 0, len(text))
    assert response.status_code == 400
    assert "This file is text, not a video" in response.json()["error"]
    assert not Video.objects.exists()
    assert default_storage.listdir("")[0] == []
    assert editor_client.get(url, headers=JSON).status_code == 404


def test_a_full_disk_answers_507_and_keeps_nothing(
    editor_client: Client, post: Post, clip_bytes: bytes, settings: Any, tmp_path: Path
) -> None:
    url = started(editor_client, post, len(clip_bytes))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": f"{__name__}.FullDisk",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    response = put(editor_client, url, clip_bytes[:CHUNK], 0, len(clip_bytes))
    assert response.status_code == 507
    assert response.json() == {
        "error": "The server is out of space, so the upload is paused. Your file is safe on "
        "your device: try again later and it continues where it stopped.",
        "offset": 0,
    }
    assert Video.objects.get().received_bytes == 0
    assert not list((tmp_path / "media").rglob("*"))


def test_a_content_range_with_huge_or_backwards_numbers_is_refused(
    editor_client: Client, post: Post, clip_bytes: bytes
) -> None:
    url = started(editor_client, post, len(clip_bytes))
    data = clip_bytes[:CHUNK]
    for value in (
        f"bytes 0-{CHUNK - 1}/{'9' * 5000}",  # int() of 5,000 digits would be a 500
        f"bytes {'1' * 20}-{CHUNK - 1}/{len(clip_bytes)}",
        f"bytes {CHUNK - 1}-0/{len(clip_bytes)}",
        f"bytes 0-{len(clip_bytes)}/{len(clip_bytes)}",
        "bytes */1000",
    ):
        response = editor_client.put(
            url,
            data,
            content_type="application/octet-stream",
            headers={**JSON, "Content-Range": value},
        )
        assert response.status_code == 400, value
        assert "position" in response.json()["error"]
    assert Video.objects.get().received_bytes == 0


def test_a_copy_of_a_chunk_still_being_stored_is_told_to_retry_in_two_seconds(
    editor_client: Client, post: Post, clip_bytes: bytes
) -> None:
    url = started(editor_client, post, len(clip_bytes))
    # Another request for this chunk holds the upload (its lease runs for a while yet).
    Video.objects.update(receiving_until=timezone.now() + timedelta(seconds=30))
    response = put(editor_client, url, clip_bytes[:CHUNK], 0, len(clip_bytes))
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert response.json() == {
        "error": "This piece of the upload is still being saved. It is sent again in a moment.",
        "offset": 0,
        "code": "busy",
    }
    assert Video.objects.get().received_bytes == 0
    assert default_storage.listdir("")[0] == []
    # That request died: its lease runs out, and the chunk goes in.
    Video.objects.update(receiving_until=timezone.now() - timedelta(seconds=1))
    response = put(editor_client, url, clip_bytes[:CHUNK], 0, len(clip_bytes))
    assert response.status_code == 200
    assert response.json()["offset"] == CHUNK


def test_a_refused_file_keeps_the_posts_ready_captioned_video(
    editor_client: Client, post: Post
) -> None:
    current = ready_video(post)
    text = b"These are the minutes of Tuesday's meeting.\n" * 2000
    url = started(editor_client, post, len(text))
    response = put(editor_client, url, text[:CHUNK], 0, len(text))
    assert response.status_code == 400
    post.refresh_from_db()
    assert post.video == current
    assert current.captions.count() == 1
    assert list(Video.objects.values_list("pk", flat=True)) == [current.pk]
    assert editor_client.get(url, headers=JSON).status_code == 404


def test_a_post_published_before_the_last_chunk_answers_409_and_keeps_its_video(
    editor_client: Client, post: Post, clip_bytes: bytes
) -> None:
    current = ready_video(post)
    url = started(editor_client, post, len(clip_bytes))
    total = len(clip_bytes)
    offset = 0
    while offset + CHUNK < total:
        offset = put(editor_client, url, clip_bytes[offset : offset + CHUNK], offset, total).json()[
            "offset"
        ]
    Post.objects.filter(pk=post.pk).update(status=Post.Status.PUBLISHED)  # editor B
    response = put(editor_client, url, clip_bytes[offset:], offset, total)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "post_live"
    assert "Move the post back to draft first" in body["error"]
    post.refresh_from_db()
    assert post.video == current
    assert list(Video.objects.values_list("pk", flat=True)) == [current.pk]


def test_a_chunk_costs_the_same_queries_wherever_it_is_in_the_file(
    editor_client: Client, post: Post, clip_bytes: bytes
) -> None:
    url = started(editor_client, post, len(clip_bytes))
    total = len(clip_bytes)
    assert total > 5 * CHUNK
    counts = []
    for index in range(5):
        offset = index * CHUNK
        with CaptureQueriesContext(connection) as queries:
            response = put(editor_client, url, clip_bytes[offset : offset + CHUNK], offset, total)
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(set(counts)) == 1, counts


# --- Who may upload ------------------------------------------------------------------------------


def test_someone_signed_out_is_sent_to_sign_in(client: Client, post: Post) -> None:
    response = client.post(start_url(post), {"filename": "a.mp4", "size": "10"})
    assert response.status_code == 302
    assert reverse(django_settings.LOGIN_URL) in response["Location"]
    assert not Video.objects.exists()


def test_staff_who_cannot_see_the_post_get_a_404(
    client: Client, editor_client: Client, post: Post, clip_bytes: bytes
) -> None:
    url = started(editor_client, post, len(clip_bytes))
    client.force_login(PersonFactory())
    assert start(client, post, 100).status_code == 404
    assert client.get(url, headers=JSON).status_code == 404
    assert put(client, url, clip_bytes[:CHUNK], 0, len(clip_bytes)).status_code == 404
    assert Video.objects.get().received_bytes == 0


def test_a_reader_of_the_post_who_does_not_edit_it_gets_a_403(
    client: Client, editor_client: Client, post: Post, department: Any, clip_bytes: bytes
) -> None:
    url = started(editor_client, post, len(clip_bytes))  # a draft takes a new video
    Post.objects.filter(pk=post.pk).update(  # readers see it now
        status=Post.Status.PUBLISHED, published_at=timezone.now()
    )
    published = Post.objects.get(pk=post.pk)
    client.force_login(PersonFactory(unit=UnitFactory(department=department)))
    assert start(client, published, 100).status_code == 403
    assert put(client, url, clip_bytes[:CHUNK], 0, len(clip_bytes)).status_code == 403
    assert Video.objects.get().received_bytes == 0


@pytest.fixture
def body_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every time Django parses a request's form body (request.POST / request.FILES)."""
    reads: list[str] = []
    original = HttpRequest._load_post_and_files

    def load(request: HttpRequest) -> None:
        reads.append(request.path)
        original(request)

    monkeypatch.setattr(HttpRequest, "_load_post_and_files", load)
    return reads


def csrf_client(person: Person | None = None) -> Client:
    """A client with a CSRF cookie (anyone who opened the sign-in page has one) whose
    requests are checked for CSRF, so CsrfViewMiddleware would read a POST's body."""
    client = Client(enforce_csrf_checks=True)
    client.cookies[django_settings.CSRF_COOKIE_NAME] = _get_new_csrf_string()
    if person is not None:
        client.force_login(person)
    return client


def big_form(clip_bytes: bytes) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("big.mp4", clip_bytes, content_type="video/mp4")}


def test_a_signed_out_upload_is_refused_before_its_body_is_read(
    post: Post, clip_bytes: bytes, body_reads: list[str]
) -> None:
    client = csrf_client()
    response = client.post(start_url(post), big_form(clip_bytes))
    assert body_reads == []
    assert response.status_code == 302
    assert reverse(django_settings.LOGIN_URL) in response["Location"]
    # The script is told in JSON, with what to do next.
    response = client.post(start_url(post), {"filename": "a.mp4", "size": "10"}, headers=JSON)
    assert response.status_code == 401
    assert response.json()["error"].startswith("You were signed out")
    assert body_reads == []
    assert not Video.objects.exists()


def test_an_upload_from_someone_who_may_not_edit_the_post_is_refused_unread(
    post: Post, department: Any, clip_bytes: bytes, body_reads: list[str]
) -> None:
    stranger = csrf_client(PersonFactory())
    response = stranger.post(start_url(post), big_form(clip_bytes))
    assert body_reads == []
    assert response.status_code == 404
    Post.objects.filter(pk=post.pk).update(
        status=Post.Status.PUBLISHED, published_at=timezone.now()
    )
    reader = csrf_client(PersonFactory(unit=UnitFactory(department=department)))
    assert reader.post(start_url(post), big_form(clip_bytes)).status_code == 403
    assert body_reads == []
    assert not Video.objects.exists()


def test_an_editors_plain_form_is_read_checked_for_csrf_and_taken(
    editor: Person, post: Post, clip_bytes: bytes, body_reads: list[str]
) -> None:
    client = csrf_client(editor)
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    response = client.post(start_url(post), {**big_form(clip_bytes), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert body_reads  # the check above would have seen a read
    post.refresh_from_db()
    assert post.video is not None


def test_csrf_is_checked_on_every_upload_request(
    editor: Person, post: Post, clip_bytes: bytes
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    token = _get_new_csrf_string()
    client.cookies[django_settings.CSRF_COOKIE_NAME] = token
    assert start(client, post, len(clip_bytes)).status_code == 403
    assert not Video.objects.exists()

    response = client.post(
        start_url(post),
        {"filename": "a.mp4", "size": str(len(clip_bytes))},
        headers={**JSON, "X-CSRFToken": token},
    )
    assert response.status_code == 201
    url = response.json()["upload_url"]
    assert put(client, url, clip_bytes[:CHUNK], 0, len(clip_bytes)).status_code == 403
    sent = put(client, url, clip_bytes[:CHUNK], 0, len(clip_bytes), token=token)
    assert sent.status_code == 200


# --- Without JavaScript ------------------------------------------------------------------------


def test_the_plain_form_uploads_the_whole_file_and_redirects_to_the_video_page(
    editor_client: Client, post: Post, clip_bytes: bytes
) -> None:
    upload = SimpleUploadedFile("ward-7.mp4", clip_bytes, content_type="video/mp4")
    response = editor_client.post(start_url(post), {"file": upload})
    assert response.status_code == 302
    assert response["Location"] == reverse("media:post_video", args=[post.pk])
    post.refresh_from_db()
    assert post.video is not None
    assert post.video.status == Video.Status.QUEUED
    assert post.video.received_bytes == len(clip_bytes)


def test_the_plain_form_refuses_a_renamed_text_file_on_the_page_and_stores_nothing(
    editor_client: Client, post: Post
) -> None:
    upload = SimpleUploadedFile("clip.mp4", b"Minutes of the meeting.\n" * 100)
    response = editor_client.post(start_url(post), {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "This file is text, not a video" in page
    assert 'id="video-upload"' in page
    assert not Video.objects.exists()
    assert default_storage.listdir("")[0] == []


def test_the_plain_form_sent_without_a_file_asks_for_one(editor_client: Client, post: Post) -> None:
    response = editor_client.post(start_url(post), {})
    assert response.status_code == 400
    assert "Choose a video file first." in response.content.decode()


def test_the_video_page_offers_the_form_with_what_the_script_needs(
    editor_client: Client, post: Post, clip_bytes: bytes
) -> None:
    url = started(editor_client, post, len(clip_bytes))
    put(editor_client, url, clip_bytes[:CHUNK], 0, len(clip_bytes))
    page = editor_client.get(reverse("media:post_video", args=[post.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert f'action="{start_url(post)}"' in page
    assert f'data-chunk-bytes="{CHUNK}"' in page
    assert 'accept="video/mp4,video/quicktime,video/webm,.mp4,.mov,.webm"' in page
    assert "stopped at 16.0\xa0KB of" in page  # the unfinished upload, to continue
    assert "js/video-upload.js" in page


def test_the_page_shows_an_unfinished_upload_beside_the_current_video_at_the_same_cost(
    editor_client: Client, post: Post, clip_bytes: bytes
) -> None:
    ready_video(post)
    page_url = reverse("media:post_video", args=[post.pk])
    with CaptureQueriesContext(connection) as before:
        page = editor_client.get(page_url).content.decode()
    assert "stopped at" not in page
    assert "Until then the current video stays." in page
    url = started(editor_client, post, len(clip_bytes))
    put(editor_client, url, clip_bytes[:CHUNK], 0, len(clip_bytes))
    with CaptureQueriesContext(connection) as after:
        page = editor_client.get(page_url).content.decode()
    assert "The upload of “update.mp4” stopped at 16.0\xa0KB of" in page
    assert "Until then the current video stays." in page
    assert len(after) == len(before)
