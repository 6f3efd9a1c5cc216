"""Videos, posts and caption files for the accessibility tests (captions, transcript, rule).

Videos are made READY directly: these tests are about captions, not processing."""

from __future__ import annotations

from typing import Any

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Channel, Post
from staffroom.channels.tests.factories import ChannelEditorFactory, ChannelFactory, PostFactory
from staffroom.media.models import Video

SRT = (
    b"1\n00:00:00,500 --> 00:00:02,000\nWelcome to ward 7.\n\n"
    b"2\n00:00:02,000 --> 00:00:03,000\nThank you.\n"
)
VTT = b"WEBVTT\n\n00:00:00.500 --> 00:00:02.500\nBienvenidos.\n"
BAD_SRT = b"1\n00:00:05,000 --> 00:00:03,000\nBackwards\n"


def make_video(**fields: Any) -> Video:
    values: dict[str, Any] = {
        "status": Video.Status.READY,
        "original_name": "ward-update.mp4",
        "original_size": 1000,
        "received_bytes": 1000,
        "duration_seconds": 10.0,
        "container": "mp4",
    }
    values.update(fields)
    return Video.objects.create(**values)


def make_channel_editor(channel: Channel | None = None) -> tuple[Channel, Person]:
    channel = channel or ChannelFactory()
    editor = PersonFactory()
    ChannelEditorFactory(channel=channel, person=editor)
    return channel, editor


def make_video_post(
    *, channel: Channel, status: str = Post.Status.DRAFT, video: Video | None = None, **fields: Any
) -> Post:
    if status == Post.Status.DRAFT:
        fields.setdefault("published_at", None)
    return PostFactory(channel=channel, status=status, video=video or make_video(), **fields)
