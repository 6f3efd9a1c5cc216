from __future__ import annotations

import random

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.discussion.models import Thread
from staffroom.organisation.tests.factories import JobFamilyFactory, UnitFactory
from staffroom.strategy.models import Initiative, InitiativeResponse, InitiativeResult, Plan
from staffroom.strategy.services import (
    answer_initiative,
    create_initiative,
    recount_initiative_results,
    save_plan,
    update_initiative_status,
)
from staffroom.strategy.tests.factories import PillarFactory, PlanFactory, initiative

pytestmark = pytest.mark.django_db

Counts = dict[tuple[str, int], tuple[tuple[int, ...], tuple[int, ...]]]


def stored_counts(item: Initiative) -> Counts:
    """The non-empty stored results rows, as {(group, id): (understanding 1-5, support 1-5)}."""
    counts: Counts = {}
    for row in InitiativeResult.objects.filter(initiative=item):
        u = (row.u1, row.u2, row.u3, row.u4, row.u5)
        s = (row.s1, row.s2, row.s3, row.s4, row.s5)
        if sum(u) or sum(s):
            counts[(row.group, row.group_id)] = (u, s)
    return counts


def move_to_new_unit(person: Person) -> None:
    person.unit = UnitFactory()
    person.save()


def test_a_first_answer_is_counted_for_everyone_the_department_and_the_job_family() -> None:
    item = initiative()
    nurse = PersonFactory()
    response = answer_initiative(initiative=item, person=nurse, understanding=4, support=2)

    assert response.department_id == nurse.department_id
    assert response.job_family_id == nurse.job_family_id
    assert stored_counts(item) == {
        ("everyone", 0): ((0, 0, 0, 1, 0), (0, 1, 0, 0, 0)),
        ("department", nurse.department_id): ((0, 0, 0, 1, 0), (0, 1, 0, 0, 0)),
        ("job_family", nurse.job_family_id): ((0, 0, 0, 1, 0), (0, 1, 0, 0, 0)),
    }
    item.refresh_from_db()
    assert item.response_count == 1


def test_changing_an_answer_moves_the_counters_and_does_not_count_the_person_twice() -> None:
    item = initiative()
    nurse = PersonFactory()
    answer_initiative(initiative=item, person=nurse, understanding=3, support=3)
    answer_initiative(initiative=item, person=nurse, understanding=5, support=1)

    assert InitiativeResponse.objects.filter(initiative=item).count() == 1
    expected = ((0, 0, 0, 0, 1), (1, 0, 0, 0, 0))
    assert stored_counts(item) == {
        ("everyone", 0): expected,
        ("department", nurse.department_id): expected,
        ("job_family", nurse.job_family_id): expected,
    }
    item.refresh_from_db()
    assert item.response_count == 1


def test_the_same_answer_twice_changes_nothing() -> None:
    item = initiative()
    nurse = PersonFactory()
    answer_initiative(initiative=item, person=nurse, understanding=2, support=4)
    before = stored_counts(item)
    answer_initiative(initiative=item, person=nurse, understanding=2, support=4)
    assert stored_counts(item) == before


def test_a_person_who_moved_department_leaves_the_old_group_when_changing_their_answer() -> None:
    item = initiative()
    nurse = PersonFactory()
    old_department = nurse.department_id
    answer_initiative(initiative=item, person=nurse, understanding=4, support=4)

    move_to_new_unit(nurse)
    nurse.job_family = JobFamilyFactory(code="allied-health", name="Allied health")
    nurse.save()
    response = answer_initiative(initiative=item, person=nurse, understanding=4, support=5)

    assert nurse.department_id != old_department
    assert response.department_id == nurse.department_id
    counts = stored_counts(item)
    assert ("department", old_department) not in counts
    assert counts[("department", nurse.department_id)] == ((0, 0, 0, 1, 0), (0, 0, 0, 0, 1))
    assert counts[("job_family", nurse.job_family_id)] == ((0, 0, 0, 1, 0), (0, 0, 0, 0, 1))
    assert counts[("everyone", 0)] == ((0, 0, 0, 1, 0), (0, 0, 0, 0, 1))
    assert len([key for key in counts if key[0] == "job_family"]) == 1


def test_a_person_with_no_department_is_counted_under_not_recorded() -> None:
    item = initiative()
    visitor = PersonFactory(unit=None, job_family=None)
    answer_initiative(initiative=item, person=visitor, understanding=1, support=1)
    counts = stored_counts(item)
    assert counts[("department", 0)] == ((1, 0, 0, 0, 0), (1, 0, 0, 0, 0))
    assert counts[("job_family", 0)] == ((1, 0, 0, 0, 0), (1, 0, 0, 0, 0))


@pytest.mark.parametrize(
    ("understanding", "support"), [(0, 3), (6, 3), (3, -1), (3, 10), (True, 3)]
)
def test_an_answer_outside_one_to_five_is_refused_and_nothing_is_stored(
    understanding: int, support: int
) -> None:
    item = initiative()
    with pytest.raises(ValidationError, match="from 1 to 5"):
        answer_initiative(
            initiative=item, person=PersonFactory(), understanding=understanding, support=support
        )
    assert not InitiativeResponse.objects.exists()
    assert stored_counts(item) == {}


def test_someone_who_has_left_cannot_answer() -> None:
    item = initiative()
    with pytest.raises(ValidationError):
        answer_initiative(
            initiative=item, person=PersonFactory(is_active=False), understanding=3, support=3
        )
    assert not InitiativeResponse.objects.exists()


def test_recounting_gives_exactly_the_counters_kept_answer_by_answer() -> None:
    item = initiative()
    other = initiative()
    rng = random.Random(7)
    units = [UnitFactory() for _ in range(3)]
    people = [PersonFactory(unit=rng.choice(units)) for _ in range(25)]
    for _round in range(3):
        for person in people:
            if rng.random() < 0.3:
                person.unit = rng.choice(units)
                person.save()
            answer_initiative(
                initiative=item,
                person=person,
                understanding=rng.randint(1, 5),
                support=rng.randint(1, 5),
            )
    answer_initiative(initiative=other, person=people[0], understanding=1, support=1)
    incremental = stored_counts(item)
    other_before = stored_counts(other)

    InitiativeResult.objects.filter(initiative=item).update(u1=99)
    Initiative.objects.filter(pk=item.pk).update(response_count=0)
    recount_initiative_results(initiative=item)

    assert stored_counts(item) == incremental
    assert stored_counts(other) == other_before
    item.refresh_from_db()
    assert item.response_count == 25


def test_recounting_builds_the_counters_of_answers_inserted_in_bulk() -> None:
    item = initiative()
    people = PersonFactory.create_batch(6)
    InitiativeResponse.objects.bulk_create(
        InitiativeResponse(
            initiative=item,
            person=person,
            understanding=5,
            support=4,
            department_id=person.department_id,
            job_family_id=person.job_family_id,
        )
        for person in people
    )
    recount_initiative_results(initiative=item)
    counts = stored_counts(item)
    assert counts[("everyone", 0)] == ((0, 0, 0, 0, 6), (0, 0, 0, 6, 0))
    assert len([key for key in counts if key[0] == "department"]) == 6
    item.refresh_from_db()
    assert item.response_count == 6


def test_the_recount_command_rebuilds_every_initiative(capsys: pytest.CaptureFixture[str]) -> None:
    first, second = initiative(), initiative()
    answer_initiative(initiative=first, person=PersonFactory(), understanding=2, support=2)
    expected = stored_counts(first)
    InitiativeResult.objects.all().delete()

    call_command("recount_initiative_results")

    assert stored_counts(first) == expected
    assert stored_counts(second) == {}
    assert "2 initiative(s)" in capsys.readouterr().out


def test_a_new_initiative_gets_its_own_discussion_thread_and_rendered_description() -> None:
    pillar = PillarFactory()
    owner = PersonFactory()
    first = create_initiative(
        pillar=pillar,
        title=" Shorter waits ",
        slug="shorter-waits",
        goal="Halve waits.",
        owner=owner,
    )
    second = create_initiative(
        pillar=pillar,
        title="Safer nights",
        slug="safer-nights",
        goal="Fewer falls at night.",
        owner=owner,
        body="We will **act**.",
    )
    assert first.thread.kind == Thread.Kind.INITIATIVE
    assert first.thread_id != second.thread_id
    assert first.title == "Shorter waits"
    assert "act" in second.body_html
    assert second.position == first.position + 1


def test_an_initiative_needs_a_unique_address_a_goal_and_a_current_owner() -> None:
    pillar = PillarFactory()
    owner = PersonFactory()
    create_initiative(pillar=pillar, title="One", slug="one", goal="A goal.", owner=owner)
    with pytest.raises(ValidationError):
        create_initiative(pillar=pillar, title="Two", slug="one", goal="A goal.", owner=owner)
    with pytest.raises(ValidationError):
        create_initiative(pillar=pillar, title="Three", slug="three", goal="", owner=owner)
    with pytest.raises(ValidationError):
        create_initiative(
            pillar=pillar,
            title="Four",
            slug="four",
            goal="A goal.",
            owner=PersonFactory(is_active=False),
        )
    assert Initiative.objects.count() == 1
    assert Thread.objects.filter(kind=Thread.Kind.INITIATIVE).count() == 1


def test_the_status_can_be_changed_to_a_listed_status_only() -> None:
    item = initiative()
    owner = item.owner
    update_initiative_status(initiative=item, by=owner, status=Initiative.Status.AT_RISK)
    item.refresh_from_db()
    assert item.status == Initiative.Status.AT_RISK
    assert item.version == 2
    with pytest.raises(ValidationError):
        update_initiative_status(initiative=item, by=owner, status="abandoned")
    item.refresh_from_db()
    assert item.status == Initiative.Status.AT_RISK


def test_saving_a_plan_as_current_makes_it_the_only_current_plan() -> None:
    old = PlanFactory(is_current=True)
    new = Plan(slug="riverside-2035", title="Riverside 2035", body="Why *now*.", is_current=True)
    save_plan(plan=new)
    old.refresh_from_db()
    assert not old.is_current
    assert Plan.objects.get(is_current=True) == new
    assert "now" in new.body_html
