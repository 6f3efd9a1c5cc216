"""Chat webhooks: a channel's posts (and its department's idea decisions) sent as cards to a
Microsoft Teams or Slack room, through an incoming webhook its editors connected.

Each card to send is a `ChatDelivery` row of the outbox (staffroom.jobs.outbox), written in the
transaction that showed the post; the card is built when it is sent, from the post as it is
then, so a post held or hidden meanwhile is never sent. Decision 0022 explains the choices.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BaseModel
from staffroom.jobs import outbox


class HookKind(models.TextChoices):
    SLACK = "slack", _("Slack")
    TEAMS = "teams", _("Microsoft Teams")


class ChatHook(BaseModel):
    """An incoming webhook of a Slack or Teams room, connected to one channel.

    The address is a secret (whoever has it can post in the room): it is shown masked once
    saved, never in lists for administrators, logs or audit entries.
    """

    channel = models.ForeignKey(
        "staffchannels.Channel", on_delete=models.CASCADE, related_name="chat_hooks"
    )
    kind = models.CharField(_("chat service"), max_length=10, choices=HookKind.choices)
    name = models.CharField(_("name"), max_length=80)
    url = models.CharField(_("webhook address"), max_length=500)
    send_posts = models.BooleanField(_("new posts"), default=True)
    send_idea_decisions = models.BooleanField(
        _("decisions on the department's ideas"), default=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Paused by an editor, or by the delivery engine after repeated failure: nothing is sent.
    paused_at = models.DateTimeField(_("paused"), null=True, blank=True)
    paused_reason = models.CharField(_("why it is paused"), max_length=500, blank=True)
    # Deliveries given up in a row (after their retries); a delivery that arrives resets it.
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["channel", "name", "id"]
        verbose_name = _("chat webhook")
        verbose_name_plural = _("chat webhooks")
        constraints = [
            models.UniqueConstraint(fields=["channel", "url"], name="chathook_once_per_channel"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} hook {self.pk} of channel {self.channel_id}"

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def masked_url(self) -> str:
        """The address with its secret part hidden: the host and the last four characters."""
        from urllib.parse import urlsplit

        host = urlsplit(self.url).hostname or ""
        return f"https://{host}/…{self.url[-4:]}"


class DeliveryKind(models.TextChoices):
    POST = "post", _("New post")
    IDEA_RESPONSE = "idea_response", _("Idea decision")
    TEST = "test", _("Test message")


@outbox.register
class ChatDelivery(outbox.Outbox):
    """One card to one hook. Key: `post:<post>:hook:<hook>`, `response:<response>:hook:<hook>`
    or `test:<hook>:<uuid>`, so a post shown twice (released, hidden, restored) is sent once."""

    QUEUE = "webhooks"
    # 30 s, 1, 2, 4, 8, 16, 32 min: given up after about an hour of failures (a card about a
    # post that is a day old is no longer news), then counted against the hook.
    MAX_ATTEMPTS: ClassVar[int] = 8

    @classmethod
    def batches(cls, pks: list[int]) -> list[list[int]]:
        """One task per hook (also when the sweep hands lost cards back): a hook that times
        out (5 s a try) delays only its own cards."""
        by_hook: dict[int, list[int]] = {}
        for pk, hook_id in cls._default_manager.filter(pk__in=pks).values_list("pk", "hook_id"):
            by_hook.setdefault(hook_id, []).append(pk)
        return [
            group[start : start + outbox.BATCH_SIZE]
            for group in by_hook.values()
            for start in range(0, len(group), outbox.BATCH_SIZE)
        ]

    hook = models.ForeignKey(ChatHook, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(_("what"), max_length=20, choices=DeliveryKind.choices)
    post = models.ForeignKey(
        "staffchannels.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    idea_response = models.ForeignKey(
        "ideas.Response", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(outbox.Outbox.Meta):
        verbose_name = _("chat delivery")
        verbose_name_plural = _("chat deliveries")
        indexes = [
            *outbox.Outbox.Meta.indexes,
            models.Index(
                fields=["hook"],
                condition=Q(status__in=["pending", "sending"]),
                name="chatdelivery_waiting",
            ),
        ]

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        return f"{self.get_kind_display()} to chat hook {self.hook_id}"

    # Set by `deliver` when the far end said the address is gone (404, 410, 401, 403): the
    # hook is paused at the first such give-up rather than after several.
    hook_gone: bool = False

    def deliver(self, session: Any) -> None:
        from staffroom.chat.delivery import deliver

        deliver(self)

    def on_gave_up(self) -> None:
        from staffroom.chat.delivery import count_failure

        count_failure(self)
