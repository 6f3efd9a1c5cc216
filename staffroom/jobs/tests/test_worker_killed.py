"""A worker killed in the middle of the weekly digest neither loses nor duplicates an email.

End to end, with real processes: a scratch database (a SQLite file, or a new PostgreSQL
database when the suite runs on PostgreSQL) holding the demo hospital, a real SMTP server,
and `manage.py worker` processes. The first worker is killed with SIGKILL (no chance to clean
up) while it is sending; a second one finishes the work. Every digest that was sent reached
the server exactly once, and none is left behind.
"""

from __future__ import annotations

import asyncio
import email
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings

from staffroom.mail.tests.smtp_server import free_port

ROOT = Path(settings.BASE_DIR)
# Slow enough that the worker is surely in the middle of its work when it is killed.
SECONDS_PER_MESSAGE = 0.03
KILL_AFTER = 15


class SlowRecorder:
    """Keeps the Message-ID of each message received: each outbox row has its own, so a
    message sent twice shows up as the same id twice."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []

    async def handle_DATA(  # noqa: N802  # aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        # The whole message has arrived (its final dot too): like a real server, keep it even
        # if the client goes away while we take our time to answer.
        message = email.message_from_bytes(envelope.original_content or b"")
        self.message_ids.append(str(message["Message-ID"]))
        await asyncio.sleep(SECONDS_PER_MESSAGE)
        return "250 2.0.0 Ok: queued"


@pytest.fixture
def scratch_database(tmp_path: Path) -> Iterator[str]:
    """A database of its own for the processes: the test database isn't visible to them."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        yield f"sqlite:///{tmp_path / 'killed.sqlite3'}"
        return
    name = f"staffroom_killed_{uuid.uuid4().hex[:10]}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _environment(database_url: str, smtp_port: int, data_dir: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TZ")}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "true",  # the demo hospital is only built in demo mode
        "DATABASE_URL": database_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "STAFFROOM_DATA_DIR": str(data_dir),
        "SITE_URL": "https://staffroom.test",
        # A killed worker's delivery is taken over after 2 s, not 5 minutes; rows of its
        # batch it never reached are thought lost after 3 s; the sweep runs every 2 s.
        "JOBS_LEASE_SECONDS": "2",
        "JOBS_STALE_SECONDS": "3",
        "JOBS_SWEEP_SECONDS": "2",
        "JOBS_CLOCK_SECONDS": "0.5",
    }


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "worker",
                "--no-reload",
                "--no-startup-delay",
                "--queue-name",
                "*",
                "--interval",
                "0.2",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _statuses(database_url: str, kind: str = "digest") -> Counter[str]:
    query = (
        "SELECT status, COUNT(*) FROM mail_outboundemail"  # noqa: S608  # our own constant
        f" WHERE kind = '{kind}' GROUP BY status"
    )
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
            rows: list[Any] = connection.execute(query).fetchall()
    else:
        with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as connection:
            rows = connection.execute(query).fetchall()
    return Counter(dict(rows))


def _wait_for(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"Timed out waiting for {what}")


QUEUE_LAST_WEEK = """
from staffroom.mail.digest.periods import latest_due
from staffroom.mail.digest.queueing import queue_period
print(queue_period(latest_due("weekly")))
"""


def test_a_worker_killed_mid_digest_neither_loses_nor_duplicates_an_email(
    scratch_database: str, tmp_path: Path
) -> None:
    recorder = SlowRecorder()
    port = free_port()
    server = Controller(recorder, hostname="127.0.0.1", port=port)
    server.start()
    env = _environment(scratch_database, port, tmp_path)
    first = second = None
    sent_earlier = 0
    try:
        _manage(env, "migrate", "--no-input")
        _manage(env, "createcachetable")
        _manage(env, "seed_demo", "--size", "demo")
        queued = int(_manage(env, "shell", "-c", QUEUE_LAST_WEEK).strip().splitlines()[-1])
        assert queued > 3 * KILL_AFTER

        # The demo's own email history (already sent) is not part of this run.
        sent_earlier = _statuses(scratch_database, kind="notification")["sent"]
        first = _worker(env, tmp_path / "worker-1.log")
        _wait_for(lambda: len(recorder.message_ids) >= KILL_AFTER, 180, "the first emails")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        sent_before_kill = len(recorder.message_ids)
        waiting = _statuses(scratch_database)
        assert waiting["pending"] + waiting["sending"] > 0, "killed too late: nothing was left"

        second = _worker(env, tmp_path / "worker-2.log")

        def finished() -> bool:
            statuses = _statuses(scratch_database)
            return statuses["pending"] + statuses["sending"] == 0

        _wait_for(finished, 240, "the second worker to finish the digest")
        time.sleep(1)  # anything still in flight reaches the server
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(10)
        server.stop()

    statuses = _statuses(scratch_database)
    other = _statuses(scratch_database, kind="notification")
    received = Counter(recorder.message_ids)
    duplicates = {message_id: n for message_id, n in received.items() if n > 1}
    assert not duplicates, f"emails sent twice: {duplicates}"
    assert statuses["failed"] == 0, (tmp_path / "worker-2.log").read_text()[-3000:]
    # Each email marked sent reached the server once; digests with nothing to say were
    # cancelled, not sent.
    assert len(received) == statuses["sent"] + other["sent"] - sent_earlier
    assert statuses["sent"] + statuses["cancelled"] == queued
    assert statuses["sent"] > sent_before_kill
