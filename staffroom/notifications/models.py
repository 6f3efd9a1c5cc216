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
        # Told to the followers of a channel who asked for it (DeliverySettings.channel_posts):
        # a post went live there. At most one per person and post (constraint below).
        CHANNEL_POST = "channel_post", _("New post in a channel you follow")
        # Told to a channel's editors and whoever connected it: a chat webhook kept failing
        # and was paused; `message` says why.
        CHAT_HOOK_PAUSED = "chat_hook_paused", _("Chat room paused")

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
    # A REACTION notification stands for every reaction to the same item while it is unread:
    # `actor` is the latest to react, this many others reacted before them ("Ana and 12
    # others reacted"). Stored when a reaction is added, never recounted (a withdrawn
    # reaction doesn't take one off).
    others_count = models.PositiveIntegerField(default=0)
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
        constraints = [
            # The channel-post fan-out may run twice (a retried task): nobody is told twice.
            models.UniqueConstraint(
                fields=["recipient", "thread"],
                condition=models.Q(kind="channel_post"),
                name="notification_one_per_channel_post",
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
        kind.CHAT_HOOK_PAUSED,
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


class ChannelPostFanout(BaseModel):
    """A post whose followers are being (or were) told it went live: one row per post, so a
    post edited, re-published or released again queues its fan-out once
    (notifications.channel_posts)."""

    post = models.OneToOneField("staffchannels.Post", on_delete=models.CASCADE, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    # How many people the fan-out told (0: nobody opted in, or the post was no longer news).
    notified = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("channel post fan-out")
        verbose_name_plural = _("channel post fan-outs")

    def __str__(self) -> str:
        return f"fan-out of post {self.post_id}"
