"""Searching Staffroom from the header: highlighted hits, a filter, and nothing the person
may not see."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from staffroom.channels.models import Post
from staffroom.organisation.models import Department
from staffroom.search.tests.factories import make_channel, make_comment, make_post
from tests.browser.conftest import Hospital
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_nurse_searches_from_the_header_and_narrows_to_comments(
    page: Page, hospital: Hospital
) -> None:
    infection = make_channel("Infection Prevention")
    post = make_post(
        title="Hand hygiene week",
        summary="Posters and audits on every ward.",
        body="From Monday, every ward runs a hand hygiene audit.",
        channel=infection,
    )
    make_comment(on=post, body="Can night staff do the hygiene audit too?")
    radiology_only = make_post(title="Hygiene in the CT suite", channel=infection)
    radiology_only.audience_departments.set([Department.objects.get(code="radiology")])
    Post.objects.filter(pk=radiology_only.pk).update(audience_restricted=True)

    sign_in(page, "grace.okafor")
    header_search = page.get_by_role("searchbox", name="Search Staffroom")
    header_search.fill("hygiene")
    header_search.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    results = page.locator("#results")
    expect(results.get_by_role("status")).to_have_text("2 results.")
    expect(results.locator("mark").first).to_have_text(re.compile("hygiene", re.IGNORECASE))
    expect(results.get_by_role("link", name="Hand hygiene week", exact=True)).to_be_visible()
    expect(results.get_by_role("link", name="Comment on Hand hygiene week")).to_be_visible()
    expect(results).not_to_contain_text("CT suite")
    # The header box keeps what was searched.
    expect(header_search).to_have_value("hygiene")
    assert_accessible(page)

    page.get_by_text("Filters: type, channel, dates").click()
    page.get_by_label("Type").select_option(label="Comments")
    page.locator("main").get_by_role("button", name="Search").click()
    expect(results.get_by_role("status")).to_have_text("1 result.")
    expect(results.get_by_role("link", name="Comment on Hand hygiene week")).to_be_visible()
    expect(results.get_by_role("link", name="Hand hygiene week", exact=True)).to_have_count(0)
    expect(page).to_have_url(re.compile(r"[?&]type=comment\b"))
    assert_accessible(page)
