"""The PHI guard on comments: holding, the author's answers, the officer's decisions.

Counts, notifications and the search index must be exact across every path, and nothing of a
held comment may reach anyone but its author and privacy officers.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.channels.tests.factories import PostFactory
from staffroom.core.items import kind_of
from staffroom.core.models import Visibility
from staffroom.discussion.models import Backlink, Comment, CommentRevision, Mention, Thread
from staffroom.discussion.services import (
    delete_comment,
    edit_comment,
    post_comment,
    recount_thread,
)
from staffroom.notifications.models import Notification
from staffroom.notifications.queries import notification_page, unread_count
from staffroom.privacy.models import PrivacyHold
from staffroom.privacy.services import (
    release_hold,
    remove_held_item,
    send_for_review,
)
from staffroom.search.queries import search

pytestmark = pytest.mark.django_db

PHI = "Mr John Carter in bed 4, MRN 4481923, needs his meds reviewed"


@pytest.fixture
def post():
    return PostFactory()


@pytest.fixture
def officer():
    person = PersonFactory()
    RoleGrantFactory(person=person, role=Role.PRIVACY_OFFICER)
    return person


def counts(post) -> tuple[int, int]:
    thread = Thread.objects.get(pk=post.thread_id)
    return thread.comment_count, thread.version


def hold_of(comment: Comment) -> PrivacyHold:
    return PrivacyHold.objects.get(item_kind="comment", item_id=comment.pk)


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def found(viewer, word: str) -> bool:
    return bool(search(viewer=viewer, text=word).hits)


def test_a_comment_with_patient_information_is_held_and_leaves_no_trace(post) -> None:
    nurse, colleague = PersonFactory(), PersonFactory(username="sam.lee")
    before = counts(post)
    comment = post_comment(thread=post.thread, author=nurse, body=f"{PHI} @sam.lee")
    assert comment.visibility == Visibility.HELD
    assert counts(post)[0] == before[0]
    hold = hold_of(comment)
    assert hold.status == PrivacyHold.Status.AWAITING_AUTHOR
    assert {f["kind"] for f in hold.findings} >= {"mrn", "patient_name"}
    assert all("4481923" not in str(f) for f in hold.findings)
    # No mention, no notification, no search document, for anyone.
    assert not Mention.objects.filter(comment=comment).exists()
    assert not Notification.objects.exists()
    assert not found(colleague, "meds")
    assert not found(nurse, "meds")
    assert AuditAction.HELD in actions()
    # No written words in the trail.
    assert not AuditEntry.objects.filter(summary__contains="Carter").exists()


def test_a_held_reply_does_not_count_nor_notify_until_released(post, officer) -> None:
    ana, ben = PersonFactory(), PersonFactory()
    top = post_comment(thread=post.thread, author=ana, body="How is bay 2 today?")
    reply = post_comment(thread=post.thread, author=ben, body=PHI, parent=top)
    assert Comment.objects.get(pk=top.pk).reply_count == 0
    assert counts(post)[0] == 1
    assert not Notification.objects.filter(kind=Notification.Kind.REPLY).exists()
    release_hold(hold=hold_of(reply), officer=officer, note="A made-up example")
    assert Comment.objects.get(pk=top.pk).reply_count == 1
    assert counts(post)[0] == 2
    assert Notification.objects.filter(kind=Notification.Kind.REPLY, recipient=ana).count() == 1


def test_release_publishes_the_latest_version_once(post, officer) -> None:
    nurse, colleague = PersonFactory(), PersonFactory(username="sam.lee")
    comment = post_comment(thread=post.thread, author=nurse, body=PHI)
    edit_comment(comment=comment, editor=nurse, body=f"{PHI} — pharmacy asked @sam.lee")
    assert not CommentRevision.objects.filter(comment=comment).exists()
    hold = send_for_review(hold=hold_of(comment), author=nurse, note="Training scenario")
    assert hold.status == PrivacyHold.Status.IN_REVIEW
    before = counts(post)
    release_hold(hold=hold, officer=officer, note="Fine: a training scenario.")
    comment.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE
    assert "pharmacy" in comment.body
    after = counts(post)
    assert after[0] == before[0] + 1
    assert after[1] > before[1]
    assert (
        Notification.objects.filter(kind=Notification.Kind.MENTION, recipient=colleague).count()
        == 1
    )
    told = Notification.objects.get(kind=Notification.Kind.PRIVACY)
    assert (told.recipient, told.message) == (nurse, "Fine: a training scenario.")
    assert found(colleague, "pharmacy")
    assert [a for a in actions() if a in {"held", "sent_for_review", "released"}] == [
        "held",
        "sent_for_review",
        "released",
    ]
    # Setting it visible again changes nothing and tells nobody twice.
    kind_of(comment).set_visibility(comment, Visibility.VISIBLE)
    assert counts(post)[0] == after[0]
    assert Notification.objects.filter(kind=Notification.Kind.MENTION).count() == 1


def test_a_second_decision_on_the_same_hold_is_refused(post, officer) -> None:
    comment = post_comment(thread=post.thread, author=PersonFactory(), body=PHI)
    hold = hold_of(comment)
    release_hold(hold=hold, officer=officer, note="")
    with pytest.raises(ValidationError, match="already decided"):
        remove_held_item(hold=hold, officer=officer, note="")
    assert Comment.objects.get(pk=comment.pk).visibility == Visibility.VISIBLE
    assert Notification.objects.filter(kind=Notification.Kind.PRIVACY).count() == 1


def test_only_privacy_officers_decide_and_only_the_author_sends(post) -> None:
    nurse, someone = PersonFactory(), PersonFactory()
    comment = post_comment(thread=post.thread, author=nurse, body=PHI)
    with pytest.raises(PermissionDenied):
        release_hold(hold=hold_of(comment), officer=someone, note="")
    with pytest.raises(PermissionDenied):
        send_for_review(hold=hold_of(comment), author=someone, note="")


def test_removing_keeps_it_out_of_counts_and_search_and_the_author_keeps_the_words(
    post, officer
) -> None:
    nurse = PersonFactory()
    comment = post_comment(thread=post.thread, author=nurse, body=PHI)
    before = counts(post)[0]
    remove_held_item(hold=hold_of(comment), officer=officer, note="This names a patient.")
    comment.refresh_from_db()
    assert comment.visibility == Visibility.REMOVED
    assert comment.body == PHI  # the author can still read it (until a purge)
    assert counts(post)[0] == before
    assert not found(officer, "meds")
    assert hold_of(comment).status == PrivacyHold.Status.REMOVED
    assert Notification.objects.get(kind=Notification.Kind.PRIVACY).message == (
        "This names a patient."
    )
    # Deleting it afterwards doesn't take a second one off the count.
    delete_comment(comment=comment, by=nurse)
    assert counts(post)[0] == before
    assert recount_thread(thread=post.thread).comment_count == before


def test_deleting_a_held_comment_withdraws_the_hold_without_touching_counts(post) -> None:
    nurse = PersonFactory()
    top = post_comment(thread=post.thread, author=PersonFactory(), body="Morning all")
    held = post_comment(thread=post.thread, author=nurse, body=PHI, parent=top)
    before = counts(post)[0]
    delete_comment(comment=held, by=nurse)
    assert counts(post)[0] == before
    assert Comment.objects.get(pk=top.pk).reply_count == 0
    assert hold_of(held).status == PrivacyHold.Status.WITHDRAWN
    assert AuditAction.HOLD_WITHDRAWN in actions()
    assert recount_thread(thread=post.thread).comment_count == before


def test_editing_the_findings_out_posts_it_with_its_mentions(post) -> None:
    nurse, sam = PersonFactory(), PersonFactory(username="sam.lee")
    comment = post_comment(thread=post.thread, author=nurse, body=f"{PHI} @sam.lee")
    edit_comment(comment=comment, editor=nurse, body="Please review the meds round @sam.lee")
    comment.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE
    assert comment.edited_at is None  # nobody saw the earlier words
    assert not CommentRevision.objects.filter(comment=comment).exists()
    assert hold_of(comment).status == PrivacyHold.Status.WITHDRAWN
    assert counts(post)[0] == 1
    assert Notification.objects.filter(kind=Notification.Kind.MENTION, recipient=sam).count() == 1
    assert found(sam, "review")


def test_editing_patient_information_into_a_visible_comment_holds_it(post) -> None:
    nurse, colleague = PersonFactory(), PersonFactory(username="sam.lee")
    comment = post_comment(thread=post.thread, author=nurse, body="Bay 2 is quiet today")
    assert found(colleague, "quiet")
    edit_comment(comment=comment, editor=nurse, body=f"{PHI} @sam.lee quiet")
    comment.refresh_from_db()
    assert comment.visibility == Visibility.HELD
    assert counts(post)[0] == 0
    assert not found(colleague, "quiet")
    assert not Notification.objects.filter(kind=Notification.Kind.MENTION).exists()
    assert hold_of(comment).is_open


def test_hiding_a_comment_hides_its_notifications_and_backlinks(post) -> None:
    ana, sam = PersonFactory(), PersonFactory(username="sam.lee")
    other = PostFactory()
    comment = post_comment(
        thread=post.thread, author=ana, body=f"@sam.lee see [this](/posts/{other.pk}/) please"
    )
    assert unread_count(sam) == 1
    assert Backlink.objects.filter(source_comment=comment).exists()
    kind_of(comment).set_visibility(comment, Visibility.HIDDEN)
    assert unread_count(sam) == 0
    assert notification_page(viewer=sam).items == []
    assert not Backlink.objects.filter(source_comment=comment).exists()
    assert counts(post)[0] == 0
    kind_of(comment).set_visibility(comment, Visibility.VISIBLE)
    assert unread_count(sam) == 1
    assert Notification.objects.filter(kind=Notification.Kind.MENTION).count() == 1
    assert Backlink.objects.filter(source_comment=comment).exists()
    assert counts(post)[0] == 1


def test_the_author_sees_privacy_decisions_about_a_removed_comment(post, officer) -> None:
    nurse = PersonFactory()
    comment = post_comment(thread=post.thread, author=nurse, body=PHI)
    remove_held_item(hold=hold_of(comment), officer=officer, note="Names a patient")
    items = notification_page(viewer=nurse).items
    assert [i.notification.message for i in items] == ["Names a patient"]
    assert items[0].url == "/privacy/mine/"
    assert unread_count(nurse) == 1


def test_a_held_posts_words_are_never_found_in_search(post) -> None:
    """Post documents stay in the index while held; Post.objects.visible_to (VISIBLE only)
    filters them, and their comments, out of every result and snippet."""
    from staffroom.channels.models import Post

    reader = PersonFactory()
    Post.objects.filter(pk=post.pk).update(body="Zanzibar ward round notes")
    post_comment(thread=post.thread, author=PersonFactory(), body="Zanzibar agreed")
    assert found(reader, "Zanzibar")
    Post.objects.filter(pk=post.pk).update(visibility=Visibility.HELD)
    assert not found(reader, "Zanzibar")
    assert not found(post.author, "Zanzibar")


def test_a_comment_has_a_search_document_only_while_others_can_see_it(post, officer) -> None:
    from staffroom.search.models import SearchDocument
    from staffroom.search.services import rebuild_search_index

    def documented(comment: Comment) -> bool:
        return SearchDocument.objects.filter(kind="comment", source_id=comment.pk).exists()

    held = post_comment(thread=post.thread, author=PersonFactory(), body=PHI)
    shown = post_comment(thread=post.thread, author=PersonFactory(), body="All clear on bay 3")
    assert not documented(held)
    rebuild_search_index()
    assert not documented(held)
    assert documented(shown)
    release_hold(hold=hold_of(held), officer=officer, note="")
    assert documented(held)
    kind_of(held).set_visibility(held, Visibility.HIDDEN)
    assert not documented(held)
    rebuild_search_index()
    assert not documented(held)
