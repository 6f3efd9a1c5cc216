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

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "created_at", "id"], name="notification_inbox"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"
