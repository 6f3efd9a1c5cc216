"""An anonymous idea in a real browser: its author comments on it and colleagues see "the
idea's author", never her name; a privacy officer may reveal it (audited). A held anonymous
idea shows its author what the privacy guard found, and she sends it for review."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.discussion.models import Comment
from staffroom.ideas.models import Idea
from staffroom.ideas.services.proposing import create_idea
from staffroom.ideas.tests.factories import CategoryFactory
from staffroom.privacy.models import PrivacyHold
from tests.browser.conftest import Hospital, NewContext
from tests.browser.helpers import assert_accessible, open_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _anonymous_idea(
    hospital: Hospital,
    *,
    problem: str = "Staff walk the corridor in the dark to reach bay C at night.",
) -> Idea:
    return create_idea(
        author=hospital.nurse,
        title="Night lights along the corridor to bay C",
        problem=problem,
        proposal="Fit low motion-sensing lights along the skirting.",
        category=CategoryFactory(),
        department=hospital.unit.department,
        is_anonymous=True,
    )


def test_the_anonymous_author_comments_and_colleagues_see_the_ideas_author(
    page: Page, hospital: Hospital, new_context: NewContext
) -> None:
    idea = _anonymous_idea(hospital)
    sign_in(page, "grace.okafor")
    open_page(page, idea.get_absolute_url())
    page.get_by_label("Your comment").fill("The one past the sluice room.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("The one past the sluice room.")).to_be_visible()
    assert Comment.objects.get().is_anonymous

    colleague = new_context().new_page()
    sign_in(colleague, "priya.ramanathan")
    open_page(colleague, idea.get_absolute_url())
    comment = colleague.locator(".comment").filter(has_text="The one past the sluice room.")
    expect(comment.get_by_text("The idea's author")).to_be_visible()
    # (The comment box's help text uses "@grace.okafor" as its example of a mention, so the
    # username alone proves nothing here; the full name and the profile address do.)
    expect(colleague.get_by_text("Grace Okafor")).to_have_count(0)
    assert hospital.nurse.get_absolute_url() not in colleague.content()
    expect(colleague.get_by_role("link", name="Flag this idea")).to_be_visible()
    expect(colleague.get_by_role("link", name="Reveal author")).to_have_count(0)
    assert_accessible(colleague)

    officer = PersonFactory(username="pat.privacy", unit=hospital.unit)
    RoleGrantFactory(person=officer, role=Role.PRIVACY_OFFICER)
    officer_page = new_context().new_page()
    sign_in(officer_page, "pat.privacy")
    open_page(officer_page, idea.get_absolute_url())
    expect(officer_page.get_by_text("Grace Okafor")).to_have_count(0)
    officer_page.get_by_role("link", name="Reveal author").first.click()
    expect(officer_page.get_by_role("heading", level=1)).to_have_text("Reveal who wrote this")
    assert_accessible(officer_page)


def test_a_held_anonymous_idea_shows_its_author_the_findings_and_she_sends_it_for_review(
    page: Page, hospital: Hospital
) -> None:
    idea = _anonymous_idea(
        hospital, problem="Mr John Carter in bed 4, MRN 4481923, fell in the dark."
    )
    sign_in(page, "grace.okafor")
    open_page(page, idea.get_absolute_url())
    banner = page.locator("#held-idea")
    expect(banner.get_by_role("heading", level=2)).to_contain_text("Held for privacy review")
    expect(banner.get_by_text("The problem")).to_be_visible()
    expect(banner.locator("mark.phi-finding").first).to_be_visible()
    expect(banner.get_by_role("button", name="Delete my idea")).to_be_visible()
    assert_accessible(page)

    banner.get_by_label("Note for the privacy officer (optional)").fill(
        "A made-up example from our falls training."
    )
    banner.get_by_role("button", name="Send for privacy review").click()
    expect(page.get_by_text("Sent for privacy review").first).to_be_visible()
    hold = PrivacyHold.objects.get(item_kind="idea", item_id=idea.pk)
    assert hold.status == PrivacyHold.Status.IN_REVIEW
