"""Queueing a period's digests: one outbox row per person who wants it, in chunks.

People are walked in order of id, CHUNK_SIZE at a time. Each chunk is one transaction that
inserts the chunk's rows (the unique key makes a second insert of the same digest do
nothing), enqueues their delivery, and enqueues the task for the next chunk, so a walk
killed half-way has either done a chunk completely or not at all. When the walk reaches the
end it records the period as queued (a PeriodicRun row named `digest-queued:<frequency>`);
until then the hourly job starts the walk again, and the chunks already done add nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from staffroom.accounts.models import Person
from staffroom.jobs import outbox
from staffroom.jobs.models import PeriodicRun
from staffroom.mail.digest.periods import Period
from staffroom.mail.models import EmailKind, OutboundEmail
from staffroom.notifications.preferences import settings_for_many

logger = logging.getLogger(__name__)

CHUNK_SIZE = 2_000


@dataclass(frozen=True)
class ChunkResult:
    created: int
    # The last person id looked at, or None when no one is left (the walk is over).
    last_id: int | None


def marker_name(period: Period) -> str:
    return f"digest-queued:{period.frequency}"


def is_queued(period: Period) -> bool:
    """Has the walk for this period reached its end?"""
    return PeriodicRun.objects.filter(name=marker_name(period), slot=period.send_at).exists()


def _mark_queued(period: Period) -> None:
    try:
        with transaction.atomic():
            PeriodicRun.objects.create(name=marker_name(period), slot=period.send_at)
    except IntegrityError:
        pass  # a second walk of the same period finished too


def queue_chunk(period: Period, *, after_id: int = 0, size: int | None = None) -> ChunkResult:
    """Queue the digests of the next `size` people after `after_id` (in one transaction, the
    caller's if it has one). People who left, have no email address, or want another
    frequency are skipped. Returns how many rows were made and where the walk stands."""
    size = size or CHUNK_SIZE
    people = list(
        Person.objects.filter(is_active=True, erased_at__isnull=True, pk__gt=after_id)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )
    if not people:
        return ChunkResult(created=0, last_id=None)
    delivery = settings_for_many(people)
    wanted = [pk for pk in people if delivery[pk].digest == period.frequency]
    keys = {period.key_for(pk): pk for pk in wanted}
    with transaction.atomic():
        existing = set(
            OutboundEmail.objects.filter(key__in=list(keys)).values_list("key", flat=True)
        )
        missing = [key for key in keys if key not in existing]
        OutboundEmail.objects.bulk_create(
            [
                OutboundEmail(
                    key=key,
                    recipient_id=keys[key],
                    kind=EmailKind.DIGEST,
                    period_start=period.start,
                )
                for key in missing
            ],
            batch_size=500,
            ignore_conflicts=True,
        )
        # bulk_create with ignore_conflicts gives no ids back: read them by their keys.
        made = list(OutboundEmail.objects.filter(key__in=missing).order_by("pk"))
        outbox.enqueue_delivery(made)
    return ChunkResult(created=len(made), last_id=people[-1])


def finish(period: Period) -> None:
    _mark_queued(period)
    logger.info("Queued the %s digests of %s", period.frequency, period.start)


def queue_period(period: Period, *, size: int | None = None) -> int:
    """Walk everyone in this process, chunk by chunk (for tests and the benchmark; the
    worker walks it one task per chunk, see tasks.queue_digest_chunk). Returns rows made."""
    created = 0
    after_id = 0
    while True:
        result = queue_chunk(period, after_id=after_id, size=size)
        created += result.created
        if result.last_id is None:
            finish(period)
            return created
        after_id = result.last_id
