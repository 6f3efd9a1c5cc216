"""Merges and votes at the same moment (PostgreSQL): opposite merges, a merge sent twice,
and votes on the ideas and on a duplicate they absorbed earlier, all released together.
None may deadlock (PostgreSQL would abort one with an error: a 500 for someone), and the
counts stay exact."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.ideas.models import Idea, Vote
from staffroom.ideas.services.reviewing import merge_ideas
from staffroom.ideas.services.voting import recount_votes, vote
from staffroom.ideas.tests.test_review_services import (
    assert_stats_match_a_recount,
    propose,
    reviewer_for,
)

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite's in-memory test database is shared-cache: it reports 'table is "
        "locked' instead of waiting, and SQLite serialises writers anyway",
    ),
    pytest.mark.django_db(transaction=True),
]


def run_together(jobs: list[Callable[[], object]]) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(len(jobs))

    def run(job: Callable[[], object]) -> None:
        try:
            start.wait()
            job()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.parametrize("round_", range(4))
def test_opposite_merges_and_votes_at_once_never_deadlock(round_: int) -> None:
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    a = propose(author, title="Quieter night rounds")
    b = propose(PersonFactory(unit=author.unit), title="Group the 2am checks")
    earlier = propose(PersonFactory(unit=author.unit), title="Fewer checks at night")
    merge_ideas(duplicate=earlier, survivor=a, reviewer=reviewer, message="Same.")
    voters = PersonFactory.create_batch(9)

    def merge(duplicate: Idea, survivor: Idea) -> Callable[[], object]:
        return lambda: merge_ideas(
            duplicate=Idea.objects.get(pk=duplicate.pk),
            survivor=Idea.objects.get(pk=survivor.pk),
            reviewer=reviewer,
            message="Same.",
        )

    def voting(idea: Idea, person: Person) -> Callable[[], object]:
        return lambda: vote(idea=Idea(pk=idea.pk), person=person)

    jobs = [
        merge(a, b),
        merge(b, a),
        merge(a, b),  # the form sent twice
        *(voting(earlier, person) for person in voters[:3]),  # follows to its survivor
        *(voting(a, person) for person in voters[3:6]),
        *(voting(b, person) for person in voters[6:]),
    ]
    if round_ % 2:
        jobs.reverse()

    errors = run_together(jobs)

    # Only the losing merge is refused, with its reason; no lock error.
    assert all(isinstance(error, ValidationError) for error in errors), errors
    assert len(errors) <= 2
    merged = {idea.pk: idea.merged_into_id for idea in Idea.objects.filter(pk__in=[a.pk, b.pk])}
    survivors = [pk for pk, into in merged.items() if into is None]
    assert len(survivors) == 1
    [survivor] = survivors
    loser = a.pk if survivor == b.pk else b.pk
    assert merged[loser] == survivor
    assert Idea.objects.get(pk=earlier.pk).merged_into_id == survivor
    # Every vote lands on the survivor, once; the stored counts equal the rows.
    assert set(Vote.objects.values_list("idea_id", flat=True)) == {survivor}
    assert Vote.objects.count() == 9
    assert recount_votes() == 0
    assert_stats_match_a_recount()
