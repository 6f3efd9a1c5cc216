"""Chat rooms in a browser: a department's editor connects a Slack webhook — first with a plain
http:// address, refused with a clear message and her words kept — sends a test message, and
the local HTTPS receiver gets the card; the page passes axe before and after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from staffroom.channels.models import Channel
from staffroom.channels.tests.factories import ChannelEditorFactory, ChannelFactory
from staffroom.chat.models import ChatHook
from staffroom.chat.tests.receiver import Receiver, make_certificate, running_receiver
from staffroom.jobs.testing import run_jobs
from tests.browser.conftest import Hospital
from tests.browser.helpers import assert_accessible, open_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def receiver(tmp_path: Path, settings: Any) -> Iterator[Receiver]:
    cert, key = make_certificate(tmp_path)
    settings.CHAT_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.CHAT_WEBHOOK_CA_BUNDLE = str(cert)
    with running_receiver(cert, key) as running:
        yield running


@pytest.fixture
def channel(hospital: Hospital) -> Channel:
    channel: Channel = ChannelFactory(
        kind=Channel.Kind.DEPARTMENT,
        department=hospital.unit.department,
        name="Emergency Medicine",
        slug="emergency-medicine",
    )
    ChannelEditorFactory(channel=channel, person=hospital.colleague)
    return channel


def test_an_editor_connects_a_slack_room_and_sends_a_test_message(
    page: Page, hospital: Hospital, channel: Channel, receiver: Receiver
) -> None:
    sign_in(page, hospital.colleague.username)
    open_page(page, channel.get_absolute_url())
    page.get_by_role("link", name="Chat rooms").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chat rooms of Emergency Medicine")
    expect(page.get_by_text("No chat room is connected to this channel yet.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Name").fill("#ed-news")
    page.get_by_label("Slack").check()
    page.get_by_label("Webhook address").fill(receiver.url().replace("https://", "http://"))
    page.get_by_role("button", name="Connect").click()

    expect(page.get_by_text("Webhook addresses must start with https://")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("#ed-news")
    expect(page.get_by_label("Slack")).to_be_checked()
    assert not ChatHook.objects.exists()
    assert_accessible(page)

    page.get_by_label("Webhook address").fill(receiver.url())
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_text("“#ed-news” is connected.")).to_be_visible()
    hook = page.locator(".chat-hooks li")
    expect(hook).to_contain_text("#ed-news")
    expect(hook).to_contain_text("Active")
    # The secret part of the address is not shown again.
    expect(hook).not_to_contain_text("XXXXSECRETXXXX")

    page.get_by_role("button", name="Send a test message to #ed-news").click()
    expect(page.locator("#chat-notice")).to_contain_text(
        "A test message to “#ed-news” is on its way"
    )
    assert receiver.requests == []

    run_jobs()

    [request] = receiver.requests
    card = request.json
    assert card["blocks"][0]["text"]["text"] == "Staffroom is connected"
    assert card["blocks"][-1]["elements"][0]["url"].endswith(channel.get_absolute_url())

    page.reload()
    expect(page.locator(".chat-hooks li")).to_contain_text("Last card delivered:")
    assert_accessible(page)
