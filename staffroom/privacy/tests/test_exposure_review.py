"""Exposure reports, marking and purging: the issue-4 review's findings 1, 5, 9, 12, 13, 14."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.channels.models import ChannelEditor, Post, Tag
from staffroom.channels.services.posts import add_post_attachment, add_post_image, create_post
from staffroom.channels.services.posts import edit_post as edit_post_service
from staffroom.channels.services.reading import record_post_view
from staffroom.channels.tests.factories import ChannelFactory, PostFactory, TagFactory
from staffroom.channels.tests.test_post_services import minimal_pdf, png_upload
from staffroom.core.models import Visibility
from staffroom.discussion.models import Comment
from staffroom.discussion.services import edit_comment, post_comment
from staffroom.privacy.exposure import mark_as_phi, purge_item
from staffroom.privacy.models import ExposureReport, PrivacyHold, Tombstone
from staffroom.privacy.services import release_hold

pytestmark = pytest.mark.django_db

# Words the PHI guard holds.
PHI = "Mr John Carter in bed 4, MRN 4481923, needs his meds reviewed"
PHI_TITLE = "Mr John Carter MRN 4481923 fall on ward 5"


def _officer() -> Person:
    officer = PersonFactory()
    RoleGrantFactory(person=officer, role=Role.PRIVACY_OFFICER)
    return officer


def _edited(post: Post, editor: Person, *, title: str) -> Post:
    edit_post_service(
        post=post, editor=editor, title=title, summary=post.summary, body=post.body, tags=[]
    )
    post.refresh_from_db()
    return post


def _held_views(officer: Person) -> int:
    return AuditEntry.objects.filter(action=AuditAction.HELD_CONTENT_VIEWED, actor=officer).count()


# --- 1. Shown once, then edited into a hold: it was shown ------------------------------------


def test_a_comment_shown_then_edited_into_a_hold_was_shown_and_seen() -> None:
    post = PostFactory()
    alice = PersonFactory()
    comment = post_comment(thread=post.thread, author=alice, body="Carter in 4 is grumpy today")
    assert comment.visibility == Visibility.VISIBLE
    readers = [PersonFactory() for _ in range(3)]
    for reader in readers:
        record_post_view(post=post, person=reader)
    edit_comment(comment=Comment.objects.get(pk=comment.pk), editor=alice, body=PHI)
    comment.refresh_from_db()
    assert comment.visibility == Visibility.HELD

    report = mark_as_phi(obj=comment, officer=_officer(), reason="A named patient")

    assert report.was_shown
    assert report.item_first_visible_at == comment.first_shown_at
    assert report.saw_count == 3
    assert {r.pk for r in readers} <= set(report.audience.values_list("person", flat=True))


def test_a_post_shown_then_edited_into_a_hold_was_shown_to_its_audience() -> None:
    author = PersonFactory()
    post: Post = PostFactory(author=author)
    ChannelEditor.objects.create(channel=post.channel, person=author)
    reader = PersonFactory()
    record_post_view(post=post, person=reader)
    post = _edited(post, author, title=PHI_TITLE)
    assert post.visibility == Visibility.HELD

    report = mark_as_phi(obj=post, officer=_officer(), reason="A named patient")

    assert report.was_shown
    assert report.item_first_visible_at == post.first_shown_at
    assert report.saw_count == 1
    assert reader.pk in set(report.audience.values_list("person", flat=True))


def test_a_draft_could_be_seen_by_its_channels_other_editors_only() -> None:
    channel = ChannelFactory()
    author, other_editor, reader = PersonFactory(), PersonFactory(), PersonFactory()
    for editor in (author, other_editor):
        ChannelEditor.objects.create(channel=channel, person=editor)
    draft = create_post(
        channel=channel, author=author, title="Rota", summary="", body="Draft words", tags=[]
    )
    assert draft.status == Post.Status.DRAFT
    assert draft.visibility == Visibility.VISIBLE

    report = mark_as_phi(obj=draft, officer=_officer(), reason="A named patient")

    assert not report.was_shown
    assert report.item_first_visible_at is None
    audience = set(report.audience.values_list("person", flat=True))
    assert other_editor.pk in audience
    assert reader.pk not in audience
    assert author.pk not in audience


def test_a_comment_held_as_it_was_written_was_shown_to_nobody() -> None:
    post = PostFactory()
    comment = post_comment(thread=post.thread, author=PersonFactory(), body=PHI)
    assert comment.visibility == Visibility.HELD
    record_post_view(post=post, person=PersonFactory())

    report = mark_as_phi(obj=comment, officer=_officer(), reason="A named patient")

    assert not report.was_shown
    assert report.could_see_count == 0
    assert report.saw_count == 0


# --- 14. People who left since could have seen it --------------------------------------------


def test_a_comment_could_be_seen_by_people_who_left_since() -> None:
    post = PostFactory(published_at=timezone.now() - timedelta(days=5))
    comment = post_comment(thread=post.thread, author=PersonFactory(), body="Good shift")
    left = PersonFactory()
    record_post_view(post=post, person=left)
    Person.objects.filter(pk=left.pk).update(is_active=False, left_on=timezone.localdate())

    report = mark_as_phi(obj=comment, officer=_officer(), reason="A named patient")

    assert left.pk in set(report.audience.values_list("person", flat=True))
    assert report.sightings.filter(person=left).exists()


# --- 5. Marking a held item closes its hold ---------------------------------------------------


def test_marking_a_held_item_closes_its_hold_as_removed() -> None:
    post = PostFactory()
    comment = post_comment(thread=post.thread, author=PersonFactory(), body=PHI)
    hold = PrivacyHold.objects.get(item_kind="comment", item_id=comment.pk)
    officer = _officer()

    mark_as_phi(obj=comment, officer=officer, reason="A named patient")

    hold.refresh_from_db()
    assert hold.status == PrivacyHold.Status.REMOVED
    assert hold.decided_by == officer
    assert hold.decided_at is not None
    assert hold.decision_note
    assert "4481923" not in hold.decision_note
    entry = AuditEntry.objects.get(action=AuditAction.REMOVED, target_id=str(hold.pk))
    assert "4481923" not in entry.summary
    with pytest.raises(ValidationError):
        release_hold(hold=hold, officer=officer, note="")
    comment.refresh_from_db()
    assert comment.visibility == Visibility.REMOVED


# --- 9. Purging removes the post's tags ------------------------------------------------------


def test_purging_a_post_unlinks_its_tags_and_deletes_those_no_other_post_uses() -> None:
    only_here = TagFactory(name="Carter 4481923")
    shared = TagFactory(name="Ward news")
    post = PostFactory(tags=[only_here, shared])
    other = PostFactory(tags=[shared])
    officer = _officer()
    report = mark_as_phi(obj=post, officer=officer, reason="A named patient in a tag")

    purge_item(report=report, officer=officer)

    assert not Tag.objects.filter(pk=only_here.pk).exists()
    assert Tag.objects.filter(pk=shared.pk).exists()
    assert not post.tags.exists()
    assert list(other.tags.all()) == [shared]


# --- 12. The officer's reason is checked by the PHI guard ------------------------------------


def test_a_reason_with_patient_information_is_refused_and_nothing_changes() -> None:
    post = PostFactory()
    comment = post_comment(thread=post.thread, author=PersonFactory(), body="ok words here")

    with pytest.raises(ValidationError) as error:
        mark_as_phi(obj=comment, officer=_officer(), reason=PHI)

    assert "reason" in error.value.message_dict
    assert "4481923" not in str(error.value)
    comment.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE
    assert not ExposureReport.objects.exists()
    assert not Tombstone.objects.exists()


def test_a_reason_describing_the_kind_of_information_is_accepted() -> None:
    post = PostFactory()
    comment = post_comment(thread=post.thread, author=PersonFactory(), body="ok words here")
    report = mark_as_phi(obj=comment, officer=_officer(), reason="A patient's name and MRN")
    assert report.reason == "A patient's name and MRN"


def test_the_mark_page_shows_the_refusal_on_the_reason_field() -> None:
    post = PostFactory()
    comment = post_comment(thread=post.thread, author=PersonFactory(), body="ok words here")
    client = Client()
    client.force_login(_officer())
    url = reverse("privacy:mark_phi", kwargs={"kind": "comment", "item_id": comment.pk})

    response = client.post(url, {"reason": PHI})

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert "patient information" in response.context["form"].errors["reason"][0]
    assert not ExposureReport.objects.exists()


# --- 13. Reading withheld words is audited ----------------------------------------------------


def test_the_mark_page_of_a_held_item_records_that_its_words_were_read() -> None:
    post = PostFactory()
    comment = post_comment(thread=post.thread, author=PersonFactory(), body=PHI)
    hold = PrivacyHold.objects.get(item_kind="comment", item_id=comment.pk)
    officer = _officer()
    client = Client()
    client.force_login(officer)

    response = client.get(
        reverse("privacy:mark_phi", kwargs={"kind": "comment", "item_id": comment.pk})
    )

    assert response.status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.HELD_CONTENT_VIEWED, actor=officer)
    assert entry.target_id == str(hold.pk)
    assert "4481923" not in entry.summary
    assert "4481923" not in str(entry.data)


def test_the_mark_page_of_a_visible_item_records_no_held_reading() -> None:
    post = PostFactory()
    comment = post_comment(thread=post.thread, author=PersonFactory(), body="ok words")
    officer = _officer()
    client = Client()
    client.force_login(officer)
    client.get(reverse("privacy:mark_phi", kwargs={"kind": "comment", "item_id": comment.pk}))
    assert _held_views(officer) == 0


def test_opening_a_held_posts_image_or_file_is_audited_for_reviewers_not_its_author() -> None:
    author = PersonFactory()
    post: Post = PostFactory(author=author)
    ChannelEditor.objects.create(channel=post.channel, person=author)
    image = add_post_image(post=post, editor=author, upload=png_upload(), alt_text="A ward")
    attachment = add_post_attachment(
        post=post,
        editor=author,
        upload=SimpleUploadedFile("rota.pdf", minimal_pdf(), content_type="application/pdf"),
    )
    post = _edited(post, author, title=PHI_TITLE)
    assert post.visibility == Visibility.HELD
    image_url = reverse("channels:post_image", kwargs={"pk": post.pk, "image_id": image.pk})
    file_url = reverse(
        "channels:post_attachment", kwargs={"pk": post.pk, "attachment_id": attachment.pk}
    )
    officer = _officer()
    client = Client()

    client.force_login(author)
    assert client.get(image_url).status_code == 200
    assert client.get(file_url).status_code == 200
    assert _held_views(author) == 0

    client.force_login(officer)
    assert client.get(image_url).status_code == 200
    assert client.get(file_url).status_code == 200
    assert _held_views(officer) == 2


def test_the_technical_admin_lists_only_visible_posts_and_comments() -> None:
    shown = PostFactory(title="Visible news")
    author = PersonFactory()
    held = PostFactory(author=author, title="Plain title")
    ChannelEditor.objects.create(channel=held.channel, person=author)
    _edited(held, author, title=PHI_TITLE)
    visible_comment = post_comment(thread=shown.thread, author=PersonFactory(), body="fine")
    held_comment = post_comment(thread=shown.thread, author=PersonFactory(), body=PHI)
    client = Client()
    client.force_login(PersonFactory(is_staff=True, is_superuser=True))

    posts = client.get(reverse("admin:staffchannels_post_changelist"))
    assert posts.status_code == 200
    assert "Visible news" in posts.content.decode()
    assert "4481923" not in posts.content.decode()
    comments = client.get(reverse("admin:discussion_comment_changelist"))
    listed = {c.pk for c in comments.context["cl"].result_list}
    assert visible_comment.pk in listed
    assert held_comment.pk not in listed
    hidden = client.get(reverse("admin:staffchannels_post_change", args=[held.pk]))
    assert hidden.status_code in (302, 404)
