"""Scale-out, proven over real HTTP (issue 8, docs/decisions/0030-scale-out.md).

Two app servers (gunicorn, DEBUG off, as in production) on different ports share one
PostgreSQL database and one Redis; nginx balances between them round robin, with no sticky
sessions. Whatever one server does, the other must know at once: who is signed in, votes,
rate-limit counts, signing out, and which cached fragments are stale.

The test makes its own PostgreSQL database (whatever DATABASE_URL says, so it runs in both CI
legs) and drops it at the end, and uses its own cache key prefix in Redis, removed at the end.
PostgreSQL, Redis and nginx are real parts of this test: when one is missing it fails.

Where they are: SCALEOUT_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres,
the server's maintenance database) and SCALEOUT_REDIS_URL (default redis://127.0.0.1:6379/11).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from scripts.stack import (
    PYTHON,
    ROOT,
    SESSION_COOKIE,
    Browser,
    Stack,
    StackError,
    collect_static,
    need,
    production_env,
)

POSTGRES_URL = os.environ.get(
    "SCALEOUT_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/11")
PASSWORD = "scale-out-passphrase-7"  # a throwaway account in a throwaway database
# Search may be used this many times per person in a (30-day) window: small, so the test can
# pass it; a long window, so the count can't start again half-way through the test.
SEARCH_LIMIT = 4
# Failed sign-ins before an account is locked (django-axes, in the database).
FAILURE_LIMIT = 3
SIGNED_IN = 'action="/account/sign-out/"'  # the header's sign-out form: only for a person
VOTES = re.compile(r'vote-box__number">\s*(\d+)\s*<')

# The people and ideas the test needs, made through the ORM in the servers' own environment.
# Normal accounts (not demo ones): with DEBUG off demo accounts can't sign in (decision 0004).
SETUP = """
import json
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.ideas.tests.factories import IdeaFactory
password = {password!r}
people = {{name: PersonFactory(username=name, password=password).username
          for name in ("voter", "searcher", "leaver", "walker", "commenter", "forgetful")}}
voting = IdeaFactory(title="Scale-out: quieter night rounds")
talking = IdeaFactory(title="Scale-out: a second idea to discuss")
print("SCALEOUT_JSON " + json.dumps({{
    "people": people, "voting_idea": voting.pk, "talking_idea": talking.pk,
    "talking_thread": talking.thread_id,
}}))
"""


@dataclass
class Cluster:
    a: str  # http://127.0.0.1:<port> of app server A
    b: str  # … of app server B
    balancer: str  # … of nginx in front of both
    ports: tuple[int, int]
    prefix: str  # CACHE_KEY_PREFIX, this run's own
    facts: dict[str, object]
    timings: dict[str, float] = field(default_factory=dict)

    def person(self, name: str) -> str:
        people = self.facts["people"]
        assert isinstance(people, dict)
        return str(people[name])


def _fail_without_services() -> None:
    """PostgreSQL, Redis and nginx are required: missing is a failure, never a skip."""
    import psycopg
    import redis

    try:
        need("nginx", "nginx")
    except StackError as error:
        pytest.fail(str(error))
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=5) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        pytest.fail(f"PostgreSQL is needed at {POSTGRES_URL}: {error}")
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=5).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis is needed at {REDIS_URL}: {error}")


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as connection:
        connection.execute(sql)  # our own statement, no input


def _manage(env: dict[str, str], *args: str) -> str:
    run = subprocess.run(  # fixed command list
        [str(PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if run.returncode != 0:
        pytest.fail(
            f"manage.py {' '.join(args[:1])} failed:\n{run.stdout[-2000:]}{run.stderr[-3000:]}"
        )
    return run.stdout


def _forget_redis_keys(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    _fail_without_services()
    started = time.monotonic()
    timings: dict[str, float] = {}
    database = f"staffroom_scaleout_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    prefix = f"scaleout-{uuid.uuid4().hex[:12]}"
    folder = Path(tempfile.mkdtemp(prefix="staffroom-scaleout-"))
    server = urllib.parse.urlsplit(POSTGRES_URL)
    database_url = urllib.parse.urlunsplit(server._replace(path=f"/{database}"))
    _admin(f'CREATE DATABASE "{database}"')
    try:
        env = production_env(
            database_url=database_url,
            data_dir=folder / "data",
            redis_url=REDIS_URL,
            CACHE_KEY_PREFIX=prefix,
            RATE_LIMIT_SEARCH_PER_PERSON=f"{SEARCH_LIMIT}/30d",
            LOGIN_FAILURE_LIMIT=str(FAILURE_LIMIT),
            STATIC_ROOT=str(folder / "static"),
        )
        mark = time.monotonic()
        _manage(env, "migrate", "--no-input", "-v0")
        timings["migrate"] = time.monotonic() - mark
        mark = time.monotonic()
        collect_static(env)
        timings["collectstatic"] = time.monotonic() - mark
        mark = time.monotonic()
        out = _manage(env, "shell", "-c", SETUP.format(password=PASSWORD))
        line = next(x for x in out.splitlines() if x.startswith("SCALEOUT_JSON "))
        facts = json.loads(line.removeprefix("SCALEOUT_JSON "))
        timings["people and ideas"] = time.monotonic() - mark
        with Stack(folder / "stack") as stack:
            mark = time.monotonic()
            a = stack.gunicorn(env=env, name="app-a")
            b = stack.gunicorn(env=env, name="app-b")
            balancer = stack.nginx(upstreams=[a.port, b.port], show_upstream=True)
            timings["servers up"] = time.monotonic() - mark
            timings["setup total"] = time.monotonic() - started
            yield Cluster(
                prefix=prefix,
                a=f"http://127.0.0.1:{a.port}",
                b=f"http://127.0.0.1:{b.port}",
                balancer=f"http://127.0.0.1:{balancer.port}",
                ports=(a.port, b.port),
                facts=facts,
                timings=timings,
            )
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        _forget_redis_keys(prefix)
        # A server's error is only a status code to the test: show its traceback.
        for log in sorted((folder / "stack").glob("*.log")):
            text = log.read_text(errors="replace")
            if "Traceback" in text:
                sys.stderr.write(f"\n--- {log.name}\n{text[-4000:]}\n")
        shutil.rmtree(folder, ignore_errors=True)
        timings["whole module"] = time.monotonic() - started
        sys.stderr.write(
            "\nscale-out timings (s): "
            + ", ".join(f"{name} {seconds:.1f}" for name, seconds in timings.items())
            + "\n"
        )


def _signed_in(cluster: Cluster, name: str, *, through: str) -> Browser:
    browser = Browser()
    browser.sign_in(through, cluster.person(name), PASSWORD)
    return browser


def _get_with_cookie(url: str, cookie: str) -> tuple[int, str, dict[str, str]]:
    """A GET carrying exactly `cookie` (a fresh browser's, redirects not followed)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310  # loopback
    return Browser()._open(request)  # the same client, one hand-made request


class _FormReader(HTMLParser):
    """The hidden fields of the first form posting to `action`, as a browser would send them
    (the CSRF token among them) when its only button is pressed."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.found = False
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and not self.found and values.get("action") == self.action:
            self.inside = self.found = True
        elif self.inside and tag == "input" and values.get("type") == "hidden":
            self.fields[values.get("name", "")] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def _form(body: str, action: str) -> dict[str, str]:
    reader = _FormReader(action)
    reader.feed(body)
    assert reader.found, f"the page has no form posting to {action}"
    return reader.fields


def _votes(body: str) -> int:
    match = VOTES.search(body)
    assert match, "the idea page shows no vote count"
    return int(match.group(1))


def test_signed_in_through_a_continues_through_b(cluster: Cluster) -> None:
    browser = _signed_in(cluster, "walker", through=cluster.a)
    session = browser.cookie(SESSION_COOKIE)
    for base in (cluster.b, cluster.a, cluster.b):
        status, body, _headers = browser.get(f"{base}/")
        assert status == 200, f"{base}/ answered {status} to a signed-in person"
        assert SIGNED_IN in body
    idea = cluster.facts["voting_idea"]
    status, body, _headers = browser.get(f"{cluster.b}/ideas/{idea}/")
    assert status == 200
    assert SIGNED_IN in body
    # Still the same session: B didn't start a new one.
    assert browser.cookie(SESSION_COOKIE) == session


def test_a_vote_through_a_is_counted_through_b_at_once(cluster: Cluster) -> None:
    browser = _signed_in(cluster, "voter", through=cluster.a)
    idea = cluster.facts["voting_idea"]
    status, body, _headers = browser.get(f"{cluster.b}/ideas/{idea}/")
    assert status == 200
    before = _votes(body)
    # The vote form's page through A (its CSRF token), then the form's real POST through A.
    status, body, _headers = browser.get(f"{cluster.a}/ideas/{idea}/")
    assert status == 200
    assert _votes(body) == before
    fields = _form(body, f"/ideas/{idea}/vote/")
    assert fields.get("action") == "vote"
    status, _body, _headers = browser.post(f"{cluster.a}/ideas/{idea}/vote/", fields)
    assert status == 302, f"the vote answered {status}"
    status, body, _headers = browser.get(f"{cluster.b}/ideas/{idea}/")
    assert status == 200
    assert _votes(body) == before + 1
    # And A agrees.
    _status, body, _headers = browser.get(f"{cluster.a}/ideas/{idea}/")
    assert _votes(body) == before + 1


def test_a_rate_limit_counts_attempts_on_both_servers(cluster: Cluster) -> None:
    browser = _signed_in(cluster, "searcher", through=cluster.b)
    servers = [cluster.a, cluster.b]
    answers = []
    for attempt in range(SEARCH_LIMIT + 2):
        base = servers[attempt % 2]
        status, _body, _headers = browser.get(f"{base}/search/?q=rounds{attempt}")
        answers.append(status)
    # Each server alone saw at most SEARCH_LIMIT // 2 + 1 searches: only a shared count
    # refuses the last two.
    assert answers == [200] * SEARCH_LIMIT + [429, 429], answers


def test_twenty_requests_through_nginx_stay_signed_in_on_both_servers(cluster: Cluster) -> None:
    browser = _signed_in(cluster, "walker", through=cluster.balancer)
    served_by = []
    for _ in range(20):
        status, body, headers = browser.get(f"{cluster.balancer}/")
        assert status == 200
        assert SIGNED_IN in body
        served_by.append(headers.get("X-Upstream", ""))
    # Round robin, no stickiness: both servers answered this one person.
    ports = {address.rsplit(":", 1)[-1] for address in served_by}
    assert ports == {str(port) for port in cluster.ports}, served_by


def test_signing_out_through_b_ends_the_session_on_a(cluster: Cluster) -> None:
    browser = _signed_in(cluster, "leaver", through=cluster.a)
    old_session = browser.cookie(SESSION_COOKIE)
    status, body, _headers = browser.get(f"{cluster.a}/")
    assert status == 200
    assert SIGNED_IN in body
    # The sign-out form through B (its token from B's page).
    status, body, _headers = browser.get(f"{cluster.b}/")
    assert status == 200
    fields = _form(body, "/account/sign-out/")
    status, _body, _headers = browser.post(f"{cluster.b}/account/sign-out/", fields)
    assert status == 302
    assert browser.cookie(SESSION_COOKIE) != old_session
    # Even presented with the old session cookie, A doesn't know it any more.
    status, _body, headers = _get_with_cookie(f"{cluster.a}/", f"{SESSION_COOKIE}={old_session}")
    assert status == 302, f"A still served a signed-out session ({status})"
    assert "/account/sign-in/" in headers.get("Location", "")


def test_a_comment_through_a_replaces_the_cached_thread_on_b(cluster: Cluster) -> None:
    browser = _signed_in(cluster, "commenter", through=cluster.b)
    idea = cluster.facts["talking_idea"]
    thread = cluster.facts["talking_thread"]
    words = f"Seen on both servers {uuid.uuid4().hex[:8]}"
    # B renders the idea page twice: its comment list is in the shared cache now.
    for _ in range(2):
        status, body, _headers = browser.get(f"{cluster.b}/ideas/{idea}/")
        assert status == 200
        assert words not in body
    # The comment form through A.
    status, body, _headers = browser.get(f"{cluster.a}/ideas/{idea}/")
    assert status == 200
    fields = _form(body, f"/discussion/{thread}/comments/")
    status, _body, _headers = browser.post(
        f"{cluster.a}/discussion/{thread}/comments/", {**fields, "body": words}
    )
    assert status == 302, f"the comment answered {status}"
    status, body, _headers = browser.get(f"{cluster.b}/ideas/{idea}/")
    assert status == 200
    assert words in body


def test_a_lockout_after_failures_on_both_servers_holds_on_both(cluster: Cluster) -> None:
    name = cluster.person("forgetful")
    servers = [cluster.a, cluster.b]
    browser = Browser()
    for attempt in range(FAILURE_LIMIT):
        base = servers[attempt % 2]
        status, _body, _headers = browser.get(f"{base}/account/sign-in/")
        assert status == 200
        status, _body, _headers = browser.post(
            f"{base}/account/sign-in/", {"username": name, "password": "not-the-password"}
        )
        # The failure that reaches the limit locks the account at once.
        expected = 429 if attempt == FAILURE_LIMIT - 1 else 200
        assert status == expected, f"failed sign-in {attempt + 1} answered {status}"
    # Neither server alone saw FAILURE_LIMIT failures, yet both refuse the right password.
    for base in servers:
        status, _body, _headers = browser.get(f"{base}/account/sign-in/")
        status, _body, _headers = browser.post(
            f"{base}/account/sign-in/", {"username": name, "password": PASSWORD}
        )
        assert status == 429, f"{base} let a locked account sign in ({status})"
        assert browser.cookie(SESSION_COOKIE) is None


def test_both_servers_cache_under_one_namespace(cluster: Cluster) -> None:
    """Same code, same template fingerprint in the key prefix: A's fragments are B's."""
    import redis

    browser = _signed_in(cluster, "walker", through=cluster.a)
    idea = cluster.facts["talking_idea"]
    for base in (cluster.a, cluster.b):
        status, _body, _headers = browser.get(f"{base}/ideas/{idea}/")
        assert status == 200
    client = redis.Redis.from_url(REDIS_URL)
    namespaces = {
        key.decode().split(":")[1] for key in client.scan_iter(match=f"{cluster.prefix}:*")
    }
    assert len(namespaces) == 1, namespaces
