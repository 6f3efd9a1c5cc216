"""Files in S3-compatible object storage, against a real S3 server on 127.0.0.1 (moto's).

The storage is built by config/storage.py from S3_* variables, exactly as config/settings.py
builds it for a deployment, so these tests check the configuration people will run.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import environ
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from moto.server import ThreadedMotoServer
from storages.backends.s3 import S3Storage

from config.storage import (
    S3_BACKEND,
    default_storage_from_environment,
    s3_options,
    s3_origin,
    storage_kind,
)
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Post
from staffroom.channels.tests.factories import PostFactory
from staffroom.jobs.testing import run_jobs
from staffroom.media import processing, storage
from staffroom.media.models import Video
from staffroom.media.services.processing import delete_video
from staffroom.media.services.upload import receive_chunk, start_upload
from staffroom.media.tests.clips import make_clip
from staffroom.organisation.tests.factories import SiteFactory

BUCKET = "staffroom-media"
KEY_ID = "test-key-id"
SECRET = "test-secret-key"  # moto accepts any credentials


def environment(monkeypatch: pytest.MonkeyPatch, **variables: str) -> environ.Env:
    """An Env reading exactly these S3 variables (and no others from the machine)."""
    for name in (
        "MEDIA_STORAGE",
        "S3_BUCKET",
        "S3_ENDPOINT_URL",
        "S3_REGION",
        "S3_ACCESS_KEY_ID",
        "S3_SECRET_ACCESS_KEY",
        "S3_PREFIX",
        "S3_URL_EXPIRY_SECONDS",
        "S3_ADDRESSING_STYLE",
        "S3_CA_BUNDLE",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return environ.Env()


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    """A real S3-compatible server on a free port of 127.0.0.1; yields its address."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_server: str, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[S3Storage]:
    """The default storage switched to an empty bucket on the S3 server, configured from the
    environment by the same code as the settings."""
    env = environment(
        monkeypatch,
        MEDIA_STORAGE="s3",
        S3_BUCKET=BUCKET,
        S3_ENDPOINT_URL=s3_server,
        S3_REGION="us-east-1",
        S3_ACCESS_KEY_ID=KEY_ID,
        S3_SECRET_ACCESS_KEY=SECRET,
        S3_URL_EXPIRY_SECONDS="600",
    )
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "default": default_storage_from_environment(env)}
    current = storages["default"]  # what default_storage now stands for
    assert isinstance(current, S3Storage)
    try:
        yield current
    finally:
        listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
        for item in listed:
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
        client.delete_bucket(Bucket=BUCKET)


def keys_in_bucket(s3: S3Storage, prefix: str = "") -> list[str]:
    return sorted(item.key for item in s3.bucket.objects.filter(Prefix=prefix))


# --- Configuration ------------------------------------------------------------------------


def test_local_disk_is_the_default_and_needs_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    env = environment(monkeypatch)
    assert storage_kind(env) == "local"
    assert default_storage_from_environment(env) == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }


def test_s3_storage_is_private_presigned_and_overwrites_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = environment(
        monkeypatch,
        MEDIA_STORAGE="S3",
        S3_BUCKET=BUCKET,
        S3_ENDPOINT_URL="https://minio.hospital.example:9000",
        S3_PREFIX="/staffroom/",
    )
    entry = default_storage_from_environment(env)
    assert entry["BACKEND"] == S3_BACKEND
    options = entry["OPTIONS"]
    assert options["bucket_name"] == BUCKET
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == 3600
    assert options["file_overwrite"] is True
    assert options["addressing_style"] == "path"  # the usual need of a self-hosted server
    assert options["signature_version"] == "s3v4"
    assert options["location"] == "staffroom"
    assert options["access_key"] is None  # boto3's own credential chain applies
    assert options["max_memory_size"] > 0  # large files read back spool to disk


@pytest.mark.parametrize(
    ("message", "variables"),
    [
        ("MEDIA_STORAGE must be 'local' or 's3'", {"MEDIA_STORAGE": "ftp"}),
        ("S3_BUCKET is not set", {"MEDIA_STORAGE": "s3"}),
        (
            "S3_ADDRESSING_STYLE must be",
            {"MEDIA_STORAGE": "s3", "S3_BUCKET": BUCKET, "S3_ADDRESSING_STYLE": "sideways"},
        ),
    ],
)
def test_a_mistaken_storage_setting_stops_start_up_with_its_name(
    monkeypatch: pytest.MonkeyPatch, message: str, variables: dict[str, str]
) -> None:
    env = environment(monkeypatch, **variables)
    with pytest.raises(ImproperlyConfigured, match=message):
        default_storage_from_environment(env)


@pytest.mark.parametrize(
    ("endpoint", "region", "style"),
    [
        ("", "", "virtual"),
        ("", "eu-west-2", "virtual"),
        ("", "eu-west-2", "path"),
        ("https://minio.hospital.example:9000", "", "path"),
        ("https://ceph.hospital.example", "", "virtual"),
        ("http://127.0.0.1:9000", "", "virtual"),
    ],
)
def test_the_content_security_policy_allows_the_origin_presigned_urls_point_at(
    monkeypatch: pytest.MonkeyPatch, endpoint: str, region: str, style: str
) -> None:
    variables = {
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": region,
        "S3_ADDRESSING_STYLE": style,
        "S3_ACCESS_KEY_ID": KEY_ID,
        "S3_SECRET_ACCESS_KEY": SECRET,
    }
    options = s3_options(environment(monkeypatch, **variables))
    # Presigning needs no server: the URL is computed and signed locally.
    url = S3Storage(**options).url("videos/7/720p.mp4")
    assert url.startswith(f"{s3_origin(options)}/")


# --- The storage against a real S3 server -------------------------------------------------


def test_a_saved_file_reads_back_whole_and_from_an_offset(s3: S3Storage) -> None:
    data = bytes(range(256)) * 64  # 16 KiB
    name = default_storage.save("videos/5/upload/000000", ContentFile(data))
    assert name == "videos/5/upload/000000"  # names are kept, never made unique
    assert default_storage.exists(name)
    assert default_storage.size(name) == len(data)
    with default_storage.open(name, "rb") as stored:
        assert stored.read() == data
        stored.seek(1000)
        assert stored.read(24) == data[1000:1024]


def test_saving_under_an_existing_name_replaces_the_file(s3: S3Storage) -> None:
    # A retried chunk overwrites its earlier attempt.
    default_storage.save("videos/5/upload/000001", ContentFile(b"first attempt"))
    default_storage.save("videos/5/upload/000001", ContentFile(b"second"))
    assert keys_in_bucket(s3, "videos/5/") == ["videos/5/upload/000001"]
    with default_storage.open("videos/5/upload/000001", "rb") as stored:
        assert stored.read() == b"second"


def test_listdir_shows_the_files_and_folders_of_a_video(s3: S3Storage) -> None:
    video = Video(pk=12)
    default_storage.save(storage.chunk_name(video, 0), ContentFile(b"a"))
    default_storage.save(storage.rendition_name(video, "720p"), ContentFile(b"b"))
    default_storage.save(storage.poster_name(video, 1), ContentFile(b"c"))
    directories, files = default_storage.listdir(video.folder)
    assert directories == ["upload"]
    assert sorted(files) == ["720p.mp4", "poster-1.jpg"]


def test_deleting_a_videos_files_empties_its_folder_and_nothing_else(s3: S3Storage) -> None:
    video, neighbour = Video(pk=41), Video(pk=410)  # "videos/41/" is a prefix of neither
    for v in (video, neighbour):
        for index in range(3):
            default_storage.save(storage.chunk_name(v, index), ContentFile(b"chunk"))
        v.container = "mp4"
        default_storage.save(storage.original_name(v), ContentFile(b"original"))
        for quality in ("720p", "360p"):
            default_storage.save(storage.rendition_name(v, quality), ContentFile(b"mp4"))
        for number in (1, 2):
            default_storage.save(storage.poster_name(v, number), ContentFile(b"jpeg"))
    assert len(keys_in_bucket(s3, video.folder)) == 8

    assert storage.delete_video_files(video) == 8

    assert keys_in_bucket(s3, video.folder) == []
    assert len(keys_in_bucket(s3, neighbour.folder)) == 8
    assert storage.delete_video_files(video) == 0  # deleting again is harmless


def test_a_presigned_url_serves_a_byte_range_to_a_browser(s3: S3Storage) -> None:
    """What the player's redirect relies on: the URL alone (no credentials) fetches a
    range of the private object, as a <video> element asks for it."""
    data = bytes(range(256)) * 40
    name = default_storage.save("videos/9/360p.mp4", ContentFile(data))
    url = default_storage.url(name)
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=600" in url
    request = urllib.request.Request(url, headers={"Range": "bytes=100-299"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # our server
        assert response.status == 206
        assert response.headers["Content-Range"] == f"bytes 100-299/{len(data)}"
        assert response.headers["Content-Type"] == "video/mp4"
        assert response.read() == data[100:300]


# --- A video's whole life in the bucket ---------------------------------------------------


@pytest.mark.django_db
def test_a_video_uploaded_in_chunks_is_processed_played_and_deleted_in_the_bucket(
    s3: S3Storage,
    settings: Any,
    tmp_path: Path,
    client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.VIDEO_CHUNK_BYTES = 16 * 1024
    settings.VIDEO_SERVE_REDIRECT = True  # what MEDIA_STORAGE=s3 defaults to
    clip = make_clip(tmp_path / "ward-tour.mp4", seconds=2).read_bytes()
    # A draft: a published post takes no new video. Published once the video is ready.
    post = PostFactory(status=Post.Status.DRAFT, published_at=None)
    editor = post.author

    video = start_upload(post=post, uploader=editor, filename="ward-tour.mp4", size=len(clip))
    for offset in range(0, len(clip), settings.VIDEO_CHUNK_BYTES):
        data = clip[offset : offset + settings.VIDEO_CHUNK_BYTES]
        video = receive_chunk(video=video, offset=offset, data=data)
    assert video.status == Video.Status.QUEUED
    chunks = video.received_chunks
    assert chunks > 2
    assert keys_in_bucket(s3, video.folder) == [
        storage.chunk_name(video, index) for index in range(chunks)
    ]

    with django_capture_on_commit_callbacks(execute=True):
        assert processing.process(video.pk) == "ready"
    video.refresh_from_db()
    assert video.status == Video.Status.READY
    assert keys_in_bucket(s3, video.folder) == sorted(
        [
            storage.rendition_name(video, "360p", 1),
            storage.rendition_name(video, "720p", 1),
            video.poster.name,
        ]
    )  # the chunks are gone; the original isn't kept (VIDEO_KEEP_ORIGINALS is off)
    low = video.renditions.get(quality="360p")
    assert s3.size(low.file.name) == low.size_bytes
    Post.objects.filter(pk=post.pk).update(
        status=Post.Status.PUBLISHED, published_at=timezone.now()
    )
    post.refresh_from_db()

    # The player asks Staffroom, which checks the post and redirects to the bucket.
    client.force_login(editor)
    url = reverse("media:rendition", args=[video.pk, "360p"])
    answer = client.get(url, headers={"Range": "bytes=0-"})
    assert answer.status_code == 302
    assert answer["Cache-Control"] == "private, no-store"
    request = urllib.request.Request(answer["Location"], headers={"Range": "bytes=0-1023"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # our server
        assert response.status == 206
        with default_storage.open(low.file.name, "rb") as stored:
            assert response.read() == stored.read(1024)
    # Someone who may not see the post gets a 404, never the address.
    client.force_login(PersonFactory())
    post.audience_restricted = True
    post.save(update_fields=["audience_restricted"])
    post.audience_sites.add(SiteFactory())
    assert client.get(url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        delete_video(video=video, editor=editor)
    run_jobs(queue="default")  # the files go in a background job
    assert keys_in_bucket(s3, video.folder) == []
    assert not Video.objects.filter(pk=video.pk).exists()
