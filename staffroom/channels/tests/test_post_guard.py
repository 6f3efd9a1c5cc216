"""The PHI guard on posts: what is held, what a held post leaves out (counts, mentions,
notifications, feeds, search, the public page), who can see it, and how it goes live."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.channels import queries, syndication
from staffroom.channels.items import POST_KIND, field_label, post_label, post_texts
from staffroom.channels.models import Channel, Post, PostRevision
from staffroom.channels.services import posts as services
from staffroom.channels.services.sharing import make_post_public, regenerate_feed_token
from staffroom.channels.tests.factories import ChannelEditorFactory, ChannelFactory, PostFactory
from staffroom.channels.tests.test_post_services import minimal_pdf, png_upload
from staffroom.core.items import kind_named, kind_of
from staffroom.core.models import Visibility
from staffroom.discussion.models import Mention
from staffroom.notifications.models import Notification
from staffroom.privacy.models import PrivacyHold
from staffroom.privacy.services import release_hold, send_for_review
from staffroom.search.queries import search

pytestmark = pytest.mark.django_db

PHI_BODY = "Visiting for patient Maria Lopez (DOB 03/14/1957) in bed 4. Thanks @ana.lopez."
CLEAN_BODY = "Visiting hours on the ward change on Monday. Thanks @ana.lopez."
PHI_TEXT = "Patient John Smith, MRN 12345678, on the ward"


@pytest.fixture
def channel() -> Channel:
    return ChannelFactory()


@pytest.fixture
def author(channel: Channel) -> Person:
    person: Person = ChannelEditorFactory(channel=channel).person
    return person


@pytest.fixture
def ana() -> Person:
    return PersonFactory(username="ana.lopez", first_name="Ana", last_name="Lopez")


@pytest.fixture
def officer() -> Person:
    person = PersonFactory()
    RoleGrantFactory(person=person, role=Role.PRIVACY_OFFICER)
    return person


def write(channel: Channel, author: Person, **overrides: Any) -> Post:
    fields: dict[str, Any] = {
        "channel": channel,
        "author": author,
        "title": "Visiting hours",
        "summary": "",
        "body": PHI_BODY,
        "tags": ["visiting"],
        "action": "publish",
    }
    fields.update(overrides)
    return services.create_post(**fields)


def edit(post: Post, editor: Person, **overrides: Any) -> Post:
    fields: dict[str, Any] = {
        "post": post,
        "editor": editor,
        "title": post.title,
        "summary": post.summary,
        "body": post.body,
        "tags": [],
    }
    fields.update(overrides)
    return services.edit_post(**fields)


def open_hold(post: Post) -> PrivacyHold | None:
    return queries.open_hold_of(post)


def post_count(channel: Channel) -> int:
    channel.refresh_from_db(fields=["post_count"])
    return channel.post_count


# --- The item kind ------------------------------------------------------------------------


def test_posts_are_registered_as_items_with_every_text_labelled(
    channel: Channel, author: Person
) -> None:
    post = write(
        channel, author, body=CLEAN_BODY, summary="Short", image=png_upload(), alt_text="Ward 7"
    )
    services.add_post_attachment(
        post=post,
        editor=author,
        upload=SimpleUploadedFile("rota.pdf", minimal_pdf(), content_type="application/pdf"),
    )
    assert kind_of(post) is kind_named(POST_KIND)
    texts = post_texts(post)
    assert list(texts) == ["Title", "Summary", "Body", "Tags", "Image description 1", "File name 1"]
    assert texts["File name 1"] == "rota.pdf"
    assert field_label("Image description 1") == "Image description 1"
    # The label never carries the title: titles can hold what the guard stopped.
    assert post_label(post) == f"Post {post.pk} in channel {channel.pk}"
    assert kind_of(post).author_id(post) == author.pk


# --- Held on create and edit ---------------------------------------------------------------


def test_a_post_with_patient_information_is_saved_held_uncounted_and_unannounced(
    channel: Channel, author: Person, ana: Person
) -> None:
    post = write(channel, author)
    assert post.visibility == Visibility.HELD
    assert post.status == Post.Status.PUBLISHED  # what the author asked for, once released
    assert post_count(channel) == 0
    hold = open_hold(post)
    assert hold is not None
    assert hold.status == PrivacyHold.Status.AWAITING_AUTHOR
    assert hold.author_id == author.pk
    found = {(f["field"], f["kind"]) for f in hold.findings}
    assert {("Body", "patient_name"), ("Body", "dob")} <= found
    assert all("text" not in f for f in hold.findings)  # never the words
    assert not Mention.objects.exists()
    assert not Notification.objects.filter(recipient=ana).exists()
    assert AuditEntry.objects.filter(action=AuditAction.HELD).count() == 1


def test_a_clean_post_is_published_as_before(channel: Channel, author: Person) -> None:
    post = write(channel, author, body=CLEAN_BODY)
    assert post.visibility == Visibility.VISIBLE
    assert post_count(channel) == 1
    assert open_hold(post) is None


@pytest.mark.parametrize(
    ("field", "text"), [("title", "Patient John Smith MRN 12345678"), ("summary", PHI_TEXT)]
)
def test_the_title_and_summary_are_scanned_too(
    channel: Channel, author: Person, field: str, text: str
) -> None:
    post = write(channel, author, body=CLEAN_BODY, **{field: text})
    assert post.visibility == Visibility.HELD


def test_a_draft_with_patient_information_is_held_too(channel: Channel, author: Person) -> None:
    post = write(channel, author, action="draft")
    assert post.visibility == Visibility.HELD
    assert post.status == Post.Status.DRAFT
    assert open_hold(post) is not None


def test_an_image_description_with_patient_information_holds_the_post(
    channel: Channel, author: Person
) -> None:
    post = write(channel, author, body=CLEAN_BODY, image=png_upload(), alt_text=PHI_TEXT)
    assert post.visibility == Visibility.HELD
    assert {f["field"] for f in open_hold(post).findings} == {"Image description 1"}  # type: ignore[union-attr]


def test_adding_an_image_to_a_published_post_holds_it_and_removing_it_lets_it_go(
    channel: Channel, author: Person
) -> None:
    post = write(channel, author, body=CLEAN_BODY)
    image = services.add_post_image(
        post=post, editor=author, upload=png_upload(), alt_text=PHI_TEXT
    )
    assert post.visibility == Visibility.HELD
    assert post_count(channel) == 0
    services.remove_post_image(post=post, editor=author, image=image)
    assert post.visibility == Visibility.VISIBLE
    assert post_count(channel) == 1
    hold = PrivacyHold.objects.get(item_kind=POST_KIND, item_id=post.pk)
    assert hold.status == PrivacyHold.Status.WITHDRAWN


def test_an_attachment_named_after_a_patient_holds_the_post(
    channel: Channel, author: Person
) -> None:
    upload = SimpleUploadedFile(
        "Discharge letter MRN 12345678.pdf", minimal_pdf(), content_type="application/pdf"
    )
    post = write(channel, author, body=CLEAN_BODY, attachment=upload)
    assert post.visibility == Visibility.HELD
    assert post_count(channel) == 0
    assert {f["field"] for f in open_hold(post).findings} == {"File name 1"}  # type: ignore[union-attr]


def test_editing_patient_information_into_a_live_post_holds_it_and_keeps_the_clean_revision(
    channel: Channel, author: Person
) -> None:
    post = write(channel, author, body=CLEAN_BODY)
    version = post.version
    edit(post, author, body=PHI_BODY)
    post.refresh_from_db()
    assert post.visibility == Visibility.HELD
    assert post.version > version  # cached cards are keyed by it
    assert post_count(channel) == 0
    assert open_hold(post) is not None
    revision = PostRevision.objects.get(post=post)
    assert revision.body == CLEAN_BODY  # what readers saw; the new words only in the post


def test_editing_a_held_post_keeps_no_revision_and_editing_it_clean_publishes_it_once(
    channel: Channel, author: Person, ana: Person
) -> None:
    post = write(channel, author)
    edit(post, author, body=PHI_BODY + " More words.")
    assert post.visibility == Visibility.HELD
    assert not PostRevision.objects.filter(post=post).exists()
    assert not Notification.objects.filter(recipient=ana).exists()

    edit(post, author, body=CLEAN_BODY)
    post.refresh_from_db()
    assert post.visibility == Visibility.VISIBLE
    assert not PostRevision.objects.filter(post=post).exists()
    assert post.edited_at is None  # nobody read the earlier words
    assert post_count(channel) == 1
    assert open_hold(post) is None
    assert Notification.objects.filter(recipient=ana, kind="mention").count() == 1
    edit(post, author, body=CLEAN_BODY + " Again.")
    assert Notification.objects.filter(recipient=ana, kind="mention").count() == 1


def test_publishing_or_pinning_a_held_post_counts_nothing(channel: Channel, author: Person) -> None:
    post = write(channel, author, action="draft")
    services.publish_post(post=post, editor=author)
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert post.visibility == Visibility.HELD
    assert post_count(channel) == 0
    with pytest.raises(ValidationError, match="can be pinned"):
        services.pin_post(post=post, editor=author)
    services.archive_post(post=post, editor=author)
    services.restore_post(post=post, editor=author)
    assert post_count(channel) == 0


def test_scheduled_held_posts_are_left_to_the_privacy_officers(
    channel: Channel, author: Person, ana: Person
) -> None:
    import time_machine

    post = write(channel, author, action="schedule", publish_at=timezone.now() + timedelta(hours=1))
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert services.publish_due_posts() == 0
    post.refresh_from_db()
    assert post.status == Post.Status.SCHEDULED
    assert not Notification.objects.filter(recipient=ana).exists()


# --- Release: appears everywhere, once -------------------------------------------------------


def test_a_released_post_appears_in_the_feed_channel_and_search_and_notifies_once(
    channel: Channel, author: Person, ana: Person, officer: Person
) -> None:
    reader = PersonFactory()
    post = write(channel, author, title="Visiting hours Tuesday")
    assert post.pk not in [
        p.pk for p in queries.channel_posts(viewer=reader, channel=channel).page.items
    ]
    assert not search(viewer=reader, text="Tuesday").hits
    hold = open_hold(post)
    assert hold is not None
    send_for_review(hold=hold, author=author, note="Maria is a volunteer, not a patient.")
    release_hold(hold=hold, officer=officer, note="Fine.")

    post.refresh_from_db()
    assert post.visibility == Visibility.VISIBLE
    assert post_count(channel) == 1
    listed = queries.channel_posts(viewer=reader, channel=channel).page.items
    assert [p.pk for p in listed] == [post.pk]
    assert len(search(viewer=reader, text="Tuesday").hits) == 1
    assert Notification.objects.filter(recipient=ana, kind="mention").count() == 1
    assert Mention.objects.filter(thread=post.thread, person=ana).count() == 1


def test_a_post_taken_out_of_sight_is_no_longer_public_and_its_card_changes(
    channel: Channel, author: Person
) -> None:
    post = write(channel, author, body=CLEAN_BODY)
    make_post_public(post=post, by=author)
    reader = PersonFactory()
    queries.channel_posts(viewer=reader, channel=channel)  # caches its card
    version = Post.objects.get(pk=post.pk).version
    kind_of(post).set_visibility(post, Visibility.HELD)
    post.refresh_from_db()
    assert post.version == version + 1
    assert post.is_public is False
    assert not syndication.public_posts().filter(pk=post.pk).exists()
    assert post_count(channel) == 0
    kind_of(post).set_visibility(post, Visibility.HELD)  # again: nothing changes
    assert post_count(channel) == 0
    cache.clear()


def test_a_held_post_cannot_be_made_public(channel: Channel, author: Person) -> None:
    post = write(channel, author)
    with pytest.raises(ValidationError, match="can be made public"):
        make_post_public(post=post, by=author)


# --- Who sees a held post -------------------------------------------------------------------


def signed_in(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_only_the_author_and_privacy_officers_see_a_held_post(
    channel: Channel, author: Person, officer: Person
) -> None:
    post = write(channel, author, title="Visiting hours Tuesday")
    other_editor = ChannelEditorFactory(channel=channel).person
    colleague = PersonFactory()
    url = post.get_absolute_url()

    for person in (other_editor, colleague):
        client = signed_in(person)
        assert client.get(url).status_code == 404
        assert client.get(reverse("channels:post_edit", kwargs={"pk": post.pk})).status_code == 404
        assert b"Tuesday" not in client.get(channel.get_absolute_url()).content
        assert b"Tuesday" not in client.get(reverse("channels:feed")).content
    assert post.pk not in [d.pk for d in queries.channel_drafts(channel, viewer=other_editor)]
    assert post.pk in [d.pk for d in queries.channel_drafts(channel, viewer=author)]
    assert Client().get(url).status_code == 302  # to sign in

    assert signed_in(author).get(url).status_code == 200
    assert signed_in(officer).get(url).status_code == 200
    # A privacy officer reading held words is on the audit trail; the author is not.
    assert AuditEntry.objects.filter(action=AuditAction.HELD_CONTENT_VIEWED).count() == 1


def test_a_held_post_is_absent_from_private_and_public_feeds(
    channel: Channel, author: Person
) -> None:
    reader = PersonFactory()
    token = regenerate_feed_token(person=reader).token
    post = write(channel, author, title="Visiting hours Tuesday")
    Post.objects.filter(pk=post.pk).update(is_public=True)  # as if it had been public
    atom = Client().get(
        reverse("channels:channel_atom", kwargs={"token": token, "slug": channel.slug})
    )
    assert atom.status_code == 200
    assert b"Tuesday" not in atom.content
    assert b"Tuesday" not in Client().get(reverse("channels:public_atom")).content
    public = Client().get(
        reverse("channels:public_post", kwargs={"pk": post.pk, "slug": "visiting-hours-tuesday"})
    )
    assert public.status_code == 404


def test_the_author_sees_the_banner_the_findings_highlighted_and_what_to_do(
    channel: Channel, author: Person
) -> None:
    post = write(channel, author)
    page = signed_in(author).get(post.get_absolute_url()).content.decode()
    assert "Held for privacy review — only you and the privacy officers can see this" in page
    assert '<mark class="phi-finding" data-kind="dob">03/14/1957' in page
    assert reverse("channels:post_edit", kwargs={"pk": post.pk}) in page
    assert reverse("channels:post_send_for_review", kwargs={"pk": post.pk}) in page
    # Nobody reads it yet, so it has no discussion and reaches nobody.
    assert 'id="comments' not in page
    post.refresh_from_db()
    assert post.reach_count == 0


def test_the_author_sends_a_held_post_for_review_with_a_note(
    channel: Channel, author: Person
) -> None:
    post = write(channel, author)
    url = reverse("channels:post_send_for_review", kwargs={"pk": post.pk})
    response = signed_in(author).post(url, {"note": "Maria is our volunteer."})
    assert response.status_code == 302
    hold = PrivacyHold.objects.get(item_kind=POST_KIND, item_id=post.pk)
    assert hold.status == PrivacyHold.Status.IN_REVIEW
    assert hold.author_note == "Maria is our volunteer."
    page = signed_in(author).get(post.get_absolute_url()).content.decode()
    assert "Sent to the privacy officers" in page


def test_a_too_long_note_comes_back_with_the_text_kept(channel: Channel, author: Person) -> None:
    post = write(channel, author)
    url = reverse("channels:post_send_for_review", kwargs={"pk": post.pk})
    note = "Why " * 300
    response = signed_in(author).post(url, {"note": note})
    assert response.status_code == 400
    assert note.strip() in response.content.decode()
    assert open_hold(post).status == PrivacyHold.Status.AWAITING_AUTHOR  # type: ignore[union-attr]


def test_only_the_author_can_send_a_held_post_for_review(
    channel: Channel, author: Person, officer: Person
) -> None:
    post = write(channel, author)
    url = reverse("channels:post_send_for_review", kwargs={"pk": post.pk})
    for person in (officer, ChannelEditorFactory(channel=channel).person):
        assert signed_in(person).post(url, {"note": "x"}).status_code == 404
    clean = PostFactory(channel=channel, author=author)
    clean_url = reverse("channels:post_send_for_review", kwargs={"pk": clean.pk})
    assert signed_in(author).post(clean_url, {"note": "x"}).status_code == 404


def test_writing_a_post_with_patient_information_says_it_is_held(
    channel: Channel, author: Person
) -> None:
    client = signed_in(author)
    response = client.post(
        reverse("channels:post_create", kwargs={"slug": channel.slug}),
        {"title": "Visiting", "summary": "", "body": PHI_BODY, "tags": "", "action": "publish"},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "held for privacy review" in page
    post = Post.objects.get(channel=channel)
    assert post.visibility == Visibility.HELD


def test_the_author_edits_the_patient_out_and_the_post_is_published(
    channel: Channel, author: Person
) -> None:
    post = write(channel, author)
    client = signed_in(author)
    response = client.post(
        reverse("channels:post_edit", kwargs={"pk": post.pk}),
        {
            "title": post.title,
            "summary": "",
            "body": CLEAN_BODY,
            "tags": "",
            "action": "save",
            "version": post.version,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Your changes are published." in response.content.decode()
    post.refresh_from_db()
    assert post.visibility == Visibility.VISIBLE
    reader = PersonFactory()
    assert signed_in(reader).get(post.get_absolute_url()).status_code == 200


def test_recounting_counts_only_posts_everyone_can_see(channel: Channel, author: Person) -> None:
    from io import StringIO

    from django.core.management import call_command

    write(channel, author)  # held
    write(channel, author, body=CLEAN_BODY)
    write(channel, author, body=CLEAN_BODY, action="draft")
    Channel.objects.filter(pk=channel.pk).update(post_count=7)
    out = StringIO()
    call_command("recount_channel_posts", stdout=out)
    assert "Channels corrected: 1" in out.getvalue()
    assert post_count(channel) == 1
