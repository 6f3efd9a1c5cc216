"""Emails Staffroom sends: one outbox row each (staffroom.jobs.outbox), rendered when sent.

The row says who and why (a notification, a digest for a period); the words are rendered at
delivery, in the recipient's language, by the renderer registered for its kind
(staffroom.mail.rendering). So a retry after an outage sends current words, and nothing
personal sits in the queue table.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staffroom.jobs import outbox

logger = logging.getLogger(__name__)


class EmailKind(models.TextChoices):
    NOTIFICATION = "notification", _("Notification")
    DIGEST = "digest", _("Digest")


@outbox.register
class OutboundEmail(outbox.Outbox):
    QUEUE = "email"
    # A mail server down for a night or a weekend only delays email: it is retried (every
    # 6 h at most) for two days before it is given up and shown to administrators.
    GIVE_UP_AFTER = timedelta(days=2)

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outbound_emails"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EmailKind.choices)
    notification = models.ForeignKey(
        "notifications.Notification",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # The digest's period: its first day (a daily digest) or the Monday of its week.
    period_start = models.DateField(_("period start"), null=True, blank=True)
    # The address it went to and its Message-ID, set when it is sent.
    to_address = models.CharField(_("sent to"), max_length=254, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)

    class Meta(outbox.Outbox.Meta):
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        return f"{self.get_kind_display()} email to person {self.recipient_id}"

    # -- delivery (staffroom.mail.delivery, decision 0021) ---------------------------------

    @classmethod
    def session(cls) -> contextlib.AbstractContextManager[Any]:
        from staffroom.mail.delivery import open_session

        return open_session()

    def deliver(self, session: Any) -> None:
        from staffroom.mail.delivery import deliver

        deliver(self, session)

    def on_gave_up(self) -> None:
        # The row, with its reason, is listed for administrators at /system/jobs/; the reason
        # names the address, never the email's words.
        logger.warning("Gave up on %s: %s", self.describe(), self.last_error)

    def cancel(self, reason: str) -> None:
        """Nothing to send any more: not a failure, so not retried and not listed as one."""
        type(self)._default_manager.filter(pk=self.pk, status=outbox.OutboxStatus.SENDING).update(
            status=outbox.OutboxStatus.CANCELLED,
            done_at=timezone.now(),
            lease_until=None,
            last_error=reason[:1000],
        )
        self.status = outbox.OutboxStatus.CANCELLED

    def record_address(self, address: str, message_id: str) -> None:
        """Where it is being sent, stored before sending (an administrator reads it beside a
        failure)."""
        self.to_address, self.message_id = address[:254], message_id[:255]
        type(self)._default_manager.filter(pk=self.pk).update(
            to_address=self.to_address, message_id=self.message_id
        )
