"""Time the main reading pages on the demo and large demo hospitals (issue 3's 50 ms target).

    .venv/bin/python scripts/bench_pages.py                                  # SQLite
    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python scripts/bench_pages.py --cache redis
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/staffroom_bench_pages \\
        .venv/bin/python scripts/bench_pages.py                              # PostgreSQL

For each size (`--sizes demo,large`) it builds the demo hospital with `seed_demo`, or reuses
it when it is already there: on SQLite in `--data-dir/<size>/` (default `data/bench-pages/`,
kept between runs: the large build takes about 90 s), on PostgreSQL in DATABASE_URL's database
for `large` and in the same name with `_demo` appended for `demo` (created when missing).
Each size and cache (`--cache db`, `redis` or `db,redis`; Redis needs REDIS_URL) is measured
in a child process with production-like settings: DEBUG off (so no SQL log and the cached
template loader), the shared cache Staffroom runs with (the database cache, or Redis).

Every request goes through Django's test Client in process, signed in as a person of the
dataset (the demo "nurse"; the "editor" for the editor's view of their channel), so the time
is the time Django spends handling the request: middleware, view, queries and templates, no
network and no web server. Per page: the first request after emptying the cache, then a
warm-up, then `--requests` timed requests (median and 90th percentile), the number of SQL
queries of one warm request, and the median with no cache at all (a dummy cache: every
fragment rendered, every cached value computed). Queries are counted in separate untimed
requests (counting makes Django keep every statement). The results replace the section
"Pages on the demo and large datasets" of docs/benchmarks.md (this database's part of it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Pages on the demo and large datasets"
TARGET_MS = 50.0
RARE_WORD = "defibrillator"
COMMON_WORD = "patients"


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


# --- The child: one size, one cache -----------------------------------------------------------


@dataclass
class PageResult:
    key: str
    label: str
    path: str
    user: str
    status: int
    first_ms: float
    median_ms: float
    p90_ms: float
    queries: int
    nocache_median_ms: float
    nocache_queries: int
    note: str = ""


def setup_django(data_dir: Path) -> None:
    os.environ["STAFFROOM_DATA_DIR"] = str(data_dir)
    # Demo mode (seed_demo) and a generated secret key in the data directory need DEBUG on
    # while the settings load; the measuring runs with it off, as production does.
    os.environ["DEBUG"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    from django.conf import settings

    settings.DEBUG = False  # no SQL log; the template engine below is built without debug
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    templates: list[dict[str, Any]] = settings.TEMPLATES
    for engine in templates:
        engine.setdefault("OPTIONS", {})["debug"] = False
    import django

    django.setup()


def check_production_like() -> str:
    """Fail loudly if the settings are not what production runs with; describe the cache."""
    from django.conf import settings
    from django.core.cache import caches
    from django.template import engines

    engine = engines["django"].engine  # type: ignore[attr-defined]
    loaders = [type(loader).__module__ for loader in engine.template_loaders]
    if loaders == ["template_partials.loader"]:  # django-template-partials wraps the loaders
        loaders = [type(loader).__module__ for loader in engine.template_loaders[0].loaders]
    if settings.DEBUG or engine.debug or loaders != ["django.template.loaders.cached"]:
        raise SystemExit(f"Not production-like: DEBUG={settings.DEBUG}, loaders {loaders}")
    backend = type(caches["default"]).__name__
    if backend not in {"DatabaseCache", "RedisCache"}:
        raise SystemExit(f"Not a shared cache: {backend}")
    return {"DatabaseCache": "database cache", "RedisCache": "Redis cache"}[backend]


def build(size: str) -> str:
    from io import StringIO

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    out = StringIO()
    started = time.perf_counter()
    call_command("seed_demo", size=size, stdout=out)
    first_line = out.getvalue().splitlines()[0] if out.getvalue() else ""
    from django.db import connection

    if connection.vendor == "postgresql":
        # Planner statistics for the bulk-loaded tables, as autovacuum would gather them on a
        # running server (a development server may have autovacuum off; see the document).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return f"{first_line} (wall {time.perf_counter() - started:.1f} s)"


def ensure_busy_post(size: str, wanted: int) -> str:
    """On `large`, make the busiest post the nurse can see have `wanted` comments.

    The large build spreads 1,000,000 comments over 100,000 posts (at most a few dozen on
    one), and issue 3's target is a post with 300. The missing ones are written through the
    discussion service, as people would (two in three top-level, the rest replies), by
    active people of the post's channel's department; once, since the database is reused.
    """
    import random

    from django.db import transaction

    from staffroom.accounts.models import Person
    from staffroom.channels.models import Post
    from staffroom.demo.content.comment_texts import GENERAL, REPLIES
    from staffroom.discussion.models import Comment
    from staffroom.discussion.services import post_comment

    if size != "large":
        return ""
    nurse = Person.objects.get(username="nurse")
    post = (
        Post.objects.visible_to(nurse)
        .select_related("thread", "channel")
        .order_by("-thread__comment_count", "-id")
        .first()
    )
    if post is None or post.thread.comment_count >= wanted:
        return ""
    before = post.thread.comment_count
    rng = random.Random(post.pk)  # noqa: S311  # repeatable test data, not secrets
    active = Person.objects.filter(is_active=True).order_by("pk")
    department_id = post.channel.department_id
    people = list((active.filter(department_id=department_id) if department_id else active)[:200])
    top_level = list(Comment.objects.filter(thread=post.thread, parent__isnull=True))
    with transaction.atomic():
        for n in range(wanted - before):
            if top_level and n % 3 == 2:
                parent = rng.choice(top_level)
                post_comment(
                    thread=post.thread,
                    author=rng.choice(people),
                    body=rng.choice(REPLIES),
                    parent=parent,
                )
            else:
                top_level.append(
                    post_comment(
                        thread=post.thread, author=rng.choice(people), body=rng.choice(GENERAL)
                    )
                )
    return (
        f"post {post.pk} had {before} comments, the most of any; "
        f"{wanted - before} added through the discussion service"
    )


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str
    user: str
    note: str = ""


def choose_pages() -> list[Page]:
    """The pages of the issue's target, picked from the data as it is."""
    from django.db.models import Q

    from staffroom.accounts.models import Person
    from staffroom.channels.models import Channel, ChannelEditor, Post
    from staffroom.strategy.models import Initiative

    nurse = Person.objects.get(username="nurse")
    editor = Person.objects.get(username="editor")
    pages = [
        Page("feed", "Home feed", "/", "nurse"),
        Page("lets-talk", "Let's Talk channel", "/channels/lets-talk/", "nurse"),
    ]
    biggest = Channel.objects.filter(kind=Channel.Kind.DEPARTMENT).order_by("-post_count").first()
    if biggest is not None:
        pages.append(
            Page(
                "department",
                "Biggest department channel",
                biggest.get_absolute_url(),
                "nurse",
                f"{biggest.name}, {biggest.post_count:,} posts",
            )
        )
    editors_channel = (
        Channel.objects.filter(
            Q(pk__in=ChannelEditor.objects.filter(person=editor).values("channel"))
            | Q(department__isnull=False, department__code="rgh-emergency")
        )
        .order_by("-post_count")
        .first()
    )
    if editors_channel is not None:
        pages.append(
            Page(
                "editor-channel",
                "Department channel, editor's view",
                editors_channel.get_absolute_url(),
                "editor",
                f"{editors_channel.name}, {editors_channel.post_count:,} posts",
            )
        )
    post = (
        Post.objects.visible_to(nurse)
        .select_related("thread")
        .order_by("-thread__comment_count", "-id")
        .first()
    )
    if post is not None:
        count = post.thread.comment_count
        note = f"{count:,} comments" + ("" if count >= 300 else ": no post has 300")
        pages.append(
            Page("post", "Post with the most comments", f"/posts/{post.pk}/", "nurse", note)
        )
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
                "Initiative of the current plan",
                initiative.get_absolute_url(),
                "nurse",
                f"the most discussed: {initiative.thread.comment_count:,} comments",
            )
        )
    pages += [
        Page("search-rare", "Search, a rare word", f"/search/?q={RARE_WORD}", "nurse"),
        Page("search-common", "Search, a common word", f"/search/?q={COMMON_WORD}", "nurse"),
        Page("plan", "The plan", "/plan/", "nurse"),
        Page("notifications", "Notifications", "/notifications/", "nurse"),
    ]
    return pages


def timed_get(client: Any, path: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return elapsed, response.status_code


def count_queries(client: Any, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return len(captured.captured_queries)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def measure(pages: list[Page], requests: int, nocache_requests: int) -> list[PageResult]:
    from django.core.cache import cache
    from django.test import Client, override_settings

    from staffroom.accounts.models import Person

    clients: dict[str, Any] = {}
    for username in {page.user for page in pages}:
        client = Client()
        client.force_login(Person.objects.get(username=username))
        clients[username] = client

    results = []
    for page in pages:
        client = clients[page.user]
        cache.clear()
        first_ms, status = timed_get(client, page.path)
        for _ in range(5):
            timed_get(client, page.path)
        times = [timed_get(client, page.path)[0] for _ in range(requests)]
        queries = count_queries(client, page.path)
        with override_settings(
            CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
        ):
            timed_get(client, page.path)
            nocache = [timed_get(client, page.path)[0] for _ in range(nocache_requests)]
            nocache_queries = count_queries(client, page.path)
        result = PageResult(
            key=page.key,
            label=page.label,
            path=page.path,
            user=page.user,
            status=status,
            first_ms=first_ms,
            median_ms=statistics.median(times),
            p90_ms=percentile(times, 0.9),
            queries=queries,
            nocache_median_ms=statistics.median(nocache),
            nocache_queries=nocache_queries,
            note=page.note,
        )
        say(
            f"    {page.label:<36} {page.path:<34} first {first_ms:7.1f} ms, median "
            f"{result.median_ms:6.1f} ms, p90 {result.p90_ms:6.1f} ms, {queries} queries; "
            f"no cache {result.nocache_median_ms:6.1f} ms, {nocache_queries} queries"
        )
        results.append(result)
    return results


def child(options: argparse.Namespace) -> None:
    setup_django(Path(options.data_dir))
    built = build(options.size)
    say(f"  {built}")
    topped_up = ensure_busy_post(options.size, wanted=300)
    if topped_up:
        say(f"  {topped_up}")
    cache_name = check_production_like()
    pages = choose_pages()
    results = measure(pages, options.requests, options.nocache_requests)
    Path(options.result).write_text(
        json.dumps(
            {
                "size": options.size,
                "cache": cache_name,
                "machine": machine(),
                "built": built,
                "topped_up": topped_up,
                "load": os.getloadavg(),
                "pages": [asdict(r) for r in results],
            }
        )
    )


# --- The parent: every size and cache, then the document -------------------------------------


def machine() -> dict[str, str]:
    import django
    from django.db import connection

    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else cpu
    nproc = shutil.which("nproc")
    cores = (
        subprocess.run([nproc], capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603  # a fixed system tool, no input
        if nproc
        else str(os.cpu_count())
    )
    if connection.vendor == "sqlite":
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version}"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    return {
        "described": (
            f"{cores} cores ({cpu}), Python {platform.python_version()}, "
            f"Django {django.get_version()}, {database}"
        ),
        "database": database.split()[0],
    }


def demo_database_url(url: str) -> str:
    """The demo-size database next to DATABASE_URL's: the same name with `_demo`."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    demo = f"{name}_demo"
    import psycopg

    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [demo]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{demo}"')  # a name we made, not input
    return urlunsplit(parts._replace(path=f"/{demo}"))


def run_child(options: argparse.Namespace, size: str, cache: str, result: Path) -> dict[str, Any]:
    env = dict(os.environ)
    database_url = os.environ.get("DATABASE_URL")
    if database_url and size != "large":
        env["DATABASE_URL"] = demo_database_url(database_url)
    if cache == "db":
        env.pop("REDIS_URL", None)
    elif not env.get("REDIS_URL"):
        raise SystemExit("--cache redis needs REDIS_URL (e.g. redis://127.0.0.1:6379/5)")
    data_dir = Path(options.data_dir) / size
    data_dir.mkdir(parents=True, exist_ok=True)
    say(f"{size} dataset, {cache} cache:")
    subprocess.run(  # noqa: S603  # this script, with our own arguments
        [
            sys.executable,
            __file__,
            "--child",
            "--size",
            size,
            "--data-dir",
            str(data_dir),
            "--requests",
            str(options.requests),
            "--nocache-requests",
            str(options.nocache_requests),
            "--result",
            str(result),
        ],
        env=env,
        check=True,
    )
    loaded: dict[str, Any] = json.loads(result.read_text())
    return loaded


def ms(value: float) -> str:
    return f"{value:.1f}"


def table(runs: list[dict[str, Any]]) -> str:
    """One row per page; demo and large side by side for each cache."""
    by_size_cache = {(r["size"], r["cache"]): r for r in runs}
    caches = list(dict.fromkeys(r["cache"] for r in runs))
    lines = []
    for cache in caches:
        demo = by_size_cache.get(("demo", cache))
        large = by_size_cache.get(("large", cache))
        lines.append(f"With the {cache}:\n")
        lines.append(
            "| page | demo: queries | demo: median ms | large: queries | large: first ms "
            "(empty cache) | large: median ms | large: p90 ms | large: median ms, no cache "
            "(queries) | under 50 ms |"
        )
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
        keys = list(
            dict.fromkeys(p["key"] for r in (demo, large) if r is not None for p in r["pages"])
        )
        for key in keys:
            d = next((p for p in demo["pages"] if p["key"] == key), None) if demo else None
            g = next((p for p in large["pages"] if p["key"] == key), None) if large else None
            label = (g or d or {}).get("label", key)
            if g is not None:
                large_cells = (
                    f"{g['queries']} | {ms(g['first_ms'])} | {ms(g['median_ms'])} | "
                    f"{ms(g['p90_ms'])} | {ms(g['nocache_median_ms'])} ({g['nocache_queries']}) | "
                    + ("yes" if g["median_ms"] < TARGET_MS else "**no**")
                )
            else:
                large_cells = "— | — | — | — | — | —"
            demo_cells = f"{d['queries']} | {ms(d['median_ms'])}" if d else "— | —"
            lines.append(f"| {label} | {demo_cells} | {large_cells} |")
        lines.append("")
        notes = []
        for size, run in (("demo", demo), ("large", large)):
            if run is None:
                continue
            shown = ", ".join(
                f"{p['label']} `{p['path']}`" + (f" ({p['note']})" if p["note"] else "")
                for p in run["pages"]
                if p["key"] in {"department", "editor-channel", "post", "initiative"}
            )
            extra = f" Before measuring, {run['topped_up']}." if run.get("topped_up") else ""
            notes.append(f"- {size}: {shown}.{extra}")
        lines.extend(notes)
        loads = ", ".join(
            f"{size} {run['load'][0]:.1f}"
            for size, run in (("demo", demo), ("large", large))
            if run is not None and run.get("load")
        )
        if loads:
            lines.append(f"- Load average (1 min) when each run ended: {loads} (2 cores).")
        lines.append("")
    return "\n".join(lines)


def write_section(database: str, text: str) -> None:
    """Replace this database's part of the section, keeping the rest of the document."""
    document = BENCHMARKS.read_text() if BENCHMARKS.exists() else "# Benchmarks\n"
    intro = (
        f"{SECTION}\n\n"
        + textwrap.fill(
            "`scripts/bench_pages.py` (`make bench`) measures the reading pages of issue 3 on "
            "the demo hospital at both sizes (`seed_demo --size demo`: 400 people, 49 posts; "
            "`--size large`: 80,000 people, 100,000 posts, 1,000,000 comments). Requests go "
            "through Django's test Client in process, so the times are server time only "
            "(middleware, view, SQL and templates; no web server, no network), with DEBUG off "
            "(cached template loader, no SQL log) and the shared cache Staffroom runs with. "
            "*First* is one request right after emptying the cache; *median* and *p90* are "
            f"over 50 requests after a warm-up of 5, so fragments come from the cache; *no "
            "cache* is the median of 20 requests with a dummy cache (everything rendered and "
            "computed each time). Queries are those of one warm request. Signed in as the "
            "demo `nurse` (a registered nurse on 4 West), and as the demo `editor` for the "
            "editor's view. The large build's busiest post has a few dozen comments, so the "
            "script first brings it to 300 through the discussion service (once; the database "
            "is reused). On PostgreSQL `large` is built in DATABASE_URL's database and `demo` "
            "in the same name with `_demo` (made if missing), and the script runs `ANALYZE` "
            "after building, as autovacuum would on a running server (it is off on the "
            "development server). The target is a "
            f"median under {TARGET_MS:.0f} ms on `large`.",
            width=95,
        )
        + "\n"
    )
    start = document.find(SECTION)
    if start == -1:
        before, section, after = document.rstrip("\n") + "\n\n", intro, ""
    else:
        following = document.find("\n## ", start + len(SECTION))
        end = len(document) if following == -1 else following + 1
        before, section, after = document[:start], document[start:end], document[end:]
    parts = re.split(r"(?m)^(?=### )", section)
    kept = [p for p in parts[1:] if not p.startswith(f"### {database}")]
    body = "".join(p.rstrip("\n") + "\n\n" for p in sorted([*kept, text], reverse=True))
    section = intro + "\n" + body
    BENCHMARKS.write_text(before + section.rstrip("\n") + "\n" + ("\n" + after if after else ""))


def parent(options: argparse.Namespace) -> None:
    sizes = [s for s in options.sizes.split(",") if s]
    caches = [c for c in options.cache.split(",") if c]
    scratch = Path(options.data_dir) / "results"
    scratch.mkdir(parents=True, exist_ok=True)
    runs = [
        run_child(options, size, cache, scratch / f"{size}-{cache}.json")
        for size in sizes
        for cache in caches
    ]
    database = runs[0]["machine"]["database"]
    tables = table(runs)
    say("")
    say(tables)
    postgres = database == "PostgreSQL"
    command = (
        "DATABASE_URL=postgres://…/staffroom_bench_pages " if postgres else ""
    ) + ".venv/bin/python scripts/bench_pages.py"
    if "redis" in caches:
        command = "REDIS_URL=redis://127.0.0.1:6379/5 " + command + f" --cache {options.cache}"
    about = textwrap.fill(
        f"Measured {time.strftime('%Y-%m-%d')} on {runs[0]['machine']['described']}; "
        "one request at a time in one process. The machine is shared: the load average "
        "below each table says how busy it was.",
        width=95,
    )
    text = f"### {database}\n\n{about}\n\nCommand: `{command}`\n\n{tables}"
    if not options.no_write and sizes == ["demo", "large"] and options.requests == 50:
        write_section(database, text)
        say(f"Updated {BENCHMARKS.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="demo,large")
    parser.add_argument("--cache", default="db", help="db, redis or db,redis")
    parser.add_argument("--data-dir", default=str(ROOT / "data" / "bench-pages"))
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--nocache-requests", type=int, default=20)
    parser.add_argument("--no-write", action="store_true", help="Don't update the document.")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options)
    else:
        parent(options)


if __name__ == "__main__":
    main()
