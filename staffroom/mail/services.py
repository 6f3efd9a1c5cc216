"""Writes of the mail app: turning new notifications into emails."""

from __future__ import annotations

from django.db import connection, transaction

from staffroom.accounts.models import Person
from staffroom.jobs import outbox
from staffroom.mail.delivery import address_problem
from staffroom.mail.models import EmailKind, OutboundEmail
from staffroom.notifications.models import Notification
from staffroom.notifications.preferences import settings_for_many, wants_email_now

BATCH_SIZE = 500
# One run handles at most this many batches; the next minute's run takes the rest.
MAX_BATCHES = 40


def queue_notification_emails(*, batch_size: int = BATCH_SIZE) -> int:
    """Email new notifications to those who want them at once. Returns how many emails.

    Takes notifications still marked `email_pending`, oldest first, a batch per transaction:
    an OutboundEmail for each whose recipient is active, not erased, has an email address
    and wants that kind now; their deliveries enqueued; the flag cleared — all or nothing,
    so a worker killed midway leaves the batch for the next run, and the unique key
    `notification:<id>` means a batch taken twice still makes one email each.

    A malformed directory address gets one email row, which fails with the reason and is
    listed for administrators at /system/jobs/; later notifications for that address are
    not queued while it stands (one failure per person and address, not one per mention).
    A person with no address at all is skipped silently: many staff have none.
    """
    queued = 0
    for _batch in range(MAX_BATCHES):
        with transaction.atomic():
            found, made = _queue_batch(batch_size)
        queued += made
        if found < batch_size:
            break
    return queued


def _queue_batch(batch_size: int) -> tuple[int, int]:
    pending = Notification.objects.filter(email_pending=True).order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        # Two runs at once (a slow run overlapping the next minute's) take different rows.
        pending = pending.select_for_update(skip_locked=True)
    batch = list(pending.only("id", "recipient_id", "kind")[:batch_size])
    if not batch:
        return 0, 0
    recipient_ids = {n.recipient_id for n in batch}
    people = {
        p.pk: p
        for p in Person.objects.filter(
            pk__in=recipient_ids, is_active=True, erased_at__isnull=True
        ).only("id", "email")
    }
    delivery = settings_for_many(people)
    already_failed = _addresses_already_failed(people)
    rows = []
    failing_now: set[tuple[int, str]] = set()
    for notification in batch:
        person = people.get(notification.recipient_id)
        if person is None or not wants_email_now(delivery[person.pk], notification.kind):
            continue
        address = (person.email or "").strip()
        if not address:
            continue
        if address_problem(address):
            if (person.pk, address) in already_failed or (person.pk, address) in failing_now:
                continue
            failing_now.add((person.pk, address))
        rows.append(
            OutboundEmail(
                recipient_id=person.pk,
                kind=EmailKind.NOTIFICATION,
                notification_id=notification.pk,
                key=f"notification:{notification.pk}",
            )
        )
    made: list[OutboundEmail] = []
    if rows:
        OutboundEmail.objects.bulk_create(rows, ignore_conflicts=True)
        made = list(
            OutboundEmail.objects.filter(
                key__in=[row.key for row in rows], status=outbox.OutboxStatus.PENDING
            ).only("id")
        )
        outbox.enqueue_delivery(made)
    Notification.objects.filter(pk__in=[n.pk for n in batch]).update(email_pending=False)
    return len(batch), len(made)


def _addresses_already_failed(people: dict[int, Person]) -> set[tuple[int, str]]:
    bad = [p for p in people.values() if p.email and address_problem(p.email.strip())]
    if not bad:
        return set()
    return set(
        OutboundEmail.objects.filter(
            recipient_id__in=[p.pk for p in bad],
            status=outbox.OutboxStatus.FAILED,
            to_address__in=[p.email.strip() for p in bad],
        ).values_list("recipient_id", "to_address")
    )
