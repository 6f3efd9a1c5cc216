"""An administrator finds a failed email on /system/jobs/, reads why, and tries it again; an
editor reads the list of their chat rooms. Both pages pass axe-core's checks."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from staffroom.chat.tests.factories import ChatHookFactory
from staffroom.jobs.outbox import OutboxStatus
from staffroom.mail.models import EmailKind, OutboundEmail
from tests.browser.conftest import Hospital
from tests.browser.helpers import assert_accessible, open_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFUSED = "The mail server refused the address “jasmine@@riverside.example”"


def test_an_administrator_sees_why_an_email_failed_and_tries_it_again(
    page: Page, hospital: Hospital
) -> None:
    failed = OutboundEmail.objects.create(
        key="notification:browser-test",
        recipient=hospital.nurse,
        kind=EmailKind.NOTIFICATION,
        status=OutboxStatus.FAILED,
        attempts=10,
        last_error=REFUSED,
        done_at=timezone.now(),
    )
    sign_in(page, hospital.administrator.username)
    open_page(page, "/manage/directory/")
    page.get_by_role("link", name="Background jobs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Background jobs")
    expect(page.get_by_role("main")).to_contain_text(REFUSED)
    assert_accessible(page)

    page.get_by_role("button", name="Try again").first.click()
    expect(page.get_by_role("main")).to_contain_text("will be tried again")
    expect(page.get_by_role("main")).not_to_contain_text(REFUSED)
    failed.refresh_from_db()
    assert failed.status == OutboxStatus.PENDING
    assert_accessible(page)


def test_an_editor_reads_the_list_of_their_chat_rooms(page: Page, hospital: Hospital) -> None:
    ChatHookFactory(name="#ed-news", created_by=hospital.administrator)
    sign_in(page, hospital.administrator.username)
    open_page(page, "/chat-rooms/")
    expect(page.get_by_role("main")).to_contain_text("#ed-news")
    assert_accessible(page)
