from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.channels.tests.factories import PostFactory
from staffroom.organisation.tests.factories import DepartmentFactory, UnitFactory
from staffroom.strategy.models import Initiative, InitiativeResponse
from staffroom.strategy.services import answer_initiative
from staffroom.strategy.tests.factories import PillarFactory, PlanFactory, initiative
from staffroom.strategy.tests.helpers import add_answers

pytestmark = pytest.mark.django_db

QueryCount = Callable[[Callable[[], object]], int]
HTMX = {"HX-Request": "true"}


@pytest.fixture
def signed_in(client: Client, person: Person) -> Client:
    client.force_login(person)
    return client


def leader_client(role: Role = Role.COMMUNICATIONS_ADMIN) -> Client:
    leader = PersonFactory()
    RoleGrantFactory(person=leader, role=role)
    client = Client()
    client.force_login(leader)
    return client


@pytest.fixture
def item() -> Initiative:
    plan = PlanFactory(is_current=True, title="Riverside 2030")
    return initiative(
        pillar=PillarFactory(plan=plan, title="Safe, kind care"),
        title="Shorter waits in the ED",
        goal="Halve the time to first assessment.",
    )


def checked(body: str, name: str) -> list[str]:
    """The values of the radio buttons called `name` that are chosen in the page."""
    return re.findall(rf'<input type="radio" name="{name}" value="(\d)"[^>]*\bchecked', body)


def answer_url(item: Initiative) -> str:
    return reverse("strategy:initiative_answer", kwargs={"slug": item.slug})


def results_url(item: Initiative) -> str:
    return reverse("strategy:initiative_results", kwargs={"slug": item.slug})


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client, item: Initiative) -> None:
    for url in (reverse("strategy:plan_current"), item.get_absolute_url(), results_url(item)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_without_a_current_plan_the_plan_page_says_so(signed_in: Client) -> None:
    PlanFactory(is_current=False)
    response = signed_in.get(reverse("strategy:plan_current"))
    assert response.status_code == 200
    assert "There is no current strategic plan yet" in response.content.decode()


def test_the_current_plan_shows_its_pillars_and_initiatives_as_cards(
    signed_in: Client, item: Initiative
) -> None:
    PostFactory(initiative=item, title="One month in")
    body = signed_in.get(reverse("strategy:plan_current")).content.decode()
    assert "Riverside 2030" in body
    assert "Safe, kind care" in body
    assert "Shorter waits in the ED" in body
    assert item.owner.display_name in body
    assert "Planned" in body
    assert "Latest update" in body
    assert "You haven't answered yet" in body


def test_an_unknown_plan_or_initiative_is_a_404(signed_in: Client) -> None:
    assert signed_in.get(reverse("strategy:plan", kwargs={"slug": "nope"})).status_code == 404
    assert signed_in.get(reverse("strategy:initiative", kwargs={"slug": "nope"})).status_code == 404


def test_the_initiative_page_shows_the_goal_owner_updates_and_discussion(
    signed_in: Client, item: Initiative
) -> None:
    PostFactory(initiative=item, title="Triage nurse at the door")
    PostFactory(
        initiative=item, title="Only for radiology", audience_departments=[DepartmentFactory()]
    )
    body = signed_in.get(item.get_absolute_url()).content.decode()
    assert "Halve the time to first assessment." in body
    assert reverse("organisation:person", kwargs={"pk": item.owner.pk}) in body
    assert "Triage nurse at the door" in body
    assert "Only for radiology" not in body
    assert "I understand what this initiative is for" in body
    assert "Save your answer" in body
    assert 'id="discussion"' in body
    assert results_url(item) not in body


def test_the_initiative_page_preselects_the_viewers_answer(
    signed_in: Client, person: Person, item: Initiative
) -> None:
    answer_initiative(initiative=item, person=person, understanding=4, support=2)
    body = signed_in.get(item.get_absolute_url()).content.decode()
    assert checked(body, "understanding") == ["4"]
    assert checked(body, "support") == ["2"]
    assert "Change your answer" in body


def test_answering_without_javascript_saves_and_goes_back_with_a_message(
    signed_in: Client, person: Person, item: Initiative
) -> None:
    response = signed_in.post(answer_url(item), {"understanding": "5", "support": "4"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(item.get_absolute_url())
    assert "Thank you. Your answer is saved." in response.content.decode()
    saved = InitiativeResponse.objects.get(initiative=item, person=person)
    assert (saved.understanding, saved.support) == (5, 4)


def test_answering_with_htmx_returns_the_answer_box_only(
    signed_in: Client, person: Person, item: Initiative
) -> None:
    response = signed_in.post(
        answer_url(item), {"understanding": "2", "support": "3"}, headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="answer-box"' in body
    assert "Thank you. Your answer is saved." in body
    assert "Change your answer" in body
    assert InitiativeResponse.objects.get(initiative=item, person=person).support == 3


def test_changing_an_answer_with_htmx_keeps_one_answer(
    signed_in: Client, person: Person, item: Initiative
) -> None:
    signed_in.post(answer_url(item), {"understanding": "2", "support": "3"}, headers=HTMX)
    signed_in.post(answer_url(item), {"understanding": "2", "support": "5"}, headers=HTMX)
    saved = InitiativeResponse.objects.get(initiative=item, person=person)
    assert saved.support == 5
    item.refresh_from_db()
    assert item.response_count == 1


@pytest.mark.parametrize(
    "data",
    [
        {"understanding": "3"},
        {"understanding": "0", "support": "3"},
        {"understanding": "3", "support": "6"},
        {"understanding": "three", "support": "3"},
    ],
)
def test_a_missing_or_out_of_range_answer_is_explained_and_nothing_is_stored(
    signed_in: Client, item: Initiative, data: dict[str, str]
) -> None:
    response = signed_in.post(answer_url(item), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Your answer wasn't saved" in body
    assert "Choose an answer from 1 to 5." in body
    assert not InitiativeResponse.objects.exists()


def test_an_invalid_answer_keeps_the_choice_that_was_made(
    signed_in: Client, item: Initiative
) -> None:
    body = signed_in.post(answer_url(item), {"understanding": "3"}).content.decode()
    assert checked(body, "understanding") == ["3"]
    assert checked(body, "support") == []


def test_an_invalid_answer_with_htmx_comes_back_in_the_box(
    signed_in: Client, item: Initiative
) -> None:
    response = signed_in.post(answer_url(item), {"support": "9"}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "Your answer wasn't saved" in body
    assert not InitiativeResponse.objects.exists()


def test_answering_needs_a_post(signed_in: Client, item: Initiative) -> None:
    assert signed_in.get(answer_url(item)).status_code == 405


def test_the_owner_updates_the_status_without_javascript(client: Client, item: Initiative) -> None:
    client.force_login(item.owner)
    url = reverse("strategy:initiative_status", kwargs={"slug": item.slug})
    response = client.post(url, {"status": "on_track"}, follow=True)
    assert "The status is now “On track”." in response.content.decode()
    item.refresh_from_db()
    assert item.status == Initiative.Status.ON_TRACK


def test_a_communications_admin_updates_the_status_with_htmx(item: Initiative) -> None:
    url = reverse("strategy:initiative_status", kwargs={"slug": item.slug})
    response = leader_client().post(url, {"status": "at_risk"}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="initiative-status" hx-swap-oob="true"' in body
    item.refresh_from_db()
    assert item.status == Initiative.Status.AT_RISK


def test_an_unknown_status_is_refused(client: Client, item: Initiative) -> None:
    client.force_login(item.owner)
    url = reverse("strategy:initiative_status", kwargs={"slug": item.slug})
    response = client.post(url, {"status": "abandoned"})
    assert response.status_code == 400
    assert "Choose one of the listed statuses." in response.content.decode()
    item.refresh_from_db()
    assert item.status == Initiative.Status.PLANNED


def test_a_nurse_cannot_change_the_status_or_see_the_results(
    signed_in: Client, item: Initiative
) -> None:
    url = reverse("strategy:initiative_status", kwargs={"slug": item.slug})
    assert signed_in.post(url, {"status": "done"}).status_code == 403
    assert signed_in.get(results_url(item)).status_code == 403
    plan_results = reverse("strategy:plan_results", kwargs={"slug": item.pillar.plan.slug})
    assert signed_in.get(plan_results).status_code == 403
    item.refresh_from_db()
    assert item.status == Initiative.Status.PLANNED


def test_leadership_sees_results_by_department_with_small_groups_hidden(item: Initiative) -> None:
    add_answers(item, UnitFactory(department=DepartmentFactory(name="Pharmacy")), 4)
    add_answers(item, UnitFactory(department=DepartmentFactory(name="Radiology")), 5)
    add_answers(item, UnitFactory(department=DepartmentFactory(name="Surgery")), 7, support=1)

    body = leader_client(Role.ANALYST).get(results_url(item)).content.decode()

    assert "By department" in body
    assert "Fewer than 5 answers: hidden to protect anonymity" in body
    assert "Hidden so that a smaller group can't be worked out from the others" in body
    assert "Surgery" in body
    assert "<td>7</td>" in body
    assert "<td>16</td>" in body  # everyone
    assert "<svg" in body


def test_the_owner_sees_the_results_link_and_page(client: Client, item: Initiative) -> None:
    client.force_login(item.owner)
    assert results_url(item) in client.get(item.get_absolute_url()).content.decode()
    assert client.get(results_url(item)).status_code == 200


def test_the_plan_results_show_each_initiatives_overall_agreement(item: Initiative) -> None:
    quiet = initiative(pillar=item.pillar, title="Quiet initiative")
    add_answers(item, UnitFactory(), 5, understanding=5, support=2)
    add_answers(quiet, UnitFactory(), 2)
    url = reverse("strategy:plan_results", kwargs={"slug": item.pillar.plan.slug})
    body = leader_client().get(url).content.decode()
    assert "Shorter waits in the ED" in body
    assert "100%" in body
    assert "Fewer than 5 answers: hidden to protect anonymity" in body


def test_the_plan_page_costs_the_same_with_3_or_30_initiatives(
    signed_in: Client, item: Initiative, query_count: QueryCount
) -> None:
    url = reverse("strategy:plan_current")
    for _ in range(2):
        initiative(pillar=item.pillar)
    signed_in.get(url)
    few = query_count(lambda: signed_in.get(url))
    other_pillar = PillarFactory(plan=item.pillar.plan)
    for n in range(27):
        added = initiative(pillar=other_pillar if n % 2 else item.pillar)
        PostFactory(initiative=added)
    many = query_count(lambda: signed_in.get(url))
    assert few == many, f"{few} queries with 3 initiatives, {many} with 30"


def test_the_initiative_page_costs_the_same_with_5_or_500_answers(
    signed_in: Client, person: Person, item: Initiative, query_count: QueryCount
) -> None:
    answer_initiative(initiative=item, person=person, understanding=3, support=3)
    add_answers(item, UnitFactory(), 4)
    PostFactory(initiative=item)
    signed_in.get(item.get_absolute_url())
    few = query_count(lambda: signed_in.get(item.get_absolute_url()))
    add_answers(item, UnitFactory(), 495)
    PostFactory.create_batch(5, initiative=item)
    many = query_count(lambda: signed_in.get(item.get_absolute_url()))
    assert few == many, f"{few} queries with 5 answers, {many} with 500"


def test_the_results_page_costs_the_same_with_5_or_50_departments(
    item: Initiative, query_count: QueryCount
) -> None:
    leader = leader_client(Role.ADMINISTRATOR)
    for size in (3, 5, 6, 8, 9):
        add_answers(item, UnitFactory(), size)
    leader.get(results_url(item))
    few = query_count(lambda: leader.get(results_url(item)))
    for n in range(45):
        add_answers(item, UnitFactory(), 2 + n % 7)
    many = query_count(lambda: leader.get(results_url(item)))
    assert few == many, f"{few} queries with 5 departments, {many} with 50"


def test_the_plan_results_page_costs_the_same_with_3_or_30_initiatives(
    item: Initiative, query_count: QueryCount
) -> None:
    leader = leader_client()
    url = reverse("strategy:plan_results", kwargs={"slug": item.pillar.plan.slug})
    for _ in range(2):
        add_answers(initiative(pillar=item.pillar), UnitFactory(), 5)
    leader.get(url)
    few = query_count(lambda: leader.get(url))
    for _ in range(27):
        add_answers(initiative(pillar=item.pillar), UnitFactory(), 6)
    many = query_count(lambda: leader.get(url))
    assert few == many
