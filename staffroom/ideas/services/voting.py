"""Votes and follows.

One vote per person per idea, withdrawable. A vote inserts the person's row (unique per idea
and person) and adds +1 to one of the idea's sharded tally rows in the same transaction; a
withdrawal deletes the row and adds -1 (staffroom/ideas/tally.py, decision 0029). The idea's
row is only read, after a shared advisory lock of its votes on PostgreSQL (tally.enter_votes):
votes on one idea don't wait for each other, but a decision or a merge takes that lock
exclusively (services/reviewing.py), waits for the votes in flight, and the votes after it
see what it did: a merged idea's vote follows `merged_into`, a decided idea refuses it.
SQLite has one writer at a time. The `fold_votes` job moves the tallies into
`Idea.vote_count` and `trending_score` every minute; what people see is read live (stored +
tallies), so it is exact at once.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person
from staffroom.core.models import Visibility
from staffroom.ideas.models import DECIDED_STATUSES, Follow, Idea, Vote, VoteTally
from staffroom.ideas.tally import (
    add_to_tally,
    enter_votes,
    hold_votes,
    live_tallies,
    vote_and_count,
)
from staffroom.ideas.trending import vote_weight

# Ideas recounted per transaction (each locks its ideas' rows while it counts).
RECOUNT_CHUNK = 100  # each idea holds an advisory lock until its chunk commits


class VoteRefusedError(Exception):
    """The vote can't be taken; `str(error)` says why, in words for the person."""


def surviving_idea(idea: Idea) -> Idea:
    """The idea a merged duplicate now lives on in (itself if not merged). Merges never
    chain (a merge target is never a duplicate), but a chain is followed all the same."""
    seen = {idea.pk}
    while idea.merged_into_id is not None:
        idea = Idea.objects.select_related("campaign").get(pk=idea.merged_into_id)
        if idea.pk in seen:  # pragma: no cover - defensive: a loop would be a data bug
            break
        seen.add(idea.pk)
    return idea


def _read_for_vote(pk: int) -> Idea:
    """The idea as it is now, read once no decision or merge of it is under way (the votes'
    shared gate, ideas/tally.py: votes don't wait for each other, a decision or a merge
    waits for the votes in flight and the next ones wait for it)."""
    enter_votes(pk)
    return Idea.objects.select_related("campaign").get(pk=pk)


def _voting_target(idea: Idea) -> Idea:
    """Read the idea (through its votes' gate), then follow a merge to its survivor. A
    merged idea's gate is taken before a shown one's, as merges take theirs (no deadlock)."""
    current = _read_for_vote(idea.pk)
    seen = {current.pk}
    while current.merged_into_id is not None and current.merged_into_id not in seen:
        current = _read_for_vote(current.merged_into_id)
        seen.add(current.pk)
    return current


def _insert_vote(*, idea_id: int, person_id: int, at: datetime) -> bool:
    """Insert the person's vote unless it is there already (one statement, no savepoint);
    True if it was new. A same-moment second click waits for the first and finds it."""
    table = connection.ops.quote_name(Vote._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (idea_id, person_id, created_at) VALUES (%s, %s, %s) "  # noqa: S608  # our table's name
            "ON CONFLICT (idea_id, person_id) DO NOTHING RETURNING id",
            [idea_id, person_id, connection.ops.adapt_datetimefield_value(at)],
        )
        return cursor.fetchone() is not None


def _with_live_count(idea: Idea) -> Idea:
    idea.vote_count, idea.trending_score = live_tallies([idea.pk])[idea.pk]
    return idea


def check_votes_open(idea: Idea) -> None:
    """Raise VoteRefusedError with the reason when votes on `idea` are closed."""
    if idea.visibility != Visibility.VISIBLE:
        raise VoteRefusedError(_("This idea isn't open for votes."))
    if idea.status in DECIDED_STATUSES:
        raise VoteRefusedError(
            _("A decision has been made on this idea (%(status)s), so votes are closed.")
            % {"status": idea.get_status_display()}
        )
    campaign = idea.campaign
    if campaign is not None and campaign.has_closed():
        raise VoteRefusedError(
            _("The campaign “%(campaign)s” closed on %(date)s; its votes are final.")
            % {
                "campaign": campaign.title,
                "date": timezone.localtime(campaign.closes_at).strftime("%d %b %Y"),
            }
        )


@transaction.atomic
def vote(*, idea: Idea, person: Person) -> Idea:
    """`person` votes for `idea` (or the idea it was merged into). Voting twice is one vote.
    Returns the idea voted for, with its live count (tallies included: don't save it)."""
    target = _voting_target(idea)
    check_votes_open(target)
    now = timezone.now()
    if connection.vendor == "postgresql":
        target.vote_count, target.trending_score = vote_and_count(
            idea_id=target.pk, person_id=person.pk, at=now, weight=vote_weight(now)
        )
        return target
    if _insert_vote(idea_id=target.pk, person_id=person.pk, at=now):
        add_to_tally(idea_id=target.pk, votes=1, score=vote_weight(now))
    return _with_live_count(target)


@transaction.atomic
def withdraw_vote(*, idea: Idea, person: Person) -> Idea:
    """`person` takes their vote back (nothing happens if they hadn't voted). Returns the
    idea with its live count."""
    target = _voting_target(idea)
    check_votes_open(target)
    existing = Vote.objects.filter(idea=target, person=person).first()
    if existing is not None:
        deleted, _rows = Vote.objects.filter(pk=existing.pk).delete()
        if deleted:
            add_to_tally(idea_id=target.pk, votes=-1, score=-vote_weight(existing.created_at))
    return _with_live_count(target)


def has_voted(person: Person, idea: Idea) -> bool:
    return Vote.objects.filter(idea=idea, person=person).exists()


@transaction.atomic
def follow_idea(*, idea: Idea, person: Person) -> None:
    Follow.objects.bulk_create(
        [Follow(idea=surviving_idea(idea), person=person)], ignore_conflicts=True
    )


@transaction.atomic
def unfollow_idea(*, idea: Idea, person: Person) -> None:
    Follow.objects.filter(idea=surviving_idea(idea), person=person).delete()


def recount_votes(*, idea_ids: list[int] | None = None) -> int:
    """Set every idea's stored vote count and trending score from its vote rows, and delete
    its tally rows (after a bulk load, or to check them). Safe while people vote: each chunk
    of ideas is one transaction that first closes their votes (the gate a merge takes:
    votes in flight commit, new ones wait) and locks their rows, merged ones first, so no
    vote or withdrawal lands between the count and the write. Returns how many ideas were
    wrong (stored count plus tallies not equal to their rows)."""
    if idea_ids is None:
        ids = list(Idea.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(idea_ids))
    wrong = 0
    for start in range(0, len(ids), RECOUNT_CHUNK):
        wrong += _recount_chunk(ids[start : start + RECOUNT_CHUNK])
    return wrong


@transaction.atomic
def _recount_chunk(ids: list[int]) -> int:
    in_lock_order = Idea.objects.filter(pk__in=ids).order_by(
        F("merged_into").asc(nulls_last=True), "pk"
    )
    # Close each idea's votes first (as a merge does): votes and withdrawals in flight commit
    # before the count, and new ones wait, so none can touch a tally row this transaction is
    # about to delete (a withdrawal's -1 would be lost) or deadlock with it.
    for pk in in_lock_order.values_list("pk", flat=True):
        hold_votes(pk)
    ideas = list(
        in_lock_order.select_for_update(of=("self",)).only("pk", "vote_count", "trending_score")
    )
    counts = dict(
        Vote.objects.filter(idea_id__in=ids)
        .values_list("idea_id")
        .annotate(n=Count("id"))
        .values_list("idea_id", "n")
    )
    scores: dict[int, float] = {}
    for idea_id, voted_at in (
        Vote.objects.filter(idea_id__in=ids)
        .values_list("idea_id", "created_at")
        .iterator(chunk_size=10000)
    ):
        scores[idea_id] = scores.get(idea_id, 0.0) + vote_weight(voted_at)
    pending = {
        idea_id: (votes, score)
        for idea_id, votes, score in VoteTally.objects.filter(idea_id__in=ids)
        .values_list("idea_id")
        .annotate(votes=Sum("votes"), score=Sum("score"))
        .values_list("idea_id", "votes", "score")
    }
    if pending:
        VoteTally.objects.filter(idea_id__in=ids).delete()
    changed, wrong = [], 0
    for idea in ideas:
        count, score = counts.get(idea.pk, 0), scores.get(idea.pk, 0.0)
        extra_votes, extra_score = pending.get(idea.pk, (0, 0.0))
        if idea.vote_count + extra_votes != count or not _close(
            idea.trending_score + extra_score, score
        ):
            wrong += 1
        if idea.vote_count != count or not _close(idea.trending_score, score):
            idea.vote_count, idea.trending_score = count, score
            changed.append(idea)
    Idea.objects.bulk_update(changed, ["vote_count", "trending_score"], batch_size=1000)
    return wrong


def _close(stored: float, exact: float) -> bool:
    return abs(stored - exact) <= 1e-6 * max(1.0, exact)
