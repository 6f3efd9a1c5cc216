"""Votes and follows.

One vote per person per idea, withdrawable. The stored `Idea.vote_count` is exact under
concurrent voting: each vote or withdrawal locks the idea's row (SELECT … FOR UPDATE on
PostgreSQL; SQLite has one writer at a time), then inserts or deletes the person's row and
moves the counter by what really changed. Merging takes the same lock, so a vote can never
land on an idea while its votes are being moved (services/reviewing.py).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person
from staffroom.core.models import Visibility
from staffroom.ideas.models import DECIDED_STATUSES, Follow, Idea, Vote
from staffroom.ideas.trending import vote_weight


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


def _locked_target(idea: Idea) -> Idea:
    """Lock the idea's row, then follow a merge (taking the survivor's lock instead)."""
    # `of=("self",)`: PostgreSQL can't lock the nullable side of the campaign's outer join.
    locking = Idea.objects.select_for_update(of=("self",)).select_related("campaign")
    current = locking.get(pk=idea.pk)
    while current.merged_into_id is not None:
        current = locking.get(pk=current.merged_into_id)
    return current


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
    Returns the idea voted for, with its new count."""
    target = _locked_target(idea)
    check_votes_open(target)
    now = timezone.now()
    try:
        with transaction.atomic():
            Vote.objects.create(idea=target, person=person, created_at=now)
    except IntegrityError:
        pass  # already voted: nothing changes
    else:
        Idea.objects.filter(pk=target.pk).update(
            vote_count=F("vote_count") + 1,
            trending_score=F("trending_score") + vote_weight(now),
        )
    target.refresh_from_db(fields=["vote_count", "trending_score"])
    return target


@transaction.atomic
def withdraw_vote(*, idea: Idea, person: Person) -> Idea:
    """`person` takes their vote back (nothing happens if they hadn't voted)."""
    target = _locked_target(idea)
    check_votes_open(target)
    existing = Vote.objects.filter(idea=target, person=person).first()
    if existing is not None:
        deleted, _rows = Vote.objects.filter(pk=existing.pk).delete()
        if deleted:
            Idea.objects.filter(pk=target.pk).update(
                vote_count=F("vote_count") - 1,
                trending_score=F("trending_score") - vote_weight(existing.created_at),
            )
    target.refresh_from_db(fields=["vote_count", "trending_score"])
    return target


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
    """Set every idea's stored vote count and trending score from its vote rows (after a
    bulk load, or to check them). Returns how many ideas changed."""
    ideas = Idea.objects.all() if idea_ids is None else Idea.objects.filter(pk__in=idea_ids)
    counts = dict(
        Vote.objects.filter(idea__in=ideas)
        .values_list("idea_id")
        .annotate(n=Count("id"))
        .values_list("idea_id", "n")
    )
    scores: dict[int, float] = {}
    for idea_id, voted_at in (
        Vote.objects.filter(idea__in=ideas)
        .values_list("idea_id", "created_at")
        .iterator(chunk_size=10000)
    ):
        scores[idea_id] = scores.get(idea_id, 0.0) + vote_weight(voted_at)
    changed = []
    for idea in ideas.only("pk", "vote_count", "trending_score").iterator(chunk_size=2000):
        count, score = counts.get(idea.pk, 0), scores.get(idea.pk, 0.0)
        if idea.vote_count != count or abs(idea.trending_score - score) > 1e-6 * max(1.0, score):
            idea.vote_count, idea.trending_score = count, score
            changed.append(idea)
    Idea.objects.bulk_update(changed, ["vote_count", "trending_score"], batch_size=1000)
    return len(changed)
