"""Connecting, pausing, resuming and removing hooks (services), and the address checks."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.channels.models import Channel
from staffroom.channels.tests.factories import ChannelFactory
from staffroom.chat import services
from staffroom.chat.models import ChatDelivery, ChatHook, HookKind
from staffroom.chat.tests.factories import ChatHookFactory
from staffroom.jobs.outbox import OutboxStatus

pytestmark = pytest.mark.django_db

SLACK_URL = "https://hooks.slack.com/services/T024BE7LD/B08H1B3PLQA/yQ3tP9xEecsr8Z5QFhD9"
TEAMS_URL = "https://riverside.webhook.office.com/webhookb2/1a2b@3c4d/IncomingWebhook/5e6f/7a8b"
WORKFLOW_URL = (
    "https://prod-12.westeurope.logic.azure.com:443/workflows/abc123/triggers/manual/paths/"
    "invoke?api-version=2016-06-01&sig=s3cr3t"
)


@pytest.fixture
def channel() -> Channel:
    return ChannelFactory(name="Emergency", slug="emergency")


def connect(channel: Channel, actor: Person, **overrides: Any) -> ChatHook:
    fields: dict[str, Any] = {"kind": HookKind.SLACK, "name": "#ed-news", "url": SLACK_URL}
    fields.update(overrides)
    return services.connect_hook(channel=channel, actor=actor, **fields)


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        (HookKind.SLACK, SLACK_URL),
        (HookKind.TEAMS, TEAMS_URL),
        (HookKind.TEAMS, WORKFLOW_URL),
        (
            HookKind.TEAMS,
            "https://default1234.56.environment.api.powerplatform.com:443/powerautomate/x",
        ),
    ],
)
def test_provider_addresses_are_accepted(
    channel: Channel, person: Person, kind: str, url: str
) -> None:
    hook = connect(channel, person, kind=kind, url=f"  {url} ")
    assert hook.url == url
    assert AuditEntry.objects.filter(action=AuditAction.CHAT_HOOK_ADDED).count() == 1
    # The audit entry never holds the secret address.
    assert url not in str(AuditEntry.objects.get().data)
    assert "secret" not in AuditEntry.objects.get().summary


@pytest.mark.parametrize(
    ("kind", "url", "message"),
    [
        (
            HookKind.SLACK,
            "http://hooks.slack.com/services/T/B/x",
            "Webhook addresses must start with https://",
        ),
        (HookKind.SLACK, "ftp://hooks.slack.com/x", "Webhook addresses must start with https://"),
        (HookKind.SLACK, "", "Paste the webhook address"),
        (HookKind.SLACK, "https://hooks.slack.com.evil.example/services/x", "hooks.slack.com"),
        (HookKind.SLACK, "https://127.0.0.1/services/x", "hooks.slack.com"),
        (HookKind.SLACK, TEAMS_URL, "hooks.slack.com"),
        (HookKind.TEAMS, SLACK_URL, "webhook.office.com"),
        (HookKind.TEAMS, "https://webhook.office.com.attacker.example/x", "webhook.office.com"),
        (HookKind.SLACK, "https://user:pw@hooks.slack.com/x", "isn't a web address"),
        (HookKind.SLACK, "https://hooks.slack.com:port/x", "isn't a web address"),
    ],
)
def test_bad_addresses_are_refused_with_a_clear_message_and_nothing_is_saved(
    channel: Channel, person: Person, kind: str, url: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        connect(channel, person, kind=kind, url=url)
    assert message in " ".join(refused.value.message_dict["url"])
    assert not ChatHook.objects.exists()
    assert not AuditEntry.objects.exists()


def test_extra_hosts_come_from_the_setting(channel: Channel, person: Person, settings: Any) -> None:
    url = "https://chat.riverside.example/hooks/abc"
    with pytest.raises(ValidationError):
        connect(channel, person, url=url)
    settings.CHAT_WEBHOOK_ALLOWED_HOSTS = ["chat.riverside.example"]
    assert connect(channel, person, url=url).url == url


def test_every_problem_is_reported_at_once(channel: Channel, person: Person) -> None:
    with pytest.raises(ValidationError) as refused:
        connect(channel, person, name=" ", url="http://x")
    assert set(refused.value.message_dict) == {"name", "url"}


def test_a_hook_must_send_something(channel: Channel, person: Person) -> None:
    with pytest.raises(ValidationError) as refused:
        connect(channel, person, send_posts=False, send_idea_decisions=False)
    assert "send_posts" in refused.value.message_dict


def test_the_same_address_is_connected_once_per_channel(channel: Channel, person: Person) -> None:
    connect(channel, person)
    with pytest.raises(ValidationError, match="already connected"):
        connect(channel, person, name="again")
    assert ChatHook.objects.count() == 1


def test_the_address_is_shown_masked(channel: Channel, person: Person) -> None:
    hook = connect(channel, person)
    assert hook.masked_url == "https://hooks.slack.com/…FhD9"
    assert "yQ3tP9" not in hook.masked_url


def test_pausing_cancels_waiting_cards_and_resuming_starts_afresh(channel: Channel) -> None:
    editor = PersonFactory()
    hook = ChatHookFactory(channel=channel, consecutive_failures=2)
    waiting = services.send_test_message(hook=hook, actor=editor)
    services.pause_hook(hook=hook, actor=editor, reason="Room being moved.")
    hook.refresh_from_db()
    assert hook.is_paused
    assert hook.paused_reason == "Room being moved."
    waiting.refresh_from_db()
    assert waiting.status == OutboxStatus.CANCELLED
    with pytest.raises(ValidationError, match="paused"):
        services.send_test_message(hook=hook, actor=editor)
    services.resume_hook(hook=hook, actor=editor)
    hook.refresh_from_db()
    assert not hook.is_paused
    assert hook.consecutive_failures == 0
    waiting.refresh_from_db()
    assert waiting.status == OutboxStatus.CANCELLED  # not sent late, in a burst
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions == [AuditAction.CHAT_HOOK_PAUSED, AuditAction.CHAT_HOOK_RESUMED]


def test_a_second_test_click_while_one_waits_returns_the_same_delivery(channel: Channel) -> None:
    hook = ChatHookFactory(channel=channel)
    first = services.send_test_message(hook=hook, actor=PersonFactory())
    second = services.send_test_message(hook=hook, actor=PersonFactory())
    assert first.pk == second.pk
    assert ChatDelivery.objects.count() == 1


def test_removing_a_hook_forgets_its_deliveries(channel: Channel) -> None:
    hook = ChatHookFactory(channel=channel)
    services.send_test_message(hook=hook, actor=PersonFactory())
    services.remove_hook(hook=hook, actor=PersonFactory())
    assert not ChatHook.objects.exists()
    assert not ChatDelivery.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.CHAT_HOOK_REMOVED).exists()
