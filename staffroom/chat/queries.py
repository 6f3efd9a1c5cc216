"""Reads of the chat app, each with a fixed number of queries."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404

from staffroom.accounts.models import Person
from staffroom.channels.models import Channel, ChannelEditor
from staffroom.chat.models import ChatDelivery, ChatHook, DeliveryKind
from staffroom.jobs.outbox import OutboxStatus

# More than this on one channel is not a chat set-up but a mistake; the page says so.
MAX_HOOKS_PER_CHANNEL = 20


def channel_hooks(channel: Channel) -> QuerySet[ChatHook]:
    """The channel's hooks for its chat page: one query, with whether a test message (or any
    card) is still on its way."""
    waiting = ChatDelivery.objects.filter(
        hook=OuterRef("pk"), status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING]
    )
    return (
        ChatHook.objects.filter(channel=channel)
        .select_related("created_by")
        .annotate(
            test_waiting=Exists(waiting.filter(kind=DeliveryKind.TEST)),
            cards_waiting=Exists(waiting),
        )
        .order_by("name", "id")[:MAX_HOOKS_PER_CHANNEL]
    )


def get_channel_or_404(slug: str) -> Channel:
    try:
        return Channel.objects.select_related("department").get(slug=slug)
    except Channel.DoesNotExist:
        raise Http404 from None


def get_hook_or_404(channel: Channel, pk: int) -> ChatHook:
    try:
        return ChatHook.objects.get(channel=channel, pk=pk)
    except ChatHook.DoesNotExist:
        raise Http404 from None


# The "your chat rooms" page lists at most this many (a person looks after a handful).
MAX_LOOKED_AFTER = 50


def hooks_looked_after(person: Person) -> list[ChatHook]:
    """The hooks a pause notification is sent about to `person`: those they connected and
    those of channels they are a named editor of, paused first; only those whose channel
    they still edit. Two queries (hooks, their named editorships), whatever the number."""
    from staffroom.chat.permissions import can_manage_chat_hooks

    named = ChannelEditor.objects.filter(person=person).values("channel_id")
    hooks = (
        ChatHook.objects.filter(Q(created_by=person) | Q(channel_id__in=named))
        .select_related("channel", "channel__department")
        .order_by(F("paused_at").desc(nulls_last=True), "channel__name", "name", "id")[
            :MAX_LOOKED_AFTER
        ]
    )
    return [hook for hook in hooks if can_manage_chat_hooks(person, hook.channel)]
