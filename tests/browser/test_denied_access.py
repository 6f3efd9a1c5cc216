"""Pages a person may not open, and pages that don't exist, still look like Staffroom."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Hospital
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_nurse_opening_the_directory_import_gets_the_friendly_403_page(
    page: Page, hospital: Hospital
) -> None:
    sign_in(page, "grace.okafor")

    response = page.goto("/manage/directory/")

    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You can't open this page")
    # In the site's own look: the header with her name and the way home.
    expect(page.locator(".site-header")).to_contain_text("Grace Okafor")
    expect(page.get_by_role("link", name="Go to the home page")).to_be_visible()


def test_an_anonymous_visitor_is_sent_to_sign_in_and_then_back_to_the_directory(
    page: Page, hospital: Hospital
) -> None:
    page.goto("/people/")
    expect(page).to_have_url(re.compile(r"/account/sign-in/\?next=/people/$"))

    sign_in(page, "grace.okafor")

    expect(page).to_have_url(re.compile(r"/people/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("People")


def test_an_unknown_address_shows_the_404_page_in_the_sites_look(
    page: Page, hospital: Hospital
) -> None:
    sign_in(page, "grace.okafor")

    response = page.goto("/no-such-page/")

    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We can't find that page")
    expect(page.locator(".site-header")).to_contain_text("Grace Okafor")
    expect(page.get_by_role("link", name="Go to the home page")).to_be_visible()
