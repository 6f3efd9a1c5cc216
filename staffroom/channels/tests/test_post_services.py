from __future__ import annotations

import io
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Channel, Post, PostAttachment, PostImage, PostRevision, Tag
from staffroom.channels.services import posts as services
from staffroom.channels.tests.factories import (
    ChannelEditorFactory,
    ChannelFactory,
    PostFactory,
    TagFactory,
)
from staffroom.discussion.models import Thread
from staffroom.organisation.tests.factories import DepartmentFactory, SiteFactory

pytestmark = pytest.mark.django_db


def png_bytes(width: int = 40, height: int = 30, colour: str = "teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name: str = "ward.png", **kwargs: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def minimal_pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


@pytest.fixture
def channel() -> Channel:
    return ChannelFactory()


@pytest.fixture
def editor(channel: Channel) -> Any:
    return ChannelEditorFactory(channel=channel).person


def write(channel: Channel, author: Any, **overrides: Any) -> Post:
    fields: dict[str, Any] = {
        "channel": channel,
        "author": author,
        "title": "Night shift parking",
        "summary": "The multi-storey stays open all night from Monday.",
        "body": "From **Monday** the car park stays open.",
        "tags": ["Parking", "night shift"],
        "action": "publish",
    }
    fields.update(overrides)
    return services.create_post(**fields)


def test_the_post_factory_makes_a_live_post_with_a_thread_and_html() -> None:
    post = PostFactory(tags=[TagFactory()], audience_sites=[SiteFactory()])
    assert post.thread.kind == "post"
    assert post.body_html
    assert post.is_live
    assert post.audience_restricted
    post.channel.refresh_from_db()
    assert post.channel.post_count == 1


# --- Creating ----------------------------------------------------------------------------


def test_publishing_a_post_makes_it_live_with_its_thread_tags_and_count(
    channel: Channel, editor: Any
) -> None:
    post = write(channel, editor)
    assert post.status == Post.Status.PUBLISHED
    assert post.is_live
    assert post.thread.kind == Thread.Kind.POST
    assert sorted(post.tags.values_list("slug", flat=True)) == ["night-shift", "parking"]
    assert "<strong>Monday</strong>" in post.body_html
    channel.refresh_from_db()
    assert channel.post_count == 1


def test_a_draft_is_not_live_and_not_counted(channel: Channel, editor: Any) -> None:
    post = write(channel, editor, action="draft")
    assert post.status == Post.Status.DRAFT
    assert post.published_at is None
    assert not Post.objects.live().filter(pk=post.pk).exists()
    channel.refresh_from_db()
    assert channel.post_count == 0


def test_a_scheduled_post_goes_live_only_when_its_time_comes(channel: Channel, editor: Any) -> None:
    when = timezone.now() + timedelta(hours=2)
    post = write(channel, editor, action="schedule", publish_at=when)
    assert post.status == Post.Status.SCHEDULED
    assert post.published_at == when
    assert not post.is_live
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert Post.objects.live().filter(pk=post.pk).exists()


def test_scheduling_in_the_past_is_refused_and_nothing_is_stored(
    channel: Channel, editor: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        write(channel, editor, action="schedule", publish_at=timezone.now() - timedelta(minutes=5))
    assert "Choose a time in the future" in str(caught.value)
    assert Post.objects.count() == 0
    assert Thread.objects.count() == 0
    assert Tag.objects.count() == 0


def test_scheduling_without_a_time_asks_for_one(channel: Channel, editor: Any) -> None:
    with pytest.raises(ValidationError, match="when the post should go live"):
        write(channel, editor, action="schedule", publish_at=None)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": ""}, "title", "Give the post a title"),
        ({"title": "   \n\t "}, "title", "Give the post a title"),
        ({"title": "x" * 201}, "title", "keep it to 200"),
        ({"summary": "x" * 301}, "summary", "keep it to 300"),
        ({"body": ""}, "body", "Write something"),
        ({"body": "   "}, "body", "Write something"),
        ({"body": "x" * 50_001}, "body", "50,000"),
        ({"tags": [f"tag {n}" for n in range(11)]}, "tags", "at most 10 tags"),
        ({"tags": ["x" * 61]}, "tags", "too long"),
        ({"tags": ["!!!"]}, "tags", "no letters or digits"),
    ],
)
def test_bad_words_are_refused_per_field_and_nothing_is_stored(
    channel: Channel, editor: Any, fields: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        write(channel, editor, **fields)
    assert field in caught.value.message_dict
    assert message in " ".join(caught.value.message_dict[field])
    assert Post.objects.count() == 0
    assert Thread.objects.count() == 0
    channel.refresh_from_db()
    assert channel.post_count == 0


def test_the_longest_allowed_title_and_body_are_accepted(channel: Channel, editor: Any) -> None:
    post = write(channel, editor, title="t" * 200, body="b" * 50_000, summary="s" * 300)
    assert len(post.title) == 200
    assert len(post.body) == 50_000


def test_titles_are_trimmed(channel: Channel, editor: Any) -> None:
    assert write(channel, editor, title="  Parking  ").title == "Parking"


def test_tags_are_normalised_deduplicated_and_reused(channel: Channel, editor: Any) -> None:
    existing = TagFactory(name="Wellbeing")
    post = write(channel, editor, tags=["Wellbeing", "wellbeing", " #Night  Shift ", ""])
    assert sorted(post.tags.values_list("slug", flat=True)) == ["night-shift", "wellbeing"]
    assert post.tags.get(slug="wellbeing") == existing
    assert Tag.objects.get(slug="night-shift").name == "Night Shift"


def test_parse_tags_splits_on_commas() -> None:
    assert services.parse_tags("wellbeing, night shift,,  ") == ["wellbeing", "night shift"]


def test_script_in_the_markdown_body_is_not_kept_as_markup(channel: Channel, editor: Any) -> None:
    post = write(
        channel,
        editor,
        body='Hello <script>alert("x")</script> <img src=x onerror="alert(1)">',
    )
    assert "<script" not in post.body_html
    assert "<img" not in post.body_html
    # The words as typed are kept (they are shown escaped when edited).
    assert "<script>" in post.body


def test_javascript_and_data_links_never_become_links(channel: Channel, editor: Any) -> None:
    post = write(
        channel,
        editor,
        body="[click](javascript:alert(1)) and [data](data:text/html;base64,PHNjcmlwdD4=)",
    )
    assert 'href="javascript:' not in post.body_html.lower()
    assert 'href="data:' not in post.body_html.lower()


def test_the_same_submission_key_twice_makes_one_post(channel: Channel, editor: Any) -> None:
    key = uuid.uuid4()
    first = write(channel, editor, submission_key=key)
    second = write(channel, editor, submission_key=key)
    assert first.pk == second.pk
    assert Post.objects.count() == 1
    channel.refresh_from_db()
    assert channel.post_count == 1


def test_an_audience_marks_the_post_restricted(channel: Channel, editor: Any) -> None:
    department = DepartmentFactory()
    post = write(channel, editor, audience_departments=[department])
    assert post.audience_restricted
    assert list(post.audience_departments.all()) == [department]
    assert not write(channel, editor, title="For all").audience_restricted


def test_mentions_of_active_people_are_looked_up_and_recorded_when_live(
    channel: Channel, editor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ana = PersonFactory(username="ana.lopez", first_name="Ana", last_name="Lopez")
    PersonFactory(username="gone.person", is_active=False)
    seen: dict[str, Any] = {}
    recorded: list[Any] = []

    def fake_find(text: str) -> frozenset[str]:
        return frozenset({"ana.lopez", "gone.person"})

    def fake_render(text: str, *, people: Any = None) -> Any:
        from staffroom.core.richtext import RenderedText

        seen["people"] = dict(people or {})
        return RenderedText(html="<p>x</p>", mentions=frozenset(seen["people"]))

    monkeypatch.setattr(services, "find_mentions", fake_find)
    monkeypatch.setattr(services, "render_markdown", fake_render)
    monkeypatch.setattr(
        services, "record_mentions", lambda **kw: recorded.append(set(kw["usernames"]))
    )
    write(channel, editor, action="draft", body="hi @ana.lopez")
    assert seen["people"] == {"ana.lopez": ("Ana Lopez", ana.get_absolute_url())}
    assert recorded == []  # drafts notify nobody
    write(channel, editor, action="publish", body="hi @ana.lopez")
    assert recorded == [{"ana.lopez"}]


# --- Editing -------------------------------------------------------------------------------


def test_editing_the_words_keeps_the_previous_ones_as_a_revision(
    channel: Channel, editor: Any
) -> None:
    post = write(channel, editor)
    other_editor = ChannelEditorFactory(channel=channel).person
    edited = services.edit_post(
        post=post,
        editor=other_editor,
        title="Night shift parking: update",
        summary=post.summary,
        body="From **Tuesday** the car park stays open.",
        tags=["parking"],
    )
    assert edited.version == post.version + 1
    assert edited.edited_at is not None
    assert edited.last_edited_by == other_editor
    revision = PostRevision.objects.get(post=post)
    assert (revision.number, revision.title) == (1, "Night shift parking")
    assert "Monday" in revision.body
    assert revision.editor == other_editor
    assert "Tuesday" in edited.body_html
    assert list(edited.tags.values_list("slug", flat=True)) == ["parking"]


def test_editing_a_draft_does_not_mark_it_edited(channel: Channel, editor: Any) -> None:
    post = write(channel, editor, action="draft")
    edited = services.edit_post(
        post=post, editor=editor, title="New", summary="", body="New body", tags=[]
    )
    assert edited.edited_at is None
    assert PostRevision.objects.filter(post=post).count() == 1


def test_changing_only_tags_keeps_no_revision(channel: Channel, editor: Any) -> None:
    post = write(channel, editor)
    services.edit_post(
        post=post,
        editor=editor,
        title=post.title,
        summary=post.summary,
        body=post.body,
        tags=["other"],
    )
    assert not PostRevision.objects.filter(post=post).exists()


def test_an_invalid_edit_changes_nothing(channel: Channel, editor: Any) -> None:
    post = write(channel, editor)
    with pytest.raises(ValidationError):
        services.edit_post(post=post, editor=editor, title="", summary="", body="", tags=[])
    post.refresh_from_db()
    assert post.title == "Night shift parking"
    assert post.version == 1
    assert not PostRevision.objects.exists()


def test_an_edit_based_on_an_older_version_is_refused(channel: Channel, editor: Any) -> None:
    post = write(channel, editor)
    services.edit_post(post=post, editor=editor, title="A", summary="", body="A", tags=[])
    with pytest.raises(ValidationError, match="Someone else changed this post"):
        services.edit_post(
            post=post, editor=editor, title="B", summary="", body="B", tags=[], expected_version=1
        )


def test_removing_the_audience_unrestricts_the_post(channel: Channel, editor: Any) -> None:
    post = write(channel, editor, audience_sites=[SiteFactory()])
    edited = services.edit_post(
        post=post, editor=editor, title=post.title, summary="", body=post.body, tags=[]
    )
    assert not edited.audience_restricted
    assert not edited.audience_sites.exists()


# --- Lifecycle -----------------------------------------------------------------------------


def test_the_lifecycle_keeps_the_channel_count_right(channel: Channel, editor: Any) -> None:
    def count() -> int:
        channel.refresh_from_db()
        return channel.post_count

    post = write(channel, editor, action="draft")
    assert count() == 0
    post = services.schedule_post(
        post=post, editor=editor, publish_at=timezone.now() + timedelta(days=1)
    )
    assert count() == 1
    post = services.publish_post(post=post, editor=editor)
    assert post.status == Post.Status.PUBLISHED
    assert post.is_live
    assert count() == 1
    post = services.archive_post(post=post, editor=editor)
    assert count() == 0
    post = services.restore_post(post=post, editor=editor)
    assert post.status == Post.Status.PUBLISHED
    assert count() == 1
    post = services.unpublish_post(post=post, editor=editor)
    assert post.status == Post.Status.DRAFT
    assert post.published_at is None
    assert count() == 0


def test_publishing_twice_is_refused(channel: Channel, editor: Any) -> None:
    post = write(channel, editor)
    with pytest.raises(ValidationError, match="already published"):
        services.publish_post(post=post, editor=editor)
    channel.refresh_from_db()
    assert channel.post_count == 1


def test_a_live_post_cannot_be_scheduled(channel: Channel, editor: Any) -> None:
    post = write(channel, editor)
    with pytest.raises(ValidationError, match="already live"):
        services.schedule_post(
            post=post, editor=editor, publish_at=timezone.now() + timedelta(days=1)
        )


def test_rescheduling_into_the_past_is_refused(channel: Channel, editor: Any) -> None:
    post = write(channel, editor, action="draft")
    with pytest.raises(ValidationError, match="Choose a time in the future"):
        services.schedule_post(
            post=post, editor=editor, publish_at=timezone.now() - timedelta(days=1)
        )
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT


def test_at_most_three_posts_are_pinned_in_a_channel(channel: Channel, editor: Any) -> None:
    posts = [write(channel, editor, title=f"Post {n}") for n in range(4)]
    for post in posts[:3]:
        assert services.pin_post(post=post, editor=editor).pinned_at is not None
    with pytest.raises(ValidationError, match="already has 3 pinned posts"):
        services.pin_post(post=posts[3], editor=editor)
    services.unpin_post(post=posts[0], editor=editor)
    assert services.pin_post(post=posts[3], editor=editor).pinned_at is not None


def test_a_draft_cannot_be_pinned(channel: Channel, editor: Any) -> None:
    with pytest.raises(ValidationError, match="Only a published or scheduled post"):
        services.pin_post(post=write(channel, editor, action="draft"), editor=editor)


def test_archiving_unpins(channel: Channel, editor: Any) -> None:
    post = services.pin_post(post=write(channel, editor), editor=editor)
    assert services.archive_post(post=post, editor=editor).pinned_at is None


# --- Images and attachments ------------------------------------------------------------------


def test_an_image_is_stored_re_encoded_with_its_description(channel: Channel, editor: Any) -> None:
    post = write(channel, editor)
    image = services.add_post_image(
        post=post, editor=editor, upload=png_upload(), alt_text="The ward team smiling"
    )
    assert (image.width, image.height) == (40, 30)
    assert image.alt_text == "The ward team smiling"
    assert default_storage.exists(image.image.name)
    post.refresh_from_db()
    assert post.version == 2


@pytest.mark.parametrize(
    ("alt_text", "message"),
    [
        ("", "Describe the image"),
        ("   ", "Describe the image"),
        ("x" * 251, "250 characters"),
        ("ward.png", "not its file name"),
        ("WARD", "not its file name"),
    ],
)
def test_an_image_without_a_real_description_is_refused(
    channel: Channel, editor: Any, alt_text: str, message: str
) -> None:
    post = write(channel, editor)
    with pytest.raises(ValidationError, match=message):
        services.add_post_image(post=post, editor=editor, upload=png_upload(), alt_text=alt_text)
    assert not PostImage.objects.exists()


def test_a_file_that_is_not_an_image_is_refused(channel: Channel, editor: Any) -> None:
    post = write(channel, editor)
    fake = SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script>", "image/png")
    with pytest.raises(ValidationError) as caught:
        services.add_post_image(post=post, editor=editor, upload=fake, alt_text="A photo")
    assert "image" in caught.value.message_dict
    assert not PostImage.objects.exists()


def test_a_large_image_is_resized_to_at_most_2000_pixels(channel: Channel, editor: Any) -> None:
    post = write(channel, editor)
    upload = png_upload(width=4000, height=3000)
    image = services.add_post_image(post=post, editor=editor, upload=upload, alt_text="A ward")
    assert (image.width, image.height) == (2000, 1500)


def pixel_bomb_png(side: int = 100_000) -> bytes:
    """A tiny file whose header claims a gigantic picture (a decompression bomb)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_a_huge_image_is_refused_and_nothing_is_stored(channel: Channel, editor: Any) -> None:
    post = write(channel, editor)
    bomb = SimpleUploadedFile("huge.png", pixel_bomb_png(), "image/png")
    with pytest.raises(ValidationError) as caught:
        services.add_post_image(post=post, editor=editor, upload=bomb, alt_text="A huge photo")
    assert "image" in caught.value.message_dict
    assert not PostImage.objects.exists()


def test_removing_an_image_deletes_its_row(channel: Channel, editor: Any) -> None:
    post = write(channel, editor)
    image = services.add_post_image(
        post=post, editor=editor, upload=png_upload(), alt_text="The ward"
    )
    services.remove_post_image(post=post, editor=editor, image=image)
    assert not PostImage.objects.exists()


def test_a_pdf_is_attached_with_a_safe_name(channel: Channel, editor: Any) -> None:
    post = write(channel, editor)
    upload = SimpleUploadedFile("Rota Dec.pdf", minimal_pdf(), "application/pdf")
    attachment = services.add_post_attachment(post=post, editor=editor, upload=upload)
    assert attachment.content_type == "application/pdf"
    assert attachment.size_bytes == len(minimal_pdf())
    assert attachment.original_name.endswith(".pdf")
    assert default_storage.exists(attachment.file.name)


def test_an_attachment_disguised_by_its_extension_is_refused(channel: Channel, editor: Any) -> None:
    post = write(channel, editor)
    disguised = SimpleUploadedFile("rota.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    with pytest.raises(ValidationError) as caught:
        services.add_post_attachment(post=post, editor=editor, upload=disguised)
    assert "attachment" in caught.value.message_dict
    assert not PostAttachment.objects.exists()


def test_an_image_of_another_post_cannot_be_removed_through_this_one(
    channel: Channel, editor: Any
) -> None:
    post, other = write(channel, editor), write(channel, editor, title="Other")
    image = services.add_post_image(
        post=other, editor=editor, upload=png_upload(), alt_text="The ward"
    )
    with pytest.raises(ValidationError):
        services.remove_post_image(post=post, editor=editor, image=image)
    assert PostImage.objects.filter(pk=image.pk).exists()


def test_a_published_post_links_and_records_a_mention_of_a_colleague(
    channel: Channel, editor: Any
) -> None:
    from staffroom.discussion.models import Mention

    ana = PersonFactory(username="ana.lopez", first_name="Ana", last_name="Lopez")
    draft = write(channel, editor, action="draft", body="Thanks @ana.lopez for the rota.")
    assert ana.get_absolute_url() in draft.body_html
    assert not Mention.objects.exists()
    services.publish_post(post=draft, editor=editor)
    assert Mention.objects.filter(thread=draft.thread, person=ana).count() == 1


def test_archiving_or_restricting_a_public_post_makes_it_internal_for_good():
    from staffroom.channels.services import posts as post_services
    from staffroom.channels.services.sharing import make_post_public
    from staffroom.channels.tests.factories import ChannelEditorFactory, PostFactory

    post = PostFactory()
    editor = ChannelEditorFactory(channel=post.channel).person
    make_post_public(post=post, by=editor)
    post_services.archive_post(post=post, editor=editor)
    post.refresh_from_db()
    assert post.is_public is False

    other = PostFactory(channel=post.channel)
    make_post_public(post=other, by=editor)
    post_services.edit_post(
        post=other,
        editor=editor,
        title=other.title,
        summary=other.summary,
        body=other.body,
        tags=[],
        audience_sites=[SiteFactory()],
    )
    other.refresh_from_db()
    assert other.is_public is False


def test_people_mentioned_in_a_scheduled_post_are_notified_once_it_goes_live(
    channel: Channel, editor: Any
) -> None:
    import time_machine

    from staffroom.notifications.models import Notification

    colleague = PersonFactory(username="ana.lopez")
    post = services.create_post(
        channel=channel,
        author=editor,
        title="Rota changes",
        summary="",
        body="Thanks to @ana.lopez for the new rota.",
        tags=[],
        action="schedule",
        publish_at=timezone.now() + timedelta(hours=1),
    )
    assert services.publish_due_posts() == 0
    assert not Notification.objects.filter(recipient=colleague).exists()

    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert services.publish_due_posts() == 1
        assert services.publish_due_posts() == 0

    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert Notification.objects.filter(recipient=colleague, kind="mention").count() == 1


def test_a_form_key_used_by_someone_else_is_refused_and_never_returns_their_post(
    channel: Channel, editor: Any
) -> None:
    key = uuid.uuid4()
    services.create_post(
        channel=channel,
        author=editor,
        title="Mine",
        summary="",
        body="Text",
        tags=[],
        submission_key=key,
    )
    other_editor = ChannelEditorFactory(channel=channel).person
    with pytest.raises(ValidationError, match="already used"):
        services.create_post(
            channel=channel,
            author=other_editor,
            title="Theirs",
            summary="",
            body="Text",
            tags=[],
            submission_key=key,
        )
    assert Post.objects.count() == 1
