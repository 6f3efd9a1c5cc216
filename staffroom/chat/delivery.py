"""Sending one ChatDelivery (called by the outbox engine in a worker), and what follows a
failure: the hook's last error, its count of failures in a row, and pausing it.

The card is built now, from the post or idea as it is now, in the organisation's language
(settings.LANGUAGE_CODE: a chat room has no one language of its own). Anything no longer
meant for the room — a post held, hidden, archived, moved back to draft or given a
restricted audience since it was queued; a hook paused — is cancelled, not sent.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from staffroom.chat import services
from staffroom.chat.cards import Card, cut, payload
from staffroom.chat.models import ChatDelivery, ChatHook, DeliveryKind
from staffroom.chat.sending import AddressGone, RetryAt, post_json
from staffroom.ideas.models import Status
from staffroom.jobs.outbox import GiveUp, OutboxStatus, TryLater, backoff, enqueue_delivery

# Idea status changes sent to chat: decisions, not triage ("under review").
DECISION_STATUSES = frozenset(
    {Status.ACCEPTED, Status.IN_PROGRESS, Status.IMPLEMENTED, Status.NOT_PLANNED}
)
# A hook whose deliveries were given up this many times in a row is paused. An address the
# service says is gone (404, 410, 401, 403) is paused at the first.
PAUSE_AFTER_FAILURES = 3
RESPONSE_WORDS = 300


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def post_card(delivery: ChatDelivery) -> Card | None:
    from staffroom.chat.services import post_is_for_chat

    post = delivery.post
    if post is None or not post.is_shown or not post_is_for_chat(post):
        return None
    channel = post.channel
    if channel.is_archived:
        return None
    context = _("New post in %(channel)s · %(author)s") % {
        "channel": channel.name,
        "author": post.author.display_name,
    }
    return Card(
        title=post.title,
        text=post.summary,
        context=context,
        url=absolute(post.get_absolute_url()),
        button=_("Read in Staffroom"),
        fallback=_("New post in %(channel)s: %(title)s")
        % {
            "channel": channel.name,
            "title": cut(post.title, 150),
        },
    )


def idea_card(delivery: ChatDelivery) -> Card | None:
    response = delivery.idea_response
    if response is None:
        return None
    idea = response.idea
    if not idea.is_shown or response.to_status not in DECISION_STATUSES:
        return None
    status = Status(response.to_status).label
    # Reviewers answer in their own name; the idea's author is never named (it may be
    # anonymous, and the card is about the decision).
    context = _("Idea %(status)s · answered by %(reviewer)s") % {
        "status": str(status).lower(),
        "reviewer": response.responder.display_name,
    }
    words = html.unescape(strip_tags(response.message_html))
    return Card(
        title=idea.title,
        text=cut(words, RESPONSE_WORDS),
        context=context,
        url=absolute(idea.get_absolute_url()),
        button=_("See the idea"),
        fallback=_("Idea %(status)s: %(title)s")
        % {
            "status": str(status).lower(),
            "title": cut(idea.title, 150),
        },
    )


def test_card(delivery: ChatDelivery) -> Card:
    channel = delivery.hook.channel
    return Card(
        title=_("Staffroom is connected"),
        text=_(
            "This is a test message. New posts in %(channel)s will appear here as cards like "
            "this one."
        )
        % {"channel": channel.name},
        context=_("Test message for %(channel)s") % {"channel": channel.name},
        url=absolute(channel.get_absolute_url()),
        button=_("Open the channel"),
        fallback=_("Staffroom is connected to %(channel)s.") % {"channel": channel.name},
    )


def build_card(delivery: ChatDelivery) -> Card | None:
    with translation.override(settings.LANGUAGE_CODE):
        if delivery.kind == DeliveryKind.POST:
            return post_card(delivery)
        if delivery.kind == DeliveryKind.IDEA_RESPONSE:
            return idea_card(delivery)
        return test_card(delivery)


def _cancel(delivery: ChatDelivery, why: str) -> None:
    """Nothing to send any more. The engine's own "delivered" mark then finds the row no
    longer being sent, and changes nothing."""
    ChatDelivery.objects.filter(pk=delivery.pk, status=OutboxStatus.SENDING).update(
        status=OutboxStatus.CANCELLED, done_at=timezone.now(), lease_until=None, last_error=why
    )
    delivery.status = OutboxStatus.CANCELLED


def _wait_until(delivery: ChatDelivery, when: datetime, why: str, *, counted: bool) -> None:
    """Back to pending until `when` (a Retry-After; a scheduled post's time, which is not a
    failed attempt: `counted` False gives the attempt back). Done here because the engine's
    backoff knows neither."""
    changes: dict[str, Any] = {
        "status": OutboxStatus.PENDING,
        "last_error": why[:1000],
        "lease_until": None,
        "next_attempt_at": when,
    }
    if not counted:
        changes["attempts"] = F("attempts") - 1
    with transaction.atomic():
        changed = ChatDelivery.objects.filter(pk=delivery.pk, status=OutboxStatus.SENDING).update(
            **changes
        )
        if changed:
            enqueue_delivery([delivery], run_after=when)
    delivery.status = OutboxStatus.PENDING


def _note_error(hook: ChatHook, message: str, at: datetime) -> None:
    ChatHook.objects.filter(pk=hook.pk).update(last_error=message[:500], last_error_at=at)


def deliver(delivery: ChatDelivery) -> None:
    """Send the card (outbox `deliver`): returns when it arrived, was cancelled or must wait;
    raises TryLater or GiveUp (the engine retries or gives up)."""
    hook = ChatHook.objects.select_related("channel").filter(pk=delivery.hook_id).first()
    if hook is None:
        _cancel(delivery, "The hook was removed.")
        return
    if hook.is_paused:
        _cancel(delivery, services.PAUSED)
        return
    delivery.hook = hook
    post = delivery.post if delivery.kind == DeliveryKind.POST else None
    if (
        post is not None
        and services.post_is_for_chat(post)
        and post.published_at is not None
        and post.published_at > timezone.now()
    ):
        _wait_until(delivery, post.published_at, "Waiting for the post's time.", counted=False)
        return
    card = build_card(delivery)
    if card is None:
        _cancel(delivery, services.NOT_SHOWN)
        return
    try:
        post_json(hook.url, payload(hook.kind, card), service=hook.get_kind_display())
    except (TryLater, GiveUp) as error:
        _note_error(hook, str(error), timezone.now())
        if isinstance(error, AddressGone):
            delivery.hook_gone = True
        if isinstance(error, RetryAt) and delivery.attempts < delivery.MAX_ATTEMPTS:
            wait = max(error.wait, backoff(delivery.attempts))
            _wait_until(delivery, timezone.now() + wait, str(error), counted=True)
            return
        raise
    ChatHook.objects.filter(pk=hook.pk).update(
        consecutive_failures=0, last_delivered_at=timezone.now(), last_error="", last_error_at=None
    )


@transaction.atomic
def count_failure(delivery: ChatDelivery) -> None:
    """A delivery was given up (outbox `on_gave_up`): count it against its hook, and pause the
    hook — telling its editors — when the address is gone or failures keep coming."""
    hook = (
        ChatHook.objects.select_for_update(of=("self",))
        .select_related("channel", "created_by")
        .filter(pk=delivery.hook_id)
        .first()
    )
    if hook is None:
        return
    hook.consecutive_failures += 1
    hook.save(update_fields=["consecutive_failures", "updated_at"])
    if hook.is_paused:
        return
    with translation.override(settings.LANGUAGE_CODE):
        if delivery.hook_gone:
            reason = delivery.last_error
        elif hook.consecutive_failures >= PAUSE_AFTER_FAILURES:
            reason = _("%(count)d cards in a row could not be delivered. Last error: %(error)s") % {
                "count": hook.consecutive_failures,
                "error": delivery.last_error,
            }
        else:
            return
        services.pause_hook(hook=hook, actor=None, reason=reason)
        services.tell_hook_paused(hook)
