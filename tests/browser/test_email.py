"""Email: a nurse is mentioned, a real SMTP server receives the email, the email reads well on
a phone in dark mode, and its one-click unsubscribe link works from a browser that was never
signed in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from staffroom.channels.tests.factories import PostFactory
from staffroom.jobs.testing import run_jobs
from staffroom.mail.tasks import email_notifications
from staffroom.mail.tests.helpers import mention
from staffroom.mail.tests.smtp_server import Received, SMTPServer
from staffroom.notifications.models import Notification
from staffroom.notifications.preferences import settings_for
from tests.browser.conftest import Hospital, NewContext
from tests.browser.helpers import assert_accessible, assert_no_horizontal_scroll, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def smtp(settings: object) -> Iterator[SMTPServer]:
    server = SMTPServer().start()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    yield server
    server.stop()


def received_mention(smtp: SMTPServer, hospital: Hospital) -> Received:
    post = PostFactory(title="Night shift handover", author=hospital.colleague)
    mention(hospital.nurse, post=post, by=hospital.colleague)
    email_notifications.enqueue()
    run_jobs()
    assert len(smtp.received) == 1
    return smtp.received[0]


def test_the_unsubscribe_link_of_a_received_email_works_from_a_fresh_browser(
    new_context: NewContext, hospital: Hospital, smtp: SMTPServer
) -> None:
    received = received_mention(smtp, hospital)
    header = received.message["List-Unsubscribe"].strip()
    found = re.fullmatch(r"<(https?://[^>]+)>", header)
    assert found is not None
    page = new_context().new_page()  # never signed in: no cookies at all

    open_page(page, urlsplit(found.group(1)).path)

    expect(page.get_by_role("heading", level=1)).to_have_text("Stop emails about mentions of you?")
    assert_accessible(page)
    page.get_by_role("button", name="Stop these emails").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You won't get these emails any more")
    expect(page.get_by_role("status")).to_contain_text("We have stopped emails about mentions")
    assert_accessible(page)
    assert Notification.Kind.MENTION not in settings_for(hospital.nurse).email_kinds
    assert Notification.Kind.REPLY in settings_for(hospital.nurse).email_kinds


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_email_reads_on_a_phone_in_light_and_dark_mode(
    new_context: NewContext, hospital: Hospital, smtp: SMTPServer, scheme: str
) -> None:
    html = received_mention(smtp, hospital).message.get_body(("html",))
    assert html is not None
    page = new_context(viewport=PHONE, is_mobile=True, color_scheme=scheme).new_page()

    page.set_content(html.get_content())

    assert_no_horizontal_scroll(page)
    card = page.locator(".email-card")
    expect(card).to_contain_text("Night shift handover")
    background = card.evaluate("el => getComputedStyle(el).backgroundColor")
    text = card.evaluate("el => getComputedStyle(el).color")
    if scheme == "dark":
        assert background == "rgb(30, 34, 39)"
        assert text == "rgb(232, 234, 237)"
    else:
        assert background == "rgb(255, 255, 255)"
        assert text == "rgb(31, 35, 40)"
    expect(page.get_by_role("link", name="Open in Staffroom")).to_be_visible()
    expect(page.get_by_role("link", name="Unsubscribe from these emails")).to_be_visible()
    assert_accessible(page)
