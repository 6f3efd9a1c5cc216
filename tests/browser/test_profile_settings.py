"""A person changes the few settings that are theirs: the name colleagues see, the language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Hospital
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_nurse_sets_a_preferred_name_and_spanish_and_the_site_follows(
    page: Page, hospital: Hospital
) -> None:
    sign_in(page, "grace.okafor")
    page.get_by_role("link", name="Change your language and settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile and settings")

    page.get_by_label("Preferred name").fill("Gracie")
    # The choice is named in its own language once the Spanish catalogue exists.
    page.get_by_role("radio", name="Español").check()
    page.get_by_role("button", name="Save settings").click()

    # What the browser and screen readers are told; the words themselves once Staffroom's
    # Spanish catalogue exists.
    expect(page.locator("html")).to_have_attribute("lang", "es")
    navigation = page.get_by_role("navigation")
    expect(navigation.get_by_role("link", name="Personas", exact=True)).to_be_visible()
    expect(page.locator(".site-header")).to_contain_text("Gracie Okafor")
    expect(page.get_by_label("Nombre preferido")).to_have_value("Gracie")
    expect(page.get_by_role("radio", name="Español")).to_be_checked()

    # The language follows her to every page, not only the one she saved.
    page.goto("/people/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("#results").get_by_role("link", name="Gracie Okafor")).to_be_visible()


def test_a_preferred_name_that_is_too_long_is_explained_at_the_field_and_kept(
    page: Page, hospital: Hospital
) -> None:
    sign_in(page, "grace.okafor")
    page.goto("/me/")
    name = page.get_by_label("Preferred name")
    # The browser stops typing at 100 characters; lift that limit to reach the server's check,
    # as a pasted-in value in an older browser would.
    name.evaluate("field => field.removeAttribute('maxlength')")
    name.fill("G" * 101)
    page.get_by_role("button", name="Save settings").click()

    expect(page.get_by_role("alert")).to_contain_text("Please correct the highlighted fields.")
    expect(name).to_have_value("G" * 101)
    expect(name).to_have_attribute("aria-invalid", "true")
    # A screen reader reads the error with the field, not only somewhere on the page.
    expect(name).to_have_accessible_description(re.compile(r"at most 100 characters"))
    expect(page.locator(".site-header")).to_contain_text("Grace Okafor")
