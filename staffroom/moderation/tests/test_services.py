from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.channels.models import Post
from staffroom.core.items import kind_of
from staffroom.core.models import Visibility
from staffroom.discussion.models import Comment, CommentRevision
from staffroom.moderation import services
from staffroom.moderation.models import Flag, FlaggedItem, ModerationAction, Suspension
from staffroom.moderation.queries import suspension_of
from staffroom.moderation.tests.conftest import Ward
from staffroom.notifications.models import Notification

pytestmark = pytest.mark.django_db


def visibility(obj: Any) -> str:
    return str(type(obj)._default_manager.get(pk=obj.pk).visibility)


def flagged(obj: Any) -> FlaggedItem:
    return FlaggedItem.objects.get(item_kind=kind_of(obj).key, item_id=obj.pk)


def moderation_notices(ward: Ward) -> list[Notification]:
    return list(
        Notification.objects.filter(
            recipient=ward.author, kind=Notification.Kind.MODERATION
        ).order_by("id")
    )


def test_an_item_is_hidden_when_the_third_different_person_flags_it(ward: Ward) -> None:
    first, second, third = ward.colleagues[:3]
    services.flag_item(obj=ward.comment, by=first, reason="disrespect")
    services.flag_item(obj=ward.comment, by=second, reason="other", note="Rude")
    assert visibility(ward.comment) == Visibility.VISIBLE
    assert flagged(ward.comment).open_flags == 2
    assert not moderation_notices(ward)

    services.flag_item(obj=ward.comment, by=third, reason="disrespect")

    assert visibility(ward.comment) == Visibility.HIDDEN
    row = flagged(ward.comment)
    assert (row.open_flags, row.auto_hidden, row.state) == (3, True, "open")
    [notice] = moderation_notices(ward)
    assert notice.comment_id == ward.comment.pk
    assert notice.thread_id == ward.comment.thread_id
    assert "hidden until a moderator" in notice.message
    action = ModerationAction.objects.get(action="hide")
    assert action.moderator is None
    assert action.subject == ward.author
    assert AuditEntry.objects.filter(action=AuditAction.FLAGGED).count() == 3
    hidden = AuditEntry.objects.get(action=AuditAction.HIDDEN)
    assert hidden.actor is None
    assert "mess" not in hidden.summary  # ids, never the words


def test_one_person_cannot_flag_the_same_item_twice(ward: Ward) -> None:
    services.flag_item(obj=ward.comment, by=ward.colleagues[0], reason="disrespect")
    with pytest.raises(ValidationError):
        services.flag_item(obj=ward.comment, by=ward.colleagues[0], reason="other")
    services.flag_item(obj=ward.comment, by=ward.colleagues[1], reason="other")
    assert Flag.objects.count() == 2
    assert flagged(ward.comment).open_flags == 2
    assert visibility(ward.comment) == Visibility.VISIBLE


def test_nobody_can_flag_what_they_wrote(ward: Ward) -> None:
    with pytest.raises(ValidationError):
        services.flag_item(obj=ward.comment, by=ward.author, reason="other")
    assert not Flag.objects.exists()


def test_the_number_of_flags_that_hides_an_item_is_configurable(ward: Ward, settings: Any) -> None:
    settings.MODERATION_AUTO_HIDE_FLAGS = 2
    services.flag_item(obj=ward.post, by=ward.colleagues[0], reason="misinformation")
    assert visibility(ward.post) == Visibility.VISIBLE
    services.flag_item(obj=ward.post, by=ward.colleagues[1], reason="privacy")
    assert visibility(ward.post) == Visibility.HIDDEN
    assert flagged(ward.post).privacy_flags == 1


def test_a_held_item_cannot_be_flagged_or_hidden_by_moderators(ward: Ward) -> None:
    kind_of(ward.comment).set_visibility(ward.comment, Visibility.HELD)
    comment = Comment.objects.get(pk=ward.comment.pk)
    with pytest.raises(ValidationError):
        services.flag_item(obj=comment, by=ward.colleagues[0], reason="privacy")
    with pytest.raises(ValidationError):
        services.hide_item(obj=comment, moderator=ward.moderator, reason="No")
    assert visibility(comment) == Visibility.HELD


def hidden_by_flags(ward: Ward, obj: Any) -> None:
    for colleague in ward.colleagues[:3]:
        services.flag_item(obj=obj, by=colleague, reason="disrespect")


def test_restoring_shows_the_item_again_closes_its_flags_and_tells_the_author(
    ward: Ward,
) -> None:
    hidden_by_flags(ward, ward.comment)

    services.restore_item(obj=ward.comment, moderator=ward.moderator, reason="It's fair criticism.")

    assert visibility(ward.comment) == Visibility.VISIBLE
    row = flagged(ward.comment)
    assert (row.open_flags, row.state, row.auto_hidden) == (0, "resolved", False)
    assert not Flag.objects.filter(status="open").exists()
    assert "fair criticism" in moderation_notices(ward)[-1].message
    assert AuditEntry.objects.filter(action=AuditAction.RESTORED, actor=ward.moderator).exists()


def test_after_a_restore_new_flags_count_from_zero(ward: Ward) -> None:
    hidden_by_flags(ward, ward.comment)
    services.restore_item(obj=ward.comment, moderator=ward.moderator)
    services.flag_item(obj=ward.comment, by=ward.colleagues[3], reason="other")
    assert visibility(ward.comment) == Visibility.VISIBLE
    row = flagged(ward.comment)
    assert (row.open_flags, row.state) == (1, "open")
    # Someone whose earlier flag was dealt with may flag it again.
    services.flag_item(obj=ward.comment, by=ward.colleagues[0], reason="other")
    assert flagged(ward.comment).open_flags == 2


def test_only_a_hidden_item_can_be_restored(ward: Ward) -> None:
    with pytest.raises(ValidationError):
        services.restore_item(obj=ward.comment, moderator=ward.moderator)


def test_a_moderator_hides_an_item_and_the_author_is_told_why(ward: Ward) -> None:
    services.flag_item(obj=ward.post, by=ward.colleagues[0], reason="misinformation")
    services.hide_item(obj=ward.post, moderator=ward.moderator, reason="The dates are wrong.")
    assert visibility(ward.post) == Visibility.HIDDEN
    assert flagged(ward.post).state == "resolved"
    notice = Notification.objects.get(recipient=ward.post.author, kind="moderation")
    assert "The dates are wrong." in notice.message
    assert notice.thread_id == ward.post.thread_id
    with pytest.raises(ValidationError):
        services.hide_item(obj=ward.post, moderator=ward.moderator, reason="  ")


def test_a_moderator_edits_a_comment_with_a_note(ward: Ward) -> None:
    hidden_by_flags(ward, ward.comment)
    services.edit_item_as_moderator(
        obj=ward.comment,
        moderator=ward.moderator,
        body="The new rota needs work.",
        note="Toned down a personal remark.",
    )
    comment = Comment.objects.get(pk=ward.comment.pk)
    assert comment.body == "The new rota needs work."
    assert "needs work" in comment.body_html
    assert comment.moderation_note == "Toned down a personal remark."
    assert comment.visibility == Visibility.VISIBLE
    revision = CommentRevision.objects.get(comment=comment)
    assert (revision.body, revision.editor) == ("The new rota is a mess.", ward.moderator)
    assert "Toned down" in moderation_notices(ward)[-1].message
    assert AuditEntry.objects.filter(action=AuditAction.EDITED_BY_MODERATOR).exists()


def test_a_moderator_edits_a_post_keeping_its_tags_and_audience(ward: Ward) -> None:
    post = ward.post
    services.edit_item_as_moderator(
        obj=post,
        moderator=ward.moderator,
        title=post.title,
        summary=post.summary,
        body="Corrected dates below.",
        note="Fixed the dates.",
    )
    saved = Post.objects.get(pk=post.pk)
    assert saved.body == "Corrected dates below."
    assert saved.moderation_note == "Fixed the dates."
    assert saved.revisions.count() == 1


def test_a_warning_is_recorded_and_told(ward: Ward) -> None:
    services.warn_person(
        person=ward.author, moderator=ward.moderator, reason="Please be kind.", obj=ward.comment
    )
    assert ModerationAction.objects.get(action="warn").item_id == ward.comment.pk
    assert "Please be kind." in moderation_notices(ward)[-1].message
    assert AuditEntry.objects.filter(action=AuditAction.WARNED).exists()


def test_a_suspension_lasts_until_its_end_or_until_lifted(ward: Ward) -> None:
    until = timezone.now() + timedelta(days=3)
    services.suspend_person(
        person=ward.author, moderator=ward.moderator, until=until, reason="Repeated insults."
    )
    assert suspension_of(ward.author) is not None
    assert "Repeated insults." in moderation_notices(ward)[-1].message

    services.lift_suspension(person=ward.author, moderator=ward.moderator)

    assert suspension_of(ward.author) is None
    assert AuditEntry.objects.filter(action=AuditAction.SUSPENSION_LIFTED).exists()
    with pytest.raises(ValidationError):
        services.lift_suspension(person=ward.author, moderator=ward.moderator)


def test_an_ended_suspension_no_longer_applies(ward: Ward) -> None:
    now = timezone.now()
    Suspension.objects.create(
        person=ward.author,
        starts=now - timedelta(days=3),
        ends=now - timedelta(seconds=1),
        reason="x",
    )
    assert suspension_of(ward.author) is None


def test_a_suspension_must_end_in_the_future_and_not_be_ones_own(ward: Ward) -> None:
    with pytest.raises(ValidationError):
        services.suspend_person(
            person=ward.author, moderator=ward.moderator, until=timezone.now(), reason="x"
        )
    with pytest.raises(ValidationError):
        services.suspend_person(
            person=ward.moderator,
            moderator=ward.moderator,
            until=timezone.now() + timedelta(days=1),
            reason="x",
        )


def test_dismissing_flags_closes_them_and_leaves_the_item_alone(ward: Ward) -> None:
    services.flag_item(obj=ward.comment, by=ward.colleagues[0], reason="other")
    closed = services.dismiss_flags(obj=ward.comment, moderator=ward.moderator)
    assert closed == 1
    assert visibility(ward.comment) == Visibility.VISIBLE
    assert flagged(ward.comment).state == "resolved"
    assert not moderation_notices(ward)
    assert AuditEntry.objects.filter(action=AuditAction.FLAGS_DISMISSED).exists()


def test_notes_and_reasons_with_patient_information_are_refused(ward: Ward) -> None:
    phi = "Patient John Smith, MRN 12345678, DOB 03/04/1950"
    with pytest.raises(ValidationError, match="patient information"):
        services.flag_item(obj=ward.comment, by=ward.colleagues[0], reason="privacy", note=phi)
    with pytest.raises(ValidationError, match="patient information"):
        services.hide_item(obj=ward.comment, moderator=ward.moderator, reason=phi)
    assert not Flag.objects.exists()
    assert visibility(ward.comment) == Visibility.VISIBLE
