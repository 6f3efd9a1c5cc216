"""The captions and transcript sections of a video's editor page, and /system/video/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.channels.models import Channel, Post
from staffroom.media.models import Caption, MediaPolicy, Video
from staffroom.media.services import accessibility
from staffroom.media.tests.caption_fixtures import (
    BAD_SRT,
    SRT,
    make_channel_editor,
    make_video_post,
)
from staffroom.media.views.captions import section_context

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def setup() -> tuple[Channel, Person, Post, Video]:
    channel, editor = make_channel_editor()
    post = make_video_post(channel=channel)
    assert post.video is not None
    return channel, editor, post, post.video


def _client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _upload(data: bytes = SRT, name: str = "captions.srt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/x-subrip")


def _messages(response: object) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


# --- Who may ---------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(setup: tuple[Channel, Person, Post, Video]) -> None:
    _channel, _editor, _post, video = setup
    for url in (
        reverse("media:captions_add", args=[video.pk]),
        reverse("media:transcript", args=[video.pk]),
        reverse("media:policy"),
    ):
        response = Client().get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_staff_who_cannot_see_the_draft_get_a_404(
    setup: tuple[Channel, Person, Post, Video],
) -> None:
    _channel, _editor, _post, video = setup
    client = _client(PersonFactory())
    assert client.get(reverse("media:captions_add", args=[video.pk])).status_code == 404
    response = client.post(
        reverse("media:captions_add", args=[video.pk]),
        {"language": "en", "file": _upload()},
    )
    assert response.status_code == 404
    assert client.post(reverse("media:transcript", args=[video.pk]), {}).status_code == 404
    assert not Caption.objects.exists()


def test_staff_who_can_see_a_published_post_but_not_edit_it_get_a_403(
    setup: tuple[Channel, Person, Post, Video],
) -> None:
    channel, editor, _post, _video = setup
    live = make_video_post(channel=channel, status=Post.Status.PUBLISHED)
    assert live.video is not None
    caption = accessibility.add_captions(
        video=live.video, editor=editor, language="en", label="", data=SRT, filename="c.srt"
    )
    client = _client(PersonFactory())
    response = client.post(
        reverse("media:captions_add", args=[live.video.pk]),
        {"language": "es", "file": _upload()},
    )
    assert response.status_code == 403
    response = client.post(reverse("media:captions_remove", args=[live.video.pk, caption.pk]))
    assert response.status_code == 403
    assert client.post(reverse("media:transcript", args=[live.video.pk]), {}).status_code == 403
    assert list(Caption.objects.values_list("language", flat=True)) == ["en"]


# --- Captions --------------------------------------------------------------------------------


def test_without_javascript_an_upload_redirects_to_the_videos_page_with_a_message(
    setup: tuple[Channel, Person, Post, Video],
) -> None:
    _channel, editor, post, video = setup
    response = _client(editor).post(
        reverse("media:captions_add", args=[video.pk]),
        {"language": "es", "label": "", "file": _upload()},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("media:post_video", args=[post.pk]) + "#video-captions"
    assert _messages(response) == ["Captions in Español added: 2 captions, checked."]
    caption = Caption.objects.get()
    assert (caption.language, caption.label, caption.cue_count) == ("es", "Español", 2)


def test_with_htmx_an_upload_returns_the_section_saying_what_was_replaced(
    setup: tuple[Channel, Person, Post, Video],
) -> None:
    _channel, editor, _post, video = setup
    client = _client(editor)
    url = reverse("media:captions_add", args=[video.pk])
    client.post(url, {"language": "en", "file": _upload()}, headers=HX)
    response = client.post(
        url, {"language": "en", "label": "English", "file": _upload()}, headers=HX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="video-captions"')
    assert "<html" not in html
    assert "The captions in English are replaced: 2 captions, checked." in html
    assert reverse("media:captions_remove", args=[video.pk, Caption.objects.get().pk]) in html


def test_a_bad_file_is_refused_with_its_line_and_nothing_is_stored(
    setup: tuple[Channel, Person, Post, Video],
) -> None:
    _channel, editor, _post, video = setup
    client = _client(editor)
    url = reverse("media:captions_add", args=[video.pk])
    response = client.post(url, {"language": "en", "file": _upload(BAD_SRT)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<html" in html  # without JavaScript: a whole page
    assert "Line 2: the cue ends (00:00:03,000) before it starts (00:00:05,000)." in html
    assert 'aria-describedby="caption-file_helptext caption-file_error"' in html
    assert 'id="caption-file_error"' in html
    response = client.post(url, {"language": "en", "file": _upload(BAD_SRT)}, headers=HX)
    assert response.status_code == 400
    assert "<html" not in response.content.decode()
    assert "before it starts" in response.content.decode()
    assert not Caption.objects.exists()
    video.refresh_from_db()
    assert video.version == 1


def test_a_missing_file_or_language_is_asked_for(
    setup: tuple[Channel, Person, Post, Video],
) -> None:
    _channel, editor, _post, video = setup
    response = _client(editor).post(reverse("media:captions_add", args=[video.pk]), {})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose the language the captions are in." in html
    assert "Choose the caption file (.vtt or .srt) to upload." in html


def test_removing_captions_with_and_without_javascript(
    setup: tuple[Channel, Person, Post, Video],
) -> None:
    _channel, editor, post, video = setup
    client = _client(editor)
    for headers in ({}, HX):
        caption = accessibility.add_captions(
            video=video, editor=editor, language="en", label="", data=SRT, filename="c.srt"
        )
        url = reverse("media:captions_remove", args=[video.pk, caption.pk])
        response = client.post(url, headers=headers)
        if headers:
            assert response.status_code == 200
            assert "The captions “English” are removed." in response.content.decode()
        else:
            assert response["Location"].startswith(reverse("media:post_video", args=[post.pk]))
            assert _messages(response) == ["The captions “English” are removed."]
        assert not Caption.objects.exists()
    assert client.get(url).status_code == 405


def test_removing_the_last_captions_of_a_scheduled_post_is_refused_with_the_reason(
    setup: tuple[Channel, Person, Post, Video],
) -> None:
    channel, editor, _post, _video = setup
    post = make_video_post(
        channel=channel,
        status=Post.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(days=1),
    )
    assert post.video is not None
    caption = accessibility.add_captions(
        video=post.video, editor=editor, language="en", label="", data=SRT, filename="c.srt"
    )
    client = _client(editor)
    url = reverse("media:captions_remove", args=[post.video.pk, caption.pk])
    response = client.post(url, headers=HX)
    assert response.status_code == 400
    assert "This post is scheduled:" in response.content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert _messages(response)[0].startswith("This post is scheduled:")
    assert Caption.objects.filter(pk=caption.pk).exists()


def test_a_caption_of_another_video_is_a_404(setup: tuple[Channel, Person, Post, Video]) -> None:
    channel, editor, _post, video = setup
    other = make_video_post(channel=channel)
    assert other.video is not None
    caption = accessibility.add_captions(
        video=other.video, editor=editor, language="en", label="", data=SRT, filename="c.srt"
    )
    response = _client(editor).post(reverse("media:captions_remove", args=[video.pk, caption.pk]))
    assert response.status_code == 404
    assert Caption.objects.filter(pk=caption.pk).exists()


# --- Transcript --------------------------------------------------------------------------------


def test_the_transcript_is_saved_with_and_without_javascript(
    setup: tuple[Channel, Person, Post, Video],
) -> None:
    _channel, editor, post, video = setup
    client = _client(editor)
    url = reverse("media:transcript", args=[video.pk])
    response = client.post(url, {"transcript": "Welcome to ward 7."})
    assert response["Location"] == reverse("media:post_video", args=[post.pk]) + "#video-transcript"
    assert _messages(response) == ["The transcript is saved."]
    response = client.post(url, {"transcript": "Welcome, everyone."}, headers=HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="video-transcript"')
    assert "Welcome, everyone." in html
    assert "The transcript is saved." in html
    video.refresh_from_db()
    assert video.transcript == "Welcome, everyone."


def test_the_persons_words_survive_a_refused_transcript(
    setup: tuple[Channel, Person, Post, Video],
) -> None:
    _channel, editor, _post, video = setup
    words = "Dr Okafor: welcome to ward 7. " * 3_500  # over 100,000 characters
    url = reverse("media:transcript", args=[video.pk])
    for headers in ({}, HX):
        response = _client(editor).post(url, {"transcript": words}, headers=headers)
        assert response.status_code == 400
        html = response.content.decode()
        assert "keep it to 100,000 or fewer" in html
        assert words.strip() in html  # every word, back in the box
        assert 'aria-invalid="true"' in html
    video.refresh_from_db()
    assert video.transcript == ""


# --- The editor's page sections -----------------------------------------------------------------


def test_the_section_context_says_whether_captions_are_required_or_recommended(
    setup: tuple[Channel, Person, Post, Video], administrator: Person
) -> None:
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    _channel, editor, _post, video = setup
    request = RequestFactory().get("/")
    request.user = editor
    context = section_context(request, video)
    assert context["captions_required"] is True
    assert context["has_captions_or_transcript"] is False
    html = render_to_string("media/_captions.html", context, request=request)
    assert "A video post can be published once its video has captions or a transcript" in html
    accessibility.set_captions_required(admin=administrator, required=False)
    html = render_to_string("media/_captions.html", section_context(request, video), request)
    assert "Captions or a transcript are recommended" in html
    assert 'accept=".vtt,.srt,text/vtt"' in html


# --- /system/video/ ------------------------------------------------------------------------------


def test_only_administrators_see_and_change_the_captions_rule() -> None:
    url = reverse("media:policy")
    for role in (None, Role.COMMUNICATIONS_ADMIN, Role.PRIVACY_OFFICER):
        person = PersonFactory()
        if role:
            RoleGrantFactory(person=person, role=role)
        client = _client(person)
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403
    assert MediaPolicy.current().captions_required is True
    assert not AuditEntry.objects.filter(action=AuditAction.VIDEO_POLICY_CHANGED).exists()


def test_an_administrator_switches_the_rule_off_and_on_audited(administrator: Person) -> None:
    client = _client(administrator)
    url = reverse("media:policy")
    page = client.get(url).content.decode()
    assert "The rule is on" in page
    assert 'name="captions_required"' in page
    assert "checked" in page
    response = client.post(url, {})  # the box unticked
    assert response.status_code == 302
    assert _messages(response)[0].startswith("Video posts can now be published without captions")
    assert MediaPolicy.current().captions_required is False
    page = client.get(url).content.decode()
    assert "The rule is off" in page
    assert administrator.display_name in page
    client.post(url, {"captions_required": "on"})
    assert MediaPolicy.current().captions_required is True
    entries = AuditEntry.objects.filter(action=AuditAction.VIDEO_POLICY_CHANGED).order_by("seq")
    assert [(e.actor_id, e.data) for e in entries] == [
        (administrator.pk, {"captions_required": False}),
        (administrator.pk, {"captions_required": True}),
    ]


def test_the_administration_page_links_to_the_captions_rule(administrator: Person) -> None:
    page = _client(administrator).get(reverse("organisation:import_list")).content.decode()
    assert reverse("media:policy") in page
