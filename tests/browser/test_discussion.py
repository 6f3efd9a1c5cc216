"""A nurse discusses a post: comments, gets a reply, reacts, mentions a colleague with the
keyboard, and the colleague finds the mention among their notifications."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from staffroom.channels.tests.factories import PostFactory
from tests.browser.conftest import Hospital, NewContext
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_nurse_comments_gets_a_reply_reacts_and_mentions_a_colleague(
    page: Page, new_context: NewContext, hospital: Hospital
) -> None:
    post = PostFactory(
        title="New handover checklist",
        audience_departments=[hospital.unit.department],
    )
    post_url = post.get_absolute_url()

    # Grace comments (htmx appends it and gives her a fresh, empty form).
    sign_in(page, "grace.okafor")
    page.goto(post_url)
    comment_box = page.get_by_label("Your comment")
    comment_box.fill("This will save us ten minutes a shift.")
    page.get_by_role("button", name="Post comment").click()
    grace_comment = page.locator(".comment").filter(has_text="ten minutes a shift")
    expect(grace_comment).to_be_visible()
    expect(page.get_by_label("Your comment")).to_have_value("")

    # Priya replies, from her own browser.
    priya = new_context().new_page()
    sign_in(priya, "priya.ramanathan")
    priya.goto(post_url)
    thread = priya.locator(".comment").filter(has_text="ten minutes a shift").first
    thread.locator("summary", has_text="Reply").first.click()
    thread.get_by_label("Your reply").first.fill("Agreed, let's try it on nights too.")
    thread.get_by_role("button", name="Post reply").first.click()
    expect(priya.get_by_text("Agreed, let's try it on nights too.")).to_be_visible()

    # Grace sees the reply, and reacts to the post itself.
    page.reload()
    expect(page.get_by_text("Agreed, let's try it on nights too.")).to_be_visible()
    reactions = page.locator("#reactions")
    celebrate = reactions.get_by_role("button", name=re.compile(r"Celebrate"))
    celebrate.click()
    expect(reactions.get_by_role("button", name=re.compile(r"Celebrate"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(reactions.get_by_role("button", name=re.compile(r"Celebrate"))).to_contain_text("1")

    # She mentions Priya, choosing her from the suggestions with the keyboard only.
    comment_box = page.get_by_label("Your comment")
    comment_box.click()
    comment_box.press_sequentially("Thanks @pri", delay=30)
    expect(comment_box).to_have_attribute("aria-expanded", "true")
    option = page.get_by_role("option", name=re.compile(r"Priya Ramanathan"))
    expect(option).to_be_visible()
    # The answer for all of "@pri" (an earlier one, for "@p", may list others first).
    expect(page.get_by_role("option").first).to_contain_text("Priya Ramanathan")
    comment_box.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    comment_box.press("Enter")
    expect(comment_box).to_have_value("Thanks @priya.ramanathan ")
    expect(comment_box).to_have_attribute("aria-expanded", "false")
    comment_box.press_sequentially("for the idea!")
    page.get_by_role("button", name="Post comment").click()
    mention_comment = page.locator(".comment").filter(has_text="for the idea!")
    expect(mention_comment.get_by_role("link", name=re.compile("Priya"))).to_be_visible()

    assert_accessible(page)

    # Priya's notifications list the mention and lead to the comment.
    priya.goto("/notifications/")
    mention = priya.locator(".notification").filter(has_text="Grace Okafor mentioned you in")
    expect(mention).to_be_visible()
    expect(mention.get_by_role("button", name="New handover checklist", exact=True)).to_be_visible()
    assert_accessible(priya)
    mention.get_by_role("button", name="New handover checklist", exact=True).click()
    expect(priya).to_have_url(re.compile(r"#comment-\d+$"))
    expect(priya.get_by_text("for the idea!")).to_be_visible()
