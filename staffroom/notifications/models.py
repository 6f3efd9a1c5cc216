"""What Staffroom tells a person: stored now, delivered (bell, email, digest) by issue 6."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BaseModel


class Notification(BaseModel):
    class Kind(models.TextChoices):
        MENTION = "mention", _("Mentioned you")
        REPLY = "reply", _("Replied to you")
        REACTION = "reaction", _("Reacted")
        # Told to an author: a moderator hid, restored or edited what they wrote, warned or
        # suspended them; `message` says why.
        MODERATION = "moderation", _("Moderation")
        # Told to an author: their held item was released or removed by a privacy officer.
        PRIVACY = "privacy", _("Privacy review")
        # Told to the other privacy officers: one of them revealed an anonymous author.
        REVEAL = "reveal", _("Author revealed")
        # Told to an idea's author, voters and followers: a reviewer answered or changed its
        # status, or it was merged; `message` holds the response's first words.
        IDEA_UPDATE = "idea_update", _("Idea update")
        # Told to the reviewers an idea is routed to: a new idea waits for them.
        IDEA_TO_REVIEW = "idea_to_review", _("Idea to review")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    thread = models.ForeignKey(
        "discussion.Thread", on_delete=models.CASCADE, null=True, related_name="+"
    )
    comment = models.ForeignKey(
        "discussion.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Words from a moderator or privacy officer to the recipient (why something happened).
    message = models.CharField(max_length=1000, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Not yet looked at by the email job (staffroom.mail): it emails the notification at once
    # if the recipient wants this kind by email, then clears the flag. Stored history (demo
    # seeding, rows from before email existed) is created with False.
    email_pending = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "created_at", "id"], name="notification_inbox"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(
                fields=["id"],
                condition=models.Q(email_pending=True),
                name="notification_email_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class DigestFrequency(models.TextChoices):
    OFF = "off", _("Never")
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week")


def default_email_kinds() -> list[str]:
    """What is emailed right away unless the person chooses otherwise: things addressed to
    them personally. Reactions and new posts wait for the digest."""
    kind = Notification.Kind
    return [
        kind.MENTION,
        kind.REPLY,
        kind.MODERATION,
        kind.PRIVACY,
        kind.IDEA_UPDATE,
        kind.IDEA_TO_REVIEW,
    ]


class DeliverySettings(BaseModel):
    """How a person wants to hear from Staffroom. No row means the defaults of the fields."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delivery_settings"
    )
    # An in-app notification for each new post in the channels the person follows.
    channel_posts = models.BooleanField(_("new posts in channels I follow"), default=False)
    # Notification.Kind values emailed as they happen.
    email_kinds = models.JSONField(_("emailed at once"), default=default_email_kinds)
    digest = models.CharField(
        _("digest"),
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.WEEKLY,
    )

    class Meta:
        verbose_name = _("delivery settings")
        verbose_name_plural = _("delivery settings")

    def __str__(self) -> str:
        return f"delivery settings of {self.person_id}"
