"""Votes stay exact when many people vote and withdraw at the same moment (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.ideas.models import Idea, Vote
from staffroom.ideas.services.voting import vote, withdraw_vote
from staffroom.ideas.tests.factories import IdeaFactory


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
    idea.refresh_from_db()
    voters = set(Vote.objects.filter(idea=idea).values_list("person_id", flat=True))
    assert voters == {person.pk for person in people[5:]}
    assert idea.vote_count == Vote.objects.filter(idea=idea).count() == 25
