"""Campaigns and impact in a browser: a communications admin sets up a campaign for the
emergency department; a nurse there sees it first and proposes an idea to it; once the idea is
implemented its reviewer records the measured impact, which shows on the idea and on the
profile of the colleague credited; the closed campaign's results list the decision. Every
page is checked with axe-core."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.ideas.models import Campaign, Category, Idea, Impact, Status
from staffroom.ideas.services.reviewing import respond
from tests.browser.conftest import Hospital, NewContext
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORMAT = "%Y-%m-%dT%H:%M"


def _local(days: float) -> str:
    return timezone.localtime(timezone.now() + timedelta(days=days)).strftime(FORMAT)


def test_a_campaign_from_set_up_to_measured_impact(
    page: Page, new_context: NewContext, hospital: Hospital
) -> None:
    Category.objects.get_or_create(
        slug="efficiency-and-cost", defaults={"name": "Efficiency and cost"}
    )
    leader = PersonFactory(username="sam.lead", first_name="Sam", last_name="Lead")
    RoleGrantFactory(person=leader, role=Role.COMMUNICATIONS_ADMIN)
    helper = PersonFactory(
        username="tom.baker", first_name="Tom", last_name="Baker", unit=hospital.unit
    )

    # A communications admin sets up the campaign.
    sign_in(page, leader.username)
    page.goto("/ideas/campaigns/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Idea campaigns")
    assert_accessible(page)
    page.get_by_role("link", name="Set up a campaign").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up a campaign")
    assert_accessible(page)
    page.get_by_label("Title").fill("Cutting waits in the ED")
    page.get_by_label("The question you ask staff").fill(
        "How could we **cut waiting times** in the emergency department?"
    )
    page.get_by_label("Opens").fill(_local(-1))
    page.get_by_label("Closes", exact=True).fill(_local(-2))  # a slip: before it opens
    page.get_by_label("Only for these departments").select_option(label="Emergency Medicine")
    page.get_by_label("Reviewers").fill("@priya.ramanathan")
    page.get_by_role("button", name="Set up the campaign").click()
    expect(page.get_by_role("alert")).to_contain_text("A campaign must close after it opens.")
    expect(page.get_by_label("Title")).to_have_value("Cutting waits in the ED")
    assert not Campaign.objects.exists()
    assert_accessible(page)
    page.get_by_label("Closes", exact=True).fill(_local(21))
    page.get_by_role("button", name="Set up the campaign").click()
    expect(page).to_have_url(re.compile(r"/ideas/campaigns/cutting-waits-in-the-ed/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cutting waits in the ED")
    assert_accessible(page)

    # A nurse of the emergency department sees it first, and proposes an idea to it.
    nurse_page = new_context().new_page()
    sign_in(nurse_page, hospital.nurse.username)
    nurse_page.goto("/ideas/campaigns/")
    asking = nurse_page.get_by_role("region", name="Open now, asking you")
    asking.get_by_role("link", name="Cutting waits in the ED").click()
    expect(nurse_page.locator(".prose strong")).to_have_text("cut waiting times")
    nurse_page.get_by_role("link", name="Propose an idea").click()
    expect(nurse_page).to_have_url(re.compile(r"/ideas/new/\?campaign=cutting-waits-in-the-ed$"))
    nurse_page.get_by_label("Title").fill("A triage nurse at the door")
    nurse_page.get_by_label("The problem you see").fill(
        "Patients wait forty minutes before anyone assesses them."
    )
    nurse_page.get_by_label("The change you propose").fill(
        "Put a triage nurse at the door every hour of the day."
    )
    nurse_page.get_by_label("What is it about?").select_option(label="Efficiency and cost")
    nurse_page.get_by_role("button", name="Send my idea").click()
    expect(nurse_page).to_have_url(re.compile(r"/ideas/\d+/$"))
    idea = Idea.objects.get()
    assert idea.campaign is not None
    assert idea.campaign.slug == "cutting-waits-in-the-ed"
    nurse_page.goto("/ideas/campaigns/cutting-waits-in-the-ed/")
    expect(nurse_page.get_by_role("link", name="A triage nurse at the door")).to_be_visible()
    assert_accessible(nurse_page)

    # The campaign's reviewer implements it (the review pages have their own tests) …
    reviewer = hospital.colleague
    respond(
        idea=idea, reviewer=reviewer, message="Running since Monday.", status=Status.IMPLEMENTED
    )

    # … and records the measured impact from the idea page.
    reviewer_page = new_context().new_page()
    sign_in(reviewer_page, reviewer.username)
    reviewer_page.goto(f"/ideas/{idea.pk}/")
    reviewer_page.get_by_role("link", name="Record the measured impact").click()
    expect(reviewer_page.get_by_role("heading", level=1)).to_have_text("Record the measured impact")
    assert_accessible(reviewer_page)
    today = timezone.localdate()
    reviewer_page.get_by_label("What changed", exact=True).fill(
        "A triage nurse now stands at the door from 8am to 8pm."
    )
    reviewer_page.get_by_label("What was measured").fill("time to first assessment")
    reviewer_page.get_by_label("Unit", exact=True).fill("minutes")
    reviewer_page.get_by_label("Before: the value").fill("40")
    reviewer_page.get_by_label("Before: measured on").fill((today - timedelta(days=30)).isoformat())
    reviewer_page.get_by_label("After: the value").fill("12.5")
    reviewer_page.get_by_label("After: measured on").fill(today.isoformat())
    reviewer_page.get_by_label("Estimated staff hours saved a year").fill("300")
    reviewer_page.get_by_label("Who else should be credited?").fill(
        "@tom.baker: ran the trial\n@nobody.here"
    )
    reviewer_page.get_by_role("button", name="Record the impact").click()
    expect(reviewer_page.get_by_role("alert")).to_contain_text("@nobody.here")
    expect(reviewer_page.get_by_label("What was measured")).to_have_value(
        "time to first assessment"
    )
    assert not Impact.objects.exists()
    assert_accessible(reviewer_page)
    reviewer_page.get_by_label("Who else should be credited?").fill("@tom.baker: ran the trial")
    reviewer_page.get_by_role("button", name="Record the impact").click()
    expect(reviewer_page).to_have_url(re.compile(rf"/ideas/{idea.pk}/#impact$"))
    impact = reviewer_page.get_by_role("region", name="Impact")
    expect(impact).to_contain_text("40 → 12.5 minutes")
    expect(impact).to_contain_text("69% lower")
    expect(impact).to_contain_text("Improved")
    expect(impact.get_by_role("link", name="Grace Okafor")).to_be_visible()
    assert_accessible(reviewer_page)

    # The colleague credited finds it on his profile.
    impact.get_by_role("link", name="Tom Baker").click()
    ideas = reviewer_page.get_by_role("region", name="Ideas")
    expect(ideas.get_by_role("link", name="A triage nurse at the door")).to_be_visible()
    expect(ideas).to_contain_text("ran the trial")
    assert helper.idea_credits.count() == 1
    assert_accessible(reviewer_page)

    # Once the campaign has closed, its results list the decision and the answer.
    Campaign.objects.update(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(hours=1)
    )
    nurse_page.goto("/ideas/campaigns/cutting-waits-in-the-ed/")
    nurse_page.get_by_role("link", name="See the results").click()
    implemented = nurse_page.get_by_role("region", name=re.compile("^Implemented"))
    expect(implemented.get_by_role("link", name="A triage nurse at the door")).to_be_visible()
    expect(implemented).to_contain_text("Running since Monday.")
    assert_accessible(nurse_page)


def test_the_other_campaign_pages_are_accessible(page: Page, hospital: Hospital) -> None:
    from staffroom.ideas.tests.factories import CampaignFactory, IdeaFactory

    leader = PersonFactory(username="sam.lead")
    RoleGrantFactory(person=leader, role=Role.COMMUNICATIONS_ADMIN)
    RoleGrantFactory(person=leader, role=Role.IDEA_REVIEWER)
    still_open = CampaignFactory(title="Quieter nights", slug="quieter-nights")
    closed = CampaignFactory(
        title="Greener wards",
        slug="greener-wards",
        opens_at=timezone.now() - timedelta(days=60),
        closes_at=timezone.now() - timedelta(days=5),
    )
    waiting = IdeaFactory(title="Recycling bins on every ward", author=hospital.nurse)
    sign_in(page, leader.username)

    page.goto(f"/ideas/campaigns/{still_open.slug}/results/")
    expect(page.get_by_text("results are published here after it closes")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/ideas/campaigns/{closed.slug}/edit/")
    page.get_by_label("What we decided").fill("We are trying **two** of the ideas.")
    page.get_by_role("button", name="Save the campaign").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Greener wards")
    page.goto(f"/ideas/campaigns/{closed.slug}/results/")
    expect(page.locator(".prose strong")).to_have_text("two")
    assert_accessible(page)

    page.goto(f"/ideas/{waiting.pk}/impact/")
    expect(page.get_by_role("alert")).to_contain_text("only once an idea is implemented")
    assert_accessible(page)
