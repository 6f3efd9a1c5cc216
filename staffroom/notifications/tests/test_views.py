from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Post
from staffroom.channels.tests.factories import PostFactory
from staffroom.discussion.services import post_comment, react
from staffroom.notifications.models import Notification
from staffroom.notifications.queries import unread_count
from staffroom.organisation.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

LIST = "/notifications/"  # reverse() here would import every view at collection time
MARK = "/notifications/read/"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def nurse(client: Client) -> Person:
    person = PersonFactory(username="grace.okafor", first_name="Grace", last_name="Okafor")
    client.force_login(person)
    return person


def mention(person: Person, *, post: Post | None = None, by: Person | None = None) -> None:
    post = post or PostFactory()
    post_comment(thread=post.thread, author=by or PersonFactory(), body=f"Hi @{person.username}")


def test_the_list_shows_mentions_replies_and_reactions_newest_first(
    client: Client, nurse: Person
) -> None:
    ana = PersonFactory(first_name="Ana", last_name="Silva")
    post = PostFactory(title="Handover at 7")
    mine = post_comment(thread=post.thread, author=nurse, body="Mine")
    post_comment(thread=post.thread, author=ana, body="Answer", parent=mine)
    react(person=ana, thread=post.thread, comment=mine, kind="like")
    mention(nurse, post=PostFactory(title="Rota changes"), by=ana)
    body = client.get(LIST).content.decode()
    assert body.index("Ana Silva mentioned you in") < body.index(
        "Ana Silva reacted to your comment"
    )
    assert body.index("reacted to your comment") < body.index("Ana Silva replied to you on")
    assert "Handover at 7" in body
    assert "Rota changes" in body
    assert body.count("notification--unread") == 3


def test_notifications_about_posts_the_person_can_no_longer_see_are_hidden(
    client: Client, nurse: Person
) -> None:
    post = PostFactory(title="Soon restricted")
    mention(nurse, post=post)
    post.audience_departments.set([DepartmentFactory()])
    Post.objects.filter(pk=post.pk).update(audience_restricted=True)
    assert "Soon restricted" not in client.get(LIST).content.decode()


def test_the_unread_count_leaves_out_posts_the_person_can_no_longer_see(nurse: Person) -> None:
    post = PostFactory(title="Soon restricted")
    mention(nurse, post=post)
    mention(nurse)
    assert unread_count(nurse) == 2
    post.audience_departments.set([DepartmentFactory()])
    Post.objects.filter(pk=post.pk).update(audience_restricted=True)
    assert unread_count(nurse) == 1


def test_opening_a_notification_marks_it_read_and_goes_to_the_comment(
    client: Client, nurse: Person
) -> None:
    post = PostFactory()
    mention(nurse, post=post)
    notification = Notification.objects.get()
    response = client.post(reverse("notifications:open", kwargs={"pk": notification.pk}))
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{notification.comment_id}"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_following_a_notification_link_goes_there_without_marking_it_read(
    client: Client, nurse: Person
) -> None:
    post = PostFactory()
    mention(nurse, post=post)
    notification = Notification.objects.get()
    response = client.get(reverse("notifications:open", kwargs={"pk": notification.pk}))
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{notification.comment_id}"
    notification.refresh_from_db()
    assert notification.read_at is None


def test_nobody_opens_someone_elses_notification(client: Client, nurse: Person) -> None:
    mention(PersonFactory())
    notification = Notification.objects.get()
    response = client.post(reverse("notifications:open", kwargs={"pk": notification.pk}))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_one_read_without_javascript_redirects_to_the_list(
    client: Client, nurse: Person
) -> None:
    mention(nurse)
    mention(nurse)
    first = Notification.objects.order_by("pk").first()
    assert first is not None
    response = client.post(MARK, {"notification": first.pk})
    assert response["Location"] == LIST
    assert unread_count(nurse) == 1


def test_marking_one_read_with_htmx_returns_the_item_without_its_button(
    client: Client, nurse: Person
) -> None:
    mention(nurse)
    notification = Notification.objects.get()
    body = client.post(MARK, {"notification": notification.pk}, headers=HTMX).content.decode()
    assert f'id="notification-{notification.pk}"' in body
    assert "notification--unread" not in body
    assert "Mark as read" not in body


def test_marking_all_read_without_javascript_and_with_htmx(client: Client, nurse: Person) -> None:
    mention(nurse)
    mention(nurse)
    client.post(MARK, {"all": "1"})
    assert unread_count(nurse) == 0
    mention(nurse)
    body = client.post(MARK, {"all": "1"}, headers=HTMX).content.decode()
    assert 'id="notifications"' in body
    assert "<html" not in body
    assert unread_count(nurse) == 0


def test_marking_read_never_touches_someone_elses_notifications(
    client: Client, nurse: Person
) -> None:
    other = PersonFactory()
    mention(other)
    client.post(MARK, {"all": "1"})
    client.post(MARK, {"notification": Notification.objects.get().pk})
    assert unread_count(other) == 1


def test_the_header_shows_the_unread_count(client: Client, nurse: Person) -> None:
    mention(nurse)
    mention(nurse)
    body = client.get(LIST).content.decode()
    assert '<span class="badge">2<span class="visually-hidden"> unread</span>' in body


def test_show_older_notifications_continues_with_htmx(client: Client, nurse: Person) -> None:
    post = PostFactory()
    author = PersonFactory()
    for i in range(32):
        post_comment(thread=post.thread, author=author, body=f"{i} @grace.okafor")
    page = client.get(LIST)
    cursor = page.context["page"].next_cursor
    assert cursor
    body = client.get(LIST, {"cursor": cursor}, headers=HTMX).content.decode()
    assert body.count('class="notification notification--unread"') == 2
    assert "<html" not in body


def test_the_list_costs_the_same_queries_for_few_or_many_notifications(
    client: Client, nurse: Person, query_count: Callable[[Callable[[], object]], int]
) -> None:
    author = PersonFactory()
    post = PostFactory()
    post_comment(thread=post.thread, author=author, body="@grace.okafor")
    client.get(LIST)  # the first request also sets up the session
    few = query_count(lambda: client.get(LIST))
    for i in range(40):
        post_comment(thread=PostFactory().thread, author=PersonFactory(), body=f"{i} @grace.okafor")
    many = query_count(lambda: client.get(LIST))
    assert few == many


def channel_post_for(person: Person, *, title: str = "Flu jabs") -> Post:
    post = PostFactory(title=title)
    Notification.objects.create(
        recipient=person, kind=Notification.Kind.CHANNEL_POST, actor=post.author, thread=post.thread
    )
    return post


def batched_reaction_for(person: Person) -> Notification:
    post = PostFactory(title="Handover at 7")
    mine = post_comment(thread=post.thread, author=person, body="Mine")
    for _ in range(3):
        react(person=PersonFactory(), thread=post.thread, comment=mine, kind="like")
    return Notification.objects.get(recipient=person, kind=Notification.Kind.REACTION, comment=mine)


def test_marking_one_read_works_for_a_batched_reaction_and_a_channel_post(
    client: Client, nurse: Person
) -> None:
    batch = batched_reaction_for(nurse)
    channel_post_for(nurse)
    assert unread_count(nurse) == 2
    body = client.post(MARK, {"notification": batch.pk}, headers=HTMX).content.decode()
    assert "and 2 others reacted to your comment on" in body
    assert "notification--unread" not in body
    assert unread_count(nurse) == 1
    other = Notification.objects.get(kind=Notification.Kind.CHANNEL_POST)
    client.post(MARK, {"notification": other.pk})
    assert unread_count(nurse) == 0


def test_marking_all_read_covers_the_new_kinds(client: Client, nurse: Person) -> None:
    batched_reaction_for(nurse)
    channel_post_for(nurse)
    mention(nurse)
    body = client.post(MARK, {"all": "1"}, headers=HTMX).content.decode()
    assert "New post in" in body
    assert "notification--unread" not in body
    assert unread_count(nurse) == 0


def test_opening_a_channel_post_notification_goes_to_the_post(
    client: Client, nurse: Person
) -> None:
    post = channel_post_for(nurse)
    notification = Notification.objects.get()
    response = client.post(reverse("notifications:open", kwargs={"pk": notification.pk}))
    assert response["Location"] == post.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_channel_post_the_person_can_no_longer_see_is_neither_listed_nor_counted(
    client: Client, nurse: Person
) -> None:
    post = channel_post_for(nurse, title="Soon restricted")
    post.audience_departments.set([DepartmentFactory()])
    Post.objects.filter(pk=post.pk).update(audience_restricted=True)
    assert unread_count(nurse) == 0
    assert "Soon restricted" not in client.get(LIST).content.decode()


def test_the_list_costs_the_same_queries_with_many_batches_and_channel_posts(
    client: Client, nurse: Person, query_count: Callable[[Callable[[], object]], int]
) -> None:
    batched_reaction_for(nurse)
    channel_post_for(nurse)
    client.get(LIST)
    few = query_count(lambda: client.get(LIST))
    for i in range(15):
        if i % 5 == 0:
            batched_reaction_for(nurse)
        channel_post_for(nurse, title=f"Post {i}")
    many = query_count(lambda: client.get(LIST))
    assert few == many


def test_marking_read_with_htmx_also_updates_the_bell_out_of_band(
    client: Client, nurse: Person
) -> None:
    mention(nurse)
    mention(nurse)
    first = Notification.objects.order_by("pk").first()
    assert first is not None
    body = client.post(MARK, {"notification": first.pk}, headers=HTMX).content.decode()
    assert 'id="notification-bell"' in body
    assert 'hx-swap-oob="true"' in body
    assert '<span class="badge">1<span class="visually-hidden"> unread</span>' in body
    body = client.post(MARK, {"all": "1"}, headers=HTMX).content.decode()
    assert 'hx-swap-oob="true"' in body
    assert "unread</span>" not in body.split('id="notification-bell"')[1]
