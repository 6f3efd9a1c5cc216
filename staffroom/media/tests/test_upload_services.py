"""Uploading a post's video in chunks (and whole, from the plain form), with real clips and
the wrong files editors pick by mistake, and a disk that fills up half-way."""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, InMemoryStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.channels.models import Channel, Post
from staffroom.channels.tests.factories import ChannelFactory, PostFactory
from staffroom.jobs.testing import run_jobs
from staffroom.media import storage
from staffroom.media.models import Video
from staffroom.media.permissions import post_of
from staffroom.media.services.upload import (
    OffsetMismatchError,
    PostLiveError,
    StorageFullError,
    StorageUnavailableError,
    UploadBusyError,
    pending_upload,
    receive_chunk,
    start_upload,
    upload_whole_file,
)
from staffroom.media.tests.clips import make_clip
from staffroom.media.tests.ready import ready_video
from staffroom.organisation.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

CHUNK = 16 * 1024

Commit = Callable[..., Any]


class FillingDisk(FileSystemStorage):
    """A local disk that can run out of space, standing in for a full disk (or quota).

    While ``full`` is set, saving writes the first few bytes of the file and then fails with
    ENOSPC, as a real write does when the disk fills mid-file: the partial file is left
    behind for the code under test to clean up.
    """

    full = False
    broken = False

    def save(self, name: str | None, content: Any, max_length: int | None = None) -> str:
        if FillingDisk.broken:
            raise OSError(errno.EIO, "Input/output error")
        if FillingDisk.full and name:
            path = Path(self.path(name))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"\x00" * 100)
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().save(name, content, max_length=max_length)


@pytest.fixture(scope="module")
def clip_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A 2-second 320x240 MP4 with sound: several 16 KiB chunks."""
    path = make_clip(tmp_path_factory.mktemp("clips") / "update.mp4", seconds=2)
    return path.read_bytes()


@pytest.fixture(autouse=True)
def small_chunks(settings: Any) -> int:
    settings.VIDEO_CHUNK_BYTES = CHUNK
    # A fresh in-memory storage for each test, so ids reused after a rollback find no files.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return CHUNK


@pytest.fixture
def filling_disk(settings: Any, tmp_path: Path) -> Iterator[type[FillingDisk]]:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": f"{__name__}.FillingDisk",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    FillingDisk.full = False
    FillingDisk.broken = False
    yield FillingDisk
    FillingDisk.full = False
    FillingDisk.broken = False


@pytest.fixture
def department() -> Any:
    return DepartmentFactory()


@pytest.fixture
def editor(department: Any) -> Person:
    person = PersonFactory()
    RoleGrantFactory(person=person, role=Role.CHANNEL_EDITOR, department=department)
    return person


@pytest.fixture
def post(editor: Person, department: Any) -> Post:
    channel = ChannelFactory(kind=Channel.Kind.DEPARTMENT, department=department)
    return PostFactory(channel=channel, author=editor, status=Post.Status.DRAFT, published_at=None)


def chunks_of(data: bytes, size: int = CHUNK) -> list[tuple[int, bytes]]:
    return [(offset, data[offset : offset + size]) for offset in range(0, len(data), size)]


def stored_chunks(video: Video) -> list[str]:
    try:
        return sorted(default_storage.listdir(f"{video.folder}upload/")[1])
    except FileNotFoundError:
        return []


def send_all(video: Video, data: bytes) -> Video:
    for offset, piece in chunks_of(data):
        video = receive_chunk(video=video, offset=offset, data=piece, total=len(data))
    return video


def reassembled(video: Video) -> bytes:
    parts = []
    for index in range(video.received_chunks):
        with default_storage.open(storage.chunk_name(video, index)) as part:
            parts.append(part.read())
    return b"".join(parts)


# --- Starting ------------------------------------------------------------------------------------


def test_starting_an_upload_makes_one_meant_for_the_post_but_not_yet_its_video(
    post: Post, editor: Person
) -> None:
    video = start_upload(post=post, uploader=editor, filename="C:\\Videos\\rota.mp4", size=1234)
    post.refresh_from_db()
    assert post.video is None  # attached only once every byte is in and checked
    assert video.for_post == post
    assert post_of(video) == post
    assert pending_upload(post) == video
    assert video.status == Video.Status.UPLOADING
    assert video.original_name == "rota.mp4"
    assert (video.original_size, video.received_bytes, video.uploaded_by) == (1234, 0, editor)


def test_an_empty_file_is_refused_before_anything_is_created(post: Post, editor: Person) -> None:
    with pytest.raises(ValidationError) as caught:
        start_upload(post=post, uploader=editor, filename="empty.mp4", size=0)
    assert "empty" in caught.value.messages[0]
    assert not Video.objects.exists()


@pytest.mark.parametrize("status", [Post.Status.PUBLISHED, Post.Status.SCHEDULED])
def test_a_live_or_scheduled_post_takes_no_new_video(
    post: Post, editor: Person, status: str, tmp_path: Path
) -> None:
    # A new video would reach readers before it is processed and captioned.
    Post.objects.filter(pk=post.pk).update(status=status)
    post.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        start_upload(post=post, uploader=editor, filename="a.mp4", size=1234)
    assert "back to draft" in caught.value.messages[0]
    clip = make_clip(tmp_path / "a.mp4", seconds=1)
    upload = SimpleUploadedFile("a.mp4", clip.read_bytes(), content_type="video/mp4")
    with pytest.raises(ValidationError):
        upload_whole_file(post=post, uploader=editor, file=upload)
    assert not Video.objects.exists()


def test_a_video_file_name_naming_a_patient_holds_the_post_once_it_is_attached(
    post: Post, editor: Person, clip_bytes: bytes
) -> None:
    # The file name is a word of the post, checked like an attachment's name.
    video = start_upload(
        post=post,
        uploader=editor,
        filename="MRN 00123456 John Smith wound.mp4",
        size=len(clip_bytes),
    )
    send_all(video, clip_bytes)
    post.refresh_from_db()
    assert post.video == video
    assert post.visibility == "held"


def test_a_file_over_the_limit_is_refused_with_both_sizes(
    post: Post, editor: Person, settings: Any
) -> None:
    settings.VIDEO_MAX_UPLOAD_BYTES = 2 * 1024**3
    with pytest.raises(ValidationError) as caught:
        start_upload(post=post, uploader=editor, filename="long.mov", size=int(2.4 * 1024**3))
    message = caught.value.messages[0]
    assert "This video is 2.4\xa0GB; the limit is 2.0\xa0GB" in message
    assert "lower quality" in message
    assert not Video.objects.exists()


def test_a_new_upload_replaces_the_previous_video_and_its_files_only_once_complete(
    post: Post, editor: Person, clip_bytes: bytes, django_capture_on_commit_callbacks: Commit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        old = send_all(
            start_upload(post=post, uploader=editor, filename="a.mp4", size=len(clip_bytes)),
            clip_bytes,
        )
    assert stored_chunks(old)
    version = Post.objects.get(pk=post.pk).version
    new = start_upload(post=post, uploader=editor, filename="b.mp4", size=len(clip_bytes))
    pieces = chunks_of(clip_bytes)
    for offset, piece in pieces[:-1]:
        new = receive_chunk(video=new, offset=offset, data=piece)
    post.refresh_from_db()
    assert post.video == old  # still the post's, files and all, while the new one arrives
    assert stored_chunks(old)
    with django_capture_on_commit_callbacks(execute=True):
        new = receive_chunk(video=new, offset=pieces[-1][0], data=pieces[-1][1])
    run_jobs(queue="default")  # the old video's files are deleted in a job
    post.refresh_from_db()
    assert post.video == new
    assert post.version > version
    assert not Video.objects.filter(pk=old.pk).exists()
    assert stored_chunks(old) == []
    assert AuditEntry.objects.filter(action=AuditAction.VIDEO_DELETED).count() == 1


def test_starting_again_gives_up_an_unfinished_upload_but_keeps_the_posts_video(
    post: Post, editor: Person, clip_bytes: bytes, django_capture_on_commit_callbacks: Commit
) -> None:
    current = ready_video(post)
    first = start_upload(post=post, uploader=editor, filename="a.mp4", size=len(clip_bytes))
    receive_chunk(video=first, offset=0, data=clip_bytes[:CHUNK])
    with django_capture_on_commit_callbacks(execute=True):
        second = start_upload(post=post, uploader=editor, filename="b.mp4", size=len(clip_bytes))
    run_jobs(queue="default")
    assert not Video.objects.filter(pk=first.pk).exists()
    assert stored_chunks(first) == []
    post.refresh_from_db()
    assert post.video == current
    assert pending_upload(post) == second
    # The given-up upload's request, still under way, learns it is gone.
    with pytest.raises(ValidationError) as caught:
        receive_chunk(video=first, offset=CHUNK, data=clip_bytes[CHUNK : 2 * CHUNK])
    assert caught.value.code == "gone"


def test_a_refused_new_upload_keeps_the_previous_video(
    post: Post, editor: Person, clip_bytes: bytes
) -> None:
    old = send_all(
        start_upload(post=post, uploader=editor, filename="a.mp4", size=len(clip_bytes)),
        clip_bytes,
    )
    with pytest.raises(ValidationError):
        start_upload(post=post, uploader=editor, filename="b.mp4", size=0)
    post.refresh_from_db()
    assert post.video == old


# --- Chunks --------------------------------------------------------------------------------------


def test_chunks_in_order_complete_the_upload_and_queue_processing(
    post: Post, editor: Person, clip_bytes: bytes, django_capture_on_commit_callbacks: Commit
) -> None:
    video = start_upload(post=post, uploader=editor, filename="update.mp4", size=len(clip_bytes))
    pieces = chunks_of(clip_bytes)
    assert len(pieces) > 2
    for offset, piece in pieces[:-1]:
        video = receive_chunk(video=video, offset=offset, data=piece, total=len(clip_bytes))
        assert video.status == Video.Status.UPLOADING
        assert video.received_bytes == offset + len(piece)
    with django_capture_on_commit_callbacks(execute=True):
        offset, piece = pieces[-1]
        video = receive_chunk(video=video, offset=offset, data=piece, total=len(clip_bytes))
    video.refresh_from_db()
    assert video.status == Video.Status.QUEUED
    assert video.container == "mp4"
    assert (video.received_bytes, video.received_chunks) == (len(clip_bytes), len(pieces))
    assert reassembled(video) == clip_bytes
    task = DBTaskResult.objects.get()
    assert task.queue_name == "video"
    assert task.task_path.endswith("process_video")
    assert task.args_kwargs["args"] == [video.pk]
    entry = AuditEntry.objects.get(action=AuditAction.VIDEO_UPLOADED)
    assert entry.actor == editor
    assert entry.target_id == str(video.pk)
    assert entry.data["post"] == post.pk


def test_a_chunk_sent_again_is_acknowledged_and_not_stored_twice(
    post: Post, editor: Person, clip_bytes: bytes
) -> None:
    video = start_upload(post=post, uploader=editor, filename="u.mp4", size=len(clip_bytes))
    first = clip_bytes[:CHUNK]
    video = receive_chunk(video=video, offset=0, data=first)
    again = receive_chunk(video=video, offset=0, data=first)
    assert (again.received_bytes, again.received_chunks) == (CHUNK, 1)
    assert stored_chunks(video) == ["000000"]


def test_a_gap_says_where_to_continue_and_stores_nothing(
    post: Post, editor: Person, clip_bytes: bytes
) -> None:
    video = start_upload(post=post, uploader=editor, filename="u.mp4", size=len(clip_bytes))
    video = receive_chunk(video=video, offset=0, data=clip_bytes[:CHUNK])
    with pytest.raises(OffsetMismatchError) as caught:
        receive_chunk(video=video, offset=2 * CHUNK, data=clip_bytes[2 * CHUNK : 3 * CHUNK])
    assert caught.value.status == 409
    assert caught.value.offset == CHUNK
    assert stored_chunks(video) == ["000000"]


def test_a_chunk_of_a_file_of_another_size_is_refused(
    post: Post, editor: Person, clip_bytes: bytes
) -> None:
    video = start_upload(post=post, uploader=editor, filename="u.mp4", size=len(clip_bytes))
    with pytest.raises(ValidationError) as caught:
        receive_chunk(video=video, offset=0, data=clip_bytes[:CHUNK], total=len(clip_bytes) + 1)
    assert caught.value.code == "wrong_total"
    assert stored_chunks(video) == []


def test_more_bytes_than_announced_are_refused(post: Post, editor: Person) -> None:
    video = start_upload(post=post, uploader=editor, filename="u.mp4", size=100)
    with pytest.raises(ValidationError) as caught:
        receive_chunk(video=video, offset=0, data=b"\x00" * 101)
    assert caught.value.code == "too_many_bytes"


def test_a_chunk_larger_than_the_chunk_size_is_refused(
    post: Post, editor: Person, clip_bytes: bytes
) -> None:
    video = start_upload(post=post, uploader=editor, filename="u.mp4", size=len(clip_bytes))
    with pytest.raises(ValidationError) as caught:
        receive_chunk(video=video, offset=0, data=clip_bytes[: CHUNK + 1])
    assert caught.value.code == "chunk_too_large"
    assert stored_chunks(video) == []


def test_a_first_chunk_that_is_not_a_video_deletes_the_upload_and_stores_nothing(
    post: Post, editor: Person
) -> None:
    text = b"These are the minutes of Tuesday's meeting.\n" * 400
    video = start_upload(post=post, uploader=editor, filename="clip.mp4", size=len(text))
    with pytest.raises(ValidationError) as caught:
        receive_chunk(video=video, offset=0, data=text[:CHUNK], total=len(text))
    assert "This file is text, not a video" in caught.value.messages[0]
    assert not Video.objects.exists()
    post.refresh_from_db()
    assert post.video is None
    assert stored_chunks(video) == []


def test_a_refused_file_leaves_the_posts_ready_captioned_video_as_it_was(
    post: Post, editor: Person, django_capture_on_commit_callbacks: Commit
) -> None:
    current = ready_video(post)
    files = sorted(default_storage.listdir(current.folder)[1])
    version = Post.objects.get(pk=post.pk).version
    text = b"These are the minutes of Tuesday's meeting.\n" * 400
    with django_capture_on_commit_callbacks(execute=True):
        video = start_upload(post=post, uploader=editor, filename="clip.mp4", size=len(text))
        with pytest.raises(ValidationError):
            receive_chunk(video=video, offset=0, data=text[:CHUNK], total=len(text))
    post.refresh_from_db()
    assert post.video == current
    assert post.version == version
    assert current.captions.count() == 1
    assert sorted(default_storage.listdir(current.folder)[1]) == files
    assert list(Video.objects.values_list("pk", flat=True)) == [current.pk]


def test_a_post_published_before_the_last_chunk_refuses_the_upload_and_keeps_its_video(
    post: Post, editor: Person, clip_bytes: bytes, django_capture_on_commit_callbacks: Commit
) -> None:
    # Editor A uploads while editor B publishes the post (with its current, captioned video).
    current = ready_video(post)
    video = start_upload(post=post, uploader=editor, filename="new.mp4", size=len(clip_bytes))
    pieces = chunks_of(clip_bytes)
    for offset, piece in pieces[:-1]:
        video = receive_chunk(video=video, offset=offset, data=piece)
    Post.objects.filter(pk=post.pk).update(status=Post.Status.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PostLiveError) as caught:
        receive_chunk(video=video, offset=pieces[-1][0], data=pieces[-1][1])
    run_jobs(queue="default")
    assert caught.value.status == 409
    assert "back to draft" in caught.value.message
    post.refresh_from_db()
    assert post.video == current
    assert not Video.objects.filter(pk=video.pk).exists()
    assert stored_chunks(video) == []
    assert not DBTaskResult.objects.filter(queue_name="video").exists()
    assert not AuditEntry.objects.filter(action=AuditAction.VIDEO_UPLOADED).exists()


def test_a_chunk_left_by_an_attempt_that_died_before_counting_is_replaced(
    post: Post, editor: Person, clip_bytes: bytes
) -> None:
    video = start_upload(post=post, uploader=editor, filename="u.mp4", size=len(clip_bytes))
    default_storage.save(storage.chunk_name(video, 0), SimpleUploadedFile("x", b"half a chunk"))
    # Its request died mid-store: the lease it took has run out.
    Video.objects.filter(pk=video.pk).update(receiving_until=timezone.now() - timedelta(seconds=1))
    video = send_all(video, clip_bytes)
    assert stored_chunks(video)[0] == "000000"
    assert len(stored_chunks(video)) == video.received_chunks
    assert reassembled(video) == clip_bytes


# --- Two copies of one chunk (the lease) -------------------------------------------------------


class Meddling(InMemoryStorage):
    """Runs ``during_save`` (once) while a chunk is being saved: another request, in the
    middle of this one's store."""

    during_save: Callable[[], None] | None = None

    def save(self, name: str | None, content: Any, max_length: int | None = None) -> str:
        hook, Meddling.during_save = Meddling.during_save, None
        if hook is not None:
            hook()
        return super().save(name, content, max_length=max_length)


@pytest.fixture
def meddling(settings: Any) -> Iterator[type[Meddling]]:
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.Meddling"}}
    Meddling.during_save = None
    yield Meddling
    Meddling.during_save = None


def test_a_second_copy_of_a_chunk_being_stored_is_told_to_wait_and_changes_nothing(
    post: Post, editor: Person, clip_bytes: bytes, meddling: type[Meddling]
) -> None:
    video = start_upload(post=post, uploader=editor, filename="u.mp4", size=len(clip_bytes))
    video = receive_chunk(video=video, offset=0, data=clip_bytes[:CHUNK])
    piece = clip_bytes[CHUNK : 2 * CHUNK]
    seen: dict[str, Any] = {}

    def second_copy() -> None:
        held = Video.objects.get(pk=video.pk)
        seen["lease"] = held.receiving_until
        with pytest.raises(UploadBusyError) as caught:
            receive_chunk(video=held, offset=CHUNK, data=piece)
        seen["error"] = caught.value
        seen["after"] = Video.objects.get(pk=video.pk)
        seen["files"] = stored_chunks(video)

    meddling.during_save = second_copy
    video = receive_chunk(video=video, offset=CHUNK, data=piece)
    busy = seen["error"]
    assert (busy.status, busy.offset) == (503, CHUNK)
    assert "still being saved" in busy.message
    lease = seen["lease"]
    assert timezone.now() < lease <= timezone.now() + timedelta(seconds=60)
    after = seen["after"]
    assert (after.received_bytes, after.received_chunks, after.receiving_until) == (
        CHUNK,
        1,
        lease,
    )
    assert seen["files"] == ["000000"]  # the first copy's file isn't written yet
    # The first copy counted its chunk and let go of the upload.
    assert (video.received_bytes, video.received_chunks, video.receiving_until) == (
        2 * CHUNK,
        2,
        None,
    )
    assert stored_chunks(video) == ["000000", "000001"]
    assert reassembled(video) == clip_bytes[: 2 * CHUNK]


def test_a_lease_left_by_a_request_that_died_expires_and_the_chunk_proceeds(
    post: Post, editor: Person, clip_bytes: bytes
) -> None:
    video = start_upload(post=post, uploader=editor, filename="u.mp4", size=len(clip_bytes))
    piece = clip_bytes[:CHUNK]
    Video.objects.filter(pk=video.pk).update(receiving_until=timezone.now() + timedelta(seconds=30))
    with pytest.raises(UploadBusyError):
        receive_chunk(video=video, offset=0, data=piece)
    assert stored_chunks(video) == []
    Video.objects.filter(pk=video.pk).update(receiving_until=timezone.now() - timedelta(seconds=1))
    video = receive_chunk(video=video, offset=0, data=piece)
    assert (video.received_bytes, video.receiving_until) == (CHUNK, None)
    assert stored_chunks(video) == ["000000"]


def test_a_request_whose_lease_ran_out_counts_nothing_while_another_holds_the_upload(
    post: Post, editor: Person, clip_bytes: bytes, meddling: type[Meddling]
) -> None:
    video = start_upload(post=post, uploader=editor, filename="u.mp4", size=len(clip_bytes))
    other = timezone.now() + timedelta(seconds=50)

    def overtaken() -> None:
        # Its lease ran out and a copy of the chunk took the upload; that copy is storing.
        Video.objects.filter(pk=video.pk).update(receiving_until=other)

    meddling.during_save = overtaken
    video = receive_chunk(video=video, offset=0, data=clip_bytes[:CHUNK])
    assert (video.received_bytes, video.received_chunks, video.receiving_until) == (0, 0, other)
    assert stored_chunks(video) == ["000000"]  # left for the copy that holds the upload


def test_a_request_whose_lease_ran_out_leaves_the_chunk_to_the_one_that_took_over(
    post: Post, editor: Person, clip_bytes: bytes, meddling: type[Meddling]
) -> None:
    video = start_upload(post=post, uploader=editor, filename="u.mp4", size=len(clip_bytes))
    piece = clip_bytes[:CHUNK]

    def slow_then_overtaken() -> None:
        # The first request took longer than its lease; a copy of the chunk takes over and
        # is counted before the first request finishes.
        Video.objects.filter(pk=video.pk).update(
            receiving_until=timezone.now() - timedelta(seconds=1)
        )
        receive_chunk(video=Video.objects.get(pk=video.pk), offset=0, data=piece)

    meddling.during_save = slow_then_overtaken
    # Its own write finds the name taken (storage keeps both): it drops its copy, deletes
    # nothing else, and its sender is told to try again (and learns the chunk is counted).
    with pytest.raises(StorageUnavailableError):
        receive_chunk(video=video, offset=0, data=piece)
    video.refresh_from_db()
    assert (video.received_bytes, video.received_chunks, video.receiving_until) == (CHUNK, 1, None)
    assert stored_chunks(video) == ["000000"]
    assert reassembled(video) == piece


# --- A full disk -----------------------------------------------------------------------------


def test_a_full_disk_pauses_the_upload_and_it_continues_once_there_is_room(
    post: Post,
    editor: Person,
    clip_bytes: bytes,
    filling_disk: type[FillingDisk],
    django_capture_on_commit_callbacks: Commit,
) -> None:
    video = start_upload(post=post, uploader=editor, filename="u.mp4", size=len(clip_bytes))
    pieces = chunks_of(clip_bytes)
    video = receive_chunk(video=video, offset=0, data=pieces[0][1])
    filling_disk.full = True
    with pytest.raises(StorageFullError) as caught:
        receive_chunk(video=video, offset=pieces[1][0], data=pieces[1][1])
    assert caught.value.status == 507
    assert "out of space" in caught.value.message
    assert "continues where it stopped" in caught.value.message
    assert caught.value.offset == CHUNK
    video.refresh_from_db()
    assert (video.received_bytes, video.received_chunks) == (CHUNK, 1)
    assert stored_chunks(video) == ["000000"]  # the partly written chunk is gone

    filling_disk.full = False  # room again: the same chunk is sent again, and the rest
    with django_capture_on_commit_callbacks(execute=True):
        for offset, piece in pieces[1:]:
            video = receive_chunk(video=video, offset=offset, data=piece)
    assert video.status == Video.Status.QUEUED
    assert reassembled(video) == clip_bytes


def test_other_storage_trouble_is_a_plain_try_again_later(
    post: Post, editor: Person, clip_bytes: bytes, filling_disk: type[FillingDisk]
) -> None:
    video = start_upload(post=post, uploader=editor, filename="u.mp4", size=len(clip_bytes))
    filling_disk.broken = True
    with pytest.raises(StorageUnavailableError) as caught:
        receive_chunk(video=video, offset=0, data=clip_bytes[:CHUNK])
    assert caught.value.status == 503
    assert "try again" in caught.value.message
    video.refresh_from_db()
    assert (video.received_bytes, video.receiving_until) == (0, None)  # the lease let go
    assert stored_chunks(video) == []


# --- The plain form --------------------------------------------------------------------------


def test_a_whole_file_from_the_plain_form_is_stored_and_queued(
    post: Post, editor: Person, clip_bytes: bytes, django_capture_on_commit_callbacks: Commit
) -> None:
    upload = SimpleUploadedFile("ward.mp4", clip_bytes, content_type="video/mp4")
    with django_capture_on_commit_callbacks(execute=True):
        video = upload_whole_file(post=post, uploader=editor, file=upload)
    post.refresh_from_db()
    assert post.video == video
    video.refresh_from_db()
    assert video.status == Video.Status.QUEUED
    assert (video.container, video.original_name) == ("mp4", "ward.mp4")
    assert (video.received_bytes, video.received_chunks) == (len(clip_bytes), 1)
    assert reassembled(video) == clip_bytes
    assert DBTaskResult.objects.filter(queue_name="video").count() == 1


def test_a_renamed_text_file_from_the_plain_form_leaves_nothing(post: Post, editor: Person) -> None:
    upload = SimpleUploadedFile("clip.mp4", b"Not a video at all.\n" * 50, content_type="video/mp4")
    with pytest.raises(ValidationError) as caught:
        upload_whole_file(post=post, uploader=editor, file=upload)
    assert "text, not a video" in caught.value.messages[0]
    assert not Video.objects.exists()
    assert default_storage.listdir("")[0] == []


def test_a_full_disk_during_the_plain_form_keeps_the_previous_video(
    post: Post, editor: Person, clip_bytes: bytes, filling_disk: type[FillingDisk]
) -> None:
    old = upload_whole_file(
        post=post, uploader=editor, file=SimpleUploadedFile("a.mp4", clip_bytes)
    )
    filling_disk.full = True
    with pytest.raises(StorageFullError):
        upload_whole_file(post=post, uploader=editor, file=SimpleUploadedFile("b.mp4", clip_bytes))
    post.refresh_from_db()
    assert post.video == old
    assert list(Video.objects.values_list("pk", flat=True)) == [old.pk]
    assert stored_chunks(old) == ["000000"]


def test_a_post_published_while_the_plain_forms_file_is_stored_refuses_it(
    post: Post,
    editor: Person,
    clip_bytes: bytes,
    meddling: type[Meddling],
    django_capture_on_commit_callbacks: Commit,
) -> None:
    # The form checked the post first; editor B published it during the long store.
    current = ready_video(post)
    uploads: list[Video] = []

    def publish() -> None:
        uploads.append(Video.objects.exclude(pk=current.pk).get())
        Post.objects.filter(pk=post.pk).update(status=Post.Status.PUBLISHED)

    meddling.during_save = publish
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PostLiveError) as caught:
        upload_whole_file(
            post=post, uploader=editor, file=SimpleUploadedFile("new.mp4", clip_bytes)
        )
    run_jobs(queue="default")
    assert "back to draft" in caught.value.message
    post.refresh_from_db()
    assert post.video == current
    assert list(Video.objects.values_list("pk", flat=True)) == [current.pk]
    assert stored_chunks(uploads[0]) == []
    assert not DBTaskResult.objects.filter(queue_name="video").exists()
