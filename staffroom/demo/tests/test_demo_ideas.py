"""The demo hospital's idea box: every status, answers, merged duplicates, campaigns,
impact, exact stored counts, words that pass the PHI guard, and the large size's bulk ideas.

The demo is built once for this module (inside a transaction rolled back at the end) and each
test reads it in a savepoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from staffroom.accounts.models import Person, Role
from staffroom.demo.content import idea_texts
from staffroom.demo.content.ideas import all_written_texts, written_ideas
from staffroom.demo.content.ideas_bulk import add_bulk_ideas
from staffroom.demo.hospital import SIZES
from staffroom.demo.services import DemoBuild, DemoReport, build_demo_hospital
from staffroom.discussion.models import Thread
from staffroom.ideas import stats
from staffroom.ideas.models import (
    Campaign,
    Contributor,
    DepartmentStats,
    Idea,
    Impact,
    Response,
    Status,
    Vote,
)
from staffroom.ideas.permissions import is_any_reviewer, reviewer_scope
from staffroom.ideas.services.voting import recount_votes
from staffroom.privacy.guard import scan_texts

TODAY = date(2025, 6, 2)
DEMO = SIZES["demo"]


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoReport]:
    """One demo build for every test here; each test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        report = build_demo_hospital(size=DEMO, today=TODAY)
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def built(demo: DemoReport, db: None) -> DemoReport:
    return demo


def stored_department_stats() -> dict[int, tuple[int, ...]]:
    return {
        s.department_id: (
            s.ideas,
            s.awaiting_response,
            s.open_ideas,
            s.implemented,
            s.responded,
            s.response_seconds_total,
            s.responded_on_time,
        )
        for s in DepartmentStats.objects.all()
    }


def test_every_text_the_idea_box_demo_writes_passes_the_phi_guard() -> None:
    written = all_written_texts()
    assert len(written) > 900
    flagged = [text for text in written if scan_texts({"text": text})]
    assert flagged == []


def test_the_written_ideas_have_different_titles_and_number_a_few_hundred() -> None:
    titles = [title for *_rest, title in written_ideas()]
    titles += [d.title for d in idea_texts.DUPLICATES]
    assert len(titles) == len(set(titles))
    assert 250 <= len(titles) <= 350
    assert {t.category for t in idea_texts.IDEAS} == {
        "work-environment",
        "patient-care",
        "patient-safety",
        "efficiency-and-cost",
        "technology",
        "other",
    }


def test_the_demo_has_a_few_hundred_ideas_in_every_status_across_departments(
    built: DemoReport,
) -> None:
    ideas = Idea.objects.all()
    assert 250 <= ideas.count() <= 350
    by_status = dict(ideas.values_list("status").annotate(n=Count("id")))
    assert set(by_status) == set(Status.values)
    assert by_status[Status.NEW] >= 30
    assert by_status[Status.UNDER_REVIEW] >= 30
    assert by_status[Status.IMPLEMENTED] >= 12
    assert by_status[Status.NOT_PLANNED] >= 8
    assert by_status[Status.DUPLICATE] >= 12
    assert ideas.values("department").distinct().count() >= 30
    assert ideas.values("category").distinct().count() == 6
    assert ideas.values("title").distinct().count() == ideas.count()
    anonymous = ideas.filter(is_anonymous=True).count()
    assert 0.05 * ideas.count() <= anonymous <= 0.15 * ideas.count()
    assert not ideas.exclude(visibility="visible").exists()
    assert ideas.filter(author__username="nurse").exists()
    assert ideas.exclude(initiative=None).count() >= 15
    # Some ideas have many votes, most a handful.
    assert ideas.filter(vote_count__gte=100).count() >= 3
    assert ideas.filter(vote_count__lte=10).count() >= ideas.count() // 3


def test_every_status_change_has_a_response_and_answers_came_on_time_or_late(
    built: DemoReport,
) -> None:
    answered = Idea.objects.exclude(status=Status.NEW)
    assert not answered.filter(first_response_at=None).exists()
    assert not answered.annotate(n=Count("responses")).filter(n=0).exists()
    for idea in answered.exclude(status=Status.DUPLICATE).prefetch_related("responses")[:80]:
        last = list(idea.responses.all())[-1]
        assert last.to_status == idea.status
        assert last.created_at <= timezone.now()
    late = Idea.objects.filter(first_response_at__gt=F("response_due_at")).count()
    on_time = Idea.objects.filter(first_response_at__lte=F("response_due_at")).count()
    assert late >= 10
    assert on_time > 3 * late
    overdue = Idea.objects.awaiting_first_response().filter(response_due_at__lt=timezone.now())
    assert overdue.count() >= 5
    assert Response.objects.values("responder").distinct().count() >= 10
    # Dates were given after the services ran: nothing looks written at the moment of the build.
    assert Idea.objects.filter(created_at__lt=timezone.now() - timedelta(days=90)).count()
    assert not Response.objects.filter(created_at__lt=F("idea__created_at")).exists()


def test_merged_duplicates_moved_their_votes_counting_each_person_once(built: DemoReport) -> None:
    duplicates = Idea.objects.filter(status=Status.DUPLICATE)
    assert duplicates.count() == len(idea_texts.DUPLICATES)
    assert not duplicates.filter(merged_into=None).exists()
    assert not Vote.objects.filter(idea__in=duplicates).exists()
    assert all(d.vote_count == 0 for d in duplicates)
    for duplicate in duplicates.select_related("merged_into"):
        survivor = duplicate.merged_into
        assert survivor is not None
        assert survivor.merged_into_id is None
        assert survivor.vote_count == survivor.votes.count()
        assert Response.objects.filter(idea=survivor, related_idea=duplicate).exists()
    # The voters of a survivor are distinct people (the unique constraint) and include
    # those who voted for both.
    assert not (
        Vote.objects.values("idea", "person").annotate(n=Count("id")).filter(n__gt=1).exists()
    )


def test_an_open_and_a_closed_campaign_with_reviewers_decisions_and_results(
    built: DemoReport,
) -> None:
    now = timezone.now()
    open_campaign = Campaign.objects.get(title="How could we make night shifts safer?")
    closed = Campaign.objects.get(title="What would make your first weeks here easier?")
    assert open_campaign.is_open(now)
    assert open_campaign.audience_restricted
    assert open_campaign.reviewers.count() >= 2
    assert 15 <= open_campaign.idea_count == open_campaign.ideas.count() <= 35
    assert open_campaign.initiative is not None
    assert closed.has_closed(now)
    assert closed.results_summary_html
    assert closed.idea_count == closed.ideas.count() >= 10
    decided = closed.ideas.exclude(status__in=[Status.NEW, Status.UNDER_REVIEW])
    assert decided.count() == closed.ideas.count()
    assert closed.ideas.filter(status=Status.NOT_PLANNED).exists()
    assert not closed.ideas.filter(created_at__gt=closed.closes_at).exists()


def test_implemented_ideas_have_measured_impact_and_credited_contributors(
    built: DemoReport,
) -> None:
    impacts = Impact.objects.select_related("idea")
    assert impacts.count() >= 12
    assert all(i.idea.status == Status.IMPLEMENTED for i in impacts)
    assert all(i.before_value != i.after_value and i.after_on >= i.before_on for i in impacts)
    call_bells = impacts.get(measure="Average call-light response time")
    assert (str(call_bells.before_value), str(call_bells.after_value)) == ("6.50", "3.20")
    assert call_bells.idea.author.username == "nurse"
    assert Contributor.objects.values("idea").distinct().count() >= 10


def test_reviewers_are_named_and_the_reviewer_login_sees_every_idea(built: DemoReport) -> None:
    reviewer = Person.objects.get(username="reviewer")
    assert is_any_reviewer(reviewer)
    assert Idea.objects.filter(reviewer_scope(reviewer)).count() == Idea.objects.count()
    safety_lead = Person.objects.get(idea_categories_reviewed__slug="patient-safety")
    assert Response.objects.filter(responder=safety_lead).exists()
    assert Person.objects.filter(role_grants__role=Role.IDEA_REVIEWER).count() >= 20


def test_every_stored_count_equals_a_recount_from_the_rows(built: DemoReport) -> None:
    assert recount_votes() == 0
    assert not Idea.objects.annotate(n=Count("votes")).exclude(vote_count=F("n")).exists()
    before = stored_department_stats()
    campaigns_before = dict(Campaign.objects.values_list("pk", "idea_count"))
    stats.recount_ideas()
    assert stored_department_stats() == before
    assert dict(Campaign.objects.values_list("pk", "idea_count")) == campaigns_before
    live = Q(comments__deleted_at=None, comments__visibility="visible")
    threads = Thread.objects.filter(kind=Thread.Kind.IDEA)
    assert threads.filter(comment_count__gt=0).count() >= 100
    assert (
        not threads.annotate(n=Count("comments", filter=live))
        .exclude(comment_count=F("n"))
        .exists()
    )


def test_building_again_adds_no_ideas(built: DemoReport) -> None:
    before = (Idea.objects.count(), Vote.objects.count(), Response.objects.count())
    again = build_demo_hospital(size=DEMO, today=TODAY)
    assert again.already_built
    assert (Idea.objects.count(), Vote.objects.count(), Response.objects.count()) == before


def test_the_bulk_ideas_have_exact_numbers_and_exact_counts(built: DemoReport) -> None:
    build = DemoBuild(size=DEMO, seed=5, plan=None)  # type: ignore[arg-type]  # not used here
    ideas_before, votes_before = Idea.objects.count(), Vote.objects.count()
    add_bulk_ideas(build, ideas=500, votes=5_000)
    assert Idea.objects.count() - ideas_before == 500
    assert Vote.objects.count() - votes_before == 5_000
    assert build.created == {"bulk ideas": 500, "bulk idea votes": 5_000}
    new = Idea.objects.order_by("-pk")[:500]
    assert {i.thread.kind for i in new} == {Thread.Kind.IDEA}
    assert {i.status for i in new} >= {Status.NEW, Status.UNDER_REVIEW, Status.IMPLEMENTED}
    assert (
        not Idea.objects.filter(vote_count__gt=0, pk__in=[i.pk for i in new])
        .filter(author__idea_votes__idea=F("pk"))
        .exists()
    )
    assert recount_votes() == 0
    before = stored_department_stats()
    stats.recount_ideas()
    assert stored_department_stats() == before
    answered = Idea.objects.filter(pk__in=[i.pk for i in new]).exclude(status=Status.NEW)
    assert not answered.annotate(n=Count("responses")).filter(n=0).exists()
    # The same seed again finds its ideas and adds nothing.
    again = DemoBuild(size=DEMO, seed=5, plan=None)  # type: ignore[arg-type]
    add_bulk_ideas(again, ideas=500, votes=5_000)
    assert again.created == {"bulk ideas": 0, "bulk idea votes": 0}
    # New rows after a bulk build get fresh keys (PostgreSQL sequences were moved on).
    Thread.objects.create(kind=Thread.Kind.IDEA)
