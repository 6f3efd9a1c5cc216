"""The idea board in a browser: a nurse sorts and filters the board, opens an idea, votes and
takes her vote back (with htmx, the button swapping in place); the board, an idea page and
the implemented wall pass axe; the board fits a phone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from staffroom.core.richtext import render_markdown
from staffroom.ideas.models import Idea, Impact, Status
from staffroom.ideas.tests.factories import CategoryFactory, IdeaFactory
from tests.browser.conftest import Hospital
from tests.browser.helpers import (
    assert_accessible,
    assert_no_horizontal_scroll,
    open_page,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ideas(hospital: Hospital) -> dict[str, Idea]:
    department = hospital.unit.department
    care = CategoryFactory(slug="patient-care-test", name="Patient care")
    place = CategoryFactory(slug="work-environment-test", name="Work environment")
    now = timezone.now()

    def idea(title: str, **fields: object) -> Idea:
        stored = {k: fields.pop(k) for k in ("vote_count", "created_at") if k in fields}
        made = IdeaFactory(title=title, department=department, **fields)
        Idea.objects.filter(pk=made.pk).update(**stored)
        return made

    made = {
        "popular": idea(
            "Quiet hours on the ward",
            category=care,
            vote_count=12,
            created_at=now - timedelta(days=5),
            author=hospital.colleague,
        ),
        "fresh": idea(
            "A second fridge for the staff room",
            category=place,
            vote_count=2,
            created_at=now - timedelta(hours=2),
            is_anonymous=True,
        ),
        "reviewed": idea(
            "Pocket cards for sepsis signs",
            category=care,
            status=Status.UNDER_REVIEW,
            vote_count=5,
            created_at=now - timedelta(days=2),
        ),
        "done": idea(
            "Call lights answered by the nearest nurse",
            category=care,
            status=Status.IMPLEMENTED,
            vote_count=30,
            created_at=now - timedelta(days=60),
        ),
    }
    Impact.objects.create(
        idea=made["done"],
        what_changed="Whoever is nearest answers.",
        what_changed_html=render_markdown("Whoever is nearest answers.").html,
        measure="Call-light response",
        unit="minutes",
        before_value=6.5,
        before_on=(now - timedelta(days=50)).date(),
        after_value=3.2,
        after_on=(now - timedelta(days=5)).date(),
        recorded_by=hospital.administrator,
    )
    return made


def _card_titles(page: Page) -> list[str]:
    return page.locator("#idea-list .idea-card__title").all_inner_texts()


def test_a_nurse_sorts_filters_opens_an_idea_and_votes(
    page: Page, hospital: Hospital, ideas: dict[str, Idea]
) -> None:
    sign_in(page, hospital.nurse.username)
    page.get_by_role("link", name="Ideas", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Ideas")).to_be_visible()
    assert _card_titles(page)[0] == "Call lights answered by the nearest nurse"
    assert_accessible(page)

    # Sorting swaps the results in place and the address follows.
    page.get_by_role("link", name="Newest").click()
    expect(page).to_have_url(re.compile(r"sort=newest"))
    expect(page.locator("#idea-list .idea-card__title").first).to_have_text(
        "A second fridge for the staff room"
    )
    expect(page.get_by_role("link", name="Newest")).to_have_attribute("aria-current", "true")
    # The anonymous idea's card names nobody.
    fridge = page.locator(".idea-card", has_text="A second fridge")
    expect(fridge).to_contain_text("Anonymous")

    # Filtering by status: choosing it is enough with JavaScript.
    page.get_by_label("Status").select_option(label="Under review")
    expect(page).to_have_url(re.compile(r"status=under_review"))
    expect(page.locator("#idea-list .idea-card")).to_have_count(1)
    assert _card_titles(page) == ["Pocket cards for sepsis signs"]
    # The sort chosen before is kept.
    assert "sort=newest" in page.url

    page.get_by_role("link", name="Pocket cards for sepsis signs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pocket cards for sepsis signs")
    assert_accessible(page)

    votes = page.locator(f"#vote-box-{ideas['reviewed'].pk}")
    expect(votes).to_contain_text("5 votes")
    page.get_by_role("button", name=re.compile(r"^Vote")).click()
    expect(votes).to_contain_text("6 votes")
    expect(votes).to_contain_text("You voted")
    expect(page.locator(f"#vote-button-{ideas['reviewed'].pk}")).to_be_focused()
    page.get_by_role("button", name=re.compile(r"^Take back my vote")).click()
    expect(votes).to_contain_text("5 votes")
    expect(page.get_by_role("button", name=re.compile(r"^Vote"))).to_be_visible()
    ideas["reviewed"].refresh_from_db()
    assert ideas["reviewed"].vote_count == 5

    # Follow, to hear of every answer.
    page.get_by_role("button", name="Follow this idea").click()
    expect(page.get_by_role("button", name="Stop following")).to_be_visible()


def test_the_implemented_wall_shows_what_changed_and_passes_axe(
    page: Page, hospital: Hospital, ideas: dict[str, Idea]
) -> None:
    sign_in(page, hospital.nurse.username)
    open_page(page, "/ideas/implemented/")
    card = page.locator(".idea-card", has_text="Call lights answered")
    expect(card).to_contain_text("Call-light response: 6.5 → 3.2 minutes")
    expect(page.locator(".idea-card")).to_have_count(1)
    expect(card).to_contain_text("A decision has been made")
    assert_accessible(page)


def test_the_board_and_an_idea_fit_a_phone(
    phone_page: Page, hospital: Hospital, ideas: dict[str, Idea]
) -> None:
    sign_in(phone_page, hospital.nurse.username)
    open_page(phone_page, "/ideas/")
    assert_no_horizontal_scroll(phone_page)
    assert_accessible(phone_page)
    open_page(phone_page, ideas["popular"].get_absolute_url())
    assert_no_horizontal_scroll(phone_page)
    phone_page.get_by_role("button", name=re.compile(r"^Vote")).tap()
    expect(phone_page.locator(f"#vote-box-{ideas['popular'].pk}")).to_contain_text("13 votes")
    assert_accessible(phone_page)
