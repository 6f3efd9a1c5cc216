"""The header's bell: one bounded query per page, a light refresh with htmx, current on each
page load without it, and never a reason to stay signed in."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PASSWORD, PersonFactory
from staffroom.channels.models import Post
from staffroom.channels.tests.factories import PostFactory
from staffroom.core.models import Visibility
from staffroom.discussion.models import Comment
from staffroom.discussion.services import post_comment
from staffroom.notifications.models import Notification
from staffroom.notifications.queries import (
    FINGERPRINT_ROWS,
    UNREAD_SHOWN_UP_TO,
    cached_unread_count,
    unread_count,
)
from staffroom.notifications.templatetags.notifications import shown_unread_count
from staffroom.organisation.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

BELL = "/notifications/bell/"
PAGE = "/me/"  # a normal page with the header and nothing else about notifications
HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/me/"}
POLL = {**HTMX, "X-Staffroom-Poll": "1"}


@pytest.fixture
def ben(client: Client) -> Person:
    person: Person = PersonFactory(username="ben.okoro")
    client.force_login(person)
    return person


def notify(person: Person, count: int) -> None:
    thread_id = PostFactory().thread_id
    Notification.objects.bulk_create(
        Notification(recipient=person, kind=Notification.Kind.MENTION, thread_id=thread_id)
        for _ in range(count)
    )


def page_queries(client: Client) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(PAGE)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("unread", [0, 3, UNREAD_SHOWN_UP_TO + 50, FINGERPRINT_ROWS + 20])
def test_the_bell_adds_exactly_one_query_to_a_page_whatever_the_unread_count(
    client: Client, ben: Person, unread: int
) -> None:
    client.get(PAGE)  # the first request also sets up the session
    without = page_queries(client)
    notify(ben, unread)
    # Told by the unread rows themselves (none is about a restricted post): no cache needed,
    # the same single query on the first page after a change as on every other.
    sql = page_queries(client)
    assert len(sql) == len(without)
    about_notifications = [q for q in sql if "notifications_notification" in q]
    assert len(about_notifications) == 1
    # The same page with the bell taken out costs one query less: the count, alone, is it.
    request = client.get(PAGE).wsgi_request
    del request._unread_notifications  # type: ignore[attr-defined]
    with CaptureQueriesContext(connection) as ctx:
        shown_unread_count(request)
        shown_unread_count(request)  # memoised per request
    assert len(ctx.captured_queries) == 1


def test_the_cached_count_follows_every_change_it_depends_on(client: Client, ben: Person) -> None:
    """Kept per person under a fingerprint of the state, never for a time: a new or read
    notification, a post held or taken off the person's audience shows on the next page."""
    post = PostFactory()
    Notification.objects.bulk_create(
        Notification(recipient=ben, kind=Notification.Kind.MENTION, thread_id=post.thread_id)
        for _ in range(2)
    )
    other = PersonFactory()
    Notification.objects.create(
        recipient=other, kind=Notification.Kind.MENTION, thread_id=post.thread_id
    )
    assert cached_unread_count(ben) == unread_count(ben) == 2
    assert cached_unread_count(other) == 1  # nothing shared between people
    notify(ben, 1)
    assert cached_unread_count(ben) == 3
    first = Notification.objects.filter(recipient=ben).order_by("id").first()
    assert first is not None
    Notification.objects.filter(pk=first.pk).update(read_at=timezone.now())
    assert cached_unread_count(ben) == unread_count(ben) == 2
    # The post is held (its version moves with it): its notifications no longer count.
    Post.objects.filter(pk=post.pk).update(visibility=Visibility.HELD, version=F("version") + 1)
    assert cached_unread_count(ben) == unread_count(ben) == 1
    Post.objects.filter(pk=post.pk).update(visibility=Visibility.VISIBLE, version=F("version") + 1)
    assert cached_unread_count(ben) == 2
    # A mention in a comment a moderator hid no longer counts.
    comment = post_comment(thread=post.thread, author=other, body="@someone")
    Notification.objects.create(
        recipient=ben, kind=Notification.Kind.MENTION, thread=post.thread, comment=comment
    )
    assert cached_unread_count(ben) == unread_count(ben) == 3
    Comment.objects.filter(pk=comment.pk).update(visibility=Visibility.HIDDEN)
    assert cached_unread_count(ben) == unread_count(ben) == 2
    # A post scheduled for later doesn't count until its time comes.
    later = PostFactory(
        status=Post.Status.SCHEDULED, published_at=timezone.now() + timedelta(hours=1)
    )
    Notification.objects.create(
        recipient=ben, kind=Notification.Kind.CHANNEL_POST, thread_id=later.thread_id
    )
    assert cached_unread_count(ben) == unread_count(ben) == 2
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert cached_unread_count(ben) == unread_count(ben) == 3
    Notification.objects.filter(thread_id=later.thread_id).delete()
    # Restricted to another department (the audience lists aren't in the unread rows: the
    # count is cached, and the person's own department is in its key).
    department = DepartmentFactory()
    Post.objects.filter(pk=post.pk).update(audience_restricted=True, version=F("version") + 1)
    post.audience_departments.set([department])
    assert cached_unread_count(ben) == unread_count(ben) == 1  # the other post's
    assert cached_unread_count(ben) == 1  # from the cache
    Person.objects.filter(pk=ben.pk).update(department=department)
    ben.refresh_from_db()
    assert cached_unread_count(ben) == unread_count(ben) == 2


def test_a_restricted_post_costs_its_count_once_per_change(client: Client, ben: Person) -> None:
    client.get(PAGE)
    without = page_queries(client)
    department = DepartmentFactory()
    Person.objects.filter(pk=ben.pk).update(department=department)
    post = PostFactory(audience_departments=[department])
    Notification.objects.create(
        recipient=ben, kind=Notification.Kind.MENTION, thread_id=post.thread_id
    )
    first = page_queries(client)  # the count (and the department, for the audience rule)
    assert len(first) <= len(without) + 2
    assert len(page_queries(client)) == len(without)
    assert '<span class="badge">1<span' in client.get(PAGE).content.decode()


def test_without_javascript_the_count_is_current_on_each_page_load(
    client: Client, ben: Person
) -> None:
    assert "unread</span>" not in client.get(PAGE).content.decode()
    notify(ben, 2)
    assert '<span class="badge">2<span class="visually-hidden"> unread</span>' in (
        client.get(PAGE).content.decode()
    )
    notify(ben, UNREAD_SHOWN_UP_TO)
    assert f'<span class="badge">{UNREAD_SHOWN_UP_TO}+<span' in client.get(PAGE).content.decode()


def test_the_bell_polls_every_minute_with_what_it_shows(client: Client, ben: Person) -> None:
    notify(ben, 2)
    body = client.get(PAGE).content.decode()
    assert 'id="notification-bell"' in body
    assert 'hx-get="/notifications/bell/"' in body
    assert 'hx-trigger="every 60s"' in body
    assert 'hx-vals=\'{"shown": "2"}\'' in body


def test_the_refresh_answers_204_when_nothing_changed(client: Client, ben: Person) -> None:
    notify(ben, 2)
    response = client.get(BELL, {"shown": "2"}, headers=POLL)
    assert response.status_code == 204
    assert response.content == b""
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_the_refresh_returns_the_bell_alone_when_the_count_changed(
    client: Client, ben: Person
) -> None:
    notify(ben, 3)
    response = client.get(BELL, {"shown": "2"}, headers=POLL)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<span id="notification-bell"')
    assert '<span class="badge">3<span class="visually-hidden"> unread</span>' in body
    assert "<html" not in body
    assert "no-cache" in response["Cache-Control"]
    assert 'aria-current="page"' not in body


def test_the_refreshed_bell_keeps_marking_the_notifications_page_as_current(
    client: Client, ben: Person
) -> None:
    notify(ben, 1)
    on_list = {**POLL, "HX-Current-URL": "http://testserver/notifications/?cursor=x"}
    body = client.get(BELL, {"shown": ""}, headers=on_list).content.decode()
    assert 'aria-current="page"' in body


def test_the_refresh_without_htmx_goes_to_the_notifications(client: Client, ben: Person) -> None:
    response = client.get(BELL)
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"


def test_the_refresh_tells_htmx_to_stop_once_signed_out(client: Client) -> None:
    response = client.get(BELL, {"shown": "2"}, headers=POLL)
    assert response.status_code == 286
    assert response.content == b""
    # Not from htmx: the sign-in page, as every page for signed-in people.
    response = client.get(BELL)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


def test_the_refresh_does_not_keep_an_idle_session_alive(client: Client) -> None:
    person = PersonFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.post("/account/sign-in/", {"username": person.username, "password": PASSWORD})
        assert client.get(PAGE).status_code == 200
    for minutes in (20, 40, 59):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get(BELL, {"shown": ""}, headers=POLL).status_code == 204
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        response = client.get(BELL, {"shown": ""}, headers=POLL)
    # The page is sent to the sign-in form: a screen left open doesn't stay signed in.
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/account/sign-in/")
    assert not get_user(client).is_authenticated
