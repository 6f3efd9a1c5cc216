"""The HTTP benchmark of issue 8 (`make bench`, `make bench-quick`): Staffroom served as in
production, loaded with wrk, each page against the framework floor and nginx.

    .venv/bin/python scripts/bench_http.py                   # SQLite (+ PostgreSQL if DATABASE_URL)
    .venv/bin/python scripts/bench_http.py --write           # ... and update docs/benchmarks.md
    .venv/bin/python scripts/bench_http.py --quick           # demo data, 2 s runs: before a change
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/staffroom_bench \\
        .venv/bin/python scripts/bench_http.py --databases postgresql

For each database (SQLite always, in `--data-dir/<size>/staffroom.sqlite3` as
scripts/bench_pages.py keeps it; PostgreSQL when DATABASE_URL points at it: its database for
`large`, the same name with `_demo` for `demo`) and each size (`--sizes demo,large`):

1. build the demo hospital with `seed_demo` or reuse it (`migrate`, `createcachetable`,
   `seed_demo --size <size>`, `ANALYZE` on PostgreSQL), bring the busiest post and the most voted
   idea to 300 comments (once), and turn one real person of the dataset (`--user`, the demo
   `nurse`) into an ordinary account with a password of its own: demo accounts can't sign in
   with DEBUG off;
2. start gunicorn as in production (DEBUG off, collected static files not served by Django,
   sync workers with one thread, `--workers` of them) pinned to CPU 0; on PostgreSQL with Redis
   (cache and cached_db sessions, REDIS_URL or redis://127.0.0.1:6379/12), on SQLite with the
   embedded default (the database cache) unless `--redis`. The search rate limit is raised so
   the measurement is not refused (the limiter still counts every request);
3. sign in through the real form and, for every page, warm it, then load it with wrk pinned to
   CPU 1: at 16 connections (a warm-up run, then `--seconds`) and at 1 connection; the same bytes
   as a constant response through the same server (`/bench/floor/<name>`, the framework floor)
   at 16 and 1 connections; and nginx serving those bytes as a static file (the physical limit).
   The query count comes from the server itself (`X-Queries`). Any response that is not a 200,
   any wrk error and any run that read much less than the page's bytes stops the benchmark;
4. report each worker's resident memory, and on PostgreSQL run a few pages through two gunicorn
   processes behind nginx (the scale-out pair) and the vote burst (scripts/bench_votes.py).

The tables are printed; `--write` replaces this database's part of the section
"HTTP benchmark (issue 8)" of docs/benchmarks.md. Raw results go to data/bench-http/.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.stack import (  # noqa: E402  # the checkout's root is on the path only now
    PYTHON,
    Browser,
    Process,
    Stack,
    StackError,
    WrkResult,
    collect_static,
    need,
    production_env,
    wrk,
)

BENCHMARKS = ROOT / "docs" / "benchmarks.md"
SECTION = "## HTTP benchmark (issue 8)"
TARGET_RATIO = 0.5  # a page's requests/s as a share of its framework floor's
TARGET_P99_MS = 50.0  # at 16 connections
GROWTH_LIMIT = 0.15  # large's ratio may be at most 15% under demo's
RSS_LIMIT_MB = 250.0
APP_CPU = "0"
LOAD_CPU = "1"
BENCH_PASSWORD = "bench-http-not-a-demo-8"  # noqa: S105  # a local benchmark account
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"
SEARCH_LIMIT = "1000000/m"
RARE_WORD = "defibrillator"
COMMON_WORD = "patients"
# Every page of the issue, in the order of the report.
PAGE_KEYS = (
    "feed",
    "lets-talk",
    "department",
    "post",
    "initiative",
    "ideas-top",
    "ideas-trending",
    "ideas-newest",
    "ideas-updated",
    "ideas-filtered",
    "idea",
    "search-rare",
    "search-common",
    "notifications",
)
PAIR_KEYS = ("feed", "ideas-top", "post")
# A run that read less than this share of the page's bytes per response was not served the
# page (a redirect to the sign-in page, an error page).
MIN_BYTES_SHARE = 0.5


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


class BenchError(RuntimeError):
    """A page answered something other than itself: the measurement would be worthless."""


# --- The prepare step: a child process with Django set up ---------------------------------


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str
    note: str = ""


def choose_pages(username: str, keys: set[str]) -> list[Page]:
    """The pages of the issue, picked from the data as it is (for `username`)."""

    from staffroom.accounts.models import Person
    from staffroom.channels.models import Channel, Post
    from staffroom.ideas.models import Idea, Status
    from staffroom.ideas.queries import SORTS
    from staffroom.strategy.models import Initiative

    person = Person.objects.get(username=username)
    pages = [
        Page("feed", "Home feed", "/"),
        Page("lets-talk", "Let's Talk", "/channels/lets-talk/"),
    ]
    departments = Channel.objects.filter(kind=Channel.Kind.DEPARTMENT, is_archived=False)
    channel = (
        departments.filter(department_id=person.department_id).first()
        if person.department_id is not None
        else None
    )
    whose = f"{username}'s own department"
    if channel is None:
        channel = departments.order_by("-post_count", "id").first()
        whose = "the biggest department channel"
    if channel is not None:
        pages.append(
            Page(
                "department",
                "Department channel",
                channel.get_absolute_url(),
                f"{whose}, {channel.name}: {channel.post_count:,} posts",
            )
        )
    if "post" in keys:
        post = (
            Post.objects.visible_to(person)
            .select_related("thread")
            .order_by("-thread__comment_count", "-id")
            .first()
        )
        if post is not None:
            pages.append(
                Page(
                    "post",
                    "Post with the most comments",
                    f"/posts/{post.pk}/",
                    f"{post.thread.comment_count:,} comments",
                )
            )
    if "initiative" in keys:
        initiative = (
            Initiative.objects.filter(pillar__plan__is_current=True)
            .select_related("thread")
            .order_by("-thread__comment_count", "position", "id")
            .first()
        )
        if initiative is not None:
            pages.append(
                Page(
                    "initiative",
                    "Initiative",
                    initiative.get_absolute_url(),
                    f"the current plan's most discussed: "
                    f"{initiative.thread.comment_count:,} comments",
                )
            )
    pages += [
        Page(f"ideas-{sort}", f"Idea board, {sort}", f"/ideas/?sort={sort}") for sort in SORTS
    ]
    shown = Idea.objects.shown()
    if "ideas-filtered" in keys:
        from scripts.bench_pages import busiest_review_category

        category = busiest_review_category()
        if category is not None:
            pages.append(
                Page(
                    "ideas-filtered",
                    "Idea board, filtered",
                    f"/ideas/?sort=top&status={Status.UNDER_REVIEW}"
                    f"&category={category['category_id']}",
                    f"under review in {category['category__name']}: {category['n']:,} ideas",
                )
            )
    if "idea" in keys:
        idea = shown.select_related("thread").order_by("-vote_count", "-id").first()
        if idea is not None:
            pages.append(
                Page(
                    "idea",
                    "Idea page",
                    f"/ideas/{idea.pk}/",
                    f"the most voted: {idea.vote_count:,} votes, "
                    f"{idea.thread.comment_count:,} comments",
                )
            )
    pages += [
        Page("search-rare", "Search, a rare word", f"/search/?q={RARE_WORD}"),
        Page("search-common", "Search, a common word", f"/search/?q={COMMON_WORD}"),
        Page("notifications", "Notification centre", "/notifications/"),
    ]
    order = {key: n for n, key in enumerate(PAGE_KEYS)}
    return sorted((p for p in pages if p.key in keys), key=lambda p: order[p.key])


def build(size: str, username: str) -> str:
    """migrate, createcachetable and `seed_demo --size <size>` (which adds only what is
    missing), then ANALYZE on PostgreSQL, as scripts/bench_pages.py builds.

    seed_demo refuses a database where a demo login belongs to an ordinary account, and the
    benchmark made one so on an earlier run: the login is a demo account again while seed_demo
    runs (its password untouched: a new hash would sign out the sessions using it)."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection

    from staffroom.accounts.models import Person
    from staffroom.demo.hospital import DEMO_ACCOUNTS

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if username in {account.username for account in DEMO_ACCOUNTS}:
        Person.objects.filter(username=username, is_demo=False).update(is_demo=True)
    out = StringIO()
    started = time.perf_counter()
    call_command("seed_demo", size=size, stdout=out)
    first_line = out.getvalue().splitlines()[0] if out.getvalue() else ""
    if connection.vendor == "postgresql":
        # Planner statistics for the bulk-loaded tables, as autovacuum gathers them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return f"{first_line} (wall {time.perf_counter() - started:.1f} s)"


def make_ordinary_account(username: str) -> str:
    """Demo accounts can't sign in with DEBUG off: the benchmark's person becomes an ordinary
    account with a password of its own (set only when it isn't already, so that sessions
    signed in with it stay valid)."""
    from staffroom.accounts.models import Person

    person = Person.objects.get(username=username)
    Person.objects.filter(pk=person.pk).update(is_demo=False)
    if not person.check_password(BENCH_PASSWORD):
        person.set_password(BENCH_PASSWORD)
        person.save(update_fields=["password"])
    return f"{person.get_full_name()} (`{person.username}`)"


def prepare(options: argparse.Namespace) -> None:
    """Build or reuse the dataset, top up the busy post and idea, make the benchmark's person
    an ordinary account, pick the pages; the result goes to `--result` as JSON."""
    import django

    django.setup()
    from django.db import connection

    from scripts.bench_pages import ensure_busy_idea, ensure_busy_post

    keys = set(options.pages.split(","))
    built = build(options.size, options.user)
    say(f"  {built}")
    # bench_pages tops up on `large` only; here both sizes get the same busy pages, so the
    # page/floor ratios of demo and large compare the same page at two dataset sizes.
    topped = [
        ensure_busy_post("large", wanted=options.busy) if "post" in keys else "",
        ensure_busy_idea("large", wanted=options.busy) if "idea" in keys else "",
    ]
    topped_up = "; ".join(t for t in topped if t)
    if topped_up:
        say(f"  {topped_up}")
    person = make_ordinary_account(options.user)
    pages = choose_pages(options.user, keys)
    if connection.vendor == "sqlite":
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version}"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    Path(options.result).write_text(
        json.dumps(
            {
                "built": built,
                "topped_up": topped_up,
                "database_version": database,
                "person": person,
                "pages": [asdict(p) for p in pages],
            }
        )
    )


# --- Measuring (the parent) ------------------------------------------------------------------


def summary(*results: WrkResult) -> dict[str, Any]:
    """One run, or the rounds of one measurement together: requests/s over all of them, the
    p50 weighted by requests, and the highest p99 and maximum (never the kindest round)."""
    requests = sum(r.requests for r in results)
    seconds = sum(r.seconds for r in results)
    return {
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": round(sum(r.p50_ms * r.requests for r in results) / requests, 3)
        if requests
        else 0.0,
        "p99_ms": max(r.p99_ms for r in results),
        "mean_ms": round(sum(r.mean_ms * r.requests for r in results) / requests, 3)
        if requests
        else 0.0,
        "max_ms": max(r.max_ms for r in results),
        "requests": requests,
        "seconds": round(seconds, 3),
        "bytes": sum(r.bytes for r in results),
        "rounds": len(results),
    }


def check_run(result: WrkResult, *, url: str, body_bytes: int) -> None:
    """Fail loudly when wrk was not served the page: errors, non-2xx answers, or responses
    much shorter than the page (redirects are 3xx, which wrk doesn't count as errors)."""
    if result.requests == 0:
        raise BenchError(f"wrk made no request to {url}")
    if result.errors or result.non_2xx:
        raise BenchError(
            f"{url}: {result.errors} socket errors and {result.non_2xx} non-2xx answers "
            f"out of {result.requests} requests"
        )
    per_response = result.bytes / result.requests
    if result.bytes and per_response < MIN_BYTES_SHARE * body_bytes:
        raise BenchError(
            f"{url}: {per_response:.0f} bytes per response against a {body_bytes}-byte page: "
            "not the page (a redirect or an error page?)"
        )


@dataclass
class Loader:
    """wrk against one server, pinned to the load core, with the person's cookies."""

    folder: Path
    headers: dict[str, str]
    # One command line for each number of connections, for the report.
    commands: dict[int, str] = field(default_factory=dict)

    def run(
        self,
        url: str,
        *,
        connections: int,
        seconds: float,
        body_bytes: int,
        record: bool = False,
    ) -> WrkResult:
        result = wrk(
            url,
            connections=connections,
            seconds=seconds,
            headers=self.headers,
            cpus=LOAD_CPU,
            folder=self.folder,
        )
        if record and connections not in self.commands:
            self.commands[connections] = shown(result.command)
        drain(url)
        check_run(result, url=url, body_bytes=body_bytes)
        return result


def shown(command: list[str]) -> str:
    """A command line for the report: no cookies, no paths of this machine."""
    return shlex.join(
        "Cookie: <session>"
        if part.startswith("Cookie:")
        else ".venv/bin/python"
        if part == str(PYTHON)
        else Path(part).name
        if part.startswith("/")
        else part
        for part in command
    )


def drain(url: str) -> None:
    """Wait for the requests wrk left behind. gunicorn's sync workers close every connection,
    so at the end of a run up to `connections` requests still wait in the listen queue and are
    answered to nobody; the next run would start behind them. A request made now is accepted
    after them: twice, for the one a second worker may still be finishing."""
    parts = urlsplit(url)
    for _ in range(2):
        try:
            with urllib.request.urlopen(f"{parts.scheme}://{parts.netloc}/healthz", timeout=120):  # noqa: S310  # loopback
                pass
        except urllib.error.HTTPError:
            pass  # answered (nginx's static server has no /healthz): the queue is empty


def get_ok(browser: Browser, url: str) -> tuple[str, dict[str, str]]:
    status, body, headers = browser.get(url)
    if status != 200:
        raise BenchError(f"GET {url} answered {status}: {body[:300]!r}")
    return body, headers


def query_count(headers: dict[str, str], url: str) -> int:
    value = next((v for k, v in headers.items() if k.lower() == "x-queries"), None)
    if value is None:
        raise BenchError(f"{url} has no X-Queries header (STAFFROOM_BENCH_QUERY_HEADER not on?)")
    return int(value)


def measure_page(
    page: dict[str, Any],
    *,
    name: str,
    base: str,
    browser: Browser,
    loader: Loader,
    floor_dir: Path,
    static_root: Path | None,
    nginx: Process | None,
    options: argparse.Namespace,
) -> dict[str, Any]:
    url = base + page["path"]
    for _ in range(options.warm_requests):
        get_ok(browser, url)
    body, headers = get_ok(browser, url)
    queries = query_count(headers, url)
    content = body.encode()
    (floor_dir / f"{name}.html").write_bytes(content)
    if static_root is not None:
        (static_root / f"{name}.html").write_bytes(content)
    floor_url = f"{base}/bench/floor/{name}"
    floor_body, floor_headers = get_ok(browser, floor_url)
    if floor_body != body:
        raise BenchError(f"the floor of {page['path']} did not answer the page's bytes")
    floor_queries = query_count(floor_headers, floor_url)
    size = len(content)
    result: dict[str, Any] = {**page, "name": name, "bytes": size}
    result.update(queries=queries, floor_queries=floor_queries)
    if options.warmup:
        loader.run(url, connections=16, seconds=options.warmup, body_bytes=size)
        if not options.quick:  # the constant answer needs little warming
            loader.run(floor_url, connections=16, seconds=options.warmup, body_bytes=size)
    # The page and its floor take turns (`--rounds`), so a change in what else the machine
    # runs weighs on both alike.
    page_runs, floor_runs = [], []
    for _ in range(options.rounds):
        each = options.seconds / options.rounds
        page_runs.append(
            loader.run(url, connections=16, seconds=each, body_bytes=size, record=True)
        )
        floor_runs.append(loader.run(floor_url, connections=16, seconds=each, body_bytes=size))
    result["page16"] = summary(*page_runs)
    result["floor16"] = summary(*floor_runs)
    result["page1"] = summary(
        loader.run(url, connections=1, seconds=options.seconds_one, body_bytes=size, record=True)
    )
    if options.floor_one:
        result["floor1"] = summary(
            loader.run(floor_url, connections=1, seconds=options.seconds_one, body_bytes=size)
        )
    if nginx is not None:
        static_url = f"http://127.0.0.1:{nginx.port}/static-bench/{name}.html"
        result["static16"] = summary(
            loader.run(static_url, connections=16, seconds=options.static_seconds, body_bytes=size)
        )
    # Still signed in, still the page: the runs above were served what they asked for.
    get_ok(browser, url)
    ratio = result["page16"]["rps"] / result["floor16"]["rps"] if result["floor16"]["rps"] else 0
    result["ratio"] = round(ratio, 4)
    say(
        f"    {page['label']:<28} {queries:>3} queries  "
        f"{result['page16']['rps']:7.0f} req/s p50 {result['page16']['p50_ms']:6.1f} "
        f"p99 {result['page16']['p99_ms']:6.1f} ms @16 | @1 p50 {result['page1']['p50_ms']:5.1f} "
        f"p99 {result['page1']['p99_ms']:5.1f} | floor {result['floor16']['rps']:6.0f} req/s"
        f" | ratio {ratio:.2f}"
        + (f" | nginx {result['static16']['rps']:6.0f}" if "static16" in result else "")
    )
    return result


def cpu_seconds(process: Process) -> float:
    """User + system CPU time of a server's processes so far (to show both of a pair worked)."""
    total = 0
    for pid in process.pids():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def measure_pair(
    stack: Stack,
    *,
    env: dict[str, str],
    pages: list[dict[str, Any]],
    folder: Path,
    options: argparse.Namespace,
    username: str,
) -> dict[str, Any]:
    """Two gunicorn processes on different ports behind nginx (round robin, no stickiness),
    sharing PostgreSQL and Redis; signed in through the pair, a few pages loaded through it."""
    first = stack.gunicorn(env=env, workers=options.workers, cpus=APP_CPU, name="pair-a")
    second = stack.gunicorn(env=env, workers=options.workers, cpus=APP_CPU, name="pair-b")
    proxy = stack.nginx(upstreams=[first.port, second.port], cpus=APP_CPU, name="nginx-pair")
    base = f"http://127.0.0.1:{proxy.port}"
    browser = Browser()
    browser.sign_in(base, username, BENCH_PASSWORD)
    loader = Loader(folder, {"Cookie": browser.cookie_header()})
    before = [cpu_seconds(first), cpu_seconds(second)]
    results = []
    for page in pages:
        if page["key"] not in PAIR_KEYS:
            continue
        url = base + page["path"]
        for _ in range(options.warm_requests):
            get_ok(browser, url)
        body, _headers = get_ok(browser, url)
        size = len(body.encode())
        if options.warmup:
            loader.run(url, connections=16, seconds=options.warmup, body_bytes=size)
        run = summary(loader.run(url, connections=16, seconds=options.seconds, body_bytes=size))
        results.append({"key": page["key"], "label": page["label"], "path": page["path"], **run})
        say(
            f"    pair: {page['label']:<28} {run['rps']:7.0f} req/s "
            f"p50 {run['p50_ms']:6.1f} p99 {run['p99_ms']:6.1f} ms @16"
        )
    after = [cpu_seconds(first), cpu_seconds(second)]
    return {
        "pages": results,
        "cpu_seconds": [round(a - b, 1) for a, b in zip(after, before, strict=True)],
        "rss_mb": [round(x, 1) for x in first.worker_rss_mb() + second.worker_rss_mb()],
    }


def run_votes(database_url: str, redis_url: str, folder: Path) -> dict[str, Any]:
    """scripts/bench_votes.py (the town-hall burst), when it exists."""
    script = ROOT / "scripts" / "bench_votes.py"
    if not script.exists():
        return {"missing": True}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    env.update(DATABASE_URL=database_url, REDIS_URL=redis_url)
    say("  vote burst: scripts/bench_votes.py")
    started = time.monotonic()
    run = subprocess.run(  # noqa: S603  # our own script
        [str(PYTHON), str(script)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=1200,
    )
    (folder / "bench_votes.log").write_text(run.stdout + run.stderr)
    found = [
        json.loads(x.removeprefix("VOTES_JSON "))
        for x in run.stdout.splitlines()
        if x.startswith("VOTES_JSON ")
    ]
    if run.returncode != 0 or not found:
        return {"failed": f"exit {run.returncode}: {(run.stdout + run.stderr)[-600:]}"}
    # The way Staffroom counts (sharded tallies), if the script measured several.
    data: dict[str, Any] = next((d for d in found if d.get("mode") == "sharded"), found[-1])
    data["wall_seconds"] = round(time.monotonic() - started, 1)
    say(
        f"    {data.get('votes_per_s', 0):,.0f} votes/s, final count {data.get('final_count')} "
        f"against {data.get('vote_rows')} rows (exact: {data.get('exact')})"
    )
    return data


def clear_redis_prefix(redis_url: str, prefix: str) -> None:
    """Remove the run's keys (its own CACHE_KEY_PREFIX) from the Redis database."""
    try:
        import redis

        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=f"*{prefix}:*", count=1000))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start : start + 500])
    except Exception as error:  # cleanup only: say so and carry on
        say(f"  (could not remove the run's Redis keys: {error})")


@dataclass(frozen=True)
class Dataset:
    database: str  # "SQLite" or "PostgreSQL"
    size: str
    url: str
    data_dir: Path


def demo_database_url(url: str) -> str:
    from scripts.bench_pages import demo_database_url as make

    return make(url)


def datasets(database: str, size: str, options: argparse.Namespace) -> Dataset:
    base = Path(options.data_dir)
    if database == "SQLite":
        folder = base / size
        return Dataset(database, size, f"sqlite:///{folder / 'staffroom.sqlite3'}", folder)
    url = os.environ["DATABASE_URL"]
    if size != "large":
        url = demo_database_url(url)
    return Dataset(database, size, url, base / f"pg-{size}")


def measure_dataset(
    dataset: Dataset, options: argparse.Namespace, folder: Path, keys: list[str]
) -> dict[str, Any]:
    say(f"{dataset.database}, {dataset.size} dataset:")
    dataset.data_dir.mkdir(parents=True, exist_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    prepared_file = folder / "prepared.json"
    setup_env = production_env(database_url=dataset.url, data_dir=dataset.data_dir, DEBUG="true")
    subprocess.run(  # noqa: S603  # this script, our own arguments
        [
            str(PYTHON),
            __file__,
            "--prepare",
            "--size",
            dataset.size,
            "--user",
            options.user,
            "--pages",
            ",".join(keys),
            "--busy",
            str(options.busy),
            "--result",
            str(prepared_file),
        ],
        cwd=ROOT,
        env=setup_env,
        check=True,
    )
    prepared: dict[str, Any] = json.loads(prepared_file.read_text())
    prepare_seconds = time.monotonic() - started
    redis_url = None
    if dataset.database == "PostgreSQL" or options.redis:
        redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    prefix = f"bench-http-{os.getpid()}-{dataset.size}-{int(time.time())}"
    floor_dir = folder / "floor"
    floor_dir.mkdir(exist_ok=True)
    static_root = folder / "static-bench" if options.nginx else None
    if static_root is not None:
        static_root.mkdir(exist_ok=True)
    settings_env = {
        "STAFFROOM_BENCH_FLOOR_DIR": str(floor_dir),
        "STAFFROOM_BENCH_QUERY_HEADER": "true",
        "CACHE_KEY_PREFIX": prefix,
        "RATE_LIMIT_SEARCH_PER_PERSON": SEARCH_LIMIT,
        "RATE_LIMIT_SEARCH_PER_IP": SEARCH_LIMIT,
    }
    env = production_env(
        database_url=dataset.url, data_dir=dataset.data_dir, redis_url=redis_url, **settings_env
    )
    collect_static(env)
    load_before = os.getloadavg()
    result: dict[str, Any] = {
        "database": dataset.database,
        "size": dataset.size,
        "database_version": prepared["database_version"],
        "built": prepared["built"],
        "topped_up": prepared["topped_up"],
        "person": prepared["person"],
        "prepare_seconds": round(prepare_seconds, 1),
        "cache": "Redis cache, cached_db sessions" if redis_url else "database cache, db sessions",
        "redis": bool(redis_url),
        "workers": options.workers,
        "load_before": load_before,
    }
    try:
        with Stack(folder / "run") as stack:
            app = stack.gunicorn(env=env, workers=options.workers, cpus=APP_CPU)
            base = f"http://127.0.0.1:{app.port}"
            browser = Browser()
            browser.sign_in(base, options.user, BENCH_PASSWORD)
            loader = Loader(folder, {"Cookie": browser.cookie_header()})
            nginx = (
                stack.nginx(static_root=static_root, cpus=APP_CPU)
                if static_root is not None
                else None
            )
            pages = [
                measure_page(
                    page,
                    name=f"{dataset.size}-{page['key']}",
                    base=base,
                    browser=browser,
                    loader=loader,
                    floor_dir=floor_dir,
                    static_root=static_root,
                    nginx=nginx,
                    options=options,
                )
                for page in prepared["pages"]
            ]
            rss = app.worker_rss_mb()
            say("    worker RSS: " + ", ".join(f"{x:.0f} MB" for x in rss))
            result.update(
                pages=pages,
                worker_rss_mb=[round(x, 1) for x in rss],
                gunicorn_command=shown(app.command),
                wrk_commands=[loader.commands[n] for n in sorted(loader.commands, reverse=True)],
            )
            app.stop()
            if nginx is not None:
                nginx.stop()
            if dataset.database == "PostgreSQL" and dataset.size == "large" and options.pair:
                say("  scale-out pair: two gunicorn processes behind nginx")
                result["pair"] = measure_pair(
                    stack,
                    env=env,
                    pages=pages,
                    folder=folder,
                    options=options,
                    username=options.user,
                )
    finally:
        if redis_url:
            clear_redis_prefix(redis_url, prefix)
    if dataset.database == "PostgreSQL" and dataset.size == "large" and options.votes:
        result["votes"] = run_votes(dataset.url, redis_url or DEFAULT_REDIS, folder)
    result["load_after"] = os.getloadavg()
    return result


# --- Machine and versions --------------------------------------------------------------------


def command_output(command: list[str]) -> str:
    try:
        run = subprocess.run(command, capture_output=True, text=True, check=False, timeout=20)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (run.stdout + run.stderr).strip()


def machine() -> dict[str, Any]:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else cpu
    memory_gb = 0.0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"MemTotal:\s+(\d+) kB", meminfo.read_text())
        memory_gb = int(found.group(1)) / 1024 / 1024 if found else 0.0
    return {"cpu": cpu, "cores": os.cpu_count() or 0, "memory_gb": round(memory_gb, 1)}


def versions(databases: dict[str, str]) -> dict[str, str]:
    import sqlite3

    found = {
        "Python": platform.python_version(),
        "Django": importlib.metadata.version("django"),
        "gunicorn": importlib.metadata.version("gunicorn"),
        "SQLite": sqlite3.sqlite_version,
    }
    nginx = re.search(r"nginx/(\S+)", command_output([need("nginx", "nginx"), "-v"]))
    found["nginx"] = nginx.group(1) if nginx else "?"
    wrk_version = re.search(r"wrk (\S+)", command_output([need("wrk", "wrk"), "-v"]))
    found["wrk"] = wrk_version.group(1) if wrk_version else "?"
    for name, described in databases.items():
        if name == "PostgreSQL":
            found["PostgreSQL"] = described.split()[-1]
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    try:
        import redis

        found["Redis"] = str(redis.Redis.from_url(redis_url).info("server")["redis_version"])
    except Exception:  # a version for the report only
        found["Redis"] = "not reachable"
    return found


# --- The report (pure functions: tests/bench/) ------------------------------------------------


def ms(value: float) -> str:
    return f"{value:.1f}"


def rps(value: float) -> str:
    return f"{value:,.0f}"


def target_verdict(ratio: float, p99_ms: float) -> str:
    """Issue 8's target for a page: ≥ 50% of the floor's requests/s, p99 ≤ 50 ms at 16
    connections. Says by how much a missed target is missed."""
    misses = []
    if ratio < TARGET_RATIO:
        misses.append(f"ratio {ratio:.2f}, {TARGET_RATIO - ratio:.2f} under {TARGET_RATIO:.2f}")
    if p99_ms > TARGET_P99_MS:
        misses.append(f"p99 {p99_ms:.1f} ms, {p99_ms - TARGET_P99_MS:.1f} ms over")
    return "met" if not misses else "**missed**: " + "; ".join(misses)


def growth(large_ratio: float, demo_ratio: float) -> tuple[float, bool]:
    """Large's page/floor ratio against demo's: the relative change, and whether it is within
    the target (at most 15% lower; a higher ratio on large costs nothing)."""
    if demo_ratio <= 0:
        return 0.0, False
    change = large_ratio / demo_ratio - 1
    return change, round(change, 6) >= -GROWTH_LIMIT


def growth_verdict(large_ratio: float, demo_ratio: float) -> str:
    change, ok = growth(large_ratio, demo_ratio)
    text = f"{change * 100:+.0f}%"
    if ok:
        return f"{text}, met"
    return f"{text}, **missed** by {(-change - GROWTH_LIMIT) * 100:.1f} points"


def page_table(runs: list[dict[str, Any]]) -> str:
    """One database's table: the largest size measured, with demo's ratio beside it."""
    by_size = {run["size"]: run for run in runs}
    main = by_size.get("large") or by_size.get("demo") or runs[-1]
    demo = by_size.get("demo") if main["size"] != "demo" else None
    demo_pages = {p["key"]: p for p in demo["pages"]} if demo else {}
    has_static = any("static16" in p for p in main["pages"])
    head = [
        "page",
        "queries" + (" (demo)" if demo else ""),
        "req/s @16",
        "p50 / p99 ms @16",
        "p50 / p99 ms @1",
        "floor req/s @16",
        "page / floor",
    ]
    if demo:
        head += ["demo page / floor", f"large vs demo (at most {GROWTH_LIMIT:.0%} lower)"]
    if has_static:
        head.append("nginx static req/s")
    head.append(f"target (≥ {TARGET_RATIO:.0%} of floor, p99 ≤ {TARGET_P99_MS:.0f} ms)")
    lines = [
        "| " + " | ".join(head) + " |",
        "| --- | " + " | ".join("---:" for _ in head[1:-1]) + " | --- |",
    ]
    met = within = 0
    for page in main["pages"]:
        d = demo_pages.get(page["key"])
        queries = str(page["queries"]) + (f" ({d['queries']})" if d else " (—)" if demo else "")
        cells = [
            page["label"],
            queries,
            rps(page["page16"]["rps"]),
            f"{ms(page['page16']['p50_ms'])} / {ms(page['page16']['p99_ms'])}",
            f"{ms(page['page1']['p50_ms'])} / {ms(page['page1']['p99_ms'])}",
            rps(page["floor16"]["rps"]),
            f"{page['ratio']:.2f}",
        ]
        if demo:
            if d:
                cells += [f"{d['ratio']:.2f}", growth_verdict(page["ratio"], d["ratio"])]
                within += growth(page["ratio"], d["ratio"])[1]
            else:
                cells += ["—", "—"]
        if has_static:
            cells.append(rps(page["static16"]["rps"]) if "static16" in page else "—")
        verdict = target_verdict(page["ratio"], page["page16"]["p99_ms"])
        met += verdict == "met"
        cells.append(verdict)
        lines.append("| " + " | ".join(cells) + " |")
    count = len(main["pages"])
    lines.append("")
    sentence = f"On `{main['size']}`, {met} of {count} pages meet the target"
    if demo:
        sentence += f"; {within} of {count} keep their ratio within 15% of `demo`'s"
    lines.append(sentence + ".")
    return "\n".join(lines)


def rss_line(run: dict[str, Any]) -> str:
    sizes = run.get("worker_rss_mb") or []
    if not sizes:
        return f"- Worker memory on `{run['size']}`: not measured."
    worst = max(sizes)
    verdict = "met" if worst < RSS_LIMIT_MB else f"**missed** by {worst - RSS_LIMIT_MB:.0f} MB"
    shown = ", ".join(f"{x:.0f}" for x in sizes)
    return (
        f"- Resident memory of each gunicorn worker after the `{run['size']}` pages: "
        f"{shown} MB (target < {RSS_LIMIT_MB:.0f} MB: {verdict})."
    )


def pair_table(run: dict[str, Any]) -> str:
    pair = run.get("pair")
    if not pair:
        return ""
    single = {p["key"]: p for p in run["pages"]}
    lines = [
        (
            "The scale-out pair: two gunicorn processes (each "
            f"{run['workers']} sync workers) on different ports behind nginx (round robin, no "
            "sticky sessions), one PostgreSQL, one Redis; signed in through nginx, so the "
            "session made by one server is used by both. All of it shares CPU 0 with nginx, as "
            "the single server did, so this shows the cost of the proxy hop rather than a "
            "second core (this machine has two, and wrk has the other)."
        ),
        "",
        "| page | pair req/s @16 | p50 / p99 ms @16 | single server req/s @16 |",
        "| --- | ---: | ---: | ---: |",
    ]
    for page in pair["pages"]:
        alone = single.get(page["key"])
        lines.append(
            f"| {page['label']} | {rps(page['rps'])} | {ms(page['p50_ms'])} / "
            f"{ms(page['p99_ms'])} | {rps(alone['page16']['rps']) if alone else '—'} |"
        )
    first, second = pair["cpu_seconds"]
    lines += [
        "",
        f"CPU time used by each server during these runs: {first:.1f} s and {second:.1f} s "
        "(both served). Worker memory: " + ", ".join(f"{x:.0f}" for x in pair["rss_mb"]) + " MB.",
    ]
    return "\n".join(lines)


def votes_text(run: dict[str, Any]) -> str:
    if run.get("database") != "PostgreSQL" or run.get("size") != "large":
        return ""
    votes = run.get("votes")
    if votes is None:
        return "The vote burst was not run (`--no-votes`)."
    if votes.get("missing"):
        return "The vote burst was not measured: scripts/bench_votes.py does not exist yet."
    if votes.get("failed"):
        return f"The vote burst **failed**: `{votes['failed'][-300:]}`"
    per_second = float(votes.get("votes_per_s", 0))
    exact = bool(votes.get("exact"))
    met = per_second >= 1000 and exact
    verdict = "met" if met else "**missed**"
    if per_second < 1000:
        verdict += f" ({1000 - per_second:,.0f} votes/s short)"
    if not exact:
        verdict += " (the final count is not exact)"
    return (
        f"Vote burst on one idea (scripts/bench_votes.py, {votes.get('processes')} processes): "
        f"{votes.get('votes', 0):,} votes in {float(votes.get('seconds', 0)):.1f} s = "
        f"**{per_second:,.0f} votes/s**; final count {votes.get('final_count')} against "
        f"{votes.get('vote_rows')} vote rows, exact: {'yes' if exact else 'no'}. "
        f"Target ≥ 1,000 votes/s with an exact count: {verdict}."
    )


def load_text(run: dict[str, Any]) -> str:
    before = run.get("load_before") or [0, 0, 0]
    after = run.get("load_after") or [0, 0, 0]
    return f"{before[0]:.2f} → {after[0]:.2f}"


def database_report(
    runs: list[dict[str, Any]], *, about: dict[str, Any], commands: list[str]
) -> str:
    """This database's subsection: `### SQLite` or `### PostgreSQL`."""
    database = runs[0]["database"]
    main = next((r for r in runs if r["size"] == "large"), runs[-1])
    ver = about["versions"]
    box = about["machine"]
    version_text = ", ".join(
        f"{name} {ver[name]}"
        for name in (
            "Python",
            "Django",
            "gunicorn",
            "nginx",
            "wrk",
            "SQLite",
            "PostgreSQL",
            "Redis",
        )
        if name in ver
        and (name not in {"SQLite", "PostgreSQL"} or name == database)
        and (name != "Redis" or main.get("redis"))
    )
    intro = textwrap.fill(
        f"Measured {about['date']} on {box['cores']} cores ({box['cpu']}), "
        f"{box['memory_gb']:.0f} GB memory; {version_text}. The app: gunicorn, "
        f"{main['workers']} sync workers with one thread, pinned to CPU 0, "
        f"{main['cache']}; wrk pinned to CPU 1. Signed in as {main['person']}. Load average "
        "(1 min) before → after each size: "
        + ", ".join(f"{r['size']} {load_text(r)}" for r in runs)
        + " (the machine is shared: other work ran beside the benchmark).",
        width=95,
    )
    parts = [f"### {database}", "", intro, "", page_table(runs), ""]
    notes = []
    for run in runs:
        shown = "; ".join(
            f"{p['label']} `{p['path']}`" + (f" ({p['note']})" if p.get("note") else "")
            for p in run["pages"]
        )
        notes.append(f"- `{run['size']}` pages: {shown}.")
        if run.get("topped_up"):
            notes.append(f"- Before measuring `{run['size']}`: {run['topped_up']}.")
        floors = sorted({p["floor_queries"] for p in run["pages"]})
        notes.append(
            f"- The framework floor on `{run['size']}` runs "
            + " to ".join(str(n) for n in sorted({floors[0], floors[-1]}))
            + (" query" if floors == [1] else " queries")
            + " (the session and the person), the page's bytes as a constant."
        )
        ones = [p["floor1"] for p in run["pages"] if "floor1" in p]
        if ones:
            notes.append(
                f"- The floor at 1 connection on `{run['size']}`: p50 "
                f"{ms(min(o['p50_ms'] for o in ones))} to {ms(max(o['p50_ms'] for o in ones))} ms, "
                f"p99 {ms(min(o['p99_ms'] for o in ones))} to {ms(max(o['p99_ms'] for o in ones))} "
                "ms."
            )
        statics = [p["static16"]["rps"] for p in run["pages"] if "static16" in p]
        if statics:
            notes.append(
                f"- nginx serving the same bytes as static files on `{run['size']}` (the "
                f"physical limit): {rps(min(statics))} to {rps(max(statics))} req/s."
            )
        notes.append(rss_line(run))
    parts += [*notes, ""]
    pair = next((pair_table(r) for r in runs if r.get("pair")), "")
    if pair:
        parts += [pair, ""]
    votes = next((votes_text(r) for r in runs if votes_text(r)), "")
    if votes:
        parts += [votes, ""]
    parts += ["Commands:", ""]
    parts += [f"    {c}" for c in commands]
    return "\n".join(parts).rstrip("\n") + "\n"


def section_intro() -> str:
    return (
        f"{SECTION}\n\n"
        + textwrap.fill(
            "`scripts/bench_http.py` (`make bench`; `make bench-quick` for the demo data in a "
            "couple of minutes) runs Staffroom as in production — DEBUG off, gunicorn sync "
            "workers with one thread each, static files collected and not served by Django — "
            "pinned to one core, with wrk pinned to the other, and loads the pages people use "
            "most, signed in through the sign-in form as a real person of the dataset (the demo "
            "`nurse`, made an ordinary account with a password of her own for the run: demo "
            "accounts can't sign in with DEBUG off). Each page is warmed, then loaded at 16 "
            "connections and at 1 connection. Two references are measured in the same run: "
            "the framework floor (the same server and middleware answering the page's exact "
            "bytes as a constant, `/bench/floor/<name>`) and nginx serving those bytes as a "
            "static file (the physical limit). At 16 connections the page and its floor take "
            "turns (after a warm-up run, two rounds of half the time each, so a change in the "
            "machine's other work weighs on both): requests/s are over both rounds, the p99 is "
            "the worse round's. *Page / floor* is the page's requests/s over its floor's; "
            "the target is at least 0.50 with a p99 "
            "of at most 50 ms at 16 connections, and large's ratio at most 15% under demo's "
            "(cost does not grow with data). Queries are counted by the server itself "
            "(`X-Queries`). Every response must be a 200 and every wrk run free of errors, "
            "non-2xx answers and short responses, or the benchmark stops. Rate limits stay on; "
            "the search limit is raised (the limiter still counts every request, at its cost). "
            "The busiest post and the most voted idea are first brought to 300 comments "
            "through the discussion service on both sizes. On PostgreSQL the app uses Redis "
            "for the cache and cached_db sessions, as in production; on SQLite the embedded "
            "default (the database cache).",
            width=95,
        )
        + "\n"
    )


DATABASE_ORDER = ("PostgreSQL", "SQLite")
VERSION_NAMES = ("Python", "Django", "gunicorn", "nginx", "wrk", "SQLite", "PostgreSQL", "Redis")


def replace_section(document: str, database: str, text: str) -> str:
    """The document with this database's subsection of SECTION replaced by `text` (the
    section's introduction refreshed, other databases' subsections and other sections kept)."""
    start = document.find(SECTION + "\n")
    if start == -1:
        before, section, after = document.rstrip("\n") + "\n\n", "", ""
    else:
        following = document.find("\n## ", start + len(SECTION))
        end = len(document) if following == -1 else following + 1
        before, section, after = document[:start], document[start:end], document[end:]
    parts = re.split(r"(?m)^(?=### )", section)
    kept = {
        p.split("\n", 1)[0].removeprefix("### ").strip(): p
        for p in parts[1:]
        if not p.startswith(f"### {database}\n")
    }
    kept[database] = text
    ordered = sorted(kept, key=lambda n: (DATABASE_ORDER.index(n) if n in DATABASE_ORDER else 9, n))
    body = "".join(kept[name].rstrip("\n") + "\n\n" for name in ordered)
    section = section_intro() + "\n" + body
    return before + section.rstrip("\n") + "\n" + ("\n" + after if after else "")


# --- Main ------------------------------------------------------------------------------------


def shown_command(database: str) -> str:
    args, skip = [], False
    for argument in sys.argv[1:]:
        if skip or argument.startswith("--databases"):
            skip = argument == "--databases"
            continue
        args.append(argument)
    prefix = ""
    if database == "PostgreSQL":
        name = urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/")
        prefix = f"DATABASE_URL=postgres://…/{name} "
    return (
        prefix
        + shlex.join([".venv/bin/python", "scripts/bench_http.py", *args])
        + (f" --databases {database.lower()}")
    )


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def main() -> None:  # noqa: PLR0912, PLR0915  # the options, in order
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="demo,large")
    parser.add_argument(
        "--databases",
        default="",
        help="sqlite, postgresql or both (default: SQLite, and PostgreSQL when DATABASE_URL is)",
    )
    parser.add_argument("--pages", default=",".join(PAGE_KEYS), help="keys, comma-separated")
    parser.add_argument("--user", default="nurse")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=8, help="each run at 16 connections")
    parser.add_argument(
        "--rounds", type=int, default=2, help="turns of page and floor the 16-connection runs take"
    )
    parser.add_argument("--seconds-one", type=float, default=4, help="each run at 1 connection")
    parser.add_argument("--warmup", type=float, default=2, help="warm-up run at 16 (0: none)")
    parser.add_argument("--static-seconds", type=float, default=3)
    parser.add_argument("--warm-requests", type=int, default=3)
    parser.add_argument("--busy", type=int, default=300, help="comments on the busy post/idea")
    parser.add_argument("--redis", action="store_true", help="Redis on SQLite too")
    parser.add_argument("--nginx", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--pair", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--votes", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--floor-one", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--quick", action="store_true", help="demo data, 2 s runs, no extras")
    parser.add_argument("--data-dir", default=str(ROOT / "data" / "bench-pages"))
    parser.add_argument("--results-dir", default=str(ROOT / "data" / "bench-http"))
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.prepare:
        prepare(options)
        return
    given = {argument.split("=", 1)[0] for argument in sys.argv[1:]}
    if options.quick:
        if "--sizes" not in given:
            options.sizes = "demo"
        quick = (("--seconds", 2.0), ("--seconds-one", 2.0), ("--warmup", 1.0), ("--rounds", 1))
        for name, value in quick:
            if name not in given:
                setattr(options, name.lstrip("-").replace("-", "_"), value)
        if options.write:
            parser.error("--quick results are not written to the document")
    extras = not options.quick
    for name in ("nginx", "pair", "votes", "floor_one"):
        if getattr(options, name) is None:
            setattr(options, name, extras)
    keys = [k for k in options.pages.split(",") if k]
    unknown = set(keys) - set(PAGE_KEYS)
    if unknown:
        parser.error(f"unknown pages {sorted(unknown)}; known: {', '.join(PAGE_KEYS)}")
    sizes = [s for s in options.sizes.split(",") if s]
    wanted = {d.strip().lower() for d in options.databases.split(",") if d.strip()}
    databases = []
    if not wanted or "sqlite" in wanted:
        databases.append("SQLite")
    if (not wanted and postgres_url()) or "postgresql" in wanted:
        if not postgres_url():
            parser.error("--databases postgresql needs DATABASE_URL=postgres://…")
        databases.append("PostgreSQL")
    need("wrk", "wrk")
    need("taskset", "util-linux")
    if options.nginx or options.pair:
        need("nginx", "nginx")

    stamp = time.strftime("%Y%m%d-%H%M%S")
    results_dir = Path(options.results_dir)
    failed: list[str] = []
    for database in databases:
        scratch = results_dir / f"{database.lower()}-{stamp}"
        runs = [
            measure_dataset(datasets(database, size, options), options, scratch / size, keys)
            for size in sizes
        ]
        about = {
            "date": time.strftime("%Y-%m-%d"),
            "machine": machine(),
            "versions": versions({database: runs[0]["database_version"]}),
        }
        main_run = runs[-1]
        commands = [shown_command(database), main_run["gunicorn_command"]]
        commands += main_run["wrk_commands"][:2]
        raw = results_dir / f"{database.lower()}-{stamp}.json"
        raw.write_text(json.dumps({"about": about, "commands": commands, "runs": runs}, indent=1))
        text = database_report(runs, about=about, commands=commands)
        say("")
        say(text)
        say(f"Raw results: {raw.relative_to(ROOT) if raw.is_relative_to(ROOT) else raw}")
        if options.write:
            document = BENCHMARKS.read_text() if BENCHMARKS.exists() else "# Benchmarks\n"
            BENCHMARKS.write_text(replace_section(document, database, text))
            say(f"Updated {BENCHMARKS.relative_to(ROOT)} ({database})")
        failed += [r["votes"]["failed"] for r in runs if "failed" in r.get("votes", {})]
    if failed:
        raise SystemExit("the vote burst failed: " + " ".join(failed))


if __name__ == "__main__":
    try:
        main()
    except (BenchError, StackError, subprocess.CalledProcessError) as error:
        raise SystemExit(f"bench_http: {error}") from error
