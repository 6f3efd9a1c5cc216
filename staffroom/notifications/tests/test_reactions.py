"""Reactions are batched: one unread notification per item and recipient gathers them ("Ana
Lopez and 2 others reacted"), with a stored count; once read, the next reaction starts a new
one."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django.test import Client

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Post
from staffroom.channels.tests.factories import PostFactory
from staffroom.discussion.models import Comment
from staffroom.discussion.services import post_comment, react
from staffroom.ideas.tests.factories import IdeaFactory
from staffroom.notifications.models import Notification
from staffroom.notifications.queries import notification_page, unread_count
from staffroom.notifications.services import mark_read

pytestmark = pytest.mark.django_db


@pytest.fixture
def post() -> Post:
    return PostFactory(title="Handover at 7")


@pytest.fixture
def ben() -> Person:
    return PersonFactory(first_name="Ben", last_name="Okoro")


@pytest.fixture
def comment(post: Post, ben: Person) -> Comment:
    return post_comment(thread=post.thread, author=ben, body="I can cover Tuesday.")


def reactions(person: Person) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=person, kind=Notification.Kind.REACTION).order_by(
            "pk"
        )
    )


def named(first: str) -> Person:
    return PersonFactory(first_name=first, last_name="Lopez")


def test_reactions_to_one_comment_gather_in_one_notification_naming_the_latest(
    post: Post, ben: Person, comment: Comment
) -> None:
    for first in ("Ana", "Carla", "Dev"):
        react(person=named(first), thread=post.thread, comment=comment, kind="like")
    [notification] = reactions(ben)
    assert notification.actor is not None
    assert notification.actor.first_name == "Dev"
    assert notification.others_count == 2
    assert unread_count(ben) == 1


def test_the_list_says_who_and_how_many_others_reacted(
    client: Client, post: Post, ben: Person, comment: Comment
) -> None:
    react(person=named("Ana"), thread=post.thread, comment=comment, kind="like")
    client.force_login(ben)
    assert "Ana Lopez reacted to your comment on" in client.get("/notifications/").content.decode()
    react(person=named("Carla"), thread=post.thread, comment=comment, kind="thanks")
    body = client.get("/notifications/").content.decode()
    assert "Carla Lopez and 1 other reacted to your comment on" in body
    react(person=named("Dev"), thread=post.thread, comment=comment, kind="thanks")
    body = client.get("/notifications/").content.decode()
    assert "Dev Lopez and 2 others reacted to your comment on" in body
    assert "Handover at 7" in body
    assert body.count("notification--unread") == 1


def test_reactions_to_the_post_itself_are_batched_apart_from_those_to_a_comment(
    client: Client, post: Post, comment: Comment
) -> None:
    react(person=named("Ana"), thread=post.thread, kind="celebrate")
    react(person=named("Carla"), thread=post.thread, kind="like")
    react(person=named("Dev"), thread=post.thread, comment=comment, kind="like")
    author = post.author
    [on_post] = reactions(author)
    assert on_post.comment_id is None
    assert on_post.others_count == 1
    client.force_login(author)
    body = client.get("/notifications/").content.decode()
    assert "Carla Lopez and 1 other reacted to" in body
    item = notification_page(viewer=author).items[0]
    assert item.url == post.get_absolute_url()


def test_once_read_the_next_reaction_starts_a_new_notification(
    post: Post, ben: Person, comment: Comment
) -> None:
    react(person=named("Ana"), thread=post.thread, comment=comment, kind="like")
    react(person=named("Carla"), thread=post.thread, comment=comment, kind="like")
    mark_read(person=ben)
    react(person=named("Dev"), thread=post.thread, comment=comment, kind="like")
    old, new = reactions(ben)
    assert (old.others_count, old.read_at is not None) == (1, True)
    assert (new.others_count, new.read_at, new.actor.first_name) == (0, None, "Dev")  # type: ignore[union-attr]


def test_the_same_person_again_or_a_change_of_kind_adds_nobody(
    post: Post, ben: Person, comment: Comment
) -> None:
    ana = named("Ana")
    react(person=ana, thread=post.thread, comment=comment, kind="like")
    react(person=ana, thread=post.thread, comment=comment, kind="thanks")  # a change of kind
    react(person=ana, thread=post.thread, comment=comment, kind="thanks")  # taken back
    react(person=ana, thread=post.thread, comment=comment, kind="like")  # and again
    [notification] = reactions(ben)
    assert notification.others_count == 0


def test_a_withdrawn_reaction_does_not_take_one_off(
    post: Post, ben: Person, comment: Comment
) -> None:
    ana, carla = named("Ana"), named("Carla")
    react(person=ana, thread=post.thread, comment=comment, kind="like")
    react(person=carla, thread=post.thread, comment=comment, kind="like")
    react(person=carla, thread=post.thread, comment=comment, kind="like")  # withdrawn
    [notification] = reactions(ben)
    assert notification.others_count == 1


def test_a_batch_moves_to_the_top_of_the_list_with_its_latest_reaction(
    post: Post, ben: Person, comment: Comment
) -> None:
    react(person=named("Ana"), thread=post.thread, comment=comment, kind="like")
    post_comment(thread=PostFactory().thread, author=PersonFactory(), body="Hi @" + ben.username)
    react(person=named("Carla"), thread=post.thread, comment=comment, kind="like")
    kinds = [item.notification.kind for item in notification_page(viewer=ben).items]
    assert kinds == [Notification.Kind.REACTION, Notification.Kind.MENTION]


def test_the_anonymous_author_of_an_idea_reacts_unnamed() -> None:
    author = PersonFactory(first_name="Wren", last_name="Field")
    idea = IdeaFactory(author=author, is_anonymous=True)
    ben = PersonFactory()
    his = post_comment(thread=idea.thread, author=ben, body="We tried this on ward 3.")
    react(person=author, thread=idea.thread, comment=his, kind="thanks")
    [notification] = reactions(ben)
    assert notification.actor_id is None
    client = Client()
    client.force_login(ben)
    body = client.get("/notifications/").content.decode()
    assert "Someone reacted to your comment on" in body
    assert "Wren" not in body
    react(person=named("Ana"), thread=idea.thread, comment=his, kind="like")
    notification.refresh_from_db()
    assert (notification.actor.first_name, notification.others_count) == ("Ana", 1)  # type: ignore[union-attr]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database is shared-cache: it reports 'table is locked' "
    "instead of waiting, and SQLite serialises writers anyway",
)
@pytest.mark.django_db(transaction=True)
def test_simultaneous_reactions_and_mark_all_read_never_lose_or_split_a_batch() -> None:
    post = PostFactory()
    ben = PersonFactory()
    comment = post_comment(thread=post.thread, author=ben, body="Hello")

    def reacting(person: Person) -> Callable[[], object]:
        return lambda: react(person=person, thread=post.thread, comment=comment, kind="like")

    jobs = [reacting(p) for p in PersonFactory.create_batch(12)]
    errors = run_together(jobs)
    assert errors == []
    [notification] = reactions(ben)
    assert notification.others_count == 11

    # Reading while others react: every reaction lands in the read batch or a new unread
    # one, none is lost, and there is never more than one unread batch.
    jobs = [reacting(p) for p in PersonFactory.create_batch(8)]
    jobs.append(lambda: mark_read(person=ben))
    assert run_together(jobs) == []
    rows = reactions(ben)
    assert sum(1 + n.others_count for n in rows) == 20
    assert len([n for n in rows if n.read_at is None]) <= 1


def run_together(jobs: list[Callable[[], object]]) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(len(jobs))

    def run(job: Callable[[], object]) -> None:
        try:
            start.wait()
            job()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
