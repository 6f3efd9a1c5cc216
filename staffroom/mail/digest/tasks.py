"""The digest's background tasks: the hourly check for a period that is due, and the walk
through everyone, one task per chunk (see queueing.py)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django_tasks import task

from staffroom.jobs import schedule
from staffroom.mail.digest import queueing
from staffroom.mail.digest.periods import Period, latest_due
from staffroom.notifications.models import DigestFrequency

FREQUENCIES = (DigestFrequency.DAILY, DigestFrequency.WEEKLY)
# The walk's next chunk goes before the deliveries its chunks queued, so the whole period is
# queued in the first minute or two while the emails go out behind it.
WALK_PRIORITY = 10


def start_walk(period: Period) -> None:
    """Enqueue the first chunk of the walk through everyone for `period`."""
    _next_chunk(period, after_id=0)


def _next_chunk(period: Period, *, after_id: int) -> None:
    queue_digest_chunk.using(priority=WALK_PRIORITY).enqueue(
        period.frequency, period.start.isoformat(), after_id
    )


@schedule.every(timedelta(hours=1), name="digests")
@task()
def queue_due_digests() -> list[str]:
    """Start the walk of each frequency's latest due period unless it has been queued.

    A walk cut short (its worker killed) is started again an hour later from the first
    person; the chunks it had done add nothing the second time."""
    started = []
    for frequency in FREQUENCIES:
        period = latest_due(frequency)
        if queueing.is_queued(period):
            continue
        start_walk(period)
        started.append(f"{frequency} {period.start.isoformat()}")
    return started


@task()
def queue_digest_chunk(frequency: str, start: str, after_id: int) -> int:
    """Queue one chunk of a period's digests and, in the same transaction, the next chunk."""
    period = Period(frequency=frequency, start=date.fromisoformat(start))
    with transaction.atomic():
        result = queueing.queue_chunk(period, after_id=after_id)
        if result.last_id is not None:
            _next_chunk(period, after_id=result.last_id)
    if result.last_id is None:
        queueing.finish(period)
    return result.created
