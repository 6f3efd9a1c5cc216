"""A video's files: range requests on real MP4s, posters, captions, and who may fetch them."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, cast

import pytest
from django.core.files.storage import default_storage
from django.test import Client, override_settings
from django.urls import reverse

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Post
from staffroom.channels.tests.factories import ChannelEditorFactory, ChannelFactory
from staffroom.core.models import Visibility
from staffroom.media.models import Caption, Video, VideoRendition, VideoView
from staffroom.media.tests.ready import ready_video, rendition_bytes
from staffroom.media.views.serve import BLOCK_BYTES, RangeFile
from staffroom.organisation.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client: Client, person: Person) -> Client:
    client.force_login(person)
    return client


def _url(video: Video, quality: str = "720p") -> str:
    return reverse("media:rendition", args=[video.pk, quality])


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


# --- Ranges ---------------------------------------------------------------------------------------


def test_a_range_gets_206_with_exactly_those_bytes(signed_in: Client) -> None:
    video = ready_video()
    data = rendition_bytes(video, "720p")
    response = signed_in.get(_url(video), headers={"Range": "bytes=100-1099"})
    assert response.status_code == 206
    assert _body(response) == data[100:1100]
    assert response["Content-Range"] == f"bytes 100-1099/{len(data)}"
    assert response["Content-Length"] == "1000"
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["ETag"] == f'"{video.pk}-{video.version}-720p"'


def test_the_end_of_a_file_and_a_suffix_range(signed_in: Client) -> None:
    video = ready_video()
    data = rendition_bytes(video, "360p")
    tail = signed_in.get(_url(video, "360p"), headers={"Range": "bytes=-200"})
    assert tail.status_code == 206
    assert _body(tail) == data[-200:]
    rest = signed_in.get(_url(video, "360p"), headers={"Range": f"bytes={len(data) - 10}-"})
    assert _body(rest) == data[-10:]
    assert rest["Content-Range"] == f"bytes {len(data) - 10}-{len(data) - 1}/{len(data)}"


def test_no_range_gets_the_whole_file_with_200(signed_in: Client) -> None:
    video = ready_video()
    data = rendition_bytes(video, "720p")
    response = signed_in.get(_url(video))
    assert response.status_code == 200
    assert _body(response) == data
    assert response["Content-Length"] == str(len(data))
    assert response["Accept-Ranges"] == "bytes"
    assert "Content-Range" not in response


def test_several_ranges_get_the_whole_file(signed_in: Client) -> None:
    video = ready_video()
    response = signed_in.get(_url(video), headers={"Range": "bytes=0-9,20-29"})
    assert response.status_code == 200
    assert _body(response) == rendition_bytes(video, "720p")


def test_a_range_past_the_end_gets_416_with_the_size(signed_in: Client) -> None:
    video = ready_video()
    size = len(rendition_bytes(video, "720p"))
    response = signed_in.get(_url(video), headers={"Range": f"bytes={size}-"})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{size}"


def test_head_tells_the_size_without_a_body(signed_in: Client) -> None:
    video = ready_video()
    size = len(rendition_bytes(video, "720p"))
    whole = signed_in.head(_url(video))
    assert whole.status_code == 200
    assert whole["Content-Length"] == str(size)
    assert whole["Accept-Ranges"] == "bytes"
    assert whole.content == b""
    part = signed_in.head(_url(video), headers={"Range": "bytes=0-99"})
    assert part.status_code == 206
    assert part["Content-Length"] == "100"
    assert not VideoView.objects.exists()  # asking about a file isn't playing it


def test_a_changed_file_since_if_range_gets_all_of_it(signed_in: Client) -> None:
    video = ready_video()
    stale = signed_in.get(_url(video), headers={"Range": "bytes=10-19", "If-Range": '"old-etag"'})
    assert stale.status_code == 200
    fresh = signed_in.get(
        _url(video), headers={"Range": "bytes=10-19", "If-Range": f'"{video.pk}-1-720p"'}
    )
    assert fresh.status_code == 206


def test_an_unchanged_file_is_not_sent_again(signed_in: Client) -> None:
    video = ready_video()
    etag = signed_in.get(_url(video))["ETag"]
    response = signed_in.get(_url(video), headers={"If-None-Match": etag})
    assert response.status_code == 304


def test_a_file_is_read_a_block_at_a_time_and_closed() -> None:
    class Handle:
        def __init__(self) -> None:
            self.position = 0
            self.reads: list[int] = []
            self.closed = False

        def seek(self, offset: int) -> None:
            self.position = offset

        def read(self, size: int) -> bytes:
            self.reads.append(size)
            self.position += size
            return b"x" * size

        def close(self) -> None:
            self.closed = True

    handle = Handle()
    blocks = list(RangeFile(cast("IO[bytes]", handle), start=5, length=3 * BLOCK_BYTES + 7))
    assert sum(len(block) for block in blocks) == 3 * BLOCK_BYTES + 7
    assert max(handle.reads) == BLOCK_BYTES
    assert handle.closed
    unsent = Handle()
    RangeFile(cast("IO[bytes]", unsent), start=0, length=10).close()
    assert unsent.closed  # a response closed before sending anything still closes the file


def test_a_2_gb_file_is_served_from_disk_without_reading_it_all(
    signed_in: Client, tmp_path: Path
) -> None:
    """A sparse 2 GB file on a real disk storage: the last bytes come back at once."""
    video = ready_video()
    size = 2 * 1024**3 + 5
    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    name = f"videos/{video.pk}/720p.mp4"
    path = tmp_path / name
    path.parent.mkdir(parents=True)
    with path.open("wb") as handle:
        handle.truncate(size)
        handle.seek(size - 5)
        handle.write(b"tail!")
    VideoRendition.objects.filter(video=video, quality="720p").update(file=name)
    with override_settings(STORAGES=storages):
        end = signed_in.get(_url(video), headers={"Range": f"bytes={size - 5}-"})
        assert end.status_code == 206
        assert _body(end) == b"tail!"
        whole = signed_in.head(_url(video))
        assert whole["Content-Length"] == str(size)
        middle = signed_in.get(_url(video), headers={"Range": "bytes=1073741824-1074266111"})
        assert len(_body(middle)) == 524288  # two blocks, read one at a time


# --- Redirect to the object store -----------------------------------------------------------------


@override_settings(VIDEO_SERVE_REDIRECT=True)
def test_with_object_storage_the_player_is_sent_to_a_presigned_address(
    signed_in: Client, person: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    video = ready_video()
    name = VideoRendition.objects.get(video=video, quality="720p").file.name
    signed = f"https://bucket.example/{name}?X-Amz-Expires=3600&X-Amz-Signature=abc"
    monkeypatch.setattr(default_storage, "url", lambda stored: signed)
    response = signed_in.get(_url(video), headers={"Range": "bytes=0-"})
    assert response.status_code == 302
    assert response["Location"] == signed
    assert "no-store" in response["Cache-Control"]
    assert VideoView.objects.filter(video=video, person=person).exists()


@override_settings(VIDEO_SERVE_REDIRECT=True)
def test_redirect_mode_on_local_storage_streams_the_file_itself(
    signed_in: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Local disk's /media/ addresses aren't served: a redirect there would break the player.
    video = ready_video()
    monkeypatch.setattr(default_storage, "url", lambda stored: f"/media/{stored}")
    response = signed_in.get(_url(video), headers={"Range": "bytes=0-9"})
    assert response.status_code == 206
    assert _body(response) == rendition_bytes(video, "720p")[:10]


@override_settings(VIDEO_SERVE_REDIRECT=True)
def test_the_redirect_still_checks_who_asks(client: Client) -> None:
    video = ready_video(audience_departments=[DepartmentFactory()])
    client.force_login(PersonFactory())
    assert client.get(_url(video)).status_code == 404


# --- Posters and captions -------------------------------------------------------------------------


def test_the_poster_is_a_jpeg(signed_in: Client) -> None:
    video = ready_video()
    response = signed_in.get(reverse("media:poster_file", args=[video.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert _body(response)[:3] == b"\xff\xd8\xff"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_captions_are_webvtt_in_utf8(signed_in: Client) -> None:
    video = ready_video(
        captions=(
            ("es", "Español", "WEBVTT\n\n00:00.000 --> 00:01.000\nLávense las manos.\n".encode()),
        )
    )
    caption = Caption.objects.get(video=video)
    url = reverse("media:caption_file", args=[video.pk, caption.pk])
    response = signed_in.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    assert response.content.decode("utf-8") == caption.vtt
    assert "Lávense las manos." in response.content.decode("utf-8")
    head = signed_in.head(url)
    assert head.content == b""
    assert head["Content-Length"] == str(len(caption.vtt.encode()))


def test_captions_of_another_video_are_not_found(signed_in: Client) -> None:
    video = ready_video()
    other = Caption.objects.get(video=ready_video())
    url = reverse("media:caption_file", args=[video.pk, other.pk])
    assert signed_in.get(url).status_code == 404


def test_a_video_without_a_poster_has_none(signed_in: Client) -> None:
    video = ready_video()
    Video.objects.filter(pk=video.pk).update(poster="")
    assert signed_in.get(reverse("media:poster_file", args=[video.pk])).status_code == 404


# --- Who may fetch --------------------------------------------------------------------------------


def _all_files(video: Video) -> list[str]:
    caption = Caption.objects.filter(video=video).first()
    urls = [_url(video), _url(video, "360p"), reverse("media:poster_file", args=[video.pk])]
    if caption is not None:
        urls.append(reverse("media:caption_file", args=[video.pk, caption.pk]))
    return urls


def test_someone_outside_the_posts_audience_gets_404_for_every_file(client: Client) -> None:
    department = DepartmentFactory()
    video = ready_video(audience_departments=[department])
    client.force_login(PersonFactory())
    for url in _all_files(video):
        assert client.get(url).status_code == 404, url


def test_a_drafts_video_is_for_its_channels_editors_only(client: Client) -> None:
    channel = ChannelFactory()
    video = ready_video(channel=channel, status=Post.Status.DRAFT, published_at=None)
    client.force_login(PersonFactory())
    for url in _all_files(video):
        assert client.get(url).status_code == 404, url
    client.force_login(ChannelEditorFactory(channel=channel).person)
    for url in _all_files(video):
        assert client.get(url).status_code == 200, url
    assert not VideoView.objects.exists()  # an editor's preview reaches nobody


def test_a_held_posts_video_is_hidden_from_readers(client: Client) -> None:
    author = PersonFactory()
    video = ready_video(visibility=Visibility.HELD, author=author)
    client.force_login(PersonFactory())
    for url in _all_files(video):
        assert client.get(url).status_code == 404, url
    client.force_login(author)
    assert client.get(_url(video)).status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client: Client) -> None:
    video = ready_video()
    for url in _all_files(video):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url


def test_a_video_not_ready_or_an_unknown_quality_is_not_found(signed_in: Client) -> None:
    video = ready_video()
    assert signed_in.get(reverse("media:rendition", args=[video.pk, "1080p"])).status_code == 404
    Video.objects.filter(pk=video.pk).update(status=Video.Status.PROCESSING)
    assert signed_in.get(_url(video)).status_code == 404
    assert signed_in.get(reverse("media:rendition", args=[999999, "720p"])).status_code == 404


def test_only_get_and_head_are_allowed(signed_in: Client) -> None:
    video = ready_video()
    assert signed_in.post(_url(video)).status_code == 405
