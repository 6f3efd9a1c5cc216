"""The PHI guard after the issue-4 review: when an item was first shown, every way into
VISIBLE passes the guard, holds belong to the item's author, decisions are about the words
the officer read, and item-then-hold is the one lock order."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.channels.models import ChannelEditor, Post, PostRevision
from staffroom.channels.services import posts as post_services
from staffroom.channels.tests.factories import PostFactory
from staffroom.core.models import Visibility
from staffroom.discussion.models import Comment, Thread
from staffroom.discussion.queries import comment_page
from staffroom.discussion.services import delete_comment, edit_comment, post_comment
from staffroom.moderation import services as moderation
from staffroom.privacy import services as privacy
from staffroom.privacy.models import PrivacyHold
from staffroom.privacy.services import (
    record_hold_viewed,
    release_hold,
    remove_held_item,
    send_for_review,
    texts_version,
)

pytestmark = pytest.mark.django_db

PHI = "Mr John Carter in bed 4, MRN 4481923, needs his meds reviewed"
PHI_TITLE = "Mr John Carter MRN 4481923 fall on ward 5"


def with_role(role: str):
    person = PersonFactory()
    RoleGrantFactory(person=person, role=role)
    return person


@pytest.fixture
def officer():
    return with_role(Role.PRIVACY_OFFICER)


@pytest.fixture
def moderator():
    return with_role(Role.MODERATOR)


def hold_of(obj) -> PrivacyHold:
    key = "post" if isinstance(obj, Post) else "comment"
    return PrivacyHold.objects.get(item_kind=key, item_id=obj.pk)


def _edit_post_words(post: Post, editor, *, title: str | None = None, body: str | None = None):
    return post_services.edit_post(
        post=post,
        editor=editor,
        title=post.title if title is None else title,
        summary=post.summary,
        body=post.body if body is None else body,
        tags=[],
    )


# --- Finding 1: first_shown_at -----------------------------------------------------------------


def test_a_comment_is_first_shown_when_written_and_keeps_it_once_held(officer) -> None:
    post = PostFactory()
    alice = PersonFactory()
    comment = post_comment(thread=post.thread, author=alice, body="Carter in 4 is grumpy today")
    stored = Comment.objects.get(pk=comment.pk)
    assert stored.first_shown_at == stored.created_at
    edit_comment(comment=stored, editor=alice, body=PHI)
    held = Comment.objects.get(pk=comment.pk)
    assert held.visibility == Visibility.HELD
    assert held.first_shown_at == stored.created_at


def test_a_held_comment_is_first_shown_when_released(officer) -> None:
    post = PostFactory()
    comment = post_comment(thread=post.thread, author=PersonFactory(), body=PHI)
    assert Comment.objects.get(pk=comment.pk).first_shown_at is None
    before = timezone.now()
    release_hold(hold=hold_of(comment), officer=officer, note="")
    shown = Comment.objects.get(pk=comment.pk).first_shown_at
    assert shown is not None
    assert shown >= before


def test_a_post_is_first_shown_when_it_goes_live_never_as_a_draft() -> None:
    post = PostFactory(status=Post.Status.DRAFT, published_at=None, first_shown_at=None)
    editor = PersonFactory()
    post_services.edit_post(
        post=post, editor=editor, title="New title", summary="", body="Words", tags=[]
    )
    assert Post.objects.get(pk=post.pk).first_shown_at is None
    published = post_services.publish_post(post=post, editor=editor)
    stored = Post.objects.get(pk=post.pk)
    assert stored.first_shown_at == published.published_at


def test_a_scheduled_post_is_shown_from_its_time_unless_taken_back_before() -> None:
    post = PostFactory(status=Post.Status.DRAFT, published_at=None, first_shown_at=None)
    editor = PersonFactory()
    later = timezone.now() + timedelta(days=1)
    post_services.schedule_post(post=post, editor=editor, publish_at=later)
    assert Post.objects.get(pk=post.pk).first_shown_at == later
    post_services.unpublish_post(post=Post.objects.get(pk=post.pk), editor=editor)
    assert Post.objects.get(pk=post.pk).first_shown_at is None


def test_a_published_post_keeps_its_first_shown_time_when_edited_into_a_hold() -> None:
    author = PersonFactory()
    post = post_services.create_post(
        channel=PostFactory().channel,
        author=author,
        title="Ward news",
        summary="",
        body="Clean words",
        tags=[],
        action="publish",
    )
    shown = Post.objects.get(pk=post.pk).first_shown_at
    assert shown is not None
    assert shown == post.published_at
    _edit_post_words(Post.objects.get(pk=post.pk), author, title=PHI_TITLE)
    stored = Post.objects.get(pk=post.pk)
    assert stored.visibility == Visibility.HELD
    assert stored.first_shown_at == shown


def test_a_post_created_held_is_not_shown_until_released(officer) -> None:
    post = post_services.create_post(
        channel=PostFactory().channel,
        author=PersonFactory(),
        title=PHI_TITLE,
        summary="",
        body="Words",
        tags=[],
        action="publish",
    )
    assert Post.objects.get(pk=post.pk).first_shown_at is None
    release_hold(hold=hold_of(post), officer=officer, note="")
    assert Post.objects.get(pk=post.pk).first_shown_at is not None


# --- Finding 4: no way into VISIBLE around the guard ---------------------------------------------


def test_a_hidden_post_edited_with_patient_information_is_held_not_restored(moderator) -> None:
    bob = PersonFactory()
    post = PostFactory(author=bob)
    ChannelEditor.objects.create(channel=post.channel, person=bob)
    moderation.hide_item(obj=post, moderator=moderator, reason="spam")
    _edit_post_words(Post.objects.get(pk=post.pk), bob, title=PHI_TITLE)
    stored = Post.objects.get(pk=post.pk)
    # Moderators read hidden posts: the guard holds it for the privacy officers instead.
    assert stored.visibility == Visibility.HELD
    assert hold_of(stored).author_id == bob.pk
    assert not Post.objects.visible_to(PersonFactory()).filter(pk=post.pk).exists()


def test_restoring_a_hidden_item_whose_words_changed_unscanned_holds_it(moderator) -> None:
    post = PostFactory()
    comment = post_comment(thread=post.thread, author=PersonFactory(), body="rude words")
    moderation.hide_item(obj=comment, moderator=moderator, reason="rude")
    # Words that reached the row without an edit service (an import, an admin): restoring
    # must not show them unscanned.
    Comment.objects.filter(pk=comment.pk).update(body=PHI)
    count = Thread.objects.get(pk=post.thread_id).comment_count
    moderation.restore_item(obj=Comment.objects.get(pk=comment.pk), moderator=moderator)
    stored = Comment.objects.get(pk=comment.pk)
    assert stored.visibility == Visibility.HELD
    assert hold_of(stored).is_open
    assert Thread.objects.get(pk=post.thread_id).comment_count == count
    held = AuditEntry.objects.get(action=AuditAction.HELD)
    assert held.actor is None  # the guard itself


def test_restoring_a_clean_hidden_item_shows_it(moderator) -> None:
    post = PostFactory()
    moderation.hide_item(obj=post, moderator=moderator, reason="check")
    moderation.restore_item(obj=Post.objects.get(pk=post.pk), moderator=moderator)
    assert Post.objects.get(pk=post.pk).visibility == Visibility.VISIBLE
    assert not PrivacyHold.objects.exists()


# --- Finding 6: the hold is the author's --------------------------------------------------------


def test_a_moderators_edit_into_a_hold_opens_the_authors_hold(moderator) -> None:
    post = PostFactory()
    alice = PersonFactory()
    comment = post_comment(thread=post.thread, author=alice, body="words")
    moderation.edit_item_as_moderator(obj=comment, moderator=moderator, note="tidied", body=PHI)
    hold = hold_of(comment)
    assert Comment.objects.get(pk=comment.pk).visibility == Visibility.HELD
    assert hold.author_id == alice.pk
    held = AuditEntry.objects.get(action=AuditAction.HELD)
    assert held.actor_id == moderator.pk
    assert held.data["author"] == alice.pk
    # The author answers it; the moderator can't.
    with pytest.raises(Exception):  # noqa: B017, PT011 - PermissionDenied
        send_for_review(hold=hold, author=moderator, note="")
    send_for_review(hold=hold, author=alice, note="Not mine")


def test_a_channel_editors_edit_of_anothers_post_opens_the_authors_hold() -> None:
    author, editor = PersonFactory(), PersonFactory()
    post = PostFactory(author=author)
    _edit_post_words(post, editor, body=PHI)
    assert hold_of(post).author_id == author.pk


# --- Finding 7: decisions about the words read, one lock order ----------------------------------


def test_a_release_after_an_unseen_edit_is_refused(officer) -> None:
    post = PostFactory()
    alice = PersonFactory()
    comment = post_comment(thread=post.thread, author=alice, body="Mr Carter MRN 1234567 ok")
    hold = hold_of(comment)
    record_hold_viewed(hold=hold, officer=officer)
    seen = texts_version(Comment.objects.get(pk=comment.pk))
    edit_comment(comment=Comment.objects.get(pk=comment.pk), editor=alice, body=PHI)
    for decide in (release_hold, remove_held_item):
        with pytest.raises(ValidationError, match="changed since you opened it"):
            decide(hold=hold, officer=officer, note="", seen=seen)
    stored = Comment.objects.get(pk=comment.pk)
    assert stored.visibility == Visibility.HELD
    assert PrivacyHold.objects.get(pk=hold.pk).is_open
    release_hold(hold=hold, officer=officer, note="", seen=texts_version(stored))
    assert Comment.objects.get(pk=comment.pk).visibility == Visibility.VISIBLE


def test_texts_version_changes_with_any_text() -> None:
    post = PostFactory()
    before = texts_version(post)
    assert texts_version(Post.objects.get(pk=post.pk)) == before
    Post.objects.filter(pk=post.pk).update(summary="Another summary")
    assert texts_version(Post.objects.get(pk=post.pk)) != before


@pytest.mark.django_db(transaction=True)
def test_a_decision_and_the_authors_edit_at_once_do_not_deadlock(monkeypatch) -> None:
    """Review finding 7: the officer locked hold then item, the author's edit item then hold.
    Both now lock the item first: the edit waits for the decision, then applies to the
    released comment (holding it again, with a new hold)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only")
    post = PostFactory()
    alice = PersonFactory()
    comment = post_comment(thread=post.thread, author=alice, body=PHI)
    hold = hold_of(comment)
    officer = with_role(Role.PRIVACY_OFFICER)
    officer_has_locks = threading.Event()
    real_locked = privacy._locked

    def slow_locked(h):
        got = real_locked(h)
        officer_has_locks.set()
        time.sleep(1)  # the author's edit arrives while the officer holds the locks
        return got

    monkeypatch.setattr(privacy, "_locked", slow_locked)
    errors: dict[str, str] = {}

    def officer_side() -> None:
        try:
            release_hold(hold=hold, officer=officer, note="")
        except Exception as error:
            errors["officer"] = repr(error)[:300]
        finally:
            connection.close()

    def author_side() -> None:
        try:
            officer_has_locks.wait(10)
            edit_comment(comment=Comment.objects.get(pk=comment.pk), editor=alice, body=PHI + "!")
        except Exception as error:
            errors["author"] = repr(error)[:300]
        finally:
            connection.close()

    threads = [threading.Thread(target=officer_side), threading.Thread(target=author_side)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == {}
    assert PrivacyHold.objects.get(pk=hold.pk).status == PrivacyHold.Status.RELEASED
    stored = Comment.objects.get(pk=comment.pk)
    assert stored.body == PHI + "!"
    assert stored.visibility == Visibility.HELD
    assert PrivacyHold.objects.filter(
        item_kind="comment", item_id=comment.pk, status__in=PrivacyHold.OPEN
    ).exists()


# --- Finding 10: a comment edited into a hold keeps its replies ---------------------------------


def test_a_held_comment_with_replies_shows_as_removed_keeping_them() -> None:
    post = PostFactory()
    alice, bob = PersonFactory(), PersonFactory()
    root = post_comment(thread=post.thread, author=alice, body="First thoughts")
    reply = post_comment(thread=post.thread, author=bob, body="A reply to it", parent=root)
    lonely = post_comment(thread=post.thread, author=alice, body="Another thought")
    edit_comment(comment=Comment.objects.get(pk=root.pk), editor=alice, body=PHI)
    edit_comment(comment=Comment.objects.get(pk=lonely.pk), editor=alice, body=PHI)
    thread = Thread.objects.get(pk=post.thread_id)
    page = comment_page(thread=thread)
    assert [c.pk for c in page.comments] == [root.pk]  # the lonely held one leaves no trace
    shown = page.comments[0]
    assert shown.is_deleted
    assert not shown.can_reply  # type: ignore[attr-defined]
    assert [c.pk for c in shown.children] == [reply.pk]  # type: ignore[attr-defined]
    from staffroom.discussion import rendering

    html = rendering.comment_list(
        thread=thread, cursor=None, limit=50, commenting=True, reactions_enabled=True
    ).html
    assert "4481923" not in html
    assert "Comment removed" in html
    assert "A reply to it" in html


# --- Finding 15: only held items skip revisions -------------------------------------------------


def test_a_moderators_edit_of_a_hidden_post_keeps_a_revision(moderator) -> None:
    post = PostFactory(title="Original title", body="Original words")
    moderation.hide_item(obj=post, moderator=moderator, reason="rude")
    moderation.edit_item_as_moderator(
        obj=Post.objects.get(pk=post.pk), moderator=moderator, note="tidied", body="Kinder words"
    )
    revision = PostRevision.objects.get(post=post)
    assert revision.body == "Original words"
    assert revision.editor_id == moderator.pk
    assert Post.objects.get(pk=post.pk).visibility == Visibility.VISIBLE


def test_an_edit_of_a_held_post_keeps_no_revision() -> None:
    author = PersonFactory()
    post = PostFactory(author=author)
    _edit_post_words(post, author, body=PHI)
    assert PostRevision.objects.filter(post=post).count() == 1  # the clean words, seen
    _edit_post_words(Post.objects.get(pk=post.pk), author, body=PHI + " still")
    assert PostRevision.objects.filter(post=post).count() == 1


# --- Finding 16: deleting a hidden comment sticks -----------------------------------------------


def test_deleting_a_hidden_comment_sticks_through_a_restore(moderator) -> None:
    post = PostFactory()
    comment = post_comment(thread=post.thread, author=PersonFactory(), body="rude words")
    moderation.hide_item(obj=comment, moderator=moderator, reason="rude")
    count = Thread.objects.get(pk=post.thread_id).comment_count
    delete_comment(comment=Comment.objects.get(pk=comment.pk), by=moderator)
    stored = Comment.objects.get(pk=comment.pk)
    assert stored.deleted_at is not None
    assert stored.deleted_by_id == moderator.pk
    assert Thread.objects.get(pk=post.thread_id).comment_count == count
    moderation.restore_item(obj=stored, moderator=moderator)
    restored = Comment.objects.get(pk=comment.pk)
    assert restored.is_deleted
    assert restored.deleted_at is not None
    assert Thread.objects.get(pk=post.thread_id).comment_count == count
    assert comment_page(thread=Thread.objects.get(pk=post.thread_id)).comments == []


def test_the_migrations_backfill_when_existing_items_were_first_shown() -> None:
    import importlib

    from django.apps import apps

    posts = importlib.import_module("staffroom.channels.migrations.0005_post_first_shown_at")
    comments = importlib.import_module(
        "staffroom.discussion.migrations.0003_comment_first_shown_at"
    )
    live = PostFactory(first_shown_at=None)
    hidden = PostFactory(first_shown_at=None, visibility=Visibility.HIDDEN)
    draft = PostFactory(status=Post.Status.DRAFT, published_at=None, first_shown_at=None)
    held = PostFactory(first_shown_at=None, visibility=Visibility.HELD)
    shown = post_comment(thread=live.thread, author=PersonFactory(), body="Fine words")
    held_comment = post_comment(thread=live.thread, author=PersonFactory(), body=PHI)
    Comment.objects.update(first_shown_at=None)
    posts.backfill_first_shown_at(apps, None)
    comments.backfill_first_shown_at(apps, None)
    assert Post.objects.get(pk=live.pk).first_shown_at == live.published_at
    assert Post.objects.get(pk=hidden.pk).first_shown_at == hidden.published_at
    assert Post.objects.get(pk=draft.pk).first_shown_at is None
    assert Post.objects.get(pk=held.pk).first_shown_at is None
    assert Comment.objects.get(pk=shown.pk).first_shown_at == shown.created_at
    assert Comment.objects.get(pk=held_comment.pk).first_shown_at is None


def test_a_hidden_post_held_after_an_edit_goes_back_to_hidden_when_released(
    officer, moderator
) -> None:
    bob = PersonFactory()
    post = PostFactory(author=bob)
    ChannelEditor.objects.create(channel=post.channel, person=bob)
    moderation.hide_item(obj=post, moderator=moderator, reason="Off topic")
    _edit_post_words(Post.objects.get(pk=post.pk), bob, title=PHI_TITLE)
    hold = hold_of(post)
    assert hold.previous_visibility == Visibility.HIDDEN
    release_hold(hold=hold, officer=officer, note="Not a patient.")
    # The moderator's decision stands: the guard let it go, but it is still hidden.
    assert Post.objects.get(pk=post.pk).visibility == Visibility.HIDDEN


def test_an_officers_note_to_the_author_is_read_by_the_guard(officer) -> None:
    post = PostFactory()
    comment = post_comment(thread=post.thread, author=PersonFactory(), body=PHI)
    hold = hold_of(comment)
    with pytest.raises(ValidationError, match="patient information"):
        release_hold(hold=hold, officer=officer, note="Fine: John Carter MRN 4481923 consented")
    hold.refresh_from_db()
    assert hold.is_open
