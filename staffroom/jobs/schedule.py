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


PERIODIC: dict[str, Periodic] = {}
T = TypeVar("T")


def every(interval: timedelta, *, name: str) -> Callable[[T], T]:
    """Decorator for a task (applied above @task()): run it once per `interval`."""

    def register(task: T) -> T:
        PERIODIC[name] = Periodic(name=name, every=interval, task=task)
        return task

    return register


def slot_of(now: datetime, interval: timedelta) -> datetime:
    """The start of the slot `now` falls in, counted from the Unix epoch in UTC."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    elapsed = (now - epoch) // interval
    return epoch + elapsed * interval


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Enqueue each periodic job whose current slot has no run yet. Returns their names."""
    now = now or timezone.now()
    started = []
    for periodic in PERIODIC.values():
        slot = slot_of(now, periodic.every)
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
