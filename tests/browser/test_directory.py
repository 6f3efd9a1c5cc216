"""Finding a colleague in the directory, with and without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.organisation.services import recount_people
from tests.browser.conftest import Hospital, NewContext
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_SIZE = 30


@pytest.fixture(params=[True, False], ids=["with_javascript", "without_javascript"])
def javascript(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def directory_page(new_context: NewContext, javascript: bool) -> Page:
    return new_context(java_script_enabled=javascript).new_page()


def test_searching_part_of_a_surname_finds_a_colleague_and_her_unit_and_department(
    directory_page: Page, hospital: Hospital
) -> None:
    page = directory_page
    sign_in(page, "grace.okafor")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")

    search_box = page.get_by_role("searchbox", name="Name, job title or department")
    search_box.fill("raman")
    search_box.press("Enter")

    results = page.locator("#results")
    expect(results.get_by_role("link", name="Priya Ramanathan")).to_be_visible()
    expect(results.get_by_role("link", name="Tom Baker")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"[?&]q=raman\b"))

    results.get_by_role("link", name="Priya Ramanathan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Priya Ramanathan")
    expect(page.locator("main")).to_contain_text("Charge Nurse")

    page.get_by_role("link", name="ED Majors").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ED Majors")
    expect(page.get_by_role("link", name="Priya Ramanathan")).to_be_visible()

    page.go_back()
    page.get_by_role("main").get_by_role("link", name="Emergency Medicine").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency Medicine")
    expect(page.get_by_role("link", name="ED Majors")).to_be_visible()


def test_show_more_people_brings_the_next_page_of_the_directory(
    directory_page: Page, hospital: Hospital, javascript: bool
) -> None:
    # Four people in the hospital, then 31 Walkers sorted after them: 35 in all.
    for number in range(1, 32):
        PersonFactory(first_name=f"Sam {number:02d}", last_name="Walker", unit=hospital.unit)
    recount_people()
    page = directory_page
    sign_in(page, "grace.okafor")
    page.goto("/people/")
    cards = page.locator("#results .person-card")
    expect(cards).to_have_count(PAGE_SIZE)

    page.get_by_role("link", name="Show more people").click()

    if javascript:
        # htmx appends the next rows in place; the address and the first rows stay.
        expect(cards).to_have_count(35)
        expect(cards.first).to_contain_text("Alex Admin")
        expect(page).to_have_url(re.compile(r"/people/$"))
    else:
        # Without JavaScript the same link is an ordinary link to the next page.
        expect(page).to_have_url(re.compile(r"/people/\?cursor="))
        expect(cards).to_have_count(5)
        expect(cards.first).to_contain_text("Sam 27 Walker")
    expect(cards.last).to_contain_text("Sam 31 Walker")
    expect(page.get_by_role("link", name="Show more people")).to_have_count(0)
