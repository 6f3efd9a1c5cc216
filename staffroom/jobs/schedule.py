"""Periodic jobs: registered here, enqueued by every worker's clock, run once per slot.

Each worker runs a clock (staffroom.jobs.management.commands.worker) that calls
`enqueue_due` every few seconds. For each periodic job whose slot has begun, the first clock
to insert its PeriodicRun row enqueues it; the others hit the unique constraint and move on.
So a job runs once per slot with one worker or twenty, and a worker that was down catches up
with the current slot (not every missed one) when it comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from staffroom.jobs.models import PeriodicRun


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    task: Any  # a django_tasks Task taking no arguments
    # Where slots start, after the Unix epoch (UTC): a daily job at 07:00 UTC has 7 hours.
    offset: timedelta = timedelta(0)


PERIODIC: dict[str, Periodic] = {}
T = TypeVar("T")


def every(interval: timedelta, *, name: str, offset: timedelta = timedelta(0)) -> Callable[[T], T]:
    """Decorator for a task (applied above @task()): run it once per `interval`, in slots
    starting `offset` after the Unix epoch (UTC)."""

    def register(task: T) -> T:
        PERIODIC[name] = Periodic(name=name, every=interval, task=task, offset=offset)
        return task

    return register


def slot_of(now: datetime, interval: timedelta, offset: timedelta = timedelta(0)) -> datetime:
    """The start of the slot `now` falls in, counted from the Unix epoch (UTC) + `offset`."""
    start = datetime(1970, 1, 1, tzinfo=UTC) + offset
    elapsed = (now - start) // interval
    return start + elapsed * interval


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Enqueue each periodic job whose current slot has no run yet. Returns their names."""
    now = now or timezone.now()
    started = []
    for periodic in PERIODIC.values():
        slot = slot_of(now, periodic.every, periodic.offset)
        if PeriodicRun.objects.filter(name=periodic.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(name=periodic.name, slot=slot)
                periodic.task.enqueue()
        except IntegrityError:
            continue  # another worker's clock took this slot
        started.append(periodic.name)
    return started


def forget_old_runs(now: datetime | None = None, keep: timedelta = timedelta(days=7)) -> int:
    now = now or timezone.now()
    deleted, _ = PeriodicRun.objects.filter(slot__lt=now - keep).delete()
    return deleted
