"""A town-hall burst: many people voting on ONE idea at once, on PostgreSQL (issue 8).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/staffroom_bench \\
        .venv/bin/python scripts/bench_votes.py [--processes 8] [--seconds 10] [--people 30000]
        [--mode sharded|hot-row|both] [--fold-every 1.0]

`--processes` worker processes (each its own Django and database connection) call the vote
service directly (`staffroom.ideas.services.voting.vote`, no HTTP), each for its own people,
all on the same new idea, for `--seconds`. Meanwhile one more process folds the idea's tally
rows into its stored count every `--fold-every` seconds (production folds every minute; a
busier fold is the harder case). Then the last fold runs and the count is checked: the
idea's stored count must equal its vote rows and the votes the workers cast.

`--mode hot-row` runs the same burst the way votes were counted before decision 0029: lock
the idea's row (SELECT … FOR UPDATE), insert the vote, `vote_count = vote_count + 1`. `both`
runs the hot row first, then the sharded tallies, each on a fresh idea.

People: the database's own active people when there are enough (a large demo dataset),
else `--people` accounts named `votebench-…` are made once and kept for the next run. The
idea (and its votes and thread) is deleted afterwards unless `--keep`.

Prints a human summary and, per mode, one line for harnesses:
    VOTES_JSON {"mode": …, "votes_per_s": …, "seconds": …, "votes": …, "final_count": …,
                "vote_rows": …, "exact": true|false, "processes": …}
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "votebench-"


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def setup_django(data_dir: str) -> None:
    os.environ.setdefault("STAFFROOM_DATA_DIR", data_dir)
    # A generated secret key in the data directory needs DEBUG on while the settings load;
    # the burst runs with it off (no SQL log), as production does.
    os.environ["DEBUG"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from django.conf import settings

    settings.DEBUG = False
    import django

    django.setup()


# --- The ways of counting a vote ---------------------------------------------------------------


def hot_row_vote(idea_id: int, person_id: int) -> None:
    """Before decision 0029: the idea's row locked for every vote, its counter moved by one."""
    from django.db import connection, transaction
    from django.db.models import F
    from django.utils import timezone

    from staffroom.ideas.models import Idea
    from staffroom.ideas.services.voting import check_votes_open
    from staffroom.ideas.trending import vote_weight

    with transaction.atomic():
        idea = (
            Idea.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=idea_id)
        )
        check_votes_open(idea)
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO ideas_vote (idea_id, person_id, created_at) VALUES (%s, %s, %s) "
                "ON CONFLICT (idea_id, person_id) DO NOTHING RETURNING id",
                [idea_id, person_id, now],
            )
            inserted = cursor.fetchone() is not None
        if inserted:
            Idea.objects.filter(pk=idea_id).update(
                vote_count=F("vote_count") + 1,
                trending_score=F("trending_score") + vote_weight(now),
            )


def sharded_vote(idea_id: int, person_id: int) -> None:
    from staffroom.accounts.models import Person
    from staffroom.ideas.models import Idea
    from staffroom.ideas.services.voting import vote

    vote(idea=Idea(pk=idea_id), person=Person(pk=person_id))


# --- The processes -----------------------------------------------------------------------------


def wait_for_start(job: dict[str, Any]) -> float:
    """Say ready (Django set up, connected), wait for the parent's go; the start time."""
    job["ready"].put(os.getpid())
    job["go"].wait()
    return float(job["start_at"].value)


def backend_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of a PostgreSQL backend on this machine, if it is local."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def voter(job: dict[str, Any], people: list[int], out: Any) -> None:
    """Vote for `people`, one after the other, from the start for `job["seconds"]`."""
    data_dir, mode, idea_id, seconds = job["data_dir"], job["mode"], job["idea_id"], job["seconds"]
    setup_django(data_dir)
    from django.db import connection

    cast = hot_row_vote if mode == "hot-row" else sharded_vote
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = int(cursor.fetchone()[0])
    per_second: dict[int, int] = {}
    votes = errors = 0
    first_error = ""
    start_at = wait_for_start(job)
    cpu_before = time.process_time(), backend_cpu_seconds(backend)
    deadline = start_at + seconds
    for person_id in people:
        now = time.time()
        if now >= deadline:
            break
        try:
            cast(idea_id, person_id)
        except Exception as error:  # counted and reported, the burst goes on
            errors += 1
            first_error = first_error or repr(error)
            continue
        votes += 1
        second = int(time.time() - start_at)
        per_second[second] = per_second.get(second, 0) + 1
    database_cpu = backend_cpu_seconds(backend)
    out.put(
        {
            "app_cpu": time.process_time() - cpu_before[0],
            "db_cpu": (database_cpu - cpu_before[1])
            if database_cpu is not None and cpu_before[1] is not None
            else None,
            "votes": votes,
            "errors": errors,
            "first_error": first_error,
            "ran_out": votes + errors == len(people),
            "ended": time.time(),
            "per_second": per_second,
        }
    )


def folder(job: dict[str, Any], out: Any) -> None:
    """Fold the idea's tallies every `job["fold_every"]` seconds during the burst, and after
    each fold take the idea's locks as an answer or a merge does (its votes' gate, then FOR
    UPDATE; released at once): how long a reviewer's decision waits in the middle of it."""
    data_dir, idea_id, every, seconds = (
        job["data_dir"],
        job["idea_id"],
        job["fold_every"],
        job["seconds"],
    )
    setup_django(data_dir)
    from django.db import transaction

    from staffroom.ideas.models import Idea
    from staffroom.ideas.tally import fold_idea, hold_votes

    folds, longest, longest_lock = 0, 0.0, 0.0
    start_at = wait_for_start(job)
    while time.time() < start_at + seconds:
        began = time.perf_counter()
        fold_idea(idea_id)
        longest = max(longest, time.perf_counter() - began)
        folds += 1
        began = time.perf_counter()
        with transaction.atomic():
            hold_votes(idea_id)  # as services/reviewing.py's _locked
            Idea.objects.select_for_update().filter(pk=idea_id).exists()
        longest_lock = max(longest_lock, time.perf_counter() - began)
        time.sleep(every)
    out.put(
        {
            "folds": folds,
            "longest_fold_ms": round(longest * 1000, 1),
            "longest_decision_lock_wait_ms": round(longest_lock * 1000, 1),
        }
    )


# --- The parent ----------------------------------------------------------------------------------


def voters_for(wanted: int) -> list[int]:
    """`wanted` people who may vote: the dataset's own if it has enough, else made once."""
    from staffroom.accounts.models import Person

    have = list(
        Person.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)[:wanted]
    )
    if len(have) >= wanted:
        return have
    from staffroom.accounts.tests.factories import PersonFactory

    made = Person.objects.filter(username__startswith=PREFIX)
    template = made.first() or PersonFactory(username=f"{PREFIX}0", employee_id=f"{PREFIX}0")
    start = made.count()
    missing = wanted - len(have)
    say(f"Making {missing:,} people ({PREFIX}…) for the burst (kept for the next run)…")
    fresh = [
        Person(
            username=f"{PREFIX}{n}",
            employee_id=f"{PREFIX}{n}",
            email=f"{PREFIX}{n}@example.invalid",
            first_name="Vote",
            last_name=f"Bench {n}",
            job_family_id=template.job_family_id,
            unit_id=template.unit_id,
            department_id=template.department_id,
            password="!",  # noqa: S106  # an unusable password: these never sign in
        )
        for n in range(start + 1, start + missing + 1)
    ]
    Person.objects.bulk_create(fresh, batch_size=2000)
    return list(
        Person.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)[:wanted]
    )


def new_idea(mode: str) -> int:
    """A shown idea, in the dataset's first category and its author's department."""
    from staffroom.accounts.models import Person
    from staffroom.ideas.models import Category
    from staffroom.ideas.tests.factories import CategoryFactory, IdeaFactory

    author = Person.objects.filter(is_active=True).order_by("pk").first()
    assert author is not None
    category = Category.objects.order_by("pk").first() or CategoryFactory(slug="vote-bench")
    idea = IdeaFactory(
        title=f"Vote burst benchmark ({mode})",
        author=author,
        department=author.department,
        category=category,
    )
    return int(idea.pk)


def remove_idea(idea_id: int) -> None:
    from staffroom.ideas.models import Idea

    idea = Idea.objects.get(pk=idea_id)
    thread = idea.thread
    idea.delete()
    thread.delete()


def burst(
    options: argparse.Namespace, data_dir: str, mode: str, people: list[int]
) -> dict[str, Any]:
    from staffroom.ideas import tally
    from staffroom.ideas.models import Idea, Vote

    idea_id = new_idea(mode)
    processes = options.processes
    shares = [people[n::processes] for n in range(processes)]
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    folds = context.Queue()
    # Every process sets Django up and connects first, says so, then waits for the go.
    job = {
        "data_dir": data_dir,
        "mode": mode,
        "idea_id": idea_id,
        "seconds": options.seconds,
        "fold_every": options.fold_every,
        "ready": context.Queue(),
        "go": context.Event(),
        "start_at": context.Value("d", 0.0),
    }
    workers = [
        context.Process(
            target=voter,
            args=(job, share, out),
        )
        for share in shares
    ]
    if mode == "sharded" and options.fold_every > 0:
        workers.append(
            context.Process(
                target=folder,
                args=(job, folds),
            )
        )
    for process in workers:
        process.start()
    for _ in workers:
        job["ready"].get(timeout=300)
    job["start_at"].value = start_at = time.time() + 0.2
    job["go"].set()
    results = [out.get() for _ in shares]
    fold_result = folds.get() if len(workers) > len(shares) else {}
    for process in workers:
        process.join()

    cast = sum(r["votes"] for r in results)
    errors = sum(r["errors"] for r in results)
    elapsed = max(r["ended"] for r in results) - start_at
    per_second: dict[int, int] = {}
    for r in results:
        for second, n in r["per_second"].items():
            per_second[int(second)] = per_second.get(int(second), 0) + n
    full_seconds = [per_second.get(s, 0) for s in range(int(options.seconds))]
    pending_before = tally.live_vote_counts([idea_id])[idea_id]
    tally.fold_votes()
    final_count = Idea.objects.values_list("vote_count", flat=True).get(pk=idea_id)
    vote_rows = Vote.objects.filter(idea_id=idea_id).count()
    exact = final_count == vote_rows == cast == pending_before and not tally.pending_ideas()
    app_cpu = sum(r["app_cpu"] for r in results)
    db_cpu = (
        None if any(r["db_cpu"] is None for r in results) else sum(r["db_cpu"] for r in results)
    )
    result = {
        "mode": mode,
        "votes_per_s": round(cast / elapsed, 1) if elapsed > 0 else 0.0,
        "slowest_second": min(full_seconds) if full_seconds else 0,
        "seconds": round(elapsed, 2),
        "votes": cast,
        "final_count": final_count,
        "vote_rows": vote_rows,
        "exact": exact,
        "processes": processes,
        "errors": errors,
        "first_error": next((r["first_error"] for r in results if r["first_error"]), ""),
        "ran_out_of_people": any(r["ran_out"] for r in results),
        # CPU per vote, the voting processes and their PostgreSQL backends: what a vote costs
        # whatever else the machine is doing (the fold and the lock probe not included).
        "app_cpu_ms_per_vote": round(app_cpu * 1000 / cast, 2) if cast else None,
        "db_cpu_ms_per_vote": round(db_cpu * 1000 / cast, 2)
        if cast and db_cpu is not None
        else None,
        **fold_result,
    }
    if not options.keep:
        remove_idea(idea_id)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--mode", choices=["sharded", "hot-row", "both"], default="sharded")
    parser.add_argument("--fold-every", type=float, default=1.0)
    parser.add_argument("--keep", action="store_true", help="keep the idea and its votes")
    options = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        say("DATABASE_URL must point at PostgreSQL (the burst measures its row locks).")
        return 2
    data_dir = os.environ.get("STAFFROOM_DATA_DIR") or tempfile.mkdtemp(prefix="bench-votes-")
    setup_django(data_dir)
    from django.db import connection

    people = voters_for(options.people)
    connection.close()  # not shared with the children
    modes = ["hot-row", "sharded"] if options.mode == "both" else [options.mode]
    say(
        f"Vote burst on one idea: {options.processes} processes, {options.seconds:g} s, "
        f"{len(people):,} people, {database_url.rsplit('/', 1)[-1]}"
    )
    failed = False
    for mode in modes:
        result = burst(options, data_dir, mode, people)
        cpu = f"CPU per vote: {result['app_cpu_ms_per_vote']} ms in the voting processes" + (
            f", {result['db_cpu_ms_per_vote']} ms in PostgreSQL"
            if result["db_cpu_ms_per_vote"] is not None
            else ""
        )
        notes = [
            cpu,
            f"{result['errors']} errors, first {result['first_error']}" if result["errors"] else "",
            "ran out of people (raise --people)" if result["ran_out_of_people"] else "",
            f"{result['folds']} folds, longest {result['longest_fold_ms']} ms; "
            f"a decision's row lock waited up to {result['longest_decision_lock_wait_ms']} ms"
            if "folds" in result
            else "",
        ]
        say(
            f"  {mode:8} {result['votes_per_s']:8,.0f} votes/s sustained over "
            f"{result['seconds']:.1f} s (slowest second {result['slowest_second']:,}); "
            f"{result['votes']:,} votes, stored count {result['final_count']:,}, "
            f"vote rows {result['vote_rows']:,}: "
            + ("exact" if result["exact"] else "NOT EXACT")
            + "".join(f"; {note}" for note in notes if note)
        )
        say("VOTES_JSON " + json.dumps(result))
        failed = failed or not result["exact"] or bool(result["errors"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
