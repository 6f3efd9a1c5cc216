"""Votes stay exact when many people vote and withdraw at the same moment (PostgreSQL)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime

import pytest
from django.db import connection, connections, transaction

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.ideas.models import Idea, Vote, VoteTally
from staffroom.ideas.services import voting
from staffroom.ideas.services.voting import recount_votes, vote, withdraw_vote
from staffroom.ideas.tally import VOTE_SHARDS, fold_votes, live_vote_counts
from staffroom.ideas.tests.factories import IdeaFactory
from staffroom.ideas.trending import vote_weight


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database is shared-cache: it reports 'table is locked' "
    "instead of waiting, and SQLite serialises writers anyway",
)
@pytest.mark.django_db(transaction=True)
def test_simultaneous_votes_and_withdrawals_leave_the_stored_count_exact() -> None:
    """30 people, 40 requests at once: 10 had voted, and 5 of them withdraw while the other
    5 vote again; 10 more double-click (two votes each); 10 vote once. Every request runs in
    its own thread, connection and transaction, all released together."""
    idea = IdeaFactory()
    people = [PersonFactory() for _ in range(30)]
    for person in people[:10]:
        vote(idea=idea, person=person)
    jobs = (
        [(withdraw_vote, person) for person in people[:5]]
        + [(vote, person) for person in people[5:10]]  # already voted: changes nothing
        + [(vote, person) for person in people[10:20] for _ in range(2)]  # double clicks
        + [(vote, person) for person in people[20:]]
    )
    assert len(jobs) == 40
    errors: list[BaseException] = []
    start = threading.Barrier(len(jobs))

    def run(action: object, person: object) -> None:
        try:
            start.wait()
            action(idea=Idea(pk=idea.pk), person=person)  # type: ignore[operator]
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors, errors
    voters = set(Vote.objects.filter(idea=idea).values_list("person_id", flat=True))
    assert voters == {person.pk for person in people[5:]}
    assert live_vote_counts([idea.pk])[idea.pk] == Vote.objects.filter(idea=idea).count() == 25
    fold_votes()
    idea.refresh_from_db()
    assert idea.vote_count == 25


def _in_thread(
    target: Callable[[], object], errors: list[BaseException], name: str = "job"
) -> threading.Thread:
    def run() -> None:
        try:
            target()
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers")
@pytest.mark.django_db(transaction=True)
def test_a_recount_waits_for_a_withdrawal_in_flight_and_loses_nothing() -> None:
    """A withdrawal not yet committed when a recount starts: the recount must not count its
    vote row and then delete the tally row holding its -1."""
    idea = IdeaFactory()
    people = [PersonFactory() for _ in range(3)]
    for person in people:
        vote(idea=idea, person=person)
    for shard in range(VOTE_SHARDS):  # the withdrawal's -1 updates a row that already exists
        VoteTally.objects.get_or_create(idea=idea, shard=shard)
    withdrawn, go = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def withdraw() -> None:
        with transaction.atomic():
            withdraw_vote(idea=Idea(pk=idea.pk), person=people[0])
            withdrawn.set()
            go.wait(10)

    first = _in_thread(withdraw, errors)
    assert withdrawn.wait(10)
    second = _in_thread(lambda: recount_votes(idea_ids=[idea.pk]), errors)
    time.sleep(0.5)
    go.set()
    first.join(20)
    second.join(20)
    assert not errors, errors
    rows = Vote.objects.filter(idea=idea).count()
    assert rows == 2
    assert live_vote_counts([idea.pk])[idea.pk] == rows
    fold_votes()
    idea.refresh_from_db()
    assert idea.vote_count == rows


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers")
@pytest.mark.django_db(transaction=True)
def test_a_vote_during_a_recount_neither_deadlocks_nor_is_lost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    idea = IdeaFactory()
    people = [PersonFactory() for _ in range(2)]
    vote(idea=idea, person=people[0])
    for shard in range(VOTE_SHARDS):
        VoteTally.objects.get_or_create(idea=idea, shard=shard)
    counting = threading.Event()
    weight = vote_weight

    def slow_weight(at: datetime) -> float:  # the recount lingers between count and write
        if threading.current_thread().name == "recount" and not counting.is_set():
            counting.set()
            time.sleep(1.0)
        return weight(at)

    monkeypatch.setattr(voting, "vote_weight", slow_weight)
    errors: list[BaseException] = []
    recount = _in_thread(lambda: recount_votes(idea_ids=[idea.pk]), errors, name="recount")
    assert counting.wait(10)
    voter = _in_thread(lambda: vote(idea=Idea(pk=idea.pk), person=people[1]), errors)
    recount.join(20)
    voter.join(20)
    assert not errors, errors
    assert live_vote_counts([idea.pk])[idea.pk] == Vote.objects.filter(idea=idea).count() == 2
