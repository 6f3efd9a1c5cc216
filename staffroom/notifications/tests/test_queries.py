"""A moderation or privacy notice names its subject only when the reader may see it now: a
held or removed post's title can be the patient information it was withheld for (review
finding 2a)."""

from __future__ import annotations

import pytest
from django.test import Client

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.channels.models import Post
from staffroom.channels.tests.factories import PostFactory
from staffroom.core.items import kind_of
from staffroom.core.models import Visibility
from staffroom.discussion.models import Comment
from staffroom.discussion.services import post_comment
from staffroom.moderation import services as moderation
from staffroom.notifications.models import Notification
from staffroom.notifications.queries import notification_page

pytestmark = pytest.mark.django_db

PHI_TITLE = "Mr John Carter MRN 4481923 fall on ward 5"


def moderator() -> Person:
    person = PersonFactory()
    RoleGrantFactory(person=person, role=Role.MODERATOR)
    return person


def titles(person: Person) -> list[str]:
    return [item.subject_title for item in notification_page(viewer=person).items]


def withhold(post: Post, visibility: str) -> None:
    Post.objects.filter(pk=post.pk).update(title=PHI_TITLE)
    post.refresh_from_db()
    kind_of(post).set_visibility(post, visibility)


@pytest.mark.parametrize("visibility", [Visibility.HELD, Visibility.HIDDEN, Visibility.REMOVED])
def test_a_notice_about_a_comment_on_a_withheld_post_does_not_name_the_post(
    visibility: str,
) -> None:
    post = PostFactory(title="Rota changes")
    alice = PersonFactory()
    comment = post_comment(thread=post.thread, author=alice, body="Nice work everyone.")
    moderation.hide_item(
        obj=Comment.objects.get(pk=comment.pk), moderator=moderator(), reason="Off topic"
    )
    assert titles(alice) == ["Rota changes"]  # while the post is there, it is named

    withhold(post, visibility)

    shown = titles(alice)
    assert shown == ["a post you can no longer see"]
    client = Client()
    client.force_login(alice)
    page = client.get("/notifications/").content.decode()
    assert "4481923" not in page
    assert "a post you can no longer see" in page


def test_the_author_of_a_held_post_reads_that_it_is_under_review_not_its_title() -> None:
    bob = PersonFactory()
    post = PostFactory(author=bob, title="Rota changes")
    withhold(post, Visibility.HELD)
    Notification.objects.create(
        recipient=bob, kind=Notification.Kind.PRIVACY, thread=post.thread, message="Sent back"
    )
    assert titles(bob) == ["your post under privacy review"]
    kind_of(post).set_visibility(Post.objects.get(pk=post.pk), Visibility.REMOVED)
    assert titles(bob) == ["your post, not shown to others"]


def test_a_notice_about_a_visible_post_still_names_it() -> None:
    bob = PersonFactory()
    post = PostFactory(author=bob, title="Rota changes")
    Notification.objects.create(
        recipient=bob, kind=Notification.Kind.MODERATION, thread=post.thread, message="Edited"
    )
    item = notification_page(viewer=bob).items[0]
    assert item.subject_title == "Rota changes"
    assert item.url == post.get_absolute_url()
