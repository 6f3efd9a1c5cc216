"""A nurse who comments too often is told when to try again, and keeps what she typed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from staffroom.channels.tests.factories import PostFactory
from tests.browser.conftest import Hospital
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def one_comment_per_window(settings: Any) -> Iterator[None]:
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "comment": {"per_person": "1/10m", "per_ip": "1000/10m"},
    }
    cache.clear()
    yield
    cache.clear()


def test_a_limited_comment_shows_a_notice_and_keeps_the_text(
    page: Page, hospital: Hospital, one_comment_per_window: None
) -> None:
    post = PostFactory(
        title="New handover checklist", audience_departments=[hospital.unit.department]
    )
    sign_in(page, "grace.okafor")
    page.goto(post.get_absolute_url())
    page.get_by_label("Your comment").fill("First thoughts.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment").filter(has_text="First thoughts.")).to_be_visible()

    box = page.get_by_label("Your comment")
    box.fill("A long, careful second comment.")
    page.get_by_role("button", name="Post comment").click()
    notice = page.locator("#rate-limit-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Please try again in")
    expect(page.get_by_label("Your comment")).to_have_value("A long, careful second comment.")

    # Trying again replaces the notice rather than stacking another.
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#rate-limit-notice")).to_have_count(1)
    assert_accessible(page)
