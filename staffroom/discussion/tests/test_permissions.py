from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Post
from staffroom.channels.tests.factories import ChannelEditorFactory, PostFactory
from staffroom.discussion.models import Thread
from staffroom.discussion.permissions import (
    can_comment,
    can_delete_comment,
    can_edit_comment,
    can_react,
    check_comment,
    check_delete_comment,
    check_edit_comment,
    check_react,
)
from staffroom.discussion.services import delete_comment, post_comment
from staffroom.discussion.tests.factories import subject_of

pytestmark = pytest.mark.django_db


def test_anyone_who_sees_an_open_discussion_may_comment_and_react() -> None:
    post = PostFactory()
    person = PersonFactory()
    subject = subject_of(post, person)
    assert can_comment(person, subject)
    assert can_react(person, subject)
    check_comment(person, subject)
    check_react(person, subject)


def test_nobody_comments_or_reacts_in_a_closed_discussion() -> None:
    post = PostFactory()
    Thread.objects.filter(pk=post.thread.pk).update(is_locked=True)
    post.thread.refresh_from_db()
    person = PersonFactory()
    subject = subject_of(post, person)
    assert not can_comment(person, subject)
    with pytest.raises(PermissionDenied, match="closed"):
        check_comment(person, subject)
    with pytest.raises(PermissionDenied, match="closed"):
        check_react(person, subject)


@pytest.mark.parametrize("visibility", ["held", "hidden", "removed"])
def test_a_subject_others_cant_see_takes_no_comments_or_reactions_even_from_its_author(
    visibility: str,
) -> None:
    post = PostFactory()
    Post.objects.filter(pk=post.pk).update(visibility=visibility)
    post.refresh_from_db()
    subject = subject_of(post, post.author)
    assert not can_comment(post.author, subject)
    assert not can_react(post.author, subject)
    with pytest.raises(PermissionDenied, match="visible"):
        check_comment(post.author, subject)
    with pytest.raises(PermissionDenied):
        check_react(post.author, subject)


def test_only_the_author_edits_and_not_once_removed() -> None:
    post = PostFactory()
    author, other = PersonFactory(), PersonFactory()
    comment = post_comment(thread=post.thread, author=author, body="Hi")
    assert can_edit_comment(author, comment)
    assert not can_edit_comment(other, comment)
    with pytest.raises(PermissionDenied):
        check_edit_comment(other, comment)
    removed = delete_comment(comment=comment, by=author)
    assert not can_edit_comment(author, removed)


def test_the_author_and_the_channel_editors_may_remove_a_comment() -> None:
    post = PostFactory()
    author, other = PersonFactory(), PersonFactory()
    editor = ChannelEditorFactory(channel=post.channel).person
    comment = post_comment(thread=post.thread, author=author, body="Hi")
    assert can_delete_comment(author, comment, subject_of(post, author))
    assert can_delete_comment(editor, comment, subject_of(post, editor))
    assert not can_delete_comment(other, comment, subject_of(post, other))
    with pytest.raises(PermissionDenied):
        check_delete_comment(other, comment, subject_of(post, other))


def test_nobody_reacts_to_a_removed_comment() -> None:
    post = PostFactory()
    author = PersonFactory()
    comment = delete_comment(
        comment=post_comment(thread=post.thread, author=author, body="Hi"), by=author
    )
    assert not can_react(PersonFactory(), subject_of(post, author), comment)
