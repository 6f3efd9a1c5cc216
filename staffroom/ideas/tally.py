"""Vote counts under bursts: sharded tally rows, read live, folded into the idea (decision 0029).

A town-hall burst puts a thousand votes a second on one idea. Updating `Idea.vote_count` for
each would make every vote wait for the one before it (one row, one lock). Instead a vote adds
its +1 to one of `VOTE_SHARDS` `VoteTally` rows of the idea, chosen at random, in the vote's
own transaction; a withdrawal adds -1 the same way. Then, at every commit:

    Idea.vote_count + sum(VoteTally.votes of the idea) == number of its Vote rows

and likewise for `trending_score` (each vote's weight, ideas/trending.py).

- **Reading** (`live_vote_counts`, `attach_live_counts`): what a person sees is the stored
  count plus the idea's pending deltas, read in ONE statement (one snapshot), so it is exact
  at once, whichever app server took the vote. Lists sorted by "top" or "trending" order by
  the stored columns, which lag by at most the fold interval.
- **Folding** (`fold_votes`, the periodic job of that name, every `FOLD_EVERY`): per idea, one
  short transaction locks the idea's row FOR NO KEY UPDATE (votes, whose inserts hold FOR KEY
  SHARE through their foreign key, go on; merges and answers, FOR UPDATE, wait or are waited
  for), deletes its tally rows (DELETE … RETURNING) and adds exactly what it deleted to the
  stored columns. Nothing is lost
  or counted twice: every delta is either still in a tally row or in the idea's columns.
- **Deciding and merging** take the idea's votes gate exclusively (`hold_votes`), votes take it
  shared (`enter_votes`): a decision waits for the votes in flight, the next votes see it.
- **Recounting and merging** set the stored columns from the vote rows and delete the ideas'
  tally rows in the same transaction, under the same row locks (services/voting.py).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce

from staffroom.core.locks import advisory_lock_key
from staffroom.ideas.models import Idea, Vote, VoteTally

# Shard rows per idea: 16 spreads a burst from a few dozen app workers well enough that they
# rarely wait for each other, and keeps the live read to at most 16 rows per idea.
VOTE_SHARDS = 16
# How often the periodic job folds the tallies into the ideas. Counts people read are live
# whatever this is; only orderings by the stored columns ("top", "trending", the kiosk's top
# ideas, campaign results) lag by up to this much. The worker's clock ticks every
# JOBS_CLOCK_SECONDS (10 s), and a job's slot makes a task row and a PeriodicRun row, kept for
# days: a minute keeps that to 1,440 a day.
FOLD_EVERY = timedelta(minutes=1)


def _gate_key(idea_id: int) -> int:
    return advisory_lock_key(f"ideas.votes:{idea_id}")


def enter_votes(idea_id: int) -> None:
    """Before a vote reads the idea: PostgreSQL's shared advisory lock of the idea's votes,
    held to the end of the transaction. Votes share it; `hold_votes` (a decision, a merge)
    takes it exclusively. Unlike a share lock on the idea's row, a waiting exclusive request
    holds back the votes that come after it, so a decision waits for the votes in flight
    (milliseconds) rather than for a gap in a burst. SQLite: one writer at a time already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [_gate_key(idea_id)])


def hold_votes(idea_id: int) -> None:
    """Wait for the votes on the idea under way to commit and hold new ones back until this
    transaction ends: take it before locking an idea whose status or merge the votes must
    see (services/reviewing.py). Ideas in the same order as their rows are locked."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_gate_key(idea_id)])


def add_to_tally(*, idea_id: int, votes: int, score: float) -> None:
    """Add `votes` and `score` to a random tally row of the idea (one statement, an upsert:
    SQLite ≥ 3.24 and PostgreSQL). Call inside the vote's transaction."""
    table = connection.ops.quote_name(VoteTally._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (idea_id, shard, votes, score) VALUES (%s, %s, %s, %s) "  # noqa: S608  # our table's name
            f"ON CONFLICT (idea_id, shard) DO UPDATE SET votes = {table}.votes + excluded.votes, "
            f"score = {table}.score + excluded.score",
            [idea_id, random.randrange(VOTE_SHARDS), votes, score],  # noqa: S311  # not a secret
        )


def vote_and_count(
    *, idea_id: int, person_id: int, at: datetime, weight: float
) -> tuple[int, float]:
    """PostgreSQL: insert the person's vote unless it is there, add it to a random tally row
    if it is new, and read the idea's live count and score: ONE statement (a vote in a
    burst is then this and the idea's share-locked read). The SELECT sees the snapshot the
    statement started with, so it adds this vote itself (a fold committing meanwhile is in
    that snapshot wholly or not at all)."""
    vote, tally, idea = (
        connection.ops.quote_name(model._meta.db_table) for model in (Vote, VoteTally, Idea)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH cast_vote AS (
                INSERT INTO {vote} (idea_id, person_id, created_at) VALUES (%s, %s, %s)
                ON CONFLICT (idea_id, person_id) DO NOTHING RETURNING 1
            ), counted AS (
                INSERT INTO {tally} AS t (idea_id, shard, votes, score)
                SELECT %s, %s, 1, %s FROM cast_vote
                ON CONFLICT (idea_id, shard)
                DO UPDATE SET votes = t.votes + 1, score = t.score + excluded.score
                RETURNING 1
            ), pending AS (
                SELECT COALESCE(SUM(votes), 0) AS votes, COALESCE(SUM(score), 0) AS score
                FROM {tally} WHERE idea_id = %s
            )
            SELECT i.vote_count + pending.votes + (SELECT COUNT(*) FROM counted),
                   i.trending_score + pending.score + %s * (SELECT COUNT(*) FROM counted)
            FROM {idea} i, pending WHERE i.id = %s
            """,  # noqa: S608  # our tables' names
            [
                idea_id,
                person_id,
                at,
                idea_id,
                random.randrange(VOTE_SHARDS),  # noqa: S311  # not a secret
                weight,
                idea_id,
                weight,
                idea_id,
            ],
        )
        count, score = cursor.fetchone()
    return int(count), float(score)


def live_tallies(idea_ids: Iterable[int]) -> dict[int, tuple[int, float]]:
    """{idea id: (vote count, trending score)} as of now, pending votes included: one query."""
    ids = list(set(idea_ids))
    if not ids:
        return {}
    rows = (
        Idea.objects.filter(pk__in=ids)
        .annotate(
            pending_votes=Coalesce(Sum("tallies__votes"), 0),
            pending_score=Coalesce(Sum("tallies__score"), 0.0),
        )
        .values_list("pk", "vote_count", "trending_score", "pending_votes", "pending_score")
    )
    return {pk: (count + votes, score + pending) for pk, count, score, votes, pending in rows}


def live_vote_counts(idea_ids: Iterable[int]) -> dict[int, int]:
    """{idea id: number of votes} as of now, pending votes included: one query."""
    return {pk: count for pk, (count, _score) in live_tallies(idea_ids).items()}


def attach_live_counts(ideas: Iterable[Idea]) -> None:
    """Set each idea's `vote_count` (and `trending_score`) to its live value: one query for
    them all, none for an empty list. For what people read; never save these instances'
    counters (the live value includes deltas still in tally rows)."""
    ideas = list(ideas)
    live = live_tallies(idea.pk for idea in ideas)
    for idea in ideas:
        if idea.pk in live:
            idea.vote_count, idea.trending_score = live[idea.pk]


def fold_idea(idea_id: int) -> int | None:
    """Move the idea's tally rows into its stored columns; returns the votes moved (net), or
    None if the fold has to wait for the next run (see below)."""
    try:
        with transaction.atomic():
            # The idea's row first, as votes and merges take it (one lock order, no
            # deadlock). FOR NO KEY UPDATE: votes (their inserts' FOR KEY SHARE) go on; a merge
            # or an answer (FOR UPDATE) waits for this short transaction, or this for it.
            if not Idea.objects.select_for_update(no_key=True).filter(pk=idea_id).exists():
                return 0
            # Each row is deleted as it is when deleted (a vote's +1 under way is waited
            # for and taken with it) and exactly that is added: every delta is either still
            # in a tally row or in the idea's columns, in any reader's snapshot.
            table = connection.ops.quote_name(VoteTally._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {table} WHERE idea_id = %s RETURNING votes, score",  # noqa: S608  # our table's name
                    [idea_id],
                )
                deleted = cursor.fetchall()
            votes = sum(int(row[0]) for row in deleted)
            score = sum(float(row[1]) for row in deleted)
            if votes or score:
                Idea.objects.filter(pk=idea_id).update(
                    vote_count=F("vote_count") + votes,
                    trending_score=F("trending_score") + score,
                )
            return votes
    except IntegrityError:
        # Votes keep coming while a fold runs: a withdrawal's -1 can be taken while the +1
        # it takes back, in a row made after the fold began, is not. Near zero votes the
        # stored count would dip below zero, which its column refuses: nothing changes, and
        # the next run folds both.
        return None


def fold_votes(*, limit: int | None = None) -> int:
    """Fold every idea with tally rows (or the first `limit`); returns how many ideas."""
    idea_ids = VoteTally.objects.order_by("idea_id").values_list("idea_id", flat=True).distinct()
    if limit is not None:
        idea_ids = idea_ids[:limit]
    folded = 0
    for idea_id in list(idea_ids):
        if fold_idea(idea_id) is not None:
            folded += 1
    return folded


def pending_ideas() -> int:
    """How many ideas have votes not yet folded (for checks and the benchmark)."""
    return VoteTally.objects.values("idea_id").distinct().count()
