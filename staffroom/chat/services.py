"""Writes of the chat app: connecting, pausing, resuming and removing webhooks, sending a test
card, and queueing cards when a post is shown or an idea is decided.

Which webhook addresses are accepted: https only, on the service's own hosts (Slack:
hooks.slack.com; Teams: *.webhook.office.com, and Power Automate workflows on
*.logic.azure.com or *.environment.api.powerplatform.com), plus the hosts listed in the
`CHAT_WEBHOOK_ALLOWED_HOSTS` setting (a self-hosted Mattermost, the tests' local receiver).
Only these hosts ever receive a request from the worker: an editor can't point it at an
internal address.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person
from staffroom.audit.models import AuditAction
from staffroom.audit.services import record_audit
from staffroom.channels.models import Channel, ChannelEditor, Post
from staffroom.chat.models import ChatDelivery, ChatHook, DeliveryKind, HookKind
from staffroom.chat.queries import MAX_HOOKS_PER_CHANNEL
from staffroom.core.models import Visibility
from staffroom.jobs import outbox
from staffroom.jobs.outbox import OutboxStatus
from staffroom.notifications.models import Notification

NAME_MAX_LENGTH = 80
# A post first shown longer ago than this is not sent (edited, released late): not news.
NEWS_FOR = timedelta(days=3)
# Why a delivery was cancelled when its subject was out of sight (see _create_deliveries).
NOT_SHOWN = "No longer meant for the chat room."
PAUSED = "The hook is paused."
URL_MAX_LENGTH = 500
PROVIDER_HOSTS: dict[str, tuple[str, ...]] = {
    HookKind.SLACK: ("hooks.slack.com",),
    HookKind.TEAMS: (
        "*.webhook.office.com",
        "*.logic.azure.com",
        "*.environment.api.powerplatform.com",
    ),
}
# The notification kind told to a paused hook's editors. The notifications app declares it
# (Notification.Kind.CHAT_HOOK_PAUSED); the value is the same string either way.
CHAT_HOOK_PAUSED = Notification.Kind.CHAT_HOOK_PAUSED


# --- Checking what was typed ---------------------------------------------------------------


def _host_matches(host: str, pattern: str) -> bool:
    pattern = pattern.strip().lower()
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and len(host) > len(pattern) - 1
    return host == pattern


def allowed_hosts(kind: str) -> tuple[str, ...]:
    extra = tuple(getattr(settings, "CHAT_WEBHOOK_ALLOWED_HOSTS", ()) or ())
    return PROVIDER_HOSTS.get(kind, ()) + extra


def clean_hook_url(*, kind: str, url: str) -> str:
    """The address trimmed and checked; ValidationError on the `url` field otherwise."""
    url = (url or "").strip()
    if not url:
        raise ValidationError({"url": _("Paste the webhook address the chat service gave you.")})
    if len(url) > URL_MAX_LENGTH:
        raise ValidationError(
            {
                "url": _("That address is too long for a webhook (over %(max)d characters).")
                % {"max": URL_MAX_LENGTH}
            }
        )
    if not url.lower().startswith("https://"):
        raise ValidationError({"url": _("Webhook addresses must start with https://")})
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018  # raises ValueError for a port that isn't a number
    except ValueError:
        raise ValidationError({"url": _("That isn't a web address.")}) from None
    if not host or parts.username or parts.password or any(c.isspace() for c in url):
        raise ValidationError({"url": _("That isn't a web address.")})
    if not any(_host_matches(host, pattern) for pattern in allowed_hosts(kind)):
        if kind == HookKind.SLACK:
            message = _(
                "A Slack incoming webhook address starts with https://hooks.slack.com/. "
                "Copy it from the “Incoming Webhooks” page of your Slack app."
            )
        else:
            message = _(
                "A Teams webhook address is on webhook.office.com, or comes from a Power "
                "Automate workflow (logic.azure.com or api.powerplatform.com). Copy it from "
                "the workflow or connector in Teams."
            )
        raise ValidationError({"url": message})
    return url


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(
            {"name": _("Give the connection a name, such as the room it posts in.")}
        )
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            {"name": _("Keep the name to %(max)d characters or fewer.") % {"max": NAME_MAX_LENGTH}}
        )
    return name


# --- Managing hooks ------------------------------------------------------------------------


def _audit(hook: ChatHook, actor: Person | None, action: AuditAction) -> None:
    """Ids and the service only: never the address (a secret) nor the name."""
    record_audit(
        actor=actor,
        action=action,
        target=hook,
        summary=f"Chat hook {hook.pk} ({hook.kind}) of channel {hook.channel_id}",
        data={"channel": hook.channel_id, "kind": hook.kind},
    )


def connect_hook(
    *,
    channel: Channel,
    actor: Person,
    kind: str,
    name: str,
    url: str,
    send_posts: bool = True,
    send_idea_decisions: bool = False,
) -> ChatHook:
    """Connect a webhook to `channel`. Every problem is reported at once, per field."""
    errors: dict[str, list[str]] = {}
    if kind not in HookKind.values:
        errors["kind"] = [_("Choose Slack or Microsoft Teams.")]
    try:
        name = clean_name(name)
    except ValidationError as error:
        errors.update(error.message_dict)
    if kind in HookKind.values:
        try:
            url = clean_hook_url(kind=kind, url=url)
        except ValidationError as error:
            errors.update(error.message_dict)
    if not errors and not (send_posts or send_idea_decisions):
        errors["send_posts"] = [_("Choose what to send: new posts, idea decisions or both.")]
    if not errors and ChatHook.objects.filter(channel=channel).count() >= MAX_HOOKS_PER_CHANNEL:
        errors["url"] = [
            _("A channel can be connected to at most %(max)d chat rooms.")
            % {"max": MAX_HOOKS_PER_CHANNEL}
        ]
    if not errors and ChatHook.objects.filter(channel=channel, url=url).exists():
        errors["url"] = [_("This webhook is already connected to this channel.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            hook = ChatHook.objects.create(
                channel=channel,
                kind=kind,
                name=name,
                url=url,
                send_posts=send_posts,
                send_idea_decisions=send_idea_decisions,
                created_by=actor,
            )
            _audit(hook, actor, AuditAction.CHAT_HOOK_ADDED)
    except IntegrityError:
        raise ValidationError(
            {"url": _("This webhook is already connected to this channel.")}
        ) from None
    return hook


@transaction.atomic
def pause_hook(*, hook: ChatHook, actor: Person | None, reason: str) -> ChatHook:
    """Stop sending to `hook`; cards waiting for it are cancelled (not sent on resume: they
    would arrive late, in a burst). `actor` None: the delivery engine paused it."""
    locked = ChatHook.objects.select_for_update().get(pk=hook.pk)
    if locked.paused_at is None:
        locked.paused_at = timezone.now()
        locked.paused_reason = reason[:500]
        locked.save(update_fields=["paused_at", "paused_reason", "updated_at"])
        _cancel_waiting(locked)
        _audit(locked, actor, AuditAction.CHAT_HOOK_PAUSED)
    hook.paused_at, hook.paused_reason = locked.paused_at, locked.paused_reason
    return hook


def _cancel_waiting(hook: ChatHook) -> int:
    return ChatDelivery.objects.filter(hook=hook, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.CANCELLED, done_at=timezone.now(), last_error=PAUSED
    )


@transaction.atomic
def resume_hook(*, hook: ChatHook, actor: Person) -> ChatHook:
    locked = ChatHook.objects.select_for_update().get(pk=hook.pk)
    if locked.paused_at is not None:
        locked.paused_at = None
        locked.paused_reason = ""
        locked.consecutive_failures = 0
        locked.save(
            update_fields=["paused_at", "paused_reason", "consecutive_failures", "updated_at"]
        )
        _audit(locked, actor, AuditAction.CHAT_HOOK_RESUMED)
    hook.paused_at, hook.paused_reason = None, ""
    hook.consecutive_failures = 0
    return hook


@transaction.atomic
def remove_hook(*, hook: ChatHook, actor: Person) -> None:
    """Forget the hook and its deliveries (a task still queued for them finds nothing)."""
    _audit(hook, actor, AuditAction.CHAT_HOOK_REMOVED)
    hook.delete()


@transaction.atomic
def send_test_message(*, hook: ChatHook, actor: Person) -> ChatDelivery:
    """Queue a test card to `hook`; the worker sends it, and the hook's page shows how it
    went. One test at a time: while one waits, another click returns it."""
    locked = ChatHook.objects.select_for_update().get(pk=hook.pk)
    if locked.paused_at is not None:
        raise ValidationError(_("This connection is paused: resume it to send a test message."))
    waiting = ChatDelivery.objects.filter(
        hook=locked,
        kind=DeliveryKind.TEST,
        status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING],
    ).first()
    if waiting is not None:
        return waiting
    delivery = ChatDelivery.objects.create(
        key=f"test:{locked.pk}:{uuid.uuid4().hex}",
        hook=locked,
        kind=DeliveryKind.TEST,
        requested_by=actor,
    )
    _enqueue([delivery])
    return delivery


# --- Queueing cards ------------------------------------------------------------------------


def _enqueue(deliveries: Iterable[ChatDelivery], *, run_after: datetime | None = None) -> None:
    """One task per hook (ChatDelivery.batches): a hook that times out (5 s a try) delays
    only its own cards."""
    outbox.enqueue_delivery(deliveries, run_after=run_after)


def _create_deliveries(
    hooks: Iterable[ChatHook],
    *,
    kind: str,
    key_prefix: str,
    due: datetime | None = None,
    **subject: object,
) -> list[ChatDelivery]:
    """A delivery per hook that doesn't have one for this subject yet (keys are unique:
    showing the same post again sends nothing again), due at `due` (now if None).

    A delivery cancelled because its subject was out of sight when its time came (a
    scheduled post moved back to draft, a post hidden) is made due again: the subject is
    back. One cancelled because its hook was paused stays cancelled."""
    wanted = {f"{key_prefix}:hook:{hook.pk}": hook for hook in hooks}
    if not wanted:
        return []
    now = timezone.now()
    due = max(due or now, now)
    existing = {
        row.key: row
        for row in ChatDelivery.objects.filter(key__in=wanted).only(
            "pk", "key", "status", "last_error", "hook_id"
        )
    }
    again = [
        row
        for row in existing.values()
        if row.status == OutboxStatus.CANCELLED and row.last_error == NOT_SHOWN
    ]
    if again:
        ChatDelivery.objects.filter(pk__in=[row.pk for row in again]).update(
            status=OutboxStatus.PENDING, next_attempt_at=due, done_at=None, last_error=""
        )
    created = ChatDelivery.objects.bulk_create(
        [
            ChatDelivery(key=key, hook=hook, kind=kind, next_attempt_at=due, **subject)
            for key, hook in wanted.items()
            if key not in existing
        ]
    )
    _enqueue([*created, *again], run_after=due if due > now else None)
    return created


def post_is_for_chat(post: Post) -> bool:
    """Published or scheduled, visible, and for everyone who can read the channel: a chat
    room's members can't be checked against a post's audience, so a post for some sites,
    departments or job families is never sent. (Whether its time has come is checked when
    the card is sent.)"""
    return (
        post.status in (Post.Status.PUBLISHED, Post.Status.SCHEDULED)
        and post.published_at is not None
        and post.visibility == Visibility.VISIBLE
        and not post.audience_restricted
    )


def queue_post(post: Post) -> list[ChatDelivery]:
    """Called (channels.services.posts.after_post_went_live) in the transaction that made
    `post` live or scheduled while visible: published, released by the PHI guard, restored
    by a moderator, edited. A card is queued for each active hook of its channel that
    existed when the post was first shown, once per post and hook, due when the post goes
    live; a post first shown more than NEWS_FOR ago is not news any more."""
    if not post_is_for_chat(post):
        return []
    shown = post.first_shown_at
    if shown is not None and shown <= timezone.now() - NEWS_FOR:
        return []
    hooks = ChatHook.objects.filter(
        channel_id=post.channel_id, paused_at__isnull=True, send_posts=True
    )
    if shown is not None and shown <= timezone.now():
        # Already shown before (an edit, a release): not "new" to a room connected since.
        hooks = hooks.filter(created_at__lte=shown)
    return _create_deliveries(
        hooks,
        kind=DeliveryKind.POST,
        key_prefix=f"post:{post.pk}",
        due=post.published_at,
        post=post,
    )


def queue_idea_response(response: object) -> list[ChatDelivery]:
    """Called (ideas.services.reviewing.after_response) when a reviewer answers an idea:
    a decision (accepted, in progress, implemented, not planned) goes to the hooks of the
    channel of the idea's department that asked for idea decisions."""
    from staffroom.chat.delivery import DECISION_STATUSES
    from staffroom.ideas.models import Response

    assert isinstance(response, Response)
    if response.from_status == response.to_status or response.to_status not in DECISION_STATUSES:
        return []
    idea = response.idea
    if not idea.is_shown:
        return []
    hooks = ChatHook.objects.filter(
        channel__department_id=idea.department_id,
        channel__kind=Channel.Kind.DEPARTMENT,
        paused_at__isnull=True,
        send_idea_decisions=True,
    )
    return _create_deliveries(
        hooks,
        kind=DeliveryKind.IDEA_RESPONSE,
        key_prefix=f"response:{response.pk}",
        idea_response=response,
    )


# --- After failures ------------------------------------------------------------------------


def tell_hook_paused(hook: ChatHook) -> int:
    """Notify the hook's named channel editors and whoever connected it (active people)."""
    recipients = set(
        ChannelEditor.objects.filter(
            channel_id=hook.channel_id, person__is_active=True
        ).values_list("person_id", flat=True)
    )
    if hook.created_by_id is not None and hook.created_by is not None and hook.created_by.is_active:
        recipients.add(hook.created_by_id)
    message = _("The chat connection “%(name)s” of %(channel)s was paused: %(reason)s") % {
        "name": hook.name,
        "channel": hook.channel.name,
        "reason": hook.paused_reason,
    }
    Notification.objects.bulk_create(
        [
            Notification(recipient_id=pk, kind=CHAT_HOOK_PAUSED, message=message[:1000])
            for pk in sorted(recipients)
        ]
    )
    return len(recipients)
