"""Leadership's response times per department: who may see them, what they say, and that
they read stored counters (a fixed number of queries)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.core.models import Visibility
from staffroom.ideas.models import Idea
from staffroom.ideas.queries_review import response_times
from staffroom.ideas.services.proposing import set_idea_visibility
from staffroom.ideas.services.reviewing import merge_ideas, respond
from staffroom.ideas.tests.test_review_services import propose, reviewer_for
from staffroom.ideas.tests.test_review_views import signed_in

pytestmark = pytest.mark.django_db


def leader():
    return RoleGrantFactory(role=Role.ANALYST).person


@pytest.mark.parametrize(
    "who",
    [
        PersonFactory,
        lambda: reviewer_for(PersonFactory().department),  # a department's reviewer
        lambda: RoleGrantFactory(role=Role.ANALYST, department=PersonFactory().department).person,
    ],
)
def test_only_leadership_may_open_response_times(who):
    response = signed_in(who()).get(reverse("ideas:response_times"))
    assert response.status_code == 403
    assert "Response times are for leadership" in response.content.decode()


@pytest.mark.parametrize("role", [Role.ANALYST, Role.COMMUNICATIONS_ADMIN, Role.IDEA_REVIEWER])
def test_leadership_and_organisation_wide_reviewers_may(role):
    person = RoleGrantFactory(role=role).person
    assert signed_in(person).get(reverse("ideas:response_times")).status_code == 200


def test_the_page_states_the_promise_and_each_departments_numbers():
    author = PersonFactory()
    department = author.department
    reviewer = reviewer_for(department)
    on_time = propose(author, title="On time")
    respond(idea=on_time, reviewer=reviewer, message="Yes.", status="implemented")
    late = propose(author, title="Late")
    Idea.objects.filter(pk=late.pk).update(
        created_at=timezone.now() - timedelta(days=20),
        response_due_at=timezone.now() - timedelta(days=6),
    )
    respond(idea=late, reviewer=reviewer, message="Sorry.", status="accepted")
    overdue = propose(author, title="Overdue")
    Idea.objects.filter(pk=overdue.pk).update(response_due_at=timezone.now() - timedelta(days=1))
    propose(author, title="Waiting")
    duplicate = propose(author, title="Merged away")
    # Merged into an answered idea (a merge into `overdue` would be its first response).
    merge_ideas(duplicate=duplicate, survivor=late, reviewer=reviewer, message="Same.")

    times = response_times()
    [row] = [d for d in times.departments if d.name == department.name]
    assert (row.ideas, row.awaiting, row.overdue, row.open_ideas, row.implemented) == (
        4,
        2,
        1,
        3,
        1,
    )
    assert row.on_time_percent == 50
    assert row.average_days == pytest.approx(10, abs=0.1)
    assert times.totals.ideas == 4

    with override_settings(IDEAS_FIRST_RESPONSE_DAYS=10):
        page = signed_in(leader()).get(reverse("ideas:response_times")).content.decode()
    assert "every idea gets a first public response within 10 days" in page
    assert department.name in page
    assert "50%" in page
    assert "10.0" in page


def test_the_page_costs_the_same_with_few_and_many_departments_and_ideas():
    client = signed_in(leader())

    def make(n: int) -> None:
        for _ in range(n):
            author = PersonFactory()
            idea = propose(author)
            respond(idea=idea, reviewer=reviewer_for(author.department), message="Yes.")
            propose(author)

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("ideas:response_times")).status_code == 200
        return len(context.captured_queries)

    make(2)
    count()
    few = count()
    make(15)
    assert count() == few


def test_overdue_is_every_shown_idea_past_its_due_time_without_an_answer():
    """Counted as waiting (stored) minus waiting but not yet due: the same number as
    counting the overdue ideas one by one, whatever else the departments hold."""
    now = timezone.now()
    ward, theatre = PersonFactory(), PersonFactory()
    reviewer = RoleGrantFactory(role=Role.IDEA_REVIEWER).person

    def idea(author, *, due_days: float, answered: bool = False):
        made = propose(author)
        Idea.objects.filter(pk=made.pk).update(
            created_at=now - timedelta(days=14 - due_days),
            response_due_at=now + timedelta(days=due_days),
        )
        made.refresh_from_db()
        if answered:
            respond(idea=made, reviewer=reviewer, message="Yes.")
        return made

    for author, overdue_days in ((ward, (-1, -30, -400)), (theatre, (-2,))):
        for days in overdue_days:
            idea(author, due_days=days)
        idea(author, due_days=3)  # waiting, not yet due
        idea(author, due_days=-5, answered=True)  # late, but answered
        idea(author, due_days=2, answered=True)
    held = idea(ward, due_days=-3)
    set_idea_visibility(idea=held, visibility=Visibility.HIDDEN)  # not shown: not counted
    survivor = idea(theatre, due_days=-1, answered=True)
    merged = idea(theatre, due_days=-9)
    merge_ideas(duplicate=merged, survivor=survivor, reviewer=reviewer, message="Same.")

    rows = {row.name: row for row in response_times().departments}
    live = (
        Idea.objects.awaiting_first_response()
        .filter(response_due_at__lt=timezone.now())
        .values_list("department__name", flat=True)
    )
    assert rows[ward.department.name].overdue == 3
    assert rows[theatre.department.name].overdue == 1
    assert sorted(live) == sorted([ward.department.name] * 3 + [theatre.department.name])
    assert response_times().totals.overdue == 4
