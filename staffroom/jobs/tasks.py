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
# Delivered and cancelled emails and chat cards are kept this long (for "was it sent?").
KEEP_DONE_DELIVERIES = timedelta(days=30)


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
    """Forget old periodic slots, successful tasks, and deliveries done (sent or cancelled)
    long enough ago that nobody will ask for them again (their unique keys only matter for
    the current period). Failed ones stay until an administrator deals with them."""
    cutoff = timezone.now() - KEEP_FINISHED_TASKS
    removed, _ = DBTaskResult.objects.successful().filter(finished_at__lt=cutoff).delete()
    done_before = timezone.now() - KEEP_DONE_DELIVERIES
    for model in outbox.REGISTRY.values():
        deleted, _ = model._default_manager.filter(
            status__in=[outbox.OutboxStatus.SENT, outbox.OutboxStatus.CANCELLED],
            done_at__lt=done_before,
        ).delete()
        removed += deleted
    return removed + schedule.forget_old_runs()
