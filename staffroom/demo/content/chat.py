"""Demo step: chat rooms connected to three of the demo hospital's channels, so the "Chat
rooms" page of a channel shows what connections look like — one paused by the delivery
engine after Slack said its webhook was gone, two paused by their editors.

Every demo hook is created paused, at an address on a reserved `.example` domain
(RFC 2606): the demo's worker never calls out with them. An editor who resumes one sees the
real failure path — the address can't be reached, the card is retried, and the hook is
paused again with the reason. Three rows whatever the size: cheap at `--size large` too.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from staffroom.accounts.models import Person, Role
from staffroom.channels.models import Channel, ChannelEditor
from staffroom.chat.models import ChatHook, HookKind
from staffroom.demo.services import check_demo_mode

if TYPE_CHECKING:
    from staffroom.demo.services import DemoBuild

DEMO_REASON = (
    "Paused for the demo: this address is an example, not a real room. Connect a webhook of "
    "your own Teams channel or Slack workspace to try it."
)
GONE_REASON = (
    "Slack says this webhook address no longer exists or was revoked (404, no_service). "
    "Create a new incoming webhook and connect it again."
)


def _channels() -> dict[str, Channel]:
    found: dict[str, Channel] = {}
    lets_talk = Channel.objects.filter(kind=Channel.Kind.LEADERSHIP).first()
    if lets_talk is not None:
        found["lets-talk"] = lets_talk
    emergency = Channel.objects.filter(department__code="rgh-emergency").first()
    if emergency is not None:
        found["emergency"] = emergency
    council = Channel.objects.filter(slug="nursing-practice-council").first()
    if council is not None:
        found["council"] = council
    return found


def build_chat_hooks(build: DemoBuild) -> None:
    check_demo_mode()
    channels = _channels()
    if not channels or ChatHook.objects.filter(channel__in=channels.values()).exists():
        return
    now = timezone.now()
    editors = dict(
        ChannelEditor.objects.filter(channel__in=channels.values())
        .order_by("channel_id", "pk")
        .values_list("channel_id", "person_id")
    )
    comms = (
        Person.objects.filter(is_demo=True, role_grants__role=Role.COMMUNICATIONS_ADMIN)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    # (channel, service, name, address, when connected, paused how long ago, reason, gone?)
    plan = (
        (
            "emergency",
            HookKind.SLACK,
            "#ed-news",
            "https://hooks.slack.example/services/T0DEMO0ED/B0DEMO0ED/demo-ed-news",
            timedelta(days=120),
            timedelta(days=2),
            GONE_REASON,
            True,
        ),
        (
            "lets-talk",
            HookKind.TEAMS,
            "Riverside Health — General",
            "https://riverside-health.webhook.office.example/webhookb2/demo/IncomingWebhook/all",
            timedelta(days=200),
            timedelta(days=30),
            DEMO_REASON,
            False,
        ),
        (
            "council",
            HookKind.TEAMS,
            "Nursing Practice Council — Announcements",
            "https://prod-00.westeurope.logic.azure.example/workflows/demo-council/run",
            timedelta(days=90),
            timedelta(days=30),
            DEMO_REASON,
            False,
        ),
    )
    hooks: list[tuple[ChatHook, timedelta]] = []
    for key, kind, name, url, connected, paused, reason, gone in plan:
        channel = channels.get(key)
        if channel is None:
            continue
        hook = ChatHook(
            channel=channel,
            kind=kind,
            name=name,
            url=url,
            send_posts=True,
            send_idea_decisions=channel.kind == Channel.Kind.DEPARTMENT,
            created_by_id=editors.get(channel.pk, comms),
            paused_at=now - paused,
            paused_reason=reason,
            consecutive_failures=1 if gone else 0,
            last_delivered_at=now - paused - timedelta(hours=5),
            last_error=reason if gone else "",
            last_error_at=now - paused if gone else None,
        )
        hooks.append((hook, connected))
    ChatHook.objects.bulk_create([hook for hook, _connected in hooks])
    # Connected months ago (created_at is set on insert, so it is stored afterwards).
    for hook, connected in hooks:
        ChatHook.objects.filter(pk=hook.pk).update(created_at=now - connected)
    build.count("chat rooms", len(hooks))
