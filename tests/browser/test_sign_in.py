"""Signing in and out, and choosing a new password, through the real forms."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import ReceivedMail
from staffroom.accounts.tests.factories import PASSWORD
from tests.browser.conftest import Hospital
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIGN_IN_PAGE = re.compile(r"/account/sign-in/")


def test_a_nurse_signs_in_with_her_password_and_lands_on_her_home_page(
    page: Page, hospital: Hospital
) -> None:
    page.goto("/account/sign-in/")
    page.get_by_label("Username or employee ID").fill("grace.okafor")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Good to see you, Grace")
    expect(page.locator(".site-header")).to_contain_text("Grace Okafor")


def test_a_wrong_password_shows_a_plain_message_and_keeps_the_username(
    page: Page, hospital: Hospital
) -> None:
    page.goto("/account/sign-in/")
    page.get_by_label("Username or employee ID").fill("grace.okafor")
    page.get_by_label("Password", exact=True).fill("not her password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("That username and password don't match.")
    expect(page).to_have_url(SIGN_IN_PAGE)
    expect(page.get_by_label("Username or employee ID")).to_have_value("grace.okafor")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")


def test_signing_out_returns_to_the_sign_in_page(page: Page, hospital: Hospital) -> None:
    sign_in(page, "grace.okafor")

    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(SIGN_IN_PAGE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Staffroom")
    # Signed out for real: the directory asks her to sign in again.
    page.goto("/people/")
    expect(page).to_have_url(SIGN_IN_PAGE)


def test_a_nurse_who_forgot_her_password_chooses_a_new_one_from_the_emailed_link(
    page: Page, hospital: Hospital, smtp_server: ReceivedMail, live_server: Any, settings: Any
) -> None:
    settings.SITE_URL = live_server.url
    page.goto("/account/sign-in/")
    page.get_by_role("link", name="Forgotten your password, or never set one?").click()
    page.get_by_label("Email").fill(hospital.nurse.email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    assert len(smtp_server.messages) == 1
    message = smtp_server.last()
    assert message["To"] == hospital.nurse.email
    plain = message.get_body(preferencelist=("plain",))
    assert plain is not None
    body = plain.get_content()
    link = re.search(r"https?://\S+/account/password/reset/\S+/", body)
    assert link, body
    page.goto(link.group(0))
    page.get_by_label("New password", exact=True).fill("a brand new passphrase")
    page.get_by_label("New password confirmation").fill("a brand new passphrase")
    page.get_by_role("button", name="Save my new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new password is saved")

    page.get_by_role("link", name="Sign in", exact=True).click()
    sign_in(page, "grace.okafor", "a brand new passphrase")
    expect(page.get_by_role("heading", level=1)).to_have_text("Good to see you, Grace")
