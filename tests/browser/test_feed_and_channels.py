"""A nurse reads her feed, opens a post, and chooses which channels to follow."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from staffroom.channels.models import Channel
from staffroom.channels.services.channels import ensure_lets_talk, sync_department_channels
from staffroom.channels.tests.factories import ChannelFactory, PostFactory
from tests.browser.conftest import Hospital
from tests.browser.helpers import (
    assert_accessible,
    assert_no_horizontal_scroll,
    open_page,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def channels(hospital: Hospital) -> dict[str, Channel]:
    lets_talk = ensure_lets_talk()
    sync_department_channels()
    emergency = Channel.objects.get(department=hospital.unit.department)
    wellbeing = ChannelFactory(name="Wellbeing", slug="wellbeing", description="Looking after us")
    PostFactory(
        channel=lets_talk,
        author=hospital.administrator,
        title="Riverside 2030, explained",
        summary="Where we are going and why.",
    )
    PostFactory(channel=emergency, author=hospital.colleague, title="New triage rota")
    PostFactory(channel=wellbeing, title="Free yoga on Fridays")
    return {"lets_talk": lets_talk, "emergency": emergency, "wellbeing": wellbeing}


def _card(page: Page, title: str) -> Locator:
    return page.locator("article.post-card").filter(has=page.get_by_role("link", name=title))


def test_a_nurse_reads_her_feed_opens_a_post_and_follows_a_topic_channel(
    page: Page, hospital: Hospital, channels: dict[str, Channel]
) -> None:
    sign_in(page, "grace.okafor")
    expect(page.get_by_role("heading", level=1)).to_have_text("Good to see you, Grace")
    feed = page.locator(".feed-layout__main")
    expect(feed.get_by_role("link", name="Riverside 2030, explained")).to_be_visible()
    expect(feed.get_by_role("link", name="New triage rota")).to_be_visible()
    expect(feed.get_by_role("link", name="Free yoga on Fridays")).to_have_count(0)
    lets_talk_card = _card(page, "Riverside 2030, explained")
    expect(lets_talk_card.locator(".badge--new")).to_be_visible()
    assert_accessible(page)

    feed.get_by_role("link", name="Riverside 2030, explained").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside 2030, explained")
    assert_accessible(page)

    page.get_by_role("link", name="Staffroom").first.click()
    expect(_card(page, "Riverside 2030, explained").locator(".badge--new")).to_have_count(0)
    expect(_card(page, "New triage rota").locator(".badge--new")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Channels").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Channels")
    assert_accessible(page)
    page.get_by_role("link", name="Wellbeing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wellbeing")
    page.get_by_role("button", name="Follow Wellbeing").click()
    expect(page.get_by_role("button", name="Unfollow")).to_be_visible()
    assert_accessible(page)

    open_page(page, channels["lets_talk"].get_absolute_url())
    expect(page.get_by_text("Everyone follows this channel")).to_be_visible()
    expect(page.get_by_role("button", name="Unfollow")).to_have_count(0)

    open_page(page, "/")
    expect(
        page.locator(".feed-layout__main").get_by_role("link", name="Free yoga on Fridays")
    ).to_be_visible()


def test_feed_channels_and_posts_fit_a_phone_screen(
    phone_page: Page, hospital: Hospital, channels: dict[str, Channel]
) -> None:
    page = phone_page
    sign_in(page, "grace.okafor")
    post = channels["emergency"].posts.get()
    for path in (
        "/",
        "/channels/",
        channels["emergency"].get_absolute_url(),
        post.get_absolute_url(),
    ):
        open_page(page, path)
        assert_no_horizontal_scroll(page)
