"""A video post is published or scheduled only with a ready video that has captions or a
transcript, unless an administrator switched the rule off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.channels.models import Channel, Post
from staffroom.channels.services import posts
from staffroom.media.models import Video
from staffroom.media.services import accessibility
from staffroom.media.tests.caption_fixtures import (
    SRT,
    make_channel_editor,
    make_video,
    make_video_post,
)

pytestmark = pytest.mark.django_db

NEEDS_CAPTIONS = (
    "Add captions or a transcript to the video before publishing: people who can't hear it "
    "need them."
)


@pytest.fixture
def channel_and_editor() -> tuple[Channel, Person]:
    return make_channel_editor()


def _later() -> object:
    return timezone.now() + timedelta(days=1)


def _status(post: Post) -> str:
    post.refresh_from_db()
    return post.status


def test_a_video_post_without_captions_or_transcript_is_not_published(
    channel_and_editor: tuple[Channel, Person],
) -> None:
    channel, editor = channel_and_editor
    post = make_video_post(channel=channel)
    with pytest.raises(ValidationError) as caught:
        posts.publish_post(post=post, editor=editor)
    assert caught.value.messages == [NEEDS_CAPTIONS]
    assert _status(post) == Post.Status.DRAFT
    with pytest.raises(ValidationError) as caught:
        posts.schedule_post(post=post, editor=editor, publish_at=_later())  # type: ignore[arg-type]
    assert caught.value.messages == [NEEDS_CAPTIONS]
    assert _status(post) == Post.Status.DRAFT


def test_a_video_post_with_captions_is_published_and_scheduled(
    channel_and_editor: tuple[Channel, Person],
) -> None:
    channel, editor = channel_and_editor
    post = make_video_post(channel=channel)
    assert post.video is not None
    accessibility.add_captions(
        video=post.video, editor=editor, language="en", label="", data=SRT, filename="c.srt"
    )
    posts.schedule_post(post=post, editor=editor, publish_at=_later())  # type: ignore[arg-type]
    assert _status(post) == Post.Status.SCHEDULED
    posts.publish_post(post=post, editor=editor)
    assert _status(post) == Post.Status.PUBLISHED


def test_a_video_post_with_only_a_transcript_is_published(
    channel_and_editor: tuple[Channel, Person],
) -> None:
    channel, editor = channel_and_editor
    post = make_video_post(channel=channel)
    assert post.video is not None
    accessibility.set_transcript(video=post.video, editor=editor, text="Welcome to ward 7.")
    posts.publish_post(post=post, editor=editor)
    assert _status(post) == Post.Status.PUBLISHED


def test_with_the_rule_switched_off_a_video_post_without_captions_is_published(
    channel_and_editor: tuple[Channel, Person], administrator: Person
) -> None:
    channel, editor = channel_and_editor
    accessibility.set_captions_required(admin=administrator, required=False)
    post = make_video_post(channel=channel)
    posts.schedule_post(post=post, editor=editor, publish_at=_later())  # type: ignore[arg-type]
    assert _status(post) == Post.Status.SCHEDULED
    posts.publish_post(post=post, editor=editor)
    assert _status(post) == Post.Status.PUBLISHED


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"status": Video.Status.PROCESSING, "progress": 45},
            (
                "The video is still being processed (45%): publish when it is ready, or schedule "
                "the post after it is ready."
            ),
        ),
        (
            {"status": Video.Status.QUEUED},
            (
                "The video is waiting to be processed: publish when it is ready, or schedule the "
                "post after it is ready."
            ),
        ),
        (
            {"status": Video.Status.UPLOADING},
            (
                "The video is still uploading: publish when it has uploaded and is ready, or "
                "schedule the post after it is ready."
            ),
        ),
        (
            {"status": Video.Status.FAILED, "failure_reason": "The file is damaged."},
            (
                "The video couldn't be processed (The file is damaged). Try again or upload "
                "another video before publishing."
            ),
        ),
    ],
)
def test_a_video_post_is_not_published_or_scheduled_until_its_video_is_ready(
    channel_and_editor: tuple[Channel, Person], fields: dict[str, object], message: str
) -> None:
    channel, editor = channel_and_editor
    post = make_video_post(channel=channel, video=make_video(transcript="Said.", **fields))
    with pytest.raises(ValidationError) as caught:
        posts.publish_post(post=post, editor=editor)
    assert caught.value.messages == [message]
    with pytest.raises(ValidationError) as caught:
        posts.schedule_post(post=post, editor=editor, publish_at=_later())  # type: ignore[arg-type]
    assert caught.value.messages == [message]
    assert _status(post) == Post.Status.DRAFT


def test_a_post_without_a_video_is_not_affected(
    channel_and_editor: tuple[Channel, Person],
) -> None:
    channel, editor = channel_and_editor
    from staffroom.channels.tests.factories import PostFactory

    post = PostFactory(channel=channel, status=Post.Status.DRAFT, published_at=None)
    posts.publish_post(post=post, editor=editor)
    assert _status(post) == Post.Status.PUBLISHED


def test_restoring_an_archived_video_post_checks_the_rule_again(
    channel_and_editor: tuple[Channel, Person],
) -> None:
    channel, editor = channel_and_editor
    post = make_video_post(channel=channel, video=make_video(transcript="Said."))
    posts.publish_post(post=post, editor=editor)
    posts.archive_post(post=post, editor=editor)
    assert post.video is not None
    accessibility.set_transcript(video=post.video, editor=editor, text="")  # archived: allowed
    with pytest.raises(ValidationError, match="Add captions or a transcript"):
        posts.restore_post(post=post, editor=editor)
    assert _status(post) == Post.Status.ARCHIVED


def test_the_editor_is_told_why_on_the_post_page(
    channel_and_editor: tuple[Channel, Person],
) -> None:
    channel, editor = channel_and_editor
    post = make_video_post(channel=channel)
    client = Client()
    client.force_login(editor)
    url = reverse("channels:post_status", kwargs={"pk": post.pk})
    response = client.post(url, {"action": "publish"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [NEEDS_CAPTIONS]
    response = client.post(url, {"action": "publish"}, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert (
        "Add captions or a transcript to the video before publishing" in response.content.decode()
    )
    assert _status(post) == Post.Status.DRAFT
