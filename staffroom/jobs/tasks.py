"""The tasks of the jobs app itself: delivering outbox rows, and the periodic upkeep."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from staffroom.jobs import outbox, schedule

# Finished task rows are kept this long for administrators to read, then pruned.
KEEP_FINISHED_TASKS = timedelta(days=14)


@task()
def deliver_outbox(label: str, pks: list[int]) -> dict[str, int]:
    return outbox.deliver_rows(label, pks)


@schedule.every(timedelta(seconds=settings.JOBS_SWEEP_SECONDS), name="sweep")
@task()
def sweep() -> int:
    """Hand deliveries lost by a killed worker, or whose task was lost, to a worker again."""
    return outbox.sweep()


@schedule.every(timedelta(days=1), name="prune")
@task()
def prune() -> int:
    """Forget old periodic slots and successful tasks (failed ones stay until fixed)."""
    cutoff = timezone.now() - KEEP_FINISHED_TASKS
    removed, _ = DBTaskResult.objects.successful().filter(finished_at__lt=cutoff).delete()
    return removed + schedule.forget_old_runs()
