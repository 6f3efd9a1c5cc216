"""The idea box's foundation: creating an idea (guarded, counted, routed), voting exactly,
and the stored trending score."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.core.models import Visibility
from staffroom.ideas import trending
from staffroom.ideas.models import DepartmentStats, Idea, Status, Vote
from staffroom.ideas.services.proposing import create_idea
from staffroom.ideas.services.voting import (
    VoteRefusedError,
    recount_votes,
    vote,
    withdraw_vote,
)
from staffroom.ideas.tally import fold_votes
from staffroom.ideas.tests.factories import CampaignFactory, CategoryFactory, IdeaFactory
from staffroom.notifications.models import Notification
from staffroom.privacy.models import PrivacyHold

pytestmark = pytest.mark.django_db


def _propose(author, **overrides):
    fields = {
        "author": author,
        "title": "Quieter night rounds",
        "problem": "Night rounds wake patients who have only just fallen asleep.",
        "proposal": "Group the 2am checks so each bay is visited once.",
        "category": CategoryFactory(),
        "department": author.department,
    }
    fields.update(overrides)
    return create_idea(**fields)


def test_a_clean_idea_is_shown_counted_and_routed_to_its_reviewers():
    author = PersonFactory()
    reviewer = RoleGrantFactory(role=Role.IDEA_REVIEWER, department=author.department).person
    elsewhere = RoleGrantFactory(role=Role.IDEA_REVIEWER, department=PersonFactory().department)

    idea = _propose(author)

    assert idea.visibility == Visibility.VISIBLE
    assert idea.status == Status.NEW
    assert idea.response_due_at > timezone.now() + timedelta(days=13)
    stats = DepartmentStats.objects.get(department=author.department)
    assert (stats.ideas, stats.awaiting_response, stats.open_ideas) == (1, 1, 1)
    told = set(
        Notification.objects.filter(kind=Notification.Kind.IDEA_TO_REVIEW).values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {reviewer.pk}
    assert elsewhere.person_id not in told


def test_an_idea_with_patient_information_is_held_and_not_counted_or_routed():
    author = PersonFactory()
    RoleGrantFactory(role=Role.IDEA_REVIEWER, department=author.department)

    idea = _propose(author, problem="Mrs Jane Doe, MRN 12345678, fell in bay 3 last night.")

    assert idea.visibility == Visibility.HELD
    assert PrivacyHold.objects.filter(item_kind="idea", item_id=idea.pk).exists()
    assert not DepartmentStats.objects.filter(department=author.department, ideas=1).exists()
    assert not Notification.objects.filter(kind=Notification.Kind.IDEA_TO_REVIEW).exists()


def test_bad_input_is_refused_and_changes_nothing():
    author = PersonFactory()
    with pytest.raises(ValidationError) as error:
        _propose(author, title=" ", problem="", proposal="x" * 6000)
    assert set(error.value.message_dict) == {"title", "problem", "proposal"}
    assert not Idea.objects.exists()


def test_the_same_submission_twice_makes_one_idea():
    import uuid

    author = PersonFactory()
    key = uuid.uuid4()
    category = CategoryFactory()
    first = _propose(author, submission_key=key, category=category)
    second = _propose(author, submission_key=key, category=category)
    assert first.pk == second.pk
    assert Idea.objects.count() == 1


def test_votes_are_one_per_person_and_withdrawable():
    idea = IdeaFactory()
    voter = PersonFactory()
    vote(idea=idea, person=voter)
    voted = vote(idea=idea, person=voter)
    assert voted.vote_count == 1 == Vote.objects.filter(idea=idea).count()
    assert voted.trending_score > 0
    fold_votes()
    idea.refresh_from_db()
    assert idea.vote_count == 1
    withdrawn = withdraw_vote(idea=idea, person=voter)
    assert withdrawn.vote_count == 0
    fold_votes()
    idea.refresh_from_db()
    assert idea.vote_count == 0
    assert idea.trending_score == pytest.approx(0.0, abs=1e-3)


def test_votes_on_a_decided_idea_or_a_closed_campaign_are_refused_with_a_reason():
    decided = IdeaFactory(status=Status.NOT_PLANNED)
    with pytest.raises(VoteRefusedError, match="votes are closed"):
        vote(idea=decided, person=PersonFactory())
    campaign = CampaignFactory(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(days=1)
    )
    closed = IdeaFactory(campaign=campaign)
    with pytest.raises(VoteRefusedError, match="closed on"):
        vote(idea=closed, person=PersonFactory())
    assert not Vote.objects.exists()


def test_a_vote_on_a_merged_idea_goes_to_the_surviving_one():
    survivor = IdeaFactory()
    duplicate = IdeaFactory(status=Status.DUPLICATE, merged_into=survivor)
    voted = vote(idea=duplicate, person=PersonFactory())
    assert voted.pk == survivor.pk
    assert Vote.objects.get().idea_id == survivor.pk


def test_recent_votes_weigh_more_and_the_stored_order_is_the_decayed_order():
    now = timezone.now()
    week = timedelta(days=7)
    assert trending.vote_weight(now) == pytest.approx(2 * trending.vote_weight(now - week))
    assert trending.trending_now(trending.vote_weight(now - week), now) == pytest.approx(0.5)


def test_recount_votes_rebuilds_the_stored_counts():
    idea = IdeaFactory()
    for person in PersonFactory.create_batch(3):
        vote(idea=idea, person=person)
    Idea.objects.filter(pk=idea.pk).update(vote_count=99, trending_score=0)
    assert recount_votes() == 1
    idea.refresh_from_db()
    assert idea.vote_count == 3
