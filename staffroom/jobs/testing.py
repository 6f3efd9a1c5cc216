"""For tests: run the queued background tasks in this process with the real worker."""

from __future__ import annotations

from typing import Any
from unittest import mock

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_jobs(*, queue: str = "*", limit: int = 10_000) -> int:
    """Run every task that is due (and those they enqueue, if due) until none is left, with
    django-tasks-db's own worker in batch mode. Returns how many tasks ran."""
    before = DBTaskResult.objects.finished().count()
    worker = Worker(
        queue_names=[queue],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=limit,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    # The worker closes "old" connections between tasks; inside a test's transaction Django
    # thinks the connection unusable (autocommit is off) and would close it, losing the test's
    # data on PostgreSQL. Between real processes the worker's own behaviour stands.
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", return_value=None
    ):
        worker.run()
    return DBTaskResult.objects.finished().count() - before


def failed_tasks() -> list[DBTaskResult[Any, Any]]:
    return list(DBTaskResult.objects.failed())
