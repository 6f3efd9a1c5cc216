"""Abuse limits: per person and per address, answered with 429, shared across processes."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
import redis
import time_machine
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PASSWORD, PersonFactory, RoleGrantFactory
from staffroom.channels.models import Channel, Post
from staffroom.channels.tests.factories import ChannelFactory, PostFactory
from staffroom.core.ratelimit import Rate, client_ip, parse_rate, rate_limit
from staffroom.discussion.models import Comment
from staffroom.discussion.services import post_comment
from staffroom.organisation.tests.factories import DepartmentFactory, UnitFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
LOGIN = reverse("accounts:login")
SEARCH = reverse("search:search")
NOON = datetime(2030, 3, 4, 12, 0, 0, tzinfo=UTC)  # later than test data; on a 10-minute boundary
GENEROUS = "1000/m"
WINDOW_START = NOON - timedelta(days=1, seconds=-1)


def limits(**overrides: dict[str, str]) -> dict[str, dict[str, str]]:
    """Every action generous, except those the test tightens."""
    actions = ("sign_in", "post", "comment", "react", "vote", "flag", "search")
    configured = {action: {"per_person": GENEROUS, "per_ip": GENEROUS} for action in actions}
    configured.update(overrides)
    return configured


@pytest.fixture(autouse=True)
def limits_on(settings: Any) -> Iterator[None]:
    """Test settings switch the limiter off for the rest of the suite; here it is on."""
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = limits()
    cache.clear()
    # Counters are per fixed window: start each test just after a 10-minute boundary, so a
    # minute turning over mid-test can't reset a count the test is about to exceed.
    with time_machine.travel(WINDOW_START, tick=True):
        yield
    cache.clear()


def signed_in(person: Person, address: str = "127.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.force_login(person)
    return client


def comment_url(post: Post) -> str:
    return reverse("discussion:comment", kwargs={"thread_id": post.thread.pk})


def send_comment(client: Client, post: Post, body: str = "Well done", **kw: Any) -> Any:
    return client.post(comment_url(post), {"body": body, "submission_key": str(uuid.uuid4())}, **kw)


# --- Reading the configuration ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("30/10m", Rate(30, 600)),
        ("5/m", Rate(5, 60)),
        ("100/h", Rate(100, 3600)),
        ("1000/d", Rate(1000, 86400)),
        (" 20 / 30s ", Rate(20, 30)),
    ],
)
def test_a_rate_reads_as_a_count_per_window(text: str, rate: Rate) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["off", "", "OFF", None])
def test_a_rate_can_be_switched_off(text: str | None) -> None:
    assert parse_rate(text) is None


@pytest.mark.parametrize("text", ["30", "30/", "thirty/m", "30/10w", "0/m", "30/0m", "-1/m"])
def test_a_malformed_rate_fails_loudly(text: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        parse_rate(text)


def test_every_default_limit_parses_and_per_address_limits_are_looser_than_per_person() -> None:
    from django.conf import settings as django_settings

    from config import settings as real_settings

    assert django_settings.RATE_LIMITS_ENABLED is True  # the fixture; real default checked below
    assert real_settings.RATE_LIMITS_ENABLED is True
    for action, scopes in real_settings.RATE_LIMITS.items():
        rates = {scope: parse_rate(text) for scope, text in scopes.items()}
        assert rates["per_ip"] is not None, action
        person = rates.get("per_person")
        if person is not None:
            ip = rates["per_ip"]
            assert ip.limit / ip.seconds >= 10 * person.limit / person.seconds, action


def test_a_view_for_an_unconfigured_action_fails_at_import_time() -> None:
    with pytest.raises(ImproperlyConfigured, match="no entry"):
        rate_limit("teleport")


# --- Posting ---------------------------------------------------------------------------------


@pytest.fixture
def channel() -> Channel:
    department = DepartmentFactory()
    return ChannelFactory(kind=Channel.Kind.DEPARTMENT, department=department, slug="emergency")


def make_editor(channel: Channel) -> Person:
    person = PersonFactory(unit=UnitFactory(department=channel.department))
    RoleGrantFactory(person=person, role=Role.CHANNEL_EDITOR, department=channel.department)
    return person


def post_data(title: str) -> dict[str, str]:
    return {
        "title": title,
        "summary": "What changes.",
        "body": "The rota changes.",
        "tags": "",
        "action": "publish",
        "submission_key": str(uuid.uuid4()),
    }


def test_posting_past_the_limit_gets_429_with_retry_after_and_nothing_is_saved(
    settings: Any, channel: Channel
) -> None:
    settings.RATE_LIMITS = limits(post={"per_person": "2/h", "per_ip": GENEROUS})
    editor = make_editor(channel)
    url = reverse("channels:post_create", kwargs={"slug": channel.slug})
    with time_machine.travel(NOON, tick=False):
        client = signed_in(editor)  # inside: a session from today would be long expired
        assert client.post(url, post_data("One")).status_code == 302
        assert client.post(url, post_data("Two")).status_code == 302
        response = client.post(url, post_data("Three"))
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    body = response.content.decode()
    assert "Please try again in 60 minutes" in body
    assert ">Back</a>" in body
    assert 'class="site-header"' in body  # the whole page, for a browser without JavaScript
    assert Post.objects.count() == 2


def test_opening_the_post_form_does_not_count(settings: Any, channel: Channel) -> None:
    settings.RATE_LIMITS = limits(post={"per_person": "1/h", "per_ip": "1/h"})
    client = signed_in(make_editor(channel))
    url = reverse("channels:post_create", kwargs={"slug": channel.slug})
    for _ in range(5):
        assert client.get(url).status_code == 200
    assert client.post(url, post_data("Only")).status_code == 302
    assert client.get(url).status_code == 200  # the form still opens once limited
    assert client.post(url, post_data("Again")).status_code == 429


def test_editing_a_post_counts_against_the_same_posting_limit(
    settings: Any, channel: Channel
) -> None:
    settings.RATE_LIMITS = limits(post={"per_person": "1/h", "per_ip": GENEROUS})
    editor = make_editor(channel)
    client = signed_in(editor)
    post = PostFactory(channel=channel, author=editor)
    url = reverse("channels:post_edit", kwargs={"pk": post.pk})
    assert client.get(url).status_code == 200
    client.post(url, {**post_data("First edit"), "action": "draft"})
    assert client.post(url, {**post_data("Second edit"), "action": "draft"}).status_code == 429


def test_one_person_reaching_their_limit_leaves_colleagues_unaffected(
    settings: Any, channel: Channel
) -> None:
    settings.RATE_LIMITS = limits(post={"per_person": "1/h", "per_ip": GENEROUS})
    url = reverse("channels:post_create", kwargs={"slug": channel.slug})
    busy, colleague = signed_in(make_editor(channel)), signed_in(make_editor(channel))
    busy.post(url, post_data("One"))
    assert busy.post(url, post_data("Two")).status_code == 429
    assert colleague.post(url, post_data("Three")).status_code == 302  # same address, too


# --- Comments and reactions ------------------------------------------------------------------


@pytest.fixture
def post() -> Post:
    return PostFactory(title="Handover at 7")


def test_a_limited_htmx_comment_gets_a_notice_above_the_page_and_leaves_the_form(
    settings: Any, post: Post
) -> None:
    settings.RATE_LIMITS = limits(comment={"per_person": "1/10m", "per_ip": GENEROUS})
    person = PersonFactory()
    with time_machine.travel(NOON + timedelta(minutes=7), tick=False):
        client = signed_in(person)
        assert send_comment(client, post, headers=HTMX).status_code == 200
        response = send_comment(client, post, "My long careful reply", headers=HTMX)
    assert response.status_code == 429
    assert response["Retry-After"] == "180"
    # htmx puts the notice at the top of the main area instead of replacing the form, so the
    # text stays in the text box (staffroom.js lets htmx swap this 429).
    assert response["HX-Retarget"] == "#main"
    assert response["HX-Reswap"] == "afterbegin"
    body = response.content.decode()
    assert 'id="rate-limit-notice"' in body
    assert 'role="alert"' in body
    assert "Please try again in 3 minutes" in body
    assert "<html" not in body
    assert 'id="comment-form"' not in body
    assert Comment.objects.count() == 1


def test_the_notice_says_one_minute_in_the_singular(settings: Any, post: Post) -> None:
    settings.RATE_LIMITS = limits(comment={"per_person": "1/10m", "per_ip": GENEROUS})
    person = PersonFactory()
    with time_machine.travel(NOON + timedelta(minutes=9, seconds=30), tick=False):
        client = signed_in(person)
        send_comment(client, post)
        response = send_comment(client, post)
    assert response["Retry-After"] == "30"
    assert "Please try again in 1 minute." in response.content.decode()


def test_the_page_is_in_the_persons_language(settings: Any, post: Post) -> None:
    settings.RATE_LIMITS = limits(comment={"per_person": "1/10m", "per_ip": GENEROUS})
    client = signed_in(PersonFactory(preferred_language="es"))
    send_comment(client, post)
    response = send_comment(client, post)
    assert response.status_code == 429
    assert '<html lang="es">' in response.content.decode()


def test_the_limit_lifts_when_the_window_ends(settings: Any, post: Post) -> None:
    settings.RATE_LIMITS = limits(comment={"per_person": "2/10m", "per_ip": GENEROUS})
    person = PersonFactory()
    with time_machine.travel(NOON, tick=False) as clock:
        client = signed_in(person)
        assert send_comment(client, post, "one").status_code == 302
        assert send_comment(client, post, "two").status_code == 302
        assert send_comment(client, post, "three").status_code == 429
        clock.shift(timedelta(minutes=5))
        limited = send_comment(client, post, "four")
        assert limited.status_code == 429
        assert limited["Retry-After"] == "300"
        clock.shift(timedelta(minutes=5, seconds=1))
        assert send_comment(client, post, "five").status_code == 302


def test_replies_and_comment_edits_count_as_comments(settings: Any, post: Post) -> None:
    settings.RATE_LIMITS = limits(comment={"per_person": "2/10m", "per_ip": GENEROUS})
    person = PersonFactory()
    client = signed_in(person)
    mine = post_comment(thread=post.thread, author=person, body="First")
    edit_url = reverse("discussion:comment_edit", kwargs={"comment_id": mine.pk})
    assert client.get(edit_url).status_code == 200  # opening the edit form is free
    assert client.post(edit_url, {"body": "First, edited"}).status_code == 302
    reply = {"body": "A reply", "parent": mine.pk, "submission_key": str(uuid.uuid4())}
    assert client.post(comment_url(post), reply).status_code == 302
    assert client.post(edit_url, {"body": "Edited again"}).status_code == 429


def test_reactions_are_limited_per_person(settings: Any, post: Post) -> None:
    settings.RATE_LIMITS = limits(react={"per_person": "2/m", "per_ip": GENEROUS})
    client = signed_in(PersonFactory())
    url = reverse("discussion:react", kwargs={"thread_id": post.thread.pk})
    assert client.post(url, {"kind": "thanks"}).status_code == 302
    assert client.post(url, {"kind": "thanks"}).status_code == 302
    assert client.post(url, {"kind": "thanks"}, headers=HTMX).status_code == 429
    other = signed_in(PersonFactory())
    assert other.post(url, {"kind": "thanks"}).status_code == 302


def test_people_behind_one_address_share_its_generous_limit(settings: Any, post: Post) -> None:
    settings.RATE_LIMITS = limits(comment={"per_person": GENEROUS, "per_ip": "3/10m"})
    ward = [signed_in(PersonFactory(), address="81.2.69.160") for _ in range(3)]
    for client in ward:
        assert send_comment(client, post).status_code == 302
    assert send_comment(ward[0], post).status_code == 429
    elsewhere = signed_in(PersonFactory(), address="81.2.69.142")
    assert send_comment(elsewhere, post).status_code == 302


# --- Search ----------------------------------------------------------------------------------


def test_searching_is_limited_per_person_but_the_empty_search_page_is_free(settings: Any) -> None:
    settings.RATE_LIMITS = limits(search={"per_person": "2/m", "per_ip": GENEROUS})
    client = signed_in(PersonFactory())
    for _ in range(3):
        assert client.get(SEARCH).status_code == 200
    assert client.get(SEARCH, {"q": "rota"}).status_code == 200
    assert client.get(SEARCH, {"q": "rota"}, headers=HTMX).status_code == 200
    limited = client.get(SEARCH, {"q": "rota"})
    assert limited.status_code == 429
    assert "Retry-After" in limited
    assert signed_in(PersonFactory()).get(SEARCH, {"q": "rota"}).status_code == 200


def test_searching_is_limited_per_address(settings: Any) -> None:
    settings.RATE_LIMITS = limits(search={"per_person": GENEROUS, "per_ip": "2/m"})
    for _ in range(2):
        assert signed_in(PersonFactory()).get(SEARCH, {"q": "rota"}).status_code == 200
    assert signed_in(PersonFactory()).get(SEARCH, {"q": "rota"}).status_code == 429


# --- Signing in ------------------------------------------------------------------------------


def test_sign_in_is_limited_per_address_before_any_password_is_hashed(settings: Any) -> None:
    settings.RATE_LIMITS = limits(sign_in={"per_ip": "3/10m"})
    PersonFactory(username="amara.nwosu")
    client = Client(REMOTE_ADDR="81.2.69.160")
    original_verify, original_encode = MD5PasswordHasher.verify, MD5PasswordHasher.encode
    with (
        mock.patch.object(
            MD5PasswordHasher, "verify", autospec=True, side_effect=original_verify
        ) as verify,
        mock.patch.object(
            MD5PasswordHasher, "encode", autospec=True, side_effect=original_encode
        ) as encode,
    ):
        for guess in ("wrong-1", "wrong-2"):
            response = client.post(LOGIN, {"username": "amara.nwosu", "password": guess})
            assert response.status_code == 200
        assert verify.call_count + encode.call_count >= 2  # the spy sees real attempts
        verify.reset_mock()
        encode.reset_mock()
        assert client.post(LOGIN, {"username": "nobody.here", "password": "x"}).status_code == 200
        limited = client.post(LOGIN, {"username": "amara.nwosu", "password": PASSWORD})
        assert limited.status_code == 429
        assert int(limited["Retry-After"]) > 0
        verify.reset_mock()
        encode.reset_mock()
        client.post(LOGIN, {"username": "amara.nwosu", "password": PASSWORD})
        assert verify.call_count == 0
        assert encode.call_count == 0
    assert client.get(LOGIN).status_code == 200  # the sign-in page itself still opens
    other_site = Client(REMOTE_ADDR="81.2.69.142")
    assert (
        other_site.post(LOGIN, {"username": "amara.nwosu", "password": PASSWORD}).status_code == 302
    )


def test_a_forged_forwarded_for_header_is_ignored_without_a_trusted_proxy(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    settings.RATE_LIMITS = limits(sign_in={"per_ip": "2/10m"})
    for n in range(2):
        Client(REMOTE_ADDR="81.2.69.160", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}").post(
            LOGIN, {"username": "x", "password": "y"}
        )
    fresh_header = Client(REMOTE_ADDR="81.2.69.160", HTTP_X_FORWARDED_FOR="10.9.9.99")
    assert fresh_header.post(LOGIN, {"username": "x", "password": "y"}).status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATE_LIMITS = limits(sign_in={"per_ip": "2/10m"})

    def attempt(client_address: str, forged: str = "") -> int:
        chain = f"{forged}, {client_address}" if forged else client_address
        client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=chain)
        return client.post(LOGIN, {"username": "x", "password": "y"}).status_code

    assert attempt("81.2.69.160") == 200
    assert attempt("81.2.69.160", forged="1.2.3.4") == 200
    assert attempt("81.2.69.160", forged="5.6.7.8") == 429  # the forged part changes nothing
    assert attempt("81.2.69.142") == 200  # another client behind the same proxy


def test_the_address_is_the_one_sign_in_records_use(settings: Any) -> None:
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXY_COUNT = 2
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 81.2.69.160, 10.0.0.5"
    )
    assert client_ip(request) == "81.2.69.160"
    assert get_client_ip_address(request) == "81.2.69.160"
    short = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="81.2.69.160")
    assert client_ip(short) == "10.0.0.1"


# --- New actions plug in with one line -------------------------------------------------------


@pytest.mark.parametrize("action", ["vote", "flag"])
def test_voting_and_flagging_views_are_limited_with_one_decorator(
    settings: Any, action: str
) -> None:
    settings.RATE_LIMITS = limits(**{action: {"per_person": "1/h", "per_ip": GENEROUS}})

    @rate_limit(action)
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("counted")

    request = RequestFactory().post("/")
    request.user = PersonFactory()
    assert view(request).status_code == 200
    assert view(request).status_code == 429


def test_with_limits_switched_off_nothing_is_counted(settings: Any, post: Post) -> None:
    settings.RATE_LIMITS_ENABLED = False
    settings.RATE_LIMITS = limits(comment={"per_person": "1/h", "per_ip": "1/h"})
    client = signed_in(PersonFactory())
    for n in range(3):
        assert send_comment(client, post, f"comment {n}").status_code == 302


# --- Shared by every app server process ------------------------------------------------------


REDIS_DB = 13  # a database of its own; the settings test uses 15


@pytest.fixture
def redis_cache() -> Iterator[redis.Redis]:
    prefix = f"staffroom-ratelimit-test-{os.getpid()}"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "KEY_PREFIX": prefix,
        }
    }
    server = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    server.flushdb()
    with override_settings(CACHES=caches):
        yield server
    server.flushdb()


def test_two_app_servers_share_the_count_through_redis(
    settings: Any, post: Post, redis_cache: redis.Redis
) -> None:
    settings.RATE_LIMITS = limits(comment={"per_person": "3/10m", "per_ip": GENEROUS})
    person = PersonFactory()
    first_server, second_server = signed_in(person), signed_in(person)
    assert send_comment(first_server, post, "one").status_code == 302
    assert send_comment(second_server, post, "two").status_code == 302
    assert send_comment(first_server, post, "three").status_code == 302
    assert send_comment(second_server, post, "four").status_code == 429
    # The count lives in the Redis server, where another process would read it.
    keys = [
        key if isinstance(key, str) else key.decode()
        for key in redis_cache.keys(f"*ratelimit:comment:per_person:{person.pk}:*")
    ]
    assert len(keys) == 1
    assert int(redis_cache.get(keys[0]) or 0) == 4
    assert 0 < redis_cache.ttl(keys[0]) <= 601


def test_the_database_cache_keeps_the_count_for_the_whole_window(settings: Any, post: Post) -> None:
    # Without Redis the cache is a database table. Django's generic incr() would rewrite the
    # entry with the default 5-minute timeout, forgetting attempts in a longer window.
    table = "staffroom_ratelimit_test_cache"
    caches = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table}
    }
    settings.RATE_LIMITS = limits(comment={"per_person": "3/h", "per_ip": GENEROUS})
    person = PersonFactory()
    with override_settings(CACHES=caches):
        call_command("createcachetable", verbosity=0)
        with time_machine.travel(NOON, tick=False) as clock:
            first_server, second_server = signed_in(person), signed_in(person)
            assert send_comment(first_server, post, "one").status_code == 302
            clock.shift(timedelta(minutes=6))
            assert send_comment(second_server, post, "two").status_code == 302
            clock.shift(timedelta(minutes=6))
            assert send_comment(first_server, post, "three").status_code == 302
            clock.shift(timedelta(minutes=6))
            assert send_comment(second_server, post, "four").status_code == 429
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT cache_key FROM {table}")  # noqa: S608  # our own table name
            keys = [row[0] for row in cursor.fetchall()]
    assert any(f"ratelimit:comment:per_person:{person.pk}:" in key for key in keys)


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("", "", None),  # e.g. a server on a Unix socket: nothing to record
        ("10.0.0.1", "not-an-address", "10.0.0.1"),
        ("10.0.0.1", "", "10.0.0.1"),
        ("10.0.0.1", " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_only_valid_addresses_are_used(
    settings: Any, remote: str, forwarded: str, expected: str | None
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
