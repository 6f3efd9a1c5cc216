"""`manage.py worker`: django-tasks-db's worker, plus the clock that enqueues periodic jobs.

Run one beside the web server (`make run` does); at scale, run several on several machines
against PostgreSQL (docs/deploy.md). Options are db_worker's (`--queue-name`, `--interval`,
`--batch`, …) and `--no-clock` for a worker that only runs tasks.
"""

from __future__ import annotations

import logging
import os
import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from staffroom.jobs import outbox, schedule

logger = logging.getLogger("staffroom.jobs")


def run_clock(stop: threading.Event, interval: float) -> None:
    """Enqueue due periodic jobs every `interval` seconds until `stop` is set.

    A worker that starts may be replacing one that was killed: it sweeps for lost deliveries
    at once rather than at the next slot.
    """
    try:
        outbox.sweep()
    except Exception:
        logger.exception("The first sweep for lost deliveries failed")
    while not stop.is_set():
        try:
            started = schedule.enqueue_due()
            if started:
                logger.info("Enqueued periodic jobs: %s", ", ".join(started))
        except Exception:  # the clock must outlive a database hiccup
            logger.exception("The job clock could not enqueue periodic jobs")
        finally:
            close_old_connections()
        stop.wait(interval)


class Command(DBWorkerCommand):
    help = "Run background tasks, and enqueue periodic ones (the clock)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-clock",
            action="store_false",
            dest="clock",
            help="Don't enqueue periodic jobs from this worker (another worker's clock does).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        clock = options.pop("clock")
        in_reloader_parent = (
            options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        )
        if clock and not options.get("batch") and not in_reloader_parent:
            stop = threading.Event()
            thread = threading.Thread(
                target=run_clock,
                args=(stop, settings.JOBS_CLOCK_SECONDS),
                name="staffroom-job-clock",
                daemon=True,
            )
            thread.start()
        super().handle(*args, **options)
