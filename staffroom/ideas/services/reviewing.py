"""Reviewing ideas: a reviewer's public response (with or without a new status), and merging
a duplicate into the idea it repeats.

Every status change carries a response, shown on the idea's timeline and told to its author,
voters and followers (IDEA_UPDATE, the reviewer named as actor: reviewers answer in their own
name). The reviewer is never told about their own answer. An anonymous author still gets
theirs: the notification names the reviewer, never the author.

The response's words are the organisation's, shown to everyone: the PHI guard reads them
first and refuses patient information (nothing to hold: it is refused, and the form keeps
the words so the reviewer can take it out).

Sent twice: an answer identical to the reviewer's latest one on the idea (same words, same
status) within REPEAT_WINDOW is the same click arriving twice (a double click without
JavaScript, a slow connection). It is not recorded or told again: the first one is returned,
so the second request succeeds as the first did.

Locks (never a deadlock, so never an error page for a lock):
- an answer locks the idea's row, and nothing else;
- a vote takes its idea's votes gate shared (a PostgreSQL advisory lock, ideas/tally.py:
  votes don't wait for each other) and, if it was merged away, then its survivor's: a merged
  idea before a shown one (services/voting.py). An answer and a merge take the gate
  exclusively just before each row lock, in the same order: they wait for the votes in
  flight, and the votes after them wait, then see the new status or follow the merge;
- a merge sets both ideas' stored counts from their vote rows and deletes their tally rows
  (recount_votes, under the merge's row locks), so no vote counted in a tally is lost;
- merges run one at a time (a transaction-level advisory lock on PostgreSQL; SQLite's
  BEGIN IMMEDIATE already lets one writer in). Under it, the duplicate and the survivor are
  read again and refused if either was merged meanwhile, before any row is locked: so both
  are shown rows, and stay so until the merge commits. The ideas merged into the duplicate
  earlier (to be re-pointed to the survivor) are locked first, as votes lock a merged row
  first, then the duplicate and the survivor in primary-key order; then everything is
  checked again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from staffroom.accounts.forms import refuse_patient_information
from staffroom.accounts.models import Person
from staffroom.audit.models import AuditAction
from staffroom.audit.services import record_audit
from staffroom.core.locks import lock_for_transaction
from staffroom.core.models import Visibility
from staffroom.discussion.models import Backlink, Comment, Mention, Reaction
from staffroom.discussion.services import recount_thread
from staffroom.ideas import stats
from staffroom.ideas.models import Follow, Idea, Response, Status, Vote
from staffroom.ideas.permissions import check_review_idea
from staffroom.ideas.services.proposing import render_idea_text
from staffroom.ideas.services.voting import recount_votes
from staffroom.ideas.tally import hold_votes
from staffroom.notifications.models import Notification

RESPONSE_MAX_LENGTH = 5000
# The same answer sent again this soon is one answer sent twice.
REPEAT_WINDOW = timedelta(minutes=2)
# One merge at a time (staffroom.core.locks).
MERGE_LOCK = "ideas.merge"
# A notification carries the response's first words; the idea's page has the rest.
NOTIFICATION_WORDS = 300

# Called with each new response, in its transaction; apps register in ready().
after_response: list[Callable[[Response], object]] = []

# What a reviewer may set by answering. Duplicate only comes with a merge (its votes move).
RESPONSE_STATUSES = tuple(status for status in Status if status != Status.DUPLICATE)


def clean_response_message(message: str) -> str:
    """Trim and check a reviewer's words: required, not too long, no patient information."""
    text = (message or "").strip()
    if not text:
        raise ValidationError(
            {"message": _("Write a response: the author, voters and followers will read it.")}
        )
    if len(text) > RESPONSE_MAX_LENGTH:
        raise ValidationError(
            {
                "message": _(
                    "Your response is %(length)s characters long; keep it to %(max)s or fewer."
                )
                % {"length": f"{len(text):,}", "max": f"{RESPONSE_MAX_LENGTH:,}"}
            }
        )
    refuse_patient_information({"message": text})
    return text


def _locked(pk: int) -> Idea:
    # The votes on it first: those under way commit, the next ones wait and then see this
    # answer or merge (ideas/tally.py, decision 0029). Then its row.
    hold_votes(pk)
    # The related rows are read separately: PostgreSQL can't lock through an outer join.
    return (
        Idea.objects.select_for_update(of=("self",))
        .select_related("department", "category", "campaign", "thread")
        .get(pk=pk)
    )


def _refuse_unless_shown(idea: Idea, *, field: str | None = None) -> None:
    if idea.merged_into_id is not None:
        message = _(
            "“%(title)s” was merged into another idea; answer on the idea it was merged into."
        ) % {"title": idea.title}
    elif idea.visibility != Visibility.VISIBLE:
        message = _(
            "“%(title)s” isn't shown to staff at the moment (it is held for privacy review or "
            "hidden by a moderator), so it can't be answered or merged until it is shown again."
        ) % {"title": idea.title}
    else:
        return
    raise ValidationError({field: message} if field else message)


def _check_new_status(idea: Idea, status: str | None) -> str:
    """The status the response sets: the current one when none is chosen."""
    if not status:
        return str(idea.status)
    if status == Status.DUPLICATE:
        raise ValidationError(
            {
                "status": _(
                    "To mark an idea as a duplicate, merge it into the idea it repeats: its "
                    "votes and comments move there."
                )
            }
        )
    if status not in Status.values:
        raise ValidationError({"status": _("Choose one of the listed statuses.")})
    if status == idea.status:
        raise ValidationError(
            {
                "status": _(
                    "This idea is already “%(status)s”. Choose another status, or keep the "
                    "status to answer without changing it."
                )
                % {"status": idea.get_status_display()}
            }
        )
    return status


def _first_words(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(NOTIFICATION_WORDS)


def _tell_followers(*, idea: Idea, reviewer: Person, message: str, recipients: set[int]) -> int:
    """One IDEA_UPDATE to each of `recipients` (active people, never the reviewer)."""
    recipients.discard(reviewer.pk)
    if not recipients:
        return 0
    active = Person.objects.active().filter(pk__in=sorted(recipients)).values_list("pk", flat=True)
    words = _first_words(message)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=person_id,
                kind=Notification.Kind.IDEA_UPDATE,
                actor=reviewer,
                thread_id=idea.thread_id,
                message=words,
            )
            for person_id in active
        ],
        batch_size=500,
    )
    return len(active)


def _people_told_about(idea: Idea) -> set[int]:
    """The author, every voter and every follower of `idea`, as ids (one query)."""
    voters = Vote.objects.filter(idea_id=idea.pk).values("person_id")
    followers = Follow.objects.filter(idea_id=idea.pk).values("person_id")
    return set(
        Person.objects.filter(
            Q(pk=idea.author_id) | Q(pk__in=voters) | Q(pk__in=followers)
        ).values_list("pk", flat=True)
    )


def _sent_again(
    idea: Idea, reviewer: Person, text: str, status: str | None, now: datetime
) -> Response | None:
    """The reviewer's latest answer on `idea`, if this one repeats it: the same words and the
    same resulting status, within REPEAT_WINDOW. Merge entries don't count. One query, on
    the idea's timeline index."""
    latest = (
        Response.objects.filter(
            idea_id=idea.pk, responder_id=reviewer.pk, related_idea__isnull=True
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is None or latest.created_at < now - REPEAT_WINDOW:
        return None
    target = status or str(idea.status)
    if latest.message == text and latest.to_status == target:
        return latest
    return None


def respond(*, idea: Idea, reviewer: Person, message: str, status: str | None = None) -> Response:
    """`reviewer` answers `idea` in public, optionally moving it to `status`.

    Preconditions checked here: the idea is in the reviewer's scope (PermissionDenied), it is
    shown, the words are clean and the status allowed (ValidationError, nothing changed).
    The first answer stops the response-time clock. The same answer sent twice within
    REPEAT_WINDOW is recorded and told once: the second call returns the first response.
    """
    text = clean_response_message(message)
    rendered = render_idea_text(text)
    with transaction.atomic():
        current = _locked(idea.pk)
        check_review_idea(reviewer, current)
        _refuse_unless_shown(current)
        now = timezone.now()
        # Checked before the status: a status change sent twice finds the idea already
        # moved, and must succeed as the first did, not say "already".
        repeated = _sent_again(current, reviewer, text, status, now)
        if repeated is not None:
            _copy_state(current, idea)
            return repeated
        old_status = str(current.status)
        new_status = _check_new_status(current, status)
        response = Response.objects.create(
            idea=current,
            responder=reviewer,
            from_status=old_status,
            to_status=new_status,
            message=text,
            message_html=rendered.html,
        )
        first = current.first_response_at is None
        fields = ["last_activity_at", "version", "updated_at"]
        current.last_activity_at = now
        if first:
            # Counters move before the row does: they read the idea as it was.
            stats.record_first_response(current, now)
            current.first_response_at = now
            fields.append("first_response_at")
        if new_status != old_status:
            stats.move_status(current, old_status, new_status)
            current.status = new_status
            current.status_changed_at = now
            fields += ["status", "status_changed_at"]
        current.version = F("version") + 1
        current.save(update_fields=fields)
        current.refresh_from_db(fields=["version"])
        record_audit(
            actor=reviewer,
            action=(
                AuditAction.IDEA_STATUS_CHANGED
                if new_status != old_status
                else AuditAction.IDEA_RESPONDED
            ),
            target=current,
            data={
                "idea": current.pk,
                "response": response.pk,
                "from_status": old_status,
                "to_status": new_status,
                "first_response": first,
            },
        )
        _tell_followers(
            idea=current, reviewer=reviewer, message=text, recipients=_people_told_about(current)
        )
        for callback in after_response:  # chat cards of decisions (staffroom.chat)
            callback(response)
    _copy_state(current, idea)
    return response


def _copy_state(source: Idea, target: Idea) -> None:
    if source is target:
        return
    for field in (
        "status",
        "status_changed_at",
        "first_response_at",
        "last_activity_at",
        "version",
        "merged_into_id",
        "vote_count",
        "trending_score",
    ):
        setattr(target, field, getattr(source, field))


def _check_survivor(duplicate: Idea, survivor: Idea) -> None:
    if survivor.pk == duplicate.pk:
        raise ValidationError(
            {"survivor": _("An idea can't be merged into itself: choose the idea it repeats.")}
        )
    if survivor.merged_into_id is not None or survivor.status == Status.DUPLICATE:
        raise ValidationError(
            {
                "survivor": _(
                    "“%(title)s” is itself a duplicate: merge into the idea it was merged into."
                )
                % {"title": survivor.title}
            }
        )
    if survivor.visibility != Visibility.VISIBLE:
        raise ValidationError(
            {
                "survivor": _(
                    "That idea isn't shown to staff at the moment, so nothing can be merged "
                    "into it. Choose an idea everyone can see."
                )
            }
        )


def _move_discussion(duplicate: Idea, survivor: Idea) -> int:
    """The duplicate's comments join the survivor's thread, with what hangs off them: their
    mentions, reactions, links and notifications. Reactions to the duplicate itself stay
    with it (a person may have reacted to both). Returns how many comments moved."""
    source, target = duplicate.thread_id, survivor.thread_id
    moved = Comment.objects.filter(thread_id=source).update(thread_id=target)
    Mention.objects.filter(thread_id=source, comment__isnull=False).update(thread_id=target)
    Reaction.objects.filter(thread_id=source, comment__isnull=False).update(thread_id=target)
    Backlink.objects.filter(source_id=source, source_comment__isnull=False).update(source_id=target)
    Notification.objects.filter(thread_id=source, comment__isnull=False).update(thread_id=target)
    recount_thread(thread=duplicate.thread)
    recount_thread(thread=survivor.thread)
    return moved


def _move_votes_and_follows(duplicate: Idea, survivor: Idea) -> tuple[int, int]:
    """Votes move once per person: someone who voted for both keeps their vote on the
    survivor and the other is dropped. Returns (votes moved, votes that were already there).
    Both stored counts are then set from the vote rows, exactly."""
    already = Vote.objects.filter(idea_id=survivor.pk).values("person_id")
    moved = (
        Vote.objects.filter(idea_id=duplicate.pk)
        .exclude(person_id__in=already)
        .update(idea_id=survivor.pk)
    )
    doubled, _rows = Vote.objects.filter(idea_id=duplicate.pk).delete()
    recount_votes(idea_ids=[duplicate.pk, survivor.pk])
    following = Follow.objects.filter(idea_id=survivor.pk).values("person_id")
    Follow.objects.filter(idea_id=duplicate.pk).exclude(person_id__in=following).update(
        idea_id=survivor.pk
    )
    Follow.objects.filter(idea_id=duplicate.pk).delete()
    return moved, doubled


def _unlocked(pk: int) -> Idea:
    return Idea.objects.select_related("department", "category", "campaign", "thread").get(pk=pk)


def _lock_for_merge(duplicate_id: int, survivor_id: int) -> tuple[Idea, Idea, list[int]]:
    """Lock what a merge changes, in the order that can't deadlock (the module's note):
    the ideas merged into the duplicate earlier, then the duplicate and the survivor in
    primary-key order. Returns the locked duplicate and survivor, and the earlier ones' ids.

    Precondition: the merge lock is held and both ideas were not merged when read under it."""
    absorbed = list(
        Idea.objects.filter(merged_into_id=duplicate_id).order_by("pk").values_list("pk", flat=True)
    )
    if absorbed:
        for pk in absorbed:
            hold_votes(pk)
        list(
            Idea.objects.select_for_update()
            .filter(pk__in=absorbed)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    locked = {pk: _locked(pk) for pk in sorted((duplicate_id, survivor_id))}
    return locked[duplicate_id], locked[survivor_id], absorbed


def _check_merge(reviewer: Person, duplicate: Idea, survivor: Idea) -> None:
    check_review_idea(reviewer, duplicate)
    check_review_idea(reviewer, survivor)
    _refuse_unless_shown(duplicate)
    _check_survivor(duplicate, survivor)


def merge_ideas(*, duplicate: Idea, survivor: Idea, reviewer: Person, message: str) -> Idea:
    """Merge `duplicate` into `survivor`, the idea it repeats; returns the survivor.

    Both must be in the reviewer's scope and shown; the survivor must not be a duplicate
    itself. The duplicate's votes (once per person), follows and comments move; it becomes
    DUPLICATE with `merged_into` set, stops being counted, and its page redirects (the board
    part's view follows `merged_into`). Both timelines get an entry; the duplicate's
    author, voters and followers are told.

    Merges never chain (decision 0019): ideas merged into the duplicate earlier are
    re-pointed to the survivor, so their addresses lead there too and it lists them all.
    A merge is an answer for the survivor as well: if it had none, this is its first.
    Merging a pair that is already merged (the form sent twice) changes nothing.
    """
    text = clean_response_message(message)
    _check_survivor(duplicate, survivor)
    rendered = render_idea_text(text)
    with transaction.atomic():
        lock_for_transaction(MERGE_LOCK)
        # Read again under the merge lock: no other merge can change them until this commits.
        dup, surv = _unlocked(duplicate.pk), _unlocked(survivor.pk)
        check_review_idea(reviewer, dup)
        check_review_idea(reviewer, surv)
        if dup.merged_into_id == surv.pk:
            _copy_state(dup, duplicate)
            return surv
        # Refused before any row is locked: a merged row is never locked after a shown one.
        _check_merge(reviewer, dup, surv)
        dup, surv, absorbed = _lock_for_merge(dup.pk, surv.pk)
        _check_merge(reviewer, dup, surv)
        told = _people_told_about(dup)  # before its voters and followers move
        # The authors of ideas merged into it earlier learn where their idea lives now.
        told.update(
            Idea.objects.filter(pk__in=absorbed, visibility=Visibility.VISIBLE).values_list(
                "author_id", flat=True
            )
        )
        now = timezone.now()
        old_status = str(dup.status)
        # Counted for the last time as it stands (status, answered or not), then not at all.
        stats.count_idea(dup, -1)
        votes_moved, votes_doubled = _move_votes_and_follows(dup, surv)
        comments_moved = _move_discussion(dup, surv)
        # The timelines say which idea each entry links to (`related_idea`); the words are
        # the reviewer's own. The notification says where the duplicate went.
        for idea_, other, from_status, to_status in (
            (dup, surv, old_status, Status.DUPLICATE),
            (surv, dup, surv.status, surv.status),
        ):
            Response.objects.create(
                idea=idea_,
                responder=reviewer,
                from_status=from_status,
                to_status=to_status,
                message=text,
                message_html=rendered.html,
                related_idea=other,
            )
        told_message = _("Merged into “%(title)s”.") % {"title": surv.title} + " " + text
        Idea.objects.filter(pk=dup.pk).update(
            status=Status.DUPLICATE,
            merged_into=surv,
            status_changed_at=now,
            last_activity_at=now,
            first_response_at=dup.first_response_at or now,
            version=F("version") + 1,
            updated_at=now,
        )
        if absorbed:
            Idea.objects.filter(pk__in=absorbed).update(
                merged_into=surv, version=F("version") + 1, updated_at=now
            )
        first_for_survivor = surv.first_response_at is None
        if first_for_survivor:
            # Counters move before the row does: they read the idea as it was.
            stats.record_first_response(surv, now)
        Idea.objects.filter(pk=surv.pk).update(
            last_activity_at=now,
            first_response_at=surv.first_response_at or now,
            version=F("version") + 1,
            updated_at=now,
        )
        record_audit(
            actor=reviewer,
            action=AuditAction.IDEA_MERGED,
            target=dup,
            data={
                "duplicate": dup.pk,
                "survivor": surv.pk,
                "from_status": old_status,
                "votes_moved": votes_moved,
                "votes_already_on_survivor": votes_doubled,
                "comments_moved": comments_moved,
                "earlier_duplicates_moved": absorbed,
                "first_response_for_survivor": first_for_survivor,
            },
        )
        dup.refresh_from_db()
        _tell_followers(idea=dup, reviewer=reviewer, message=told_message, recipients=told)
        surv.refresh_from_db()
    _copy_state(dup, duplicate)
    _copy_state(surv, survivor)
    return surv
