from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.tests.factories import PostFactory
from staffroom.organisation.tests.factories import DepartmentFactory, JobFamilyFactory, UnitFactory
from staffroom.strategy import queries
from staffroom.strategy.queries import GroupResult, _Counts, protect_small_groups
from staffroom.strategy.services import answer_initiative
from staffroom.strategy.tests.factories import PillarFactory, PlanFactory, initiative
from staffroom.strategy.tests.helpers import add_answers

pytestmark = pytest.mark.django_db


def group(label: str, size: int) -> _Counts:
    return _Counts(label, (0, 0, 0, size, 0), (0, 0, 0, 0, size))


def by_label(rows: list[GroupResult]) -> dict[str, GroupResult]:
    return {row.label: row for row in rows}


def test_a_group_of_four_answers_is_hidden_and_a_group_of_five_is_shown() -> None:
    item = initiative()
    small = UnitFactory(department=DepartmentFactory(name="Pharmacy"))
    large = UnitFactory(department=DepartmentFactory(name="Radiology"))
    third = UnitFactory(department=DepartmentFactory(name="Surgery"))
    add_answers(item, small, 4)
    add_answers(item, large, 5, understanding=2)
    add_answers(item, third, 6)

    results = queries.initiative_results(initiative=item)
    rows = {row.label.split(" · ")[0]: row for row in results.departments}

    assert results.overall.answers == 15
    assert rows["Pharmacy"].is_hidden
    assert rows["Pharmacy"].answers is None
    assert rows["Pharmacy"].understanding is None
    assert rows["Pharmacy"].hidden_because == "small"
    # Pharmacy's 4 alone can't be worked out from the overall row: the next smallest group
    # (Radiology, 5) is hidden with it.
    assert rows["Radiology"].is_hidden
    assert rows["Radiology"].hidden_because == "protects"
    assert not rows["Surgery"].is_hidden
    assert rows["Surgery"].answers == 6
    assert rows["Surgery"].understanding is not None
    assert rows["Surgery"].understanding.agree_percent == 100


def test_the_minimum_group_size_is_a_setting(settings: Any) -> None:
    settings.RESULTS_MIN_GROUP_SIZE = 3
    item = initiative()
    add_answers(item, UnitFactory(), 3)
    add_answers(item, UnitFactory(), 4)
    results = queries.initiative_results(initiative=item)
    assert results.min_group_size == 3
    assert sorted(row.answers or 0 for row in results.departments) == [3, 4]


def test_groups_of_five_and_more_are_all_shown_when_nothing_is_small() -> None:
    item = initiative()
    for size in (5, 7):
        add_answers(item, UnitFactory(), size)
    results = queries.initiative_results(initiative=item)
    assert [row.answers for row in results.departments if not row.is_hidden] == [5, 7]


def test_hidden_groups_together_always_reach_the_minimum() -> None:
    rows = protect_small_groups(
        [group("A", 1), group("B", 2), group("C", 9), group("D", 12), group("E", 30)], 5
    )
    shown = by_label(rows)
    assert shown["A"].hidden_because == "small"
    assert shown["B"].hidden_because == "small"
    assert shown["C"].hidden_because == "protects"
    assert not shown["D"].is_hidden
    assert not shown["E"].is_hidden


def test_two_small_groups_that_together_reach_the_minimum_need_no_other_hidden() -> None:
    rows = by_label(protect_small_groups([group("A", 2), group("B", 3), group("C", 9)], 5))
    assert rows["A"].is_hidden
    assert rows["B"].is_hidden
    assert not rows["C"].is_hidden


def test_a_single_large_group_beside_a_small_one_is_hidden_too() -> None:
    rows = by_label(protect_small_groups([group("A", 1), group("B", 40)], 5))
    assert rows["A"].is_hidden
    assert rows["B"].is_hidden


def test_with_fewer_than_five_answers_in_all_nothing_is_shown() -> None:
    item = initiative()
    add_answers(item, UnitFactory(), 4)
    results = queries.initiative_results(initiative=item)
    assert results.overall.is_hidden
    assert results.overall.answers is None
    assert results.departments == []
    assert results.job_families == []


def test_people_without_a_department_are_one_not_recorded_group() -> None:
    item = initiative()
    add_answers(item, UnitFactory(), 5)
    for _ in range(5):
        answer_initiative(
            initiative=item, person=PersonFactory(unit=None), understanding=1, support=1
        )
    rows = by_label(queries.initiative_results(initiative=item).departments)
    assert rows["No department recorded"].answers == 5
    assert rows["No department recorded"].support is not None
    assert rows["No department recorded"].support.mean == 1.0


def test_results_by_job_family_use_the_job_family_names() -> None:
    item = initiative()
    nursing = JobFamilyFactory(code="nursing", name="Nursing")
    support = JobFamilyFactory(code="support", name="Support services")
    add_answers(item, UnitFactory(), 6, job_family=nursing)
    add_answers(item, UnitFactory(), 5, job_family=support, support=1)
    rows = by_label(queries.initiative_results(initiative=item).job_families)
    assert rows["Nursing"].answers == 6
    assert rows["Support services"].support is not None
    assert rows["Support services"].support.agree_percent == 0


def test_the_statistics_of_a_question() -> None:
    stats = queries.QuestionStats((1, 1, 0, 1, 1))
    assert stats.total == 4
    assert stats.agree_percent == 50
    assert stats.mean == 3.0
    assert [s.percent for s in stats.segments] == [25, 25, 0, 25, 25]
    assert [s.x for s in stats.segments] == [0, 25, 50, 50, 75]


def test_the_plan_page_shows_the_viewers_answers_and_the_latest_update_they_may_see(
    person: Person,
) -> None:
    plan = PlanFactory()
    pillar = PillarFactory(plan=plan)
    answered, unanswered = initiative(pillar=pillar), initiative(pillar=pillar)
    answer_initiative(initiative=answered, person=person, understanding=3, support=3)
    older = timezone.now() - datetime.timedelta(days=3)
    PostFactory(initiative=unanswered, published_at=older)
    # A newer update for another department only: not the viewer's latest update.
    PostFactory(initiative=unanswered, audience_departments=[DepartmentFactory()])

    sections = queries.plan_page(plan=plan, viewer=person)

    cards = {card.initiative.pk: card for card in sections[0].cards}
    assert cards[answered.pk].answered
    assert not cards[unanswered.pk].answered
    assert cards[answered.pk].latest_update is None
    assert cards[unanswered.pk].latest_update == older


def test_the_plan_page_reads_the_same_number_of_queries_for_3_or_30_initiatives(
    person: Person, query_count: Callable[[Callable[[], object]], int]
) -> None:
    plan = PlanFactory()
    pillars = [PillarFactory(plan=plan) for _ in range(3)]
    for pillar in pillars:
        initiative(pillar=pillar)
    queries.plan_page(plan=plan, viewer=person)  # loads the viewer's department once
    few = query_count(lambda: queries.plan_page(plan=plan, viewer=person))
    for n in range(27):
        initiative(pillar=pillars[n % 3])
    many = query_count(lambda: queries.plan_page(plan=plan, viewer=person))
    assert few == many
