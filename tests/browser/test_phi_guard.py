"""The PHI guard, as the issue asks: a nurse's comment naming a patient is held before anyone
else sees it; she sees what was found and sends it for review; a privacy officer reads the
latest version and releases it; only then does her colleague see it. The trail shows it all."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.channels.tests.factories import PostFactory
from tests.browser.conftest import Hospital, NewContext
from tests.browser.helpers import assert_accessible, sign_in, wait_for_htmx_to_settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HELD = "Held for privacy review — only you can see this"
NOTE = "Mr John Carter in bed 4, MRN 4481923, needs his meds reviewed @priya.ramanathan"
EDITED = (
    "Mr John Carter in bed 4, MRN 4481923, needs his meds reviewed by pharmacy @priya.ramanathan"
)


def test_a_comment_naming_a_patient_is_held_reviewed_and_released(
    page: Page, new_context: NewContext, hospital: Hospital
) -> None:
    post = PostFactory(
        title="Night shift handover", audience_departments=[hospital.unit.department]
    )
    post_url = post.get_absolute_url()
    officer = PersonFactory(username="pat.officer", first_name="Pat", last_name="Officer")
    RoleGrantFactory(person=officer, role=Role.PRIVACY_OFFICER)

    # Grace posts (htmx): her comment is held, highlighted and named, in a panel only she sees.
    sign_in(page, "grace.okafor")
    page.goto(post_url)
    page.get_by_label("Your comment").fill(NOTE)
    page.get_by_role("button", name="Post comment").click()
    panel = page.locator(".held-item")
    expect(panel).to_contain_text(HELD)
    expect(panel.locator("mark.phi-finding", has_text="4481923")).to_contain_text(
        "possible medical record number"
    )
    expect(panel.locator("mark.phi-finding", has_text="John Carter")).to_be_visible()
    expect(page.get_by_label("Your comment")).to_have_value("")
    expect(page.locator("#comments-list")).not_to_contain_text("4481923")
    wait_for_htmx_to_settle(page)
    assert_accessible(page)

    # Priya sees nothing of it: not on the post, the feed, in search or her notifications.
    priya = new_context().new_page()
    sign_in(priya, "priya.ramanathan")
    priya.goto(post_url)
    expect(priya.locator("#discussion")).to_be_visible()
    expect(priya.locator("body")).not_to_contain_text("Carter")
    expect(priya.locator("#discussion-heading")).to_contain_text("0 comments")
    priya.goto("/")
    expect(priya.locator("body")).not_to_contain_text("Carter")
    priya.goto("/search/?q=Carter")
    expect(priya.locator("main")).not_to_contain_text("4481923")
    expect(priya.locator("main")).not_to_contain_text("needs his meds")
    priya.goto("/notifications/")
    expect(priya.locator(".notification")).to_have_count(0)

    # Grace edits it — still with the patient's details — then sends it for review.
    page.reload()
    page.locator(".held-item").get_by_role("link", name=re.compile("^Edit")).click()
    expect(page.get_by_role("heading", name="What the privacy guard found")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Comment").fill(EDITED)
    page.get_by_role("button", name="Save changes").click()
    panel = page.locator(".held-item")
    expect(panel).to_contain_text("by pharmacy")
    panel.get_by_label("Note for the privacy officer (optional)").fill(
        "He agreed to be named for the pharmacy pilot."
    )
    panel.get_by_role("button", name="Send for privacy review").click()
    expect(page.locator(".held-item")).to_contain_text("Waiting for privacy review")

    # The privacy officer finds it in the queue (no words there) and opens it.
    officer_page = new_context().new_page()
    sign_in(officer_page, "pat.officer")
    officer_page.get_by_role("link", name="Privacy review").click()
    expect(officer_page.get_by_role("heading", name="Privacy review")).to_be_visible()
    row = officer_page.locator("tbody tr").filter(has_text="Grace Okafor")
    expect(row).to_contain_text("possible medical record number")
    expect(officer_page.locator("main")).not_to_contain_text("4481923")
    assert_accessible(officer_page)
    row.get_by_role("link").click()
    expect(officer_page.locator(".held-item__text")).to_contain_text("by pharmacy")
    expect(officer_page.locator("main")).to_contain_text("pharmacy pilot")
    assert_accessible(officer_page)
    officer_page.get_by_label("Note to the author").fill("Consent is on file: fine to share.")
    officer_page.get_by_role("button", name="Release: not patient information").click()
    expect(officer_page.get_by_text("Released: it is published")).to_be_visible()

    # Now Priya sees it, and is told she was mentioned.
    priya.goto(post_url)
    expect(priya.locator("#comments-list")).to_contain_text("by pharmacy")
    priya.goto("/notifications/")
    expect(
        priya.locator(".notification").filter(has_text="Grace Okafor mentioned you")
    ).to_be_visible()
    # Grace is told the decision, with the officer's note.
    page.goto("/notifications/")
    expect(page.locator(".notification").first).to_contain_text("Consent is on file")
    page.goto("/privacy/mine/")
    expect(page.get_by_role("heading", name="Your held items")).to_be_visible()
    assert_accessible(page)

    # The audit trail shows each step.
    officer_page.goto("/audit/")
    trail = officer_page.locator(".audit-table")
    for label in (
        "Held by the PHI guard",
        "Sent for privacy review",
        "Held content viewed",
        "Released",
    ):
        expect(trail.get_by_text(label, exact=True).first).to_be_visible()
    expect(trail).not_to_contain_text("4481923")


def test_a_held_comment_without_javascript(new_context: NewContext, hospital: Hospital) -> None:
    post = PostFactory(title="Bed management", audience_departments=[hospital.unit.department])
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, "grace.okafor")
    page.goto(post.get_absolute_url())
    page.get_by_label("Your comment").fill(NOTE)
    page.get_by_role("button", name="Post comment").click()
    expect(page).to_have_url(re.compile(r"#held-comments$"))
    panel = page.locator(".held-item")
    expect(panel).to_contain_text(HELD)
    expect(panel.locator("mark.phi-finding", has_text="4481923")).to_be_visible()
    # Delete works without JavaScript too; nothing is lost to her (/privacy/mine/).
    panel.get_by_role("button", name=re.compile("^Delete")).click()
    expect(page.locator(".held-item")).to_have_count(0)
    page.goto("/privacy/mine/")
    expect(page.locator("main")).to_contain_text("4481923")
