"""Found in the security review of the discussion: each test failed before its fix."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Post
from staffroom.channels.tests.factories import PostFactory
from staffroom.discussion.models import Comment, Reaction
from staffroom.discussion.services import post_comment, react
from staffroom.notifications.models import Notification
from staffroom.notifications.queries import unread_count
from staffroom.organisation.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _restrict(post: Post, department) -> None:
    """Narrow a live post's audience to one department, as editing it would."""
    post.audience_departments.set([department])
    Post.objects.filter(pk=post.pk).update(audience_restricted=True)


# --- Submission keys ---------------------------------------------------------------------------


def test_a_submission_key_from_another_discussion_never_returns_that_comment() -> None:
    department = DepartmentFactory()
    secret = PostFactory(audience_departments=[department])
    key = uuid.uuid4()
    post_comment(
        thread=secret.thread,
        author=PersonFactory(department=department),
        body="Words only the department may read",
        submission_key=key,
    )
    outsider = PersonFactory(department=DepartmentFactory())
    open_post = PostFactory()
    client = Client()
    client.force_login(outsider)

    response = client.post(
        reverse("discussion:comment", kwargs={"thread_id": open_post.thread.pk}),
        {"body": "Hello", "submission_key": str(key)},
        headers=HTMX,
    )

    assert "Words only the department may read" not in response.content.decode()
    assert not Comment.objects.filter(thread=open_post.thread).exists()


def test_someone_elses_submission_key_is_refused_with_a_message() -> None:
    post = PostFactory()
    key = uuid.uuid4()
    post_comment(thread=post.thread, author=PersonFactory(), body="Mine", submission_key=key)

    with pytest.raises(ValidationError, match="already used"):
        post_comment(thread=post.thread, author=PersonFactory(), body="Yours", submission_key=key)
    assert Comment.objects.count() == 1


def test_the_same_form_sent_twice_by_its_author_still_makes_one_comment() -> None:
    post = PostFactory()
    author = PersonFactory()
    key = uuid.uuid4()
    first = post_comment(thread=post.thread, author=author, body="Once", submission_key=key)

    again = post_comment(thread=post.thread, author=author, body="Once", submission_key=key)

    assert again == first
    assert Comment.objects.count() == 1


# --- Notifications about discussions the recipient may not see ------------------------------


def test_no_reply_notification_for_someone_who_may_no_longer_see_the_post() -> None:
    department = DepartmentFactory()
    post = PostFactory()
    alice = PersonFactory(department=DepartmentFactory())
    hers = post_comment(thread=post.thread, author=alice, body="First")
    _restrict(post, department)

    post_comment(
        thread=post.thread,
        author=PersonFactory(department=department),
        body="A reply in a narrower audience",
        parent=hers,
    )

    assert not Notification.objects.filter(recipient=alice).exists()
    assert unread_count(alice) == 0


def test_no_reaction_notification_for_someone_who_may_no_longer_see_the_post() -> None:
    department = DepartmentFactory()
    post = PostFactory()
    alice = PersonFactory(department=DepartmentFactory())
    hers = post_comment(thread=post.thread, author=alice, body="First")
    _restrict(post, department)

    react(
        person=PersonFactory(department=department), thread=post.thread, comment=hers, kind="like"
    )

    assert not Notification.objects.filter(recipient=alice).exists()


def test_replies_and_reactions_are_still_notified_to_people_who_see_the_post() -> None:
    post = PostFactory()
    alice = PersonFactory()
    hers = post_comment(thread=post.thread, author=alice, body="First")
    bob = PersonFactory()

    post_comment(thread=post.thread, author=bob, body="Reply", parent=hers)
    react(person=bob, thread=post.thread, comment=hers, kind="like")

    kinds = set(Notification.objects.filter(recipient=alice).values_list("kind", flat=True))
    assert kinds == {Notification.Kind.REPLY, Notification.Kind.REACTION}


# --- Every discussion address by id, for someone who may not see the post -------------------


def _outside_cases():
    department = DepartmentFactory()
    restricted = PostFactory(audience_departments=[department])
    draft = PostFactory(status=Post.Status.DRAFT, published_at=None)
    archived = PostFactory(status=Post.Status.ARCHIVED)
    insider = PersonFactory(department=department)
    cases = []
    for post in (restricted, draft, archived):
        author = insider if post is restricted else post.author
        comment = post_comment(thread=post.thread, author=author, body="Behind the audience")
        cases.append((post, comment))
    return cases


@pytest.mark.parametrize(
    ("method", "name", "by", "data"),
    [
        ("get", "discussion:thread", "thread", {}),
        ("get", "discussion:thread", "thread", {"cursor": "x"}),
        ("post", "discussion:comment", "thread", {"body": "Sneaky"}),
        ("post", "discussion:react", "thread", {"kind": "like"}),
        ("get", "discussion:comment_link", "comment", {}),
        ("post", "discussion:comment_react", "comment", {"kind": "like"}),
        ("get", "discussion:comment_edit", "comment", {}),
        ("post", "discussion:comment_edit", "comment", {"body": "Changed"}),
        ("post", "discussion:comment_delete", "comment", {}),
        ("get", "discussion:comment_history", "comment", {}),
    ],
)
def test_every_discussion_address_is_404_for_someone_who_may_not_see_the_post(
    method: str, name: str, by: str, data: dict[str, str]
) -> None:
    client = Client()
    client.force_login(PersonFactory(department=DepartmentFactory()))
    for post, comment in _outside_cases():
        kwargs = {"thread_id": post.thread.pk} if by == "thread" else {"comment_id": comment.pk}
        response = getattr(client, method)(reverse(name, kwargs=kwargs), data)
        assert response.status_code == 404, (name, post.status)
        htmx = getattr(client, method)(reverse(name, kwargs=kwargs), data, headers=HTMX)
        assert htmx.status_code == 404, (name, post.status)
    comments = Comment.objects.all()
    assert [c.body for c in comments] == ["Behind the audience"] * 3
    assert not any(c.is_deleted for c in comments)
    assert not Notification.objects.exists()
    assert not Reaction.objects.exists()
