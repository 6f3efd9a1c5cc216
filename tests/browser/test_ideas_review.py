"""Reviewing ideas in a browser: a reviewer finds a new idea in their queue, answers and
accepts it, later marks it implemented; the author sees every step on the idea and in their
notifications; a duplicate is merged and the votes combine without double counting;
leadership reads the response times. Every page passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.ideas.models import Idea, Status, Vote
from staffroom.ideas.services.proposing import create_idea
from staffroom.ideas.services.voting import vote
from staffroom.ideas.tests.factories import CategoryFactory
from tests.browser.conftest import Hospital, NewContext
from tests.browser.helpers import assert_accessible, open_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _propose(author: Person, title: str) -> Idea:
    assert author.department is not None
    return create_idea(
        author=author,
        title=title,
        problem="Call lights ring for minutes at night before anyone can answer.",
        proposal="A second nurse carries the call-light pager between midnight and 6am.",
        category=CategoryFactory(slug="patient-care", name="Patient care"),
        department=author.department,
        unit=author.unit,
    )


@pytest.fixture
def reviewer(hospital: Hospital) -> Person:
    person: Person = PersonFactory(
        username="rhiannon.price",
        first_name="Rhiannon",
        last_name="Price",
        job_title="Matron",
        unit=hospital.unit,
    )
    RoleGrantFactory(person=person, role=Role.IDEA_REVIEWER, department=hospital.unit.department)
    return person


def _answer(page: Page, words: str, status: str) -> None:
    page.get_by_label("Your response").fill(words)
    page.get_by_label(status).check()
    page.get_by_role("button", name="Send the response").click()


def test_a_reviewer_answers_accepts_and_implements_and_the_author_sees_every_step(
    page: Page, new_context: NewContext, hospital: Hospital, reviewer: Person
) -> None:
    idea = _propose(hospital.nurse, "A night pager for call lights")
    vote(idea=idea, person=hospital.colleague)

    sign_in(page, reviewer.username)
    open_page(page, "/ideas/review/")
    row = page.locator(f"#queue-idea-{idea.pk}")
    expect(row).to_contain_text("A night pager for call lights")
    expect(row).to_contain_text("Emergency Medicine")
    assert_accessible(page)

    row.get_by_role("link", name="A night pager for call lights").click()
    expect(page.get_by_role("heading", name="Respond or change status")).to_be_visible()
    assert_accessible(page)

    # A response naming a patient is refused, and the words stay to be corrected.
    _answer(page, "Mrs Jane Doe, MRN 12345678, waited 20 minutes.", "Accepted")
    expect(page.get_by_text("patient information")).to_be_visible()
    expect(page.get_by_label("Your response")).to_have_value(
        "Mrs Jane Doe, MRN 12345678, waited 20 minutes."
    )

    _answer(page, "Yes! We'll trial the pager on ED Majors from Monday.", "Accepted")
    expect(page).to_have_url(f"{idea.get_absolute_url()}")
    expect(page.locator("#timeline")).to_contain_text("We'll trial the pager on ED Majors")
    expect(page.locator(".idea__badges")).to_contain_text("Accepted")

    # Later: done.
    page.get_by_role("link", name="Respond or change status").click()
    _answer(page, "The pager is in use on every night shift.", "Implemented")
    expect(page.locator(".idea__badges")).to_contain_text("Implemented")

    # The author sees both steps on the idea and in her notifications.
    author = new_context().new_page()
    sign_in(author, hospital.nurse.username)
    open_page(author, idea.get_absolute_url())
    timeline = author.locator("#timeline")
    expect(timeline).to_contain_text("Status: New → Accepted")
    expect(timeline).to_contain_text("Status: Accepted → Implemented")
    expect(timeline).to_contain_text("Rhiannon Price")
    open_page(author, "/notifications/")
    updates = author.locator(".notification").filter(has_text="Rhiannon Price answered the idea")
    expect(updates).to_have_count(2)
    expect(updates.first).to_contain_text("The pager is in use on every night shift.")
    assert_accessible(author)
    # The voter was told too; the reviewer was not told about her own answers.
    assert idea.thread_id is not None
    idea.refresh_from_db()
    assert idea.status == Status.IMPLEMENTED


def test_a_duplicate_is_merged_and_its_votes_combine_once_per_person(
    page: Page, hospital: Hospital, reviewer: Person
) -> None:
    survivor = _propose(hospital.nurse, "Quieter night rounds on ED Majors")
    duplicate = _propose(hospital.colleague, "Fewer night-time wake-ups")
    p1, p2, p3 = PersonFactory.create_batch(3)
    vote(idea=duplicate, person=p1)
    vote(idea=duplicate, person=p2)
    vote(idea=survivor, person=p2)
    vote(idea=survivor, person=p3)

    sign_in(page, reviewer.username)
    open_page(page, f"/ideas/{duplicate.pk}/")
    page.get_by_role("link", name="Merge as a duplicate").click()
    merge = page.locator("#merge")
    merge.get_by_label("Find the idea this one repeats").fill("quieter night")
    merge.get_by_role("button", name="Find ideas").click()
    merge.locator("li", has_text="Quieter night rounds on ED Majors").get_by_role(
        "link", name="Choose"
    ).click()
    expect(page.get_by_role("heading", name="Check both ideas")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your note to the author, voters and followers").fill(
        "The same idea as the one about night rounds: let's gather the votes there."
    )
    page.get_by_role("button", name="Merge the two ideas").click()

    expect(page).to_have_url(f"{survivor.get_absolute_url()}")
    expect(page.locator(f"#vote-box-{survivor.pk} .vote-box__number")).to_have_text("3")
    assert Vote.objects.filter(idea=survivor).count() == 3
    assert not Vote.objects.filter(idea=duplicate).exists()
    # The duplicate's address leads to the idea that absorbed it.
    open_page(page, f"/ideas/{duplicate.pk}/")
    expect(page).to_have_url(f"{survivor.get_absolute_url()}#merged-{duplicate.pk}")


def test_leadership_reads_response_times_by_department(
    page: Page, hospital: Hospital, reviewer: Person
) -> None:
    _propose(hospital.nurse, "A night pager for call lights")
    RoleGrantFactory(person=hospital.colleague, role=Role.ANALYST)
    sign_in(page, hospital.colleague.username)
    open_page(page, "/ideas/response-times/")
    expect(
        page.get_by_text("every idea gets a first public response within 14 days")
    ).to_be_visible()
    expect(page.get_by_role("row", name="Emergency Medicine")).to_be_visible()
    assert_accessible(page)
