"""Demo step: email history, so the administrators' list of deliveries (/system/jobs/) and
the Django admin show what a running hospital's would.

- Each demo login's latest few notifications of kinds emailed at once were emailed: their
  OutboundEmail rows are "sent", with the address and Message-ID, a minute after the
  notification.
- One colleague's address was refused by the hospital's mail server (a new starter whose
  mailbox doesn't exist yet): a failed row with the server's reply, for the administrator to
  fix in the directory.

Only rows are written; nothing is sent (they are history, not queued). A few dozen rows at
any size; keyed like real ones (`notification:<id>`), so a second run adds nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from staffroom.accounts.models import Person
from staffroom.demo.services import check_demo_mode
from staffroom.jobs.outbox import OutboxStatus
from staffroom.mail.delivery import site_domain
from staffroom.mail.models import EmailKind, OutboundEmail
from staffroom.notifications.models import Notification, default_email_kinds

if TYPE_CHECKING:
    from staffroom.demo.services import DemoBuild

EMAILED_PER_LOGIN = 4
SENT_AFTER = timedelta(minutes=1)
REFUSED_REPLY = (
    "The mail server refused the address “{address}”: check it in the staff directory "
    "(550 5.1.1 Recipient address rejected: User unknown in local recipient table)"
)


def build_email_history(build: DemoBuild) -> None:
    check_demo_mode()
    logins = list(Person.objects.filter(is_demo=True).exclude(email="").only("id", "email"))
    rows: list[OutboundEmail] = []
    kinds = default_email_kinds()
    for person in logins:
        latest = Notification.objects.filter(recipient=person, kind__in=kinds).order_by(
            "-created_at", "-id"
        )[:EMAILED_PER_LOGIN]
        for notification in latest:
            done = notification.created_at + SENT_AFTER
            rows.append(_row(person, notification, OutboxStatus.SENT, done_at=done))
    refused = (
        Notification.objects.filter(
            kind__in=kinds,
            recipient__is_demo=False,
            recipient__is_active=True,
            recipient__erased_at__isnull=True,
        )
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("-created_at", "-id")
        .first()
    )
    if refused is not None:
        person = refused.recipient
        row = _row(person, refused, OutboxStatus.FAILED, done_at=refused.created_at + SENT_AFTER)
        row.last_error = REFUSED_REPLY.format(address=person.email)
        rows.append(row)
    existing = set(
        OutboundEmail.objects.filter(key__in=[row.key for row in rows]).values_list(
            "key", flat=True
        )
    )
    missing = [row for row in rows if row.key not in existing]
    OutboundEmail.objects.bulk_create(missing)
    build.count("outbound emails", len(missing))


def _row(
    person: Person, notification: Notification, status: str, *, done_at: datetime
) -> OutboundEmail:
    key = f"notification:{notification.pk}"
    return OutboundEmail(
        recipient_id=person.pk,
        kind=EmailKind.NOTIFICATION,
        notification_id=notification.pk,
        key=key,
        status=status,
        attempts=1,
        next_attempt_at=notification.created_at,
        done_at=done_at,
        to_address=person.email,
        # The Message-ID a real delivery of this row would have had (staffroom.mail.delivery).
        message_id=f"<demo-{notification.pk}@{site_domain()}>",
    )
