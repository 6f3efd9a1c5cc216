"""Answering ideas (services/reviewing.respond): scope, the PHI guard, statuses, the
response-time counters and who is told."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.core.models import Visibility
from staffroom.ideas import stats
from staffroom.ideas.models import DepartmentStats, Idea, Response, Status
from staffroom.ideas.services.proposing import create_idea, set_idea_visibility
from staffroom.ideas.services.reviewing import respond
from staffroom.ideas.services.voting import follow_idea, vote
from staffroom.ideas.tests.factories import CampaignFactory, CategoryFactory
from staffroom.notifications.models import Notification
from staffroom.organisation.models import Department

pytestmark = pytest.mark.django_db


def propose(author: Person, **overrides: Any) -> Idea:
    """An idea made the way staff make one (counted and routed)."""
    fields: dict[str, Any] = {
        "author": author,
        "title": "Quieter night rounds",
        "problem": "Night rounds wake patients who have only just fallen asleep.",
        "proposal": "Group the 2am checks so each bay is visited once.",
        "category": CategoryFactory(),
        "department": author.department,
    }
    fields.update(overrides)
    return create_idea(**fields)


def reviewer_for(department: Department) -> Person:
    person: Person = RoleGrantFactory(role=Role.IDEA_REVIEWER, department=department).person
    return person


def stored_stats() -> dict[int, tuple[int, ...]]:
    return {
        row.department_id: (
            row.ideas,
            row.awaiting_response,
            row.open_ideas,
            row.implemented,
            row.responded,
            row.response_seconds_total,
            row.responded_on_time,
        )
        for row in DepartmentStats.objects.all()
    }


def assert_stats_match_a_recount() -> None:
    """The counters the services kept equal the ones rebuilt from the rows."""
    kept = stored_stats()
    stats.recount_ideas()
    rebuilt = stored_stats()
    # A department whose ideas all left keeps a row of zeros; a rebuild drops it.
    kept = {k: v for k, v in kept.items() if any(v)}
    assert kept == rebuilt


def updates_for(idea: Idea) -> set[int]:
    return set(
        Notification.objects.filter(
            kind=Notification.Kind.IDEA_UPDATE, thread_id=idea.thread_id
        ).values_list("recipient_id", flat=True)
    )


def test_a_first_response_with_a_status_change_is_recorded_counted_audited_and_told():
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    idea = propose(author)
    voters = PersonFactory.create_batch(2)
    for voter in voters:
        vote(idea=idea, person=voter)
    follower = PersonFactory()
    follow_idea(idea=idea, person=follower)
    follow_idea(idea=idea, person=reviewer)  # the reviewer follows too: still not told
    vote(idea=idea, person=reviewer)

    response = respond(
        idea=idea,
        reviewer=reviewer,
        message="Thank you! We'll **try** this on Ward 7 next month.",
        status=Status.ACCEPTED,
    )

    idea.refresh_from_db()
    assert (response.from_status, response.to_status) == (Status.NEW, Status.ACCEPTED)
    assert "<strong>try</strong>" in response.message_html
    assert idea.status == Status.ACCEPTED
    assert idea.first_response_at is not None
    assert idea.status_changed_at == idea.first_response_at == idea.last_activity_at
    assert idea.version == 2
    assert updates_for(idea) == {author.pk, follower.pk, *(v.pk for v in voters)}
    update = Notification.objects.filter(kind=Notification.Kind.IDEA_UPDATE).first()
    assert update is not None
    assert update.actor_id == reviewer.pk
    assert update.message.startswith("Thank you! We'll **try** this")
    entry = AuditEntry.objects.get(action=AuditAction.IDEA_STATUS_CHANGED)
    assert entry.actor_id == reviewer.pk
    assert entry.data["from_status"] == "new"
    assert entry.data["to_status"] == "accepted"
    assert "Ward 7" not in str(entry.data) + entry.summary
    row = DepartmentStats.objects.get(department=author.department)
    assert (row.awaiting_response, row.responded, row.responded_on_time) == (0, 1, 1)
    assert_stats_match_a_recount()


def test_an_answer_without_a_status_change_keeps_the_status_and_a_second_one_is_not_first():
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    idea = propose(author)
    respond(idea=idea, reviewer=reviewer, message="We are looking at this.")
    idea.refresh_from_db()
    first = idea.first_response_at
    assert idea.status == Status.NEW
    assert AuditEntry.objects.filter(action=AuditAction.IDEA_RESPONDED).count() == 1

    respond(idea=idea, reviewer=reviewer, message="Trial agreed.", status=Status.IN_PROGRESS)
    respond(idea=idea, reviewer=reviewer, message="Done on every ward.", status="implemented")

    idea.refresh_from_db()
    assert idea.first_response_at == first
    assert idea.status == Status.IMPLEMENTED
    assert list(idea.responses.values_list("to_status", flat=True)) == [
        "new",
        "in_progress",
        "implemented",
    ]
    row = DepartmentStats.objects.get(department=author.department)
    assert (row.responded, row.open_ideas, row.implemented) == (1, 0, 1)
    assert_stats_match_a_recount()


def test_a_late_first_response_is_counted_as_late():
    author = PersonFactory()
    idea = propose(author)
    Idea.objects.filter(pk=idea.pk).update(
        created_at=timezone.now() - timedelta(days=20),
        response_due_at=timezone.now() - timedelta(days=6),
    )
    respond(idea=idea, reviewer=reviewer_for(author.department), message="Sorry for the wait.")
    row = DepartmentStats.objects.get(department=author.department)
    assert (row.responded, row.responded_on_time) == (1, 0)
    assert row.response_seconds_total >= 20 * 24 * 3600 - 5
    assert_stats_match_a_recount()


def test_a_reviewer_outside_the_scope_is_refused_and_nothing_changes():
    author = PersonFactory()
    idea = propose(author)
    elsewhere = reviewer_for(PersonFactory().department)
    with pytest.raises(PermissionDenied, match="isn't in your review scope"):
        respond(idea=idea, reviewer=elsewhere, message="Not mine to answer.", status="accepted")
    with pytest.raises(PermissionDenied):
        respond(idea=idea, reviewer=PersonFactory(), message="Nor mine.")
    idea.refresh_from_db()
    assert idea.status == Status.NEW
    assert idea.first_response_at is None
    assert not Response.objects.exists()
    assert not Notification.objects.filter(kind=Notification.Kind.IDEA_UPDATE).exists()


def test_category_and_campaign_reviewers_may_answer_their_ideas():
    author = PersonFactory()
    specialist, campaign_lead = PersonFactory.create_batch(2)
    category = CategoryFactory()
    category.reviewers.add(specialist)
    campaign = CampaignFactory()
    campaign.reviewers.add(campaign_lead)
    idea = propose(author, category=category, campaign=campaign)
    respond(idea=idea, reviewer=specialist, message="The patient safety team will look.")
    respond(idea=idea, reviewer=campaign_lead, message="Shortlisted.", status="under_review")
    assert Response.objects.filter(idea=idea).count() == 2


def test_a_response_with_patient_information_is_refused_with_a_reason():
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    idea = propose(author)
    with pytest.raises(ValidationError) as error:
        respond(
            idea=idea,
            reviewer=reviewer,
            message="We spoke to Mrs Jane Doe, MRN 12345678, about this.",
            status="accepted",
        )
    assert "patient information" in error.value.message_dict["message"][0]
    idea.refresh_from_db()
    assert idea.status == Status.NEW
    assert not Response.objects.exists()
    assert not Notification.objects.filter(kind=Notification.Kind.IDEA_UPDATE).exists()


@pytest.mark.parametrize(
    ("message", "status", "field"),
    [
        ("", None, "message"),
        ("   \n ", "accepted", "message"),
        ("x" * 5001, None, "message"),
        ("Merged elsewhere.", "duplicate", "status"),
        ("Still new.", "new", "status"),
        ("What?", "maybe", "status"),
    ],
)
def test_bad_answers_are_refused_and_change_nothing(message, status, field):
    author = PersonFactory()
    idea = propose(author)
    with pytest.raises(ValidationError) as error:
        respond(idea=idea, reviewer=reviewer_for(author.department), message=message, status=status)
    assert field in error.value.message_dict
    assert not Response.objects.exists()


@pytest.mark.parametrize("visibility", [Visibility.HIDDEN, Visibility.REMOVED])
def test_an_idea_not_shown_cannot_be_answered(visibility):
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    idea = propose(author)
    set_idea_visibility(idea=idea, visibility=visibility)
    with pytest.raises(ValidationError, match="isn't shown to staff"):
        respond(idea=idea, reviewer=reviewer, message="Hello.", status="accepted")
    assert not Response.objects.exists()


def test_a_held_idea_cannot_be_answered():
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    idea = propose(author, problem="Mrs Jane Doe, MRN 12345678, fell in bay 3 last night.")
    assert idea.visibility == Visibility.HELD
    with pytest.raises(ValidationError, match="held for privacy review"):
        respond(idea=idea, reviewer=reviewer, message="Hello.")


def test_an_anonymous_author_is_told_and_nothing_names_them():
    author = PersonFactory(first_name="Zebedee", last_name="Quartermaine")
    reviewer = reviewer_for(author.department)
    idea = propose(author, is_anonymous=True)
    voter = PersonFactory()
    vote(idea=idea, person=voter)

    respond(idea=idea, reviewer=reviewer, message="Good idea.", status="accepted")

    updates = Notification.objects.filter(kind=Notification.Kind.IDEA_UPDATE)
    assert {n.recipient_id for n in updates} == {author.pk, voter.pk}
    assert {n.actor_id for n in updates} == {reviewer.pk}
    assert all("Zebedee" not in n.message and "Quartermaine" not in n.message for n in updates)
    # Routed to the reviewer without naming anyone either.
    assert set(
        Notification.objects.filter(kind=Notification.Kind.IDEA_TO_REVIEW).values_list(
            "actor_id", flat=True
        )
    ) == {None}
    entry = AuditEntry.objects.get(action=AuditAction.IDEA_STATUS_CHANGED)
    assert entry.actor_id == reviewer.pk
    assert set(entry.data) == {"idea", "response", "from_status", "to_status", "first_response"}


def test_the_notification_carries_the_first_words_only():
    author = PersonFactory()
    idea = propose(author)
    long_answer = "We will do this. " * 100
    respond(idea=idea, reviewer=reviewer_for(author.department), message=long_answer)
    message = Notification.objects.get(kind=Notification.Kind.IDEA_UPDATE).message
    assert 0 < len(message) <= 300
    assert message.endswith("…")


def test_leavers_are_not_told():
    author = PersonFactory()
    idea = propose(author)
    leaver = PersonFactory()
    vote(idea=idea, person=leaver)
    Person.objects.filter(pk=leaver.pk).update(is_active=False)
    respond(idea=idea, reviewer=reviewer_for(author.department), message="Thanks.")
    assert updates_for(idea) == {author.pk}


def test_hiding_and_showing_an_answered_idea_keeps_the_counters_exact():
    author = PersonFactory()
    idea = propose(author)
    respond(idea=idea, reviewer=reviewer_for(author.department), message="Yes.", status="accepted")
    set_idea_visibility(idea=idea, visibility=Visibility.HIDDEN)
    assert_stats_match_a_recount()
    set_idea_visibility(idea=idea, visibility=Visibility.VISIBLE)
    assert_stats_match_a_recount()
    row = DepartmentStats.objects.get(department=author.department)
    assert (row.ideas, row.responded, row.open_ideas) == (1, 1, 1)


def test_recount_ideas_command_rebuilds_votes_and_department_counts():
    author = PersonFactory()
    idea = propose(author)
    vote(idea=idea, person=PersonFactory())
    Idea.objects.filter(pk=idea.pk).update(vote_count=40)
    DepartmentStats.objects.filter(department=author.department).update(ideas=9)
    out = io.StringIO()
    call_command("recount_ideas", stdout=out)
    assert "Ideas with corrected votes: 1" in out.getvalue()
    idea.refresh_from_db()
    assert idea.vote_count == 1
    assert DepartmentStats.objects.get(department=author.department).ideas == 1


# --- Sent twice ---------------------------------------------------------------------------------


def test_the_same_answer_sent_twice_is_recorded_and_told_once():
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    idea = propose(author)
    voter = PersonFactory()
    vote(idea=idea, person=voter)
    first = respond(idea=idea, reviewer=reviewer, message="We are looking at this.")
    again = respond(idea=idea, reviewer=reviewer, message="  We are looking at this.\n")
    assert again.pk == first.pk
    assert Response.objects.filter(idea=idea).count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.IDEA_UPDATE).count() == 2
    assert AuditEntry.objects.filter(action=AuditAction.IDEA_RESPONDED).count() == 1
    assert Idea.objects.get(pk=idea.pk).version == 2
    assert_stats_match_a_recount()


def test_a_status_change_sent_twice_succeeds_both_times_and_happens_once():
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    idea = propose(author)
    stale = Idea.objects.get(pk=idea.pk)
    first = respond(idea=idea, reviewer=reviewer, message="Yes.", status=Status.ACCEPTED)
    # The second request loaded the idea before the first changed it: no "already accepted".
    again = respond(idea=stale, reviewer=reviewer, message="Yes.", status=Status.ACCEPTED)
    assert again.pk == first.pk
    assert stale.status == Status.ACCEPTED
    assert Response.objects.filter(idea=idea).count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.IDEA_STATUS_CHANGED).count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.IDEA_UPDATE).count() == 1
    row = DepartmentStats.objects.get(department=author.department)
    assert (row.responded, row.open_ideas) == (1, 1)
    assert_stats_match_a_recount()


def test_only_an_identical_answer_within_two_minutes_is_taken_for_a_repeat():
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    colleague = reviewer_for(author.department)
    idea = propose(author)
    first = respond(idea=idea, reviewer=reviewer, message="Yes.", status=Status.ACCEPTED)
    # Other words, or another reviewer: a new answer.
    respond(idea=idea, reviewer=reviewer, message="Yes, from Monday.")
    respond(idea=idea, reviewer=colleague, message="Yes, from Monday.")
    assert Response.objects.filter(idea=idea).count() == 3
    # The same words setting another status: a new answer.
    respond(idea=idea, reviewer=colleague, message="Yes, from Monday.", status="in_progress")
    assert Response.objects.filter(idea=idea).count() == 4
    # The same answer again after the window: a new answer.
    Response.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    Response.objects.exclude(pk=first.pk).delete()
    Idea.objects.filter(pk=idea.pk).update(status=Status.NEW)
    respond(idea=idea, reviewer=reviewer, message="Yes.", status=Status.ACCEPTED)
    assert Response.objects.filter(idea=idea).count() == 2
