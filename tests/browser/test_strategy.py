"""The strategic plan in a browser: a nurse answers an initiative's two questions with the
keyboard and changes her mind; a communications admin reads the results by department, with
small groups hidden."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.organisation.tests.factories import DepartmentFactory, UnitFactory
from staffroom.strategy.models import Initiative, InitiativeResponse, Plan
from staffroom.strategy.services import create_initiative, save_plan
from staffroom.strategy.tests.factories import PillarFactory
from staffroom.strategy.tests.helpers import add_answers
from tests.browser.conftest import Hospital, NewContext
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNDERSTAND = "I understand what this initiative is for"
SUPPORT = "I support it"


@pytest.fixture
def initiative(hospital: Hospital) -> Initiative:
    plan = save_plan(
        plan=Plan(
            slug="riverside-2030",
            title="Riverside 2030",
            summary="Safer care, shorter waits and a better place to work.",
            body="Why we are **changing**.",
            is_current=True,
        )
    )
    pillar = PillarFactory(plan=plan, title="Timely care")
    item = create_initiative(
        pillar=pillar,
        title="Shorter waits in the ED",
        slug="shorter-waits",
        goal="Halve the time from arrival to first assessment.",
        owner=hospital.colleague,
        summary="A triage nurse at the door, every hour of the day.",
    )
    # Colleagues have answered already: Emergency and Surgery are big enough to show,
    # Radiology (2 answers) is not, and Pharmacy is hidden beside it so it can't be worked out.
    site = hospital.unit.department.site
    add_answers(item, hospital.unit, 8)
    add_answers(item, UnitFactory(department=DepartmentFactory(site=site, name="Radiology")), 2)
    add_answers(item, UnitFactory(department=DepartmentFactory(site=site, name="Pharmacy")), 6)
    add_answers(
        item, UnitFactory(department=DepartmentFactory(site=site, name="Surgery")), 9, support=2
    )
    return item


def test_a_nurse_answers_with_the_keyboard_and_a_leader_sees_results_by_department(
    page: Page, new_context: NewContext, hospital: Hospital, initiative: Initiative
) -> None:
    sign_in(page, "grace.okafor")
    page.get_by_role("navigation").get_by_role("link", name="Plan", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside 2030")
    expect(page.get_by_text("You haven't answered yet")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Shorter waits in the ED").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shorter waits in the ED")
    expect(page.get_by_role("link", name="Priya Ramanathan")).to_be_visible()
    assert_accessible(page)

    # Keyboard only: arrows choose within a question, Tab moves to the next one.
    understand = page.get_by_role("group", name=UNDERSTAND)
    support = page.get_by_role("group", name=SUPPORT)
    understand.get_by_role("radio").first.focus()
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save your answer")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").filter(has_text="Your answer is saved")).to_be_visible()
    expect(understand.get_by_role("radio", name="4 Agree")).to_be_checked()
    expect(support.get_by_role("radio", name="5 Strongly agree")).to_be_checked()
    saved = InitiativeResponse.objects.get(person=hospital.nurse)
    assert (saved.understanding, saved.support) == (4, 5)

    # She changes her mind about her support: one step down, and save again.
    support.get_by_role("radio", name="5 Strongly agree").focus()
    page.keyboard.press("ArrowUp")
    page.get_by_role("button", name="Change your answer").focus()
    # The thank-you from the first answer is still there: wait for this answer's reply.
    with page.expect_response(lambda response: response.url.endswith("/answer/")):
        page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Your answer is saved")).to_be_visible()
    expect(support.get_by_role("radio", name="4 Agree")).to_be_checked()
    saved.refresh_from_db()
    assert (saved.understanding, saved.support) == (4, 4)
    assert InitiativeResponse.objects.filter(person=hospital.nurse).count() == 1
    assert_accessible(page)

    # A nurse can't open the results.
    response = page.goto(f"/initiatives/{initiative.slug}/results/")
    assert response is not None
    assert response.status == 403

    leader = PersonFactory(username="comms.lead", first_name="Maya", last_name="Lee")
    RoleGrantFactory(person=leader, role=Role.COMMUNICATIONS_ADMIN)
    leader_page = new_context().new_page()
    sign_in(leader_page, "comms.lead")
    leader_page.goto(initiative.get_absolute_url())
    leader_page.get_by_role("link", name="See the results").click()
    expect(leader_page.get_by_role("heading", level=1)).to_contain_text("Results")

    by_department = leader_page.get_by_role("table", name="Results by department")
    emergency = by_department.get_by_role("row").filter(has_text="Emergency Medicine")
    expect(emergency).to_contain_text("9")  # 8 colleagues and the nurse
    expect(by_department.get_by_role("row").filter(has_text="Surgery")).to_contain_text("0%")
    expect(by_department.get_by_role("row").filter(has_text="Radiology")).to_contain_text(
        "Fewer than 5 answers: hidden to protect anonymity"
    )
    expect(by_department.get_by_role("row").filter(has_text="Pharmacy")).to_contain_text(
        "Hidden so that a smaller group can't be worked out"
    )
    expect(leader_page.get_by_role("img").first).to_have_attribute(
        "aria-label",
        "Answers from 1 (strongly disagree) to 5 (strongly agree): "
        "1: 0%, 2: 0%, 3: 0%, 4: 100%, 5: 0%",
    )
    assert_accessible(leader_page)
