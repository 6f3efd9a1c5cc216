"""Every page passes axe-core's WCAG 2.2 AA checks, in the state people actually see it.

The administrators' pages are in test_accessibility_administration.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Hospital
from tests.browser.helpers import assert_accessible, open_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Visit = Callable[[Page, Hospital], None]
NURSE = "grace.okafor"


def _open(path: str, status: int = 200, *, as_nurse: bool = True) -> Visit:
    def visit(page: Page, hospital: Hospital) -> None:
        if as_nurse:
            sign_in(page, NURSE)
        open_page(page, path, status)

    return visit


def _sign_in_with_a_wrong_password(page: Page, hospital: Hospital) -> None:
    page.goto("/account/sign-in/")
    page.get_by_label("Username or employee ID").fill(NURSE)
    page.get_by_label("Password", exact=True).fill("not her password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()


def _password_reset_sent(page: Page, hospital: Hospital) -> None:
    page.goto("/account/password/reset/")
    page.get_by_label("Email").fill("nobody@riverside.example")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")


def _profile_of_a_colleague(page: Page, hospital: Hospital) -> None:
    _open(f"/people/{hospital.colleague.pk}/")(page, hospital)
    expect(page.get_by_role("region", name="Reports to them")).to_be_visible()


def _settings_with_an_error(page: Page, hospital: Hospital) -> None:
    _open("/me/")(page, hospital)
    name = page.get_by_label("Preferred name")
    # The browser stops typing at 100 characters; lift that limit to reach the server's check,
    # as a pasted-in value in an older browser would.
    name.evaluate("field => field.removeAttribute('maxlength')")
    name.fill("G" * 101)
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the highlighted fields.")


PAGES: dict[str, Visit] = {
    "sign_in": _open("/account/sign-in/", as_nurse=False),
    "sign_in_with_a_wrong_password": _sign_in_with_a_wrong_password,
    "password_reset_form": _open("/account/password/reset/", as_nurse=False),
    "password_reset_sent": _password_reset_sent,
    "home": _open("/"),
    "directory_with_results": _open("/people/?q=nurse"),
    "directory_with_no_results": _open("/people/?q=nobody-by-this-name"),
    "person_profile": _profile_of_a_colleague,
    "department_list": _open("/departments/"),
    "department_page": _open("/departments/emergency/"),
    "unit_page": _open("/units/ed-majors/"),
    "profile_settings": _open("/me/"),
    "profile_settings_with_a_form_error": _settings_with_an_error,
    "forbidden_403": _open("/manage/directory/", status=403),
    "not_found_404": _open("/no-such-page/", status=404),
}


@pytest.mark.parametrize("visit", PAGES.values(), ids=PAGES.keys())
def test_the_page_has_no_serious_accessibility_problems(
    page: Page, hospital: Hospital, visit: Visit
) -> None:
    visit(page, hospital)
    assert_accessible(page)
