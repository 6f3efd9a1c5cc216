"""Ambassadors and feeds: a visitor from outside reads a public post and its share links; a
nurse makes her personal feed address and her feed reader can read it."""

from __future__ import annotations

import feedparser
import pytest
from playwright.sync_api import Page, expect

from staffroom.channels.services.channels import ensure_lets_talk, sync_department_channels
from staffroom.channels.services.sharing import make_post_public
from staffroom.channels.tests.factories import PostFactory
from tests.browser.conftest import Hospital, NewContext
from tests.browser.helpers import SIGN_IN_URL, assert_accessible, open_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_who_is_not_signed_in_reads_a_public_post_and_can_share_it(
    new_context: NewContext, hospital: Hospital
) -> None:
    lets_talk = ensure_lets_talk()
    post = PostFactory(
        channel=lets_talk,
        author=hospital.administrator,
        title="Riverside 2030: what it means for you",
        summary="Our plan for the next five years, in five minutes.",
        body_html="<p>We are building a <strong>new emergency department</strong>.</p>",
    )
    internal = PostFactory(channel=lets_talk, title="Staff car park changes")
    make_post_public(post=post, by=hospital.administrator)
    page = new_context().new_page()

    open_page(page, f"/p/{post.pk}/riverside-2030-what-it-means-for-you/")

    expect(page.get_by_role("heading", level=1)).to_have_text(post.title)
    expect(page.get_by_text("new emergency department")).to_be_visible()
    expect(page.get_by_role("navigation")).to_have_count(0)
    shares = page.get_by_role("region", name="Share this post")
    for name in (
        "Share by email",
        "Share on LinkedIn",
        "Share on X (Twitter)",
        "Share on Facebook",
    ):
        expect(shares.get_by_role("link", name=name)).to_be_visible()
    expect(page.get_by_label("Copy link")).to_have_value(
        f"{_site_url()}/p/{post.pk}/riverside-2030-what-it-means-for-you/"
    )
    expect(page.locator('meta[property="og:title"]')).to_have_attribute("content", post.title)
    assert_accessible(page)

    # The same visitor can't open a post that isn't public: the internal page asks to sign in.
    page.goto(f"/posts/{internal.pk}/")
    expect(page).to_have_url(SIGN_IN_URL)


def test_a_nurse_creates_her_feed_address_and_a_feed_reader_can_use_it(
    page: Page, new_context: NewContext, hospital: Hospital
) -> None:
    lets_talk = ensure_lets_talk()
    sync_department_channels()
    PostFactory(channel=lets_talk, title="Town hall on Thursday")
    sign_in(page, "grace.okafor")

    open_page(page, "/feeds/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your feeds")
    page.get_by_role("button", name="Create my feed address").click()

    expect(page.get_by_role("status")).to_contain_text("Your feed addresses are ready")
    address = page.get_by_label("Let's Talk", exact=True)
    expect(address).to_have_attribute("readonly", "")
    expect(page.get_by_label("Emergency Medicine", exact=True)).to_be_visible()
    expect(
        page.get_by_role("button", name="Make a new address (the old one stops working)")
    ).to_be_visible()
    assert_accessible(page)

    # A feed reader has no session: fetch the address from a browser nobody signed in to.
    url = address.input_value()
    path = url[url.index("/feeds/") :]
    response = new_context().request.get(path)
    assert response.status == 200
    feed = feedparser.parse(response.body())
    assert feed.bozo == 0
    assert [entry.title for entry in feed.entries] == ["Town hall on Thursday"]


def _site_url() -> str:
    from django.conf import settings

    return str(settings.SITE_URL).rstrip("/")
