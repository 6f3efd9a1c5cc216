"""An administrator erases a person from their profile; a colleague then finds the old
comment under "Former employee", with no link to a profile that no longer exists."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from staffroom.channels.tests.factories import PostFactory
from staffroom.discussion.services import post_comment
from tests.browser.conftest import Hospital, NewContext
from tests.browser.helpers import assert_accessible, open_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_erases_a_person_and_their_comment_stays_anonymised(
    page: Page, new_context: NewContext, hospital: Hospital
) -> None:
    post = PostFactory(title="Winter rota", audience_departments=[hospital.unit.department])
    post_comment(thread=post.thread, author=hospital.nurse, body="I can cover the 24th.")
    profile = hospital.nurse.get_absolute_url()

    # The administrator starts from Grace's profile.
    sign_in(page, "it.admin")
    page.goto(profile)
    page.get_by_role("link", name="Erase this person's data").click()
    expect(page.get_by_role("heading", name="Erase a person's data", level=1)).to_be_visible()
    assert_accessible(page)

    # A slip of the keyboard changes nothing and says why.
    page.get_by_label("The person asked to be erased").check()
    page.get_by_label("Type their username to confirm").fill("grace.okafo")
    page.get_by_role("button", name="Erase this person's data").click()
    expect(page.get_by_text("That isn't their username.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Type their username to confirm").fill("grace.okafor")
    page.get_by_role("button", name="Erase this person's data").click()
    expect(page.get_by_text("Their personal data is erased.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/people/$"))
    expect(page.get_by_text("Grace Okafor")).to_have_count(0)

    # Priya, her colleague, finds the comment kept, by "Former employee", with no link.
    priya = new_context().new_page()
    sign_in(priya, "priya.ramanathan")
    priya.goto(post.get_absolute_url())
    comment = priya.locator(".comment").filter(has_text="I can cover the 24th.")
    expect(comment).to_be_visible()
    expect(comment.locator(".comment__author")).to_have_text("Former employee")
    expect(comment.get_by_role("link", name="Former employee")).to_have_count(0)
    expect(priya.get_by_text("Grace Okafor")).to_have_count(0)
    open_page(priya, profile, status=404)
