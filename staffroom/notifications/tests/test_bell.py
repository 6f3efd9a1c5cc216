"""The header's bell: one bounded query per page, a light refresh with htmx, current on each
page load without it, and never a reason to stay signed in."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PASSWORD, PersonFactory
from staffroom.channels.tests.factories import PostFactory
from staffroom.notifications.models import Notification
from staffroom.notifications.queries import UNREAD_SHOWN_UP_TO
from staffroom.notifications.templatetags.notifications import shown_unread_count

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


@pytest.mark.parametrize("unread", [0, 3, UNREAD_SHOWN_UP_TO + 50])
def test_the_bell_adds_exactly_one_query_to_a_page_whatever_the_unread_count(
    client: Client, ben: Person, unread: int
) -> None:
    client.get(PAGE)  # the first request also sets up the session
    without = page_queries(client)
    notify(ben, unread)
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
