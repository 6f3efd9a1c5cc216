"""The outbox's rules for giving up, with email rows (no delivery is attempted here)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.jobs import outbox
from staffroom.jobs.outbox import GiveUp, OutboxStatus, TryLater
from staffroom.mail.models import EmailKind, OutboundEmail

pytestmark = pytest.mark.django_db


def _sending(attempts: int) -> OutboundEmail:
    return OutboundEmail.objects.create(
        key=f"test:{attempts}",
        recipient=PersonFactory(),
        kind=EmailKind.NOTIFICATION,
        status=OutboxStatus.SENDING,
        attempts=attempts,
    )


def test_a_long_mail_outage_only_delays_email_for_two_days() -> None:
    email = _sending(attempts=OutboundEmail.MAX_ATTEMPTS + 3)
    outbox.record_failure(email, TryLater("Connection refused"))
    email.refresh_from_db()
    assert email.status == OutboxStatus.PENDING
    assert email.next_attempt_at > timezone.now()
    assert DBTaskResult.objects.ready().count() == 0  # its task waits for the backoff
    assert DBTaskResult.objects.count() == 1

    OutboundEmail.objects.filter(pk=email.pk).update(status=OutboxStatus.SENDING)
    with time_machine.travel(timezone.now() + timedelta(days=2, minutes=1)):
        email.refresh_from_db()
        outbox.record_failure(email, TryLater("Connection refused"))
    email.refresh_from_db()
    assert email.status == OutboxStatus.FAILED
    assert email.last_error == "Connection refused"


def test_a_permanent_failure_is_given_up_at_once() -> None:
    email = _sending(attempts=1)
    outbox.record_failure(email, GiveUp("No valid address"))
    email.refresh_from_db()
    assert email.status == OutboxStatus.FAILED


def test_the_sweep_takes_back_a_dead_workers_delivery_once_and_voids_its_lease() -> None:
    email = _sending(attempts=1)
    OutboundEmail.objects.filter(pk=email.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    old_claim = OutboundEmail.objects.get(pk=email.pk)
    assert outbox.sweep() == 1
    assert outbox.sweep() == 0  # not handed out again every minute
    new_claim = outbox.claim(OutboundEmail, email.pk)
    assert new_claim is not None
    # The first worker was only slow: its lease is void, it can't record the delivery.
    assert old_claim.mark_delivered() is False
    assert new_claim.mark_delivered() is True
