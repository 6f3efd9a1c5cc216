"""Votes counted in sharded tally rows (decision 0029): exact at once, folded into the idea.

At every commit `Idea.vote_count` plus the idea's tally rows equals its vote rows. The
first tests hold on both databases; the bursts (many connections at once, folds, a merge and
a decision in the middle) run on PostgreSQL, where votes really run side by side.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.ideas import tally
from staffroom.ideas.models import Idea, Status, Vote, VoteTally
from staffroom.ideas.services.reviewing import merge_ideas, respond
from staffroom.ideas.services.voting import (
    VoteRefusedError,
    recount_votes,
    vote,
    withdraw_vote,
)
from staffroom.ideas.tests.factories import IdeaFactory
from staffroom.ideas.tests.test_review_services import propose, reviewer_for
from staffroom.ideas.trending import vote_weight
from staffroom.jobs import schedule
from staffroom.jobs.testing import run_jobs

only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database is shared-cache: it reports 'table is locked' "
    "instead of waiting, and SQLite serialises writers anyway (the PostgreSQL leg runs these)",
)


def stored(idea: Idea) -> tuple[int, float]:
    row = Idea.objects.values_list("vote_count", "trending_score").get(pk=idea.pk)
    return row[0], row[1]


def rows(idea: Idea) -> int:
    return Vote.objects.filter(idea_id=idea.pk).count()


def exact_score(idea: Idea) -> float:
    return sum(
        vote_weight(at)
        for at in Vote.objects.filter(idea_id=idea.pk).values_list("created_at", flat=True)
    )


# --- Both databases --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_vote_is_seen_at_once_and_the_fold_moves_it_into_the_stored_count() -> None:
    idea = IdeaFactory()
    people = PersonFactory.create_batch(4)
    for person in people:
        counted = vote(idea=idea, person=person)
    assert counted.vote_count == 4  # what the voter is shown: live
    withdrawn = withdraw_vote(idea=idea, person=people[0])
    vote(idea=idea, person=people[1])  # a second click: still one vote

    assert withdrawn.vote_count == 3
    assert stored(idea)[0] == 0  # not folded yet: the idea's row was never written
    assert VoteTally.objects.filter(idea=idea).exists()
    assert tally.live_vote_counts([idea.pk]) == {idea.pk: 3} == {idea.pk: rows(idea)}
    live_score = tally.live_tallies([idea.pk])[idea.pk][1]
    assert live_score == pytest.approx(exact_score(idea))

    assert tally.fold_votes() == 1
    assert not VoteTally.objects.exists()
    count, score = stored(idea)
    assert count == 3 == rows(idea)
    assert score == pytest.approx(exact_score(idea))
    assert tally.live_vote_counts([idea.pk]) == {idea.pk: 3}
    assert tally.fold_votes() == 0  # nothing left to fold


@pytest.mark.django_db
def test_live_counts_are_one_query_for_any_number_of_ideas(
    django_assert_num_queries: Any,
) -> None:
    ideas = IdeaFactory.create_batch(3)
    for idea, voters in zip(ideas, (1, 2, 0), strict=True):
        for person in PersonFactory.create_batch(voters):
            vote(idea=idea, person=person)
    tally.fold_idea(ideas[1].pk)
    vote(idea=ideas[1], person=PersonFactory())
    shown = list(Idea.objects.filter(pk__in=[i.pk for i in ideas]).order_by("pk"))
    with django_assert_num_queries(1):
        tally.attach_live_counts(shown)
    assert [i.vote_count for i in shown] == [1, 3, 0]
    with django_assert_num_queries(0):
        tally.attach_live_counts([])


@pytest.mark.django_db
def test_the_board_the_idea_page_and_the_vote_response_show_unfolded_votes(
    client: Client,
) -> None:
    idea = IdeaFactory(title="Quieter night rounds")
    for person in PersonFactory.create_batch(2):
        vote(idea=idea, person=person)
    me = PersonFactory()
    client.force_login(me)
    number = '<strong class="vote-box__number">{}</strong>'

    assert number.format(2) in client.get(reverse("ideas:board")).content.decode()
    assert number.format(2) in client.get(idea.get_absolute_url()).content.decode()
    url = reverse("ideas:vote", args=[idea.pk])
    fragment = client.post(url, {"action": "vote"}, headers={"HX-Request": "true"})
    assert number.format(3) in fragment.content.decode()
    assert stored(idea)[0] == 0  # all three are still in tally rows
    after = client.post(url, {"action": "withdraw"}, follow=True)
    assert number.format(2) in after.content.decode()


@pytest.mark.django_db
def test_recounting_clears_the_tallies_and_reports_only_real_errors() -> None:
    idea, other = IdeaFactory(), IdeaFactory()
    for person in PersonFactory.create_batch(3):
        vote(idea=idea, person=person)
    assert recount_votes() == 0  # pending votes are not errors
    assert not VoteTally.objects.exists()
    assert stored(idea)[0] == 3
    vote(idea=other, person=PersonFactory())
    Idea.objects.filter(pk=idea.pk).update(vote_count=7)  # really wrong
    assert recount_votes(idea_ids=[idea.pk, other.pk]) == 1
    assert stored(idea)[0] == 3
    assert stored(other)[0] == 1
    assert not VoteTally.objects.exists()


@pytest.mark.django_db
def test_a_merge_takes_the_unfolded_votes_of_both_ideas_along() -> None:
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    survivor = propose(author, title="Quieter night rounds")
    duplicate = propose(PersonFactory(unit=author.unit), title="Group the 2am checks")
    both = PersonFactory()
    for person in [*PersonFactory.create_batch(2), both]:
        vote(idea=survivor, person=person)
    for person in [*PersonFactory.create_batch(3), both]:
        vote(idea=duplicate, person=person)

    merge_ideas(duplicate=duplicate, survivor=survivor, reviewer=reviewer, message="Same.")

    assert not VoteTally.objects.exists()
    assert stored(survivor)[0] == 6 == rows(survivor)
    assert stored(duplicate)[0] == 0 == rows(duplicate)
    assert stored(survivor)[1] == pytest.approx(exact_score(survivor))
    # A vote on the duplicate now counts on the survivor.
    assert vote(idea=duplicate, person=PersonFactory()).pk == survivor.pk
    assert tally.live_vote_counts([survivor.pk, duplicate.pk]) == {survivor.pk: 7, duplicate.pk: 0}


@pytest.mark.django_db
def test_a_decided_idea_refuses_votes_and_keeps_its_count() -> None:
    author = PersonFactory()
    idea = propose(author)
    vote(idea=idea, person=PersonFactory())
    respond(
        idea=idea, reviewer=reviewer_for(author.department), message="Done.", status="implemented"
    )
    with pytest.raises(VoteRefusedError, match="votes are closed"):
        vote(idea=idea, person=PersonFactory())
    assert tally.live_vote_counts([idea.pk]) == {idea.pk: 1} == {idea.pk: rows(idea)}


@pytest.mark.django_db
def test_the_fold_runs_as_a_periodic_job() -> None:
    assert schedule.PERIODIC["fold_votes"].every == tally.FOLD_EVERY
    idea = IdeaFactory()
    vote(idea=idea, person=PersonFactory())
    schedule.PERIODIC["fold_votes"].task.enqueue()
    assert run_jobs() >= 1
    assert not VoteTally.objects.exists()
    assert stored(idea)[0] == 1


# --- PostgreSQL: bursts ----------------------------------------------------------------------


def invariant_holds(idea_ids: list[int]) -> bool:
    """Stored + tallies == vote rows for every idea, read in ONE statement (one snapshot)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.id, i.vote_count "
            "+ COALESCE((SELECT SUM(t.votes) FROM ideas_votetally t WHERE t.idea_id = i.id), 0), "
            "(SELECT COUNT(*) FROM ideas_vote v WHERE v.idea_id = i.id) "
            "FROM ideas_idea i WHERE i.id = ANY(%s)",
            [idea_ids],
        )
        return all(live == counted for _pk, live, counted in cursor.fetchall())


def burst(
    jobs: list[Callable[[], object]], *, threads: int = 20, beside: list[Callable[[], object]]
) -> tuple[list[BaseException], list[object]]:
    """Run `jobs` on `threads` connections released together, and `beside` (each looping
    until the jobs are done) on their own connections. Returns the errors and the results."""
    todo: queue.SimpleQueue[Callable[[], object]] = queue.SimpleQueue()
    for job in jobs:
        todo.put(job)
    errors: list[BaseException] = []
    results: list[object] = []
    start = threading.Barrier(threads + len(beside))
    done = threading.Event()

    def worker() -> None:
        try:
            start.wait()
            while True:
                try:
                    job = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    results.append(job())
                except BaseException as error:
                    errors.append(error)
        finally:
            connections.close_all()

    def loop(action: Callable[[], object]) -> None:
        try:
            start.wait()
            while not done.is_set():
                results.append(action())
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    loops = [threading.Thread(target=loop, args=(action,)) for action in beside]
    for thread in [*workers, *loops]:
        thread.start()
    for thread in workers:
        thread.join()
    done.set()
    for thread in loops:
        thread.join()
    return errors, results


def casting(action: Callable[..., Idea], idea: Idea, person: Person) -> Callable[[], object]:
    return lambda: action(idea=Idea(pk=idea.pk), person=person)


@only_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_hundred_people_voting_at_once_are_counted_exactly() -> None:
    """200 people vote on one idea at once (20 connections), 20 of them click twice, 30
    who had voted earlier withdraw; the fold runs again and again meanwhile, and a reader
    checks in one snapshot after snapshot that stored + tallies equals the rows."""
    idea = IdeaFactory()
    earlier = PersonFactory.create_batch(30)
    for person in earlier:
        vote(idea=idea, person=person)
    tally.fold_votes()
    voters = PersonFactory.create_batch(200)
    jobs = [
        *(casting(vote, idea, person) for person in voters),
        *(casting(vote, idea, person) for person in voters[:20]),
        *(casting(withdraw_vote, idea, person) for person in earlier),
    ]
    checks: list[bool] = []

    def check() -> bool:
        checks.append(invariant_holds([idea.pk]))
        return True

    errors, _results = burst(jobs, beside=[lambda: tally.fold_idea(idea.pk), check])

    assert not errors, errors
    assert checks
    assert all(checks), f"{checks.count(False)} of {len(checks)} snapshots off"
    assert rows(idea) == 200
    assert tally.live_vote_counts([idea.pk]) == {idea.pk: 200}
    tally.fold_votes()
    assert not VoteTally.objects.exists()
    count, score = stored(idea)
    assert count == 200 == rows(idea)
    assert score == pytest.approx(exact_score(idea))
    assert recount_votes() == 0


@only_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_merge_in_the_middle_of_a_burst_loses_no_vote() -> None:
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    survivor = propose(author, title="Quieter night rounds")
    duplicate = propose(PersonFactory(unit=author.unit), title="Group the 2am checks")
    people = PersonFactory.create_batch(120)
    both = people[:20]  # vote for both: one vote survives
    jobs: list[Callable[[], object]] = []
    for n, person in enumerate(people):
        jobs.append(casting(vote, duplicate if n % 2 else survivor, person))
    jobs.extend(casting(vote, duplicate, person) for person in both[::2])
    jobs.insert(
        len(jobs) // 2,
        lambda: merge_ideas(
            duplicate=Idea.objects.get(pk=duplicate.pk),
            survivor=Idea.objects.get(pk=survivor.pk),
            reviewer=reviewer,
            message="Same.",
        ),
    )
    errors, _results = burst(jobs, beside=[tally.fold_votes])

    assert not errors, errors
    assert Idea.objects.get(pk=duplicate.pk).merged_into_id == survivor.pk
    assert set(Vote.objects.values_list("person_id", flat=True)) == {p.pk for p in people}
    assert rows(duplicate) == 0
    assert tally.live_vote_counts([survivor.pk, duplicate.pk]) == {
        survivor.pk: 120,
        duplicate.pk: 0,
    }
    assert invariant_holds([survivor.pk, duplicate.pk])
    tally.fold_votes()
    assert stored(survivor)[0] == 120
    assert stored(duplicate)[0] == 0
    assert recount_votes() == 0


@only_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_decision_in_the_middle_of_a_burst_closes_the_votes_exactly() -> None:
    """A decision arrives while 80 people vote; 20 more vote once it is made. Votes that got
    in before it count, every one after it is refused, and no vote row lacks its count."""
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    idea = propose(author)
    people = PersonFactory.create_batch(100)
    late = people[80:]
    refused: list[int] = []
    decided = threading.Event()

    def voting(person: Person) -> Callable[[], object]:
        def cast() -> object:
            if person in late:
                assert decided.wait(60)
            try:
                return vote(idea=Idea(pk=idea.pk), person=person)
            except VoteRefusedError:
                refused.append(person.pk)
                return None

        return cast

    def decide() -> object:
        try:
            return respond(
                idea=Idea.objects.get(pk=idea.pk),
                reviewer=reviewer,
                message="Done.",
                status="implemented",
            )
        finally:
            decided.set()

    jobs = [decide, *(voting(person) for person in people)]
    errors, _results = burst(jobs, beside=[lambda: tally.fold_idea(idea.pk)])

    assert not errors, errors
    assert {p.pk for p in late} <= set(refused)
    counted = set(Vote.objects.filter(idea=idea).values_list("person_id", flat=True))
    assert counted == {p.pk for p in people} - set(refused)
    assert tally.live_vote_counts([idea.pk]) == {idea.pk: len(counted)}
    assert Idea.objects.get(pk=idea.pk).status == Status.IMPLEMENTED
    tally.fold_votes()
    assert stored(idea)[0] == len(counted)
