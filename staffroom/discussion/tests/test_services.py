from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.tests.factories import PostFactory
from staffroom.discussion.models import Backlink, Comment, Mention, Reaction, Thread
from staffroom.discussion.services import (
    delete_comment,
    edit_comment,
    post_comment,
    react,
    record_backlinks,
    record_mentions,
    recount_thread,
)
from staffroom.notifications.models import Notification
from staffroom.organisation.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def post():
    return PostFactory()


def fresh(thread: Thread) -> Thread:
    return Thread.objects.get(pk=thread.pk)


def test_a_top_level_comment_has_depth_zero_and_no_root(post) -> None:
    comment = post_comment(thread=post.thread, author=PersonFactory(), body="  Hello ward  ")
    assert (comment.depth, comment.parent_id, comment.root_id) == (0, None, None)
    assert comment.body == "Hello ward"
    assert "Hello ward" in comment.body_html


def test_replies_go_two_levels_deep_and_deeper_replies_join_the_second_level(post) -> None:
    ana, ben, cy = PersonFactory(), PersonFactory(), PersonFactory()
    top = post_comment(thread=post.thread, author=ana, body="Top")
    reply = post_comment(thread=post.thread, author=ben, body="Reply", parent=top)
    deeper = post_comment(thread=post.thread, author=cy, body="Deeper", parent=reply)
    deepest = post_comment(thread=post.thread, author=ana, body="Deepest", parent=deeper)
    assert (reply.depth, reply.parent_id, reply.root_id) == (1, top.pk, top.pk)
    assert (deeper.depth, deeper.parent_id, deeper.root_id, deeper.reply_to_id) == (
        2,
        reply.pk,
        top.pk,
        None,
    )
    assert (deepest.depth, deepest.parent_id, deepest.root_id, deepest.reply_to_id) == (
        2,
        reply.pk,
        top.pk,
        deeper.pk,
    )
    assert Comment.objects.get(pk=reply.pk).reply_count == 2
    assert fresh(post.thread).comment_count == 4


def test_an_empty_or_oversized_comment_is_refused_and_nothing_is_stored(post) -> None:
    with pytest.raises(ValidationError, match="Write something"):
        post_comment(thread=post.thread, author=PersonFactory(), body="   ")
    with pytest.raises(ValidationError, match="at most 10,000"):
        post_comment(thread=post.thread, author=PersonFactory(), body="x" * 10_001)
    assert not Comment.objects.exists()
    assert fresh(post.thread).comment_count == 0


def test_a_closed_discussion_takes_no_new_comments(post) -> None:
    Thread.objects.filter(pk=post.thread.pk).update(is_locked=True)
    with pytest.raises(ValidationError, match="closed"):
        post_comment(thread=post.thread, author=PersonFactory(), body="Hello")
    assert not Comment.objects.exists()


def test_the_same_form_sent_twice_makes_one_comment(post) -> None:
    key = uuid.uuid4()
    author = PersonFactory()
    first = post_comment(thread=post.thread, author=author, body="Once", submission_key=key)
    second = post_comment(thread=post.thread, author=author, body="Once", submission_key=key)
    assert first.pk == second.pk
    assert Comment.objects.count() == 1
    assert fresh(post.thread).comment_count == 1


def test_posting_a_comment_bumps_the_thread_version(post) -> None:
    before = post.thread.version
    post_comment(thread=post.thread, author=PersonFactory(), body="Hi")
    assert fresh(post.thread).version == before + 1


def test_the_author_of_the_comment_replied_to_is_notified_but_not_for_their_own_reply(
    post,
) -> None:
    ana, ben = PersonFactory(), PersonFactory()
    top = post_comment(thread=post.thread, author=ana, body="Top")
    post_comment(thread=post.thread, author=ana, body="Adding to myself", parent=top)
    assert not Notification.objects.exists()
    reply = post_comment(thread=post.thread, author=ben, body="Answer", parent=top)
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.actor) == (
        ana,
        Notification.Kind.REPLY,
        ben,
    )
    assert notification.comment == reply


def test_a_reply_to_a_second_level_reply_notifies_the_person_answered(post) -> None:
    ana, ben, cy = PersonFactory(), PersonFactory(), PersonFactory()
    top = post_comment(thread=post.thread, author=ana, body="Top")
    reply = post_comment(thread=post.thread, author=ana, body="Reply", parent=top)
    deeper = post_comment(thread=post.thread, author=ben, body="Deeper", parent=reply)
    Notification.objects.all().delete()
    post_comment(thread=post.thread, author=cy, body="To Ben", parent=deeper)
    assert list(Notification.objects.values_list("recipient", flat=True)) == [ben.pk]


def test_mentions_notify_only_people_who_can_see_the_subject_and_never_the_author() -> None:
    ward = DepartmentFactory()
    post = PostFactory(audience_departments=[ward])
    author = PersonFactory(username="ana.author", unit__department=ward)
    inside = PersonFactory(username="in.side", unit__department=ward)
    outside = PersonFactory(username="out.side")
    record_mentions(
        thread=post.thread,
        author=author,
        usernames=["in.side", "OUT.SIDE", "ana.author", "nobody.here"],
    )
    assert set(Mention.objects.values_list("person__username", flat=True)) == {
        "in.side",
        "out.side",
        "ana.author",
    }
    assert list(Notification.objects.values_list("recipient", "kind")) == [
        (inside.pk, Notification.Kind.MENTION)
    ]
    assert outside.pk not in Notification.objects.values_list("recipient", flat=True)


def test_recording_the_same_mentions_again_notifies_nobody_twice(post) -> None:
    PersonFactory(username="grace.okafor")
    author = PersonFactory()
    record_mentions(thread=post.thread, author=author, usernames=["grace.okafor"])
    again = record_mentions(thread=post.thread, author=author, usernames=["grace.okafor"])
    assert again == []
    assert Notification.objects.count() == 1


def test_people_who_have_left_are_not_mentioned(post) -> None:
    PersonFactory(username="gone.away", is_active=False)
    assert (
        record_mentions(thread=post.thread, author=PersonFactory(), usernames=["gone.away"]) == []
    )


def test_a_mention_in_a_comment_notifies_the_colleague(post) -> None:
    colleague = PersonFactory(username="priya.r")
    comment = post_comment(thread=post.thread, author=PersonFactory(), body="Thanks @priya.r!")
    notification = Notification.objects.get(kind=Notification.Kind.MENTION)
    assert notification.recipient == colleague
    assert notification.comment == comment
    assert Mention.objects.get().comment == comment


def test_editing_keeps_the_old_words_and_marks_the_comment_edited(post) -> None:
    author = PersonFactory()
    comment = post_comment(thread=post.thread, author=author, body="First words")
    edited = edit_comment(comment=comment, editor=author, body="Better words")
    assert edited.body == "Better words"
    assert "Better words" in edited.body_html
    assert edited.edited_at is not None
    assert list(edited.revisions.values_list("body", flat=True)) == ["First words"]


def test_only_the_author_can_edit_a_comment(post) -> None:
    comment = post_comment(thread=post.thread, author=PersonFactory(), body="Mine")
    with pytest.raises(ValidationError):
        edit_comment(comment=comment, editor=PersonFactory(), body="Yours now")
    assert Comment.objects.get(pk=comment.pk).body == "Mine"


def test_an_edit_notifies_only_newly_mentioned_people(post) -> None:
    PersonFactory(username="first.one")
    second = PersonFactory(username="second.one")
    author = PersonFactory()
    comment = post_comment(thread=post.thread, author=author, body="Hi @first.one")
    edit_comment(comment=comment, editor=author, body="Hi @first.one and @second.one")
    assert Notification.objects.filter(kind="mention").count() == 2
    assert Notification.objects.filter(kind="mention", recipient=second).count() == 1


def test_a_removed_comment_keeps_its_replies_and_leaves_the_count(post) -> None:
    ana, ben = PersonFactory(), PersonFactory()
    top = post_comment(thread=post.thread, author=ana, body="Top")
    reply = post_comment(thread=post.thread, author=ben, body="Reply", parent=top)
    delete_comment(comment=top, by=ana)
    top.refresh_from_db()
    assert top.is_deleted
    assert top.deleted_by == ana
    assert Comment.objects.filter(pk=reply.pk, parent=top, deleted_at__isnull=True).exists()
    assert fresh(post.thread).comment_count == 1
    delete_comment(comment=top, by=ana)  # twice changes nothing
    assert fresh(post.thread).comment_count == 1


def test_reactions_toggle_change_and_count_one_per_person(post) -> None:
    ana, ben = PersonFactory(), PersonFactory()
    thread = post.thread
    assert react(person=ana, thread=thread, kind="like") == "like"
    assert react(person=ben, thread=thread, kind="like") == "like"
    assert fresh(thread).reaction_counts == {"like": 2}
    assert react(person=ana, thread=thread, kind="thanks") == "thanks"
    assert (fresh(thread).reaction_counts, fresh(thread).reaction_total) == (
        {"like": 1, "thanks": 1},
        2,
    )
    assert react(person=ana, thread=thread, kind="thanks") is None
    assert (fresh(thread).reaction_counts, fresh(thread).reaction_total) == ({"like": 1}, 1)
    assert Reaction.objects.count() == 1


def test_reactions_to_a_comment_are_counted_on_the_comment(post) -> None:
    comment = post_comment(thread=post.thread, author=PersonFactory(), body="Hi")
    react(person=PersonFactory(), thread=post.thread, comment=comment, kind="support")
    comment.refresh_from_db()
    assert (comment.reaction_counts, comment.reaction_total) == ({"support": 1}, 1)
    assert fresh(post.thread).reaction_total == 0


def test_an_unknown_reaction_is_refused(post) -> None:
    with pytest.raises(ValidationError):
        react(person=PersonFactory(), thread=post.thread, kind="angry")
    assert not Reaction.objects.exists()


def test_reactions_notify_the_author_once_while_unread(post) -> None:
    author = PersonFactory()
    comment = post_comment(thread=post.thread, author=author, body="Hi")
    react(person=PersonFactory(), thread=post.thread, comment=comment, kind="like")
    react(person=PersonFactory(), thread=post.thread, comment=comment, kind="thanks")
    assert Notification.objects.filter(recipient=author, kind="reaction").count() == 1
    react(person=author, thread=post.thread, comment=comment, kind="like")
    assert Notification.objects.filter(kind="reaction").count() == 1


def test_a_reaction_to_a_post_notifies_its_author(post) -> None:
    react(person=PersonFactory(), thread=post.thread, kind="celebrate")
    assert Notification.objects.get().recipient == post.author


def test_links_to_other_posts_are_recorded_once_as_backlinks(post) -> None:
    other = PostFactory()
    paths = [other.get_absolute_url(), "/nowhere/", post.get_absolute_url()]
    assert record_backlinks(source=post.thread, paths=paths) == 1
    assert record_backlinks(source=post.thread, paths=paths) == 0
    link = Backlink.objects.get()
    assert (link.source, link.target) == (post.thread, other.thread)


def test_recount_rebuilds_every_counter(post) -> None:
    ana, ben = PersonFactory(), PersonFactory()
    top = post_comment(thread=post.thread, author=ana, body="Top")
    post_comment(thread=post.thread, author=ben, body="Reply", parent=top)
    react(person=ben, thread=post.thread, kind="like")
    react(person=ana, thread=post.thread, comment=top, kind="thanks")
    Thread.objects.update(comment_count=99, reaction_counts={}, reaction_total=0)
    Comment.objects.update(reply_count=7, reaction_counts={}, reaction_total=0)
    thread = recount_thread(thread=post.thread)
    assert (thread.comment_count, thread.reaction_counts, thread.reaction_total) == (
        2,
        {"like": 1},
        1,
    )
    top.refresh_from_db()
    assert (top.reply_count, top.reaction_counts, top.reaction_total) == (1, {"thanks": 1}, 1)


def test_the_recount_command_reports_how_many_threads_it_recounted(post, capsys) -> None:
    Thread.objects.update(comment_count=5)
    call_command("recount_discussion")
    assert "1" in capsys.readouterr().out
    assert fresh(post.thread).comment_count == 0


def test_people_mentioned_in_a_draft_are_told_when_it_goes_live() -> None:
    from django.utils import timezone

    from staffroom.channels.models import Post

    post = PostFactory(status=Post.Status.DRAFT, published_at=None)
    colleague = PersonFactory(username="priya.r")
    author = PersonFactory()
    record_mentions(thread=post.thread, author=author, usernames=["priya.r"])
    assert not Notification.objects.exists()
    Post.objects.filter(pk=post.pk).update(
        status=Post.Status.PUBLISHED, published_at=timezone.now()
    )
    record_mentions(thread=post.thread, author=author, usernames=["priya.r"])
    record_mentions(thread=post.thread, author=author, usernames=["priya.r"])
    assert list(Notification.objects.values_list("recipient", flat=True)) == [colleague.pk]
