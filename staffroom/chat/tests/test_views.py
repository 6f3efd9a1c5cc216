"""The chat rooms page of a channel: who may use it, connecting (bad input kept and
explained), test messages, pause, resume and disconnect, with and without htmx."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.channels.models import Channel
from staffroom.channels.tests.factories import ChannelEditorFactory, ChannelFactory
from staffroom.chat.models import ChatDelivery, ChatHook, DeliveryKind, HookKind
from staffroom.chat.permissions import can_manage_chat_hooks
from staffroom.chat.tests.factories import ChatHookFactory
from staffroom.jobs.outbox import OutboxStatus
from staffroom.organisation.tests.factories import DepartmentFactory, UnitFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
SLACK_URL = "https://hooks.slack.com/services/T024BE7LD/B08H1B3PLQA/yQ3tP9xEecsr8Z5QFhD9"


@pytest.fixture
def channel() -> Channel:
    return ChannelFactory(name="Emergency", slug="emergency")


@pytest.fixture
def editor(channel: Channel) -> Person:
    person: Person = ChannelEditorFactory(channel=channel).person
    return person


@pytest.fixture
def editor_client(client: Client, editor: Person) -> Client:
    client.force_login(editor)
    return client


def page(channel: Channel) -> str:
    return reverse("chat:hooks", kwargs={"slug": channel.slug})


def action(hook: ChatHook, name: str) -> str:
    return reverse(f"chat:hook_{name}", kwargs={"slug": hook.channel.slug, "pk": hook.pk})


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Who may -------------------------------------------------------------------------------


def test_named_editors_department_editors_and_communications_admins_manage_hooks() -> None:
    department = DepartmentFactory()
    department_channel = ChannelFactory(kind=Channel.Kind.DEPARTMENT, department=department)
    topic = ChannelFactory()
    named = ChannelEditorFactory(channel=topic).person
    department_editor = RoleGrantFactory(
        role=Role.CHANNEL_EDITOR,
        department=department,
        person=PersonFactory(unit=UnitFactory(department=department)),
    ).person
    comms = RoleGrantFactory(role=Role.COMMUNICATIONS_ADMIN).person
    staff = PersonFactory(unit=UnitFactory(department=department))
    assert can_manage_chat_hooks(named, topic)
    assert not can_manage_chat_hooks(named, department_channel)
    assert can_manage_chat_hooks(department_editor, department_channel)
    assert not can_manage_chat_hooks(department_editor, topic)
    assert can_manage_chat_hooks(comms, topic)
    assert can_manage_chat_hooks(comms, department_channel)
    assert not can_manage_chat_hooks(staff, department_channel)


def test_staff_cannot_see_or_change_a_channels_hooks(client: Client, channel: Channel) -> None:
    hook = ChatHookFactory(channel=channel)
    client.force_login(PersonFactory())
    assert client.get(page(channel)).status_code == 403
    response = client.post(page(channel), {"name": "x", "kind": "slack", "url": SLACK_URL})
    assert response.status_code == 403
    for name in ("test", "pause", "resume", "remove"):
        assert client.post(action(hook, name)).status_code == 403
    assert ChatHook.objects.count() == 1
    assert not ChatDelivery.objects.exists()
    hook.refresh_from_db()
    assert not hook.is_paused


def test_an_editor_of_another_channel_cannot_touch_this_ones_hooks(
    client: Client, channel: Channel
) -> None:
    hook = ChatHookFactory(channel=channel)
    other = ChannelFactory()
    client.force_login(ChannelEditorFactory(channel=other).person)
    assert client.get(page(channel)).status_code == 403
    assert client.post(action(hook, "remove")).status_code == 403
    # Nor through their own channel's address: the hook is looked up in the channel.
    wrong = reverse("chat:hook_remove", kwargs={"slug": other.slug, "pk": hook.pk})
    assert client.post(wrong).status_code == 404
    assert ChatHook.objects.filter(pk=hook.pk).exists()


def test_signed_out_people_are_sent_to_sign_in(client: Client, channel: Channel) -> None:
    response = client.get(page(channel))
    assert response.status_code == 302
    assert "/account/" in response["Location"] or "login" in response["Location"]


# --- The page ------------------------------------------------------------------------------


def test_the_page_lists_hooks_with_their_state_and_masked_addresses(
    editor_client: Client, channel: Channel
) -> None:
    ChatHookFactory(channel=channel, name="#ed-news", url=SLACK_URL)
    ChatHookFactory(
        channel=channel,
        name="ED Teams",
        kind=HookKind.TEAMS,
        url="https://riverside.webhook.office.com/webhookb2/abc/IncomingWebhook/def/ghij",
        paused_at=timezone.now(),
        paused_reason="Microsoft Teams says this webhook address no longer exists.",
        last_error="Microsoft Teams answered 404.",
        last_error_at=timezone.now(),
    )
    response = editor_client.get(page(channel))
    assert response.status_code == 200
    html = response.content.decode()
    assert "#ed-news" in html
    assert "https://hooks.slack.com/…FhD9" in html
    assert "yQ3tP9xEecsr8Z5QFhD9" not in html  # the secret is never shown again
    assert "Paused" in html
    assert "no longer exists" in html
    assert "Microsoft Teams answered 404." in html
    assert "Resume" in html


def test_the_page_costs_the_same_queries_with_few_or_many_hooks(
    editor_client: Client, channel: Channel, query_count: Callable[[Callable[[], object]], int]
) -> None:
    ChatHookFactory(channel=channel)
    editor_client.get(page(channel))  # the first request of a session reads more (once)
    few = query_count(lambda: editor_client.get(page(channel)))
    for _number in range(12):
        hook = ChatHookFactory(channel=channel, created_by=PersonFactory())
        ChatDelivery.objects.create(key=f"test:{hook.pk}:x", hook=hook, kind=DeliveryKind.TEST)
    many = query_count(lambda: editor_client.get(page(channel)))
    assert few == many


def test_a_department_channel_offers_idea_decisions_and_a_topic_channel_does_not(
    client: Client,
) -> None:
    department = DepartmentFactory()
    department_channel = ChannelFactory(kind=Channel.Kind.DEPARTMENT, department=department)
    comms = RoleGrantFactory(role=Role.COMMUNICATIONS_ADMIN).person
    client.force_login(comms)
    assert "send_idea_decisions" in client.get(page(department_channel)).content.decode()
    assert "send_idea_decisions" not in client.get(page(ChannelFactory())).content.decode()


# --- Connecting ----------------------------------------------------------------------------


def test_an_editor_connects_a_slack_hook(
    editor_client: Client, channel: Channel, editor: Person
) -> None:
    response = editor_client.post(
        page(channel),
        {"name": "#ed-news", "kind": "slack", "url": SLACK_URL, "send_posts": "on"},
    )
    assert response.status_code == 302
    hook = ChatHook.objects.get()
    assert (hook.channel, hook.kind, hook.name, hook.url) == (
        channel,
        "slack",
        "#ed-news",
        SLACK_URL,
    )
    assert hook.send_posts
    assert not hook.send_idea_decisions
    assert hook.created_by == editor
    assert "“#ed-news” is connected" in messages_of(response)[0]


def test_a_plain_http_address_is_refused_with_the_words_kept(
    editor_client: Client, channel: Channel
) -> None:
    response = editor_client.post(
        page(channel),
        {
            "name": "#ed-news",
            "kind": "slack",
            "url": "http://hooks.slack.com/services/T/B/x",
            "send_posts": "on",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Webhook addresses must start with https://" in html
    assert 'value="#ed-news"' in html
    assert 'value="http://hooks.slack.com/services/T/B/x"' in html
    assert not ChatHook.objects.exists()


def test_a_wrong_host_is_explained(editor_client: Client, channel: Channel) -> None:
    response = editor_client.post(
        page(channel),
        {"name": "Teams", "kind": "teams", "url": SLACK_URL, "send_posts": "on"},
    )
    assert response.status_code == 400
    assert "webhook.office.com" in response.content.decode()
    assert not ChatHook.objects.exists()


# --- Actions -------------------------------------------------------------------------------


def test_send_a_test_message_without_javascript(editor_client: Client, channel: Channel) -> None:
    hook = ChatHookFactory(channel=channel, name="#ed-news")
    response = editor_client.post(action(hook, "test"))
    assert response.status_code == 302
    assert response["Location"] == page(channel)
    assert "A test message to “#ed-news” is on its way" in messages_of(response)[0]
    delivery = ChatDelivery.objects.get()
    assert delivery.kind == DeliveryKind.TEST
    assert delivery.status == OutboxStatus.PENDING
    # Shown on the page until the worker has sent it.
    assert "A test message is on its way" in editor_client.get(page(channel)).content.decode()


def test_send_a_test_message_with_htmx_answers_the_list(
    editor_client: Client, channel: Channel
) -> None:
    hook = ChatHookFactory(channel=channel, name="#ed-news")
    response = editor_client.post(action(hook, "test"), headers=HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="chat-hooks">')
    # The message goes to the page's status region, which stays in place (out of band).
    assert '<div id="chat-notice" role="status" hx-swap-oob="true">' in html
    assert "is on its way" in html
    assert "<html" not in html


def test_a_test_message_to_a_paused_hook_is_refused_with_a_message(
    editor_client: Client, channel: Channel
) -> None:
    hook = ChatHookFactory(channel=channel, paused_at=timezone.now())
    response = editor_client.post(action(hook, "test"))
    assert response.status_code == 302
    assert "resume it" in messages_of(response)[0]
    assert not ChatDelivery.objects.exists()


def test_pause_and_resume(editor_client: Client, channel: Channel, editor: Person) -> None:
    hook = ChatHookFactory(channel=channel, name="#ed-news")
    response = editor_client.post(action(hook, "pause"))
    assert response.status_code == 302
    hook.refresh_from_db()
    assert hook.is_paused
    assert editor.display_name in hook.paused_reason
    response = editor_client.post(action(hook, "resume"), headers=HX)
    assert response.status_code == 200
    assert "is sending again" in response.content.decode()
    hook.refresh_from_db()
    assert not hook.is_paused


def test_disconnect(editor_client: Client, channel: Channel) -> None:
    hook = ChatHookFactory(channel=channel, name="#ed-news")
    response = editor_client.post(action(hook, "remove"))
    assert response.status_code == 302
    assert "“#ed-news” is disconnected" in messages_of(response)[0]
    assert not ChatHook.objects.exists()


def test_actions_need_post(editor_client: Client, channel: Channel) -> None:
    hook = ChatHookFactory(channel=channel)
    assert editor_client.get(action(hook, "remove")).status_code == 405
    assert ChatHook.objects.exists()


def test_the_channel_page_links_editors_to_the_chat_rooms(
    editor_client: Client, channel: Channel, client: Client
) -> None:
    html = editor_client.get(channel.get_absolute_url()).content.decode()
    assert page(channel) in html
    reader = Client()
    reader.force_login(PersonFactory())
    assert page(channel) not in reader.get(channel.get_absolute_url()).content.decode()


# --- Your chat rooms (where a pause notification leads) ------------------------------------


def test_your_chat_rooms_lists_the_hooks_you_look_after_paused_first(
    editor_client: Client, channel: Channel, editor: Person
) -> None:
    ChatHookFactory(channel=channel, name="Active room")
    ChatHookFactory(
        channel=channel, name="Paused room", paused_at=timezone.now(), paused_reason="Gone (404)."
    )
    elsewhere = ChannelFactory(name="Wellbeing")
    ChatHookFactory(channel=elsewhere, name="Not mine")
    # Connected by the editor, on a channel they no longer edit: not listed.
    ChatHookFactory(channel=ChannelFactory(), name="Left behind", created_by=editor)
    html = editor_client.get(reverse("chat:mine")).content.decode()
    assert html.index("Paused room") < html.index("Active room")
    assert "Gone (404)." in html
    assert "Not mine" not in html
    assert "Left behind" not in html
    assert f'href="{page(channel)}#hook-' in html


def test_your_chat_rooms_costs_the_same_queries_with_few_or_many(
    editor_client: Client,
    channel: Channel,
    editor: Person,
    query_count: Callable[[Callable[[], object]], int],
) -> None:
    ChatHookFactory(channel=channel)
    url = reverse("chat:mine")
    editor_client.get(url)
    few = query_count(lambda: editor_client.get(url))
    for _number in range(8):
        other = ChannelFactory()
        ChannelEditorFactory(channel=other, person=editor)
        ChatHookFactory(channel=other, paused_at=timezone.now())
        ChatHookFactory(channel=ChannelFactory(), created_by=editor)
    many = query_count(lambda: editor_client.get(url))
    assert few == many
