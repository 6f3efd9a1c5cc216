"""Emails Staffroom sends: one outbox row each (staffroom.jobs.outbox), rendered when sent.

The row says who and why (a notification, a digest for a period); the words are rendered at
delivery, in the recipient's language, by the renderer registered for its kind
(staffroom.mail.rendering). So a retry after an outage sends current words, and nothing
personal sits in the queue table.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from staffroom.jobs import outbox


class EmailKind(models.TextChoices):
    NOTIFICATION = "notification", _("Notification")
    DIGEST = "digest", _("Digest")


@outbox.register
class OutboundEmail(outbox.Outbox):
    QUEUE = "email"

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
