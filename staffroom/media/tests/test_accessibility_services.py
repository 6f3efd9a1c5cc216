"""Captions and transcript services: stored, replaced, removed, audited; the rule kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.channels.models import Post
from staffroom.media.models import Caption, MediaPolicy, Video
from staffroom.media.services import accessibility as services
from staffroom.media.tests.caption_fixtures import (
    BAD_SRT,
    SRT,
    VTT,
    make_channel_editor,
    make_video,
    make_video_post,
)

pytestmark = pytest.mark.django_db


def _add(video: Video, editor: Person, language: str = "en", data: bytes = SRT) -> Caption:
    return services.add_captions(
        video=video, editor=editor, language=language, label="", data=data, filename="c.srt"
    )


def test_captions_are_stored_as_webvtt_with_the_language_name_as_label() -> None:
    _channel, editor = make_channel_editor()
    video = make_video()
    caption = _add(video, editor, "es", VTT)
    assert caption.label == "Español"
    assert caption.cue_count == 1
    assert caption.original_format == "vtt"
    assert caption.vtt.startswith("WEBVTT")
    srt = _add(video, editor, "en", SRT)
    assert srt.original_format == "srt"
    assert "00:00:00.500 --> 00:00:02.000" in srt.vtt


def test_a_second_file_in_the_same_language_replaces_the_first() -> None:
    _channel, editor = make_channel_editor()
    video = make_video()
    first = _add(video, editor, "en", SRT)
    second = services.add_captions(
        video=video, editor=editor, language="en", label="English (UK)", data=VTT, filename="x"
    )
    assert second.pk == first.pk
    assert list(video.captions.values_list("language", "label", "cue_count")) == [
        ("en", "English (UK)", 1)
    ]
    entries = AuditEntry.objects.filter(action=AuditAction.VIDEO_CAPTIONS_ADDED).order_by("seq")
    assert [e.data["replaced"] for e in entries] == [False, True]


def test_adding_captions_is_audited_without_their_words_and_bumps_the_version() -> None:
    _channel, editor = make_channel_editor()
    video = make_video()
    version = video.version
    _add(video, editor, "en", SRT)
    video.refresh_from_db()
    assert video.version == version + 1
    entry = AuditEntry.objects.get(action=AuditAction.VIDEO_CAPTIONS_ADDED)
    assert entry.actor_id == editor.pk
    assert entry.target_id == str(video.pk)
    assert entry.data == {
        "video": video.pk,
        "language": "en",
        "cues": 2,
        "format": "srt",
        "replaced": False,
    }
    assert "Welcome" not in str(entry.data) + entry.summary


def test_a_bad_file_stores_nothing_and_says_which_line() -> None:
    _channel, editor = make_channel_editor()
    video = make_video()
    with pytest.raises(ValidationError) as caught:
        _add(video, editor, "en", BAD_SRT)
    assert caught.value.message_dict == {
        "file": ["Line 2: the cue ends (00:00:03,000) before it starts (00:00:05,000)."]
    }
    assert not Caption.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.VIDEO_CAPTIONS_ADDED).exists()
    video.refresh_from_db()
    assert video.version == 1


def test_an_unknown_language_is_refused() -> None:
    _channel, editor = make_channel_editor()
    with pytest.raises(ValidationError) as caught:
        _add(make_video(), editor, "xx-evil", SRT)
    assert "language" in caught.value.message_dict


def test_captions_running_past_the_videos_end_are_refused() -> None:
    _channel, editor = make_channel_editor()
    video = make_video(duration_seconds=1.0)  # the captions run to 3 s
    with pytest.raises(ValidationError) as caught:
        _add(video, editor, "en", SRT)
    assert "after the video ends" in caught.value.message_dict["file"][0]


def test_removing_captions_is_audited_and_bumps_the_version() -> None:
    _channel, editor = make_channel_editor()
    video = make_video()
    caption = _add(video, editor)
    services.remove_captions(caption=caption, editor=editor)
    assert not video.captions.exists()
    video.refresh_from_db()
    assert video.version == 3
    entry = AuditEntry.objects.get(action=AuditAction.VIDEO_CAPTIONS_REMOVED)
    assert entry.data == {"video": video.pk, "language": "en", "cues": 2}
    services.remove_captions(caption=caption, editor=editor)  # a double click: nothing to do
    assert AuditEntry.objects.filter(action=AuditAction.VIDEO_CAPTIONS_REMOVED).count() == 1


def test_the_last_captions_of_a_scheduled_post_cannot_be_removed() -> None:
    channel, editor = make_channel_editor()
    post = make_video_post(
        channel=channel,
        status=Post.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(days=1),
    )
    assert post.video is not None
    caption = _add(post.video, editor)
    with pytest.raises(ValidationError) as caught:
        services.remove_captions(caption=caption, editor=editor)
    assert caught.value.messages[0].startswith("This post is scheduled:")
    assert "move the post back to draft" in caught.value.messages[0]
    assert Caption.objects.filter(pk=caption.pk).exists()


def test_captions_of_a_live_post_can_go_when_a_transcript_or_other_captions_remain() -> None:
    channel, editor = make_channel_editor()
    post = make_video_post(channel=channel, status=Post.Status.PUBLISHED)
    video = post.video
    assert video is not None
    english = _add(video, editor, "en")
    with pytest.raises(ValidationError, match="This post is published"):
        services.remove_captions(caption=english, editor=editor)
    spanish = _add(video, editor, "es", VTT)
    services.remove_captions(caption=english, editor=editor)
    services.set_transcript(video=video, editor=editor, text="Welcome to ward 7.")
    services.remove_captions(caption=spanish, editor=editor)
    assert not video.captions.exists()


def test_captions_of_a_draft_or_with_the_rule_off_can_always_be_removed() -> None:
    channel, editor = make_channel_editor()
    draft = make_video_post(channel=channel)
    assert draft.video is not None
    services.remove_captions(caption=_add(draft.video, editor), editor=editor)
    live = make_video_post(channel=channel, status=Post.Status.PUBLISHED)
    assert live.video is not None
    caption = _add(live.video, editor)
    MediaPolicy.objects.update_or_create(pk=1, defaults={"captions_required": False})
    services.remove_captions(caption=caption, editor=editor)


def test_the_transcript_is_saved_trimmed_audited_by_length_and_bumps_the_version() -> None:
    _channel, editor = make_channel_editor()
    video = make_video()
    services.set_transcript(video=video, editor=editor, text="  Hello ward 7.\r\nBye.  ")
    video.refresh_from_db()
    assert video.transcript == "Hello ward 7.\nBye."
    assert video.version == 2
    entry = AuditEntry.objects.get(action=AuditAction.VIDEO_TRANSCRIPT_CHANGED)
    assert entry.data == {"video": video.pk, "length": 18, "previous_length": 0}
    services.set_transcript(video=video, editor=editor, text="Hello ward 7.\nBye.")  # same
    assert AuditEntry.objects.filter(action=AuditAction.VIDEO_TRANSCRIPT_CHANGED).count() == 1


def test_a_transcript_too_long_is_refused() -> None:
    _channel, editor = make_channel_editor()
    video = make_video()
    with pytest.raises(ValidationError) as caught:
        services.set_transcript(
            video=video, editor=editor, text="a" * (services.TRANSCRIPT_MAX_LENGTH + 1)
        )
    assert "100,001 characters" in caught.value.message_dict["transcript"][0]
    video.refresh_from_db()
    assert video.transcript == ""


def test_the_only_transcript_of_a_scheduled_post_cannot_be_emptied() -> None:
    channel, editor = make_channel_editor()
    post = make_video_post(
        channel=channel,
        status=Post.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(hours=2),
        video=make_video(transcript="Everything said."),
    )
    assert post.video is not None
    with pytest.raises(ValidationError) as caught:
        services.set_transcript(video=post.video, editor=editor, text="   ")
    assert caught.value.message_dict["transcript"][0].startswith("This post is scheduled:")


def test_cues_for_the_transcript_panel_prefer_the_readers_language() -> None:
    _channel, editor = make_channel_editor()
    video = make_video()
    assert services.cues_for_transcript(video, "en") == []
    _add(video, editor, "en", SRT)
    _add(video, editor, "es", VTT)
    assert services.cues_for_transcript(video, "es")[0].text == "Bienvenidos."
    assert services.cues_for_transcript(video, "es-MX")[0].text == "Bienvenidos."
    english = services.cues_for_transcript(video, "en")
    assert [(c.start, c.end, c.text) for c in english] == [
        (0.5, 2.0, "Welcome to ward 7."),
        (2.0, 3.0, "Thank you."),
    ]
    assert services.cues_for_transcript(video, "fr")[0].text == "Welcome to ward 7."  # first
    assert services.cues_for_transcript(video)[0].text == "Welcome to ward 7."


def test_the_captions_rule_change_is_audited_once() -> None:
    _channel, admin = make_channel_editor()
    assert MediaPolicy.current().captions_required is True
    services.set_captions_required(admin=admin, required=False)
    services.set_captions_required(admin=admin, required=False)
    policy = MediaPolicy.current()
    assert policy.captions_required is False
    assert policy.changed_by == admin
    entries = AuditEntry.objects.filter(action=AuditAction.VIDEO_POLICY_CHANGED)
    assert [e.data for e in entries] == [{"captions_required": False}]


def test_captions_or_a_transcript_naming_a_patient_hold_the_post() -> None:
    # Captions and the transcript are read by everyone who watches: the PHI guard reads them
    # as words of the post (channels.items.post_texts), and lets the post go once fixed.
    channel, editor = make_channel_editor()
    video = make_video()
    post = make_video_post(channel=channel, status=Post.Status.PUBLISHED, video=video)
    risky = b"1\n00:00:00,500 --> 00:00:02,000\nJohn Smith, MRN 00123456, bed 4.\n"
    _add(video, editor, data=risky)
    post.refresh_from_db()
    assert post.visibility == "held"
    _add(video, editor)  # the same language again, without the patient
    post.refresh_from_db()
    assert post.visibility == "visible"
    services.set_transcript(video=video, editor=editor, text="Seen today: MRN 00123456.")
    post.refresh_from_db()
    assert post.visibility == "held"
