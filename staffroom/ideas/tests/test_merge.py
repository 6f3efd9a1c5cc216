"""Merging a duplicate (services/reviewing.merge_ideas): votes once per person, follows,
comments, the timelines, the counters and who is told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.core.models import Visibility
from staffroom.discussion.models import Comment, Mention, Reaction, Thread
from staffroom.discussion.services import post_comment, react
from staffroom.ideas.models import DepartmentStats, Follow, Idea, Response, Status, Vote
from staffroom.ideas.services.proposing import set_idea_visibility
from staffroom.ideas.services.reviewing import merge_ideas, respond
from staffroom.ideas.services.voting import follow_idea, recount_votes, vote
from staffroom.ideas.tests.test_review_services import (
    assert_stats_match_a_recount,
    propose,
    reviewer_for,
    updates_for,
)
from staffroom.notifications.models import Notification
from staffroom.search.models import SearchDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    """Two ideas of one department, with its reviewer: (duplicate, survivor, reviewer)."""
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    duplicate = propose(author, title="Quieter night rounds")
    survivor = propose(PersonFactory(unit=author.unit), title="Group the 2am checks")
    return duplicate, survivor, reviewer


def test_votes_combine_and_a_person_who_voted_for_both_counts_once(pair):
    duplicate, survivor, reviewer = pair
    p1, p2, p3 = PersonFactory.create_batch(3)
    vote(idea=duplicate, person=p1)
    vote(idea=duplicate, person=p2)
    vote(idea=survivor, person=p2)
    vote(idea=survivor, person=p3)

    result = merge_ideas(
        duplicate=duplicate, survivor=survivor, reviewer=reviewer, message="Same idea."
    )

    assert result.pk == survivor.pk
    assert result.vote_count == 3
    assert set(Vote.objects.filter(idea=survivor).values_list("person_id", flat=True)) == {
        p1.pk,
        p2.pk,
        p3.pk,
    }
    assert not Vote.objects.filter(idea=duplicate).exists()
    duplicate.refresh_from_db()
    assert duplicate.vote_count == 0
    assert duplicate.status == Status.DUPLICATE
    assert duplicate.merged_into_id == survivor.pk
    # The stored counts are exactly what the rows say (a recount changes nothing).
    assert recount_votes(idea_ids=[duplicate.pk, survivor.pk]) == 0


def test_follows_move_once_per_person(pair):
    duplicate, survivor, reviewer = pair
    both, only_duplicate = PersonFactory.create_batch(2)
    follow_idea(idea=duplicate, person=both)
    follow_idea(idea=survivor, person=both)
    follow_idea(idea=duplicate, person=only_duplicate)
    merge_ideas(duplicate=duplicate, survivor=survivor, reviewer=reviewer, message="Same.")
    assert set(Follow.objects.filter(idea=survivor).values_list("person_id", flat=True)) == {
        both.pk,
        only_duplicate.pk,
    }
    assert not Follow.objects.filter(idea=duplicate).exists()


def test_comments_move_to_the_survivors_thread_with_their_replies_reactions_and_mentions(pair):
    duplicate, survivor, reviewer = pair
    commenter, mentioned, reactor = PersonFactory.create_batch(3)
    comment = post_comment(
        thread=duplicate.thread,
        author=commenter,
        body=f"We tried this on nights, @{mentioned.username}.",
    )
    reply = post_comment(
        thread=duplicate.thread, author=reactor, body="It worked well.", parent=comment
    )
    react(person=reactor, thread=duplicate.thread, comment=comment, kind="like")
    post_comment(thread=survivor.thread, author=reactor, body="Yes please.")
    assert Mention.objects.filter(comment=comment).exists()

    merge_ideas(duplicate=duplicate, survivor=survivor, reviewer=reviewer, message="Same.")

    comment.refresh_from_db()
    reply.refresh_from_db()
    assert comment.thread_id == reply.thread_id == survivor.thread_id
    assert reply.root_id == comment.pk
    assert Mention.objects.get(comment=comment).thread_id == survivor.thread_id
    assert Reaction.objects.get(comment=comment).thread_id == survivor.thread_id
    target = Thread.objects.get(pk=survivor.thread_id)
    source = Thread.objects.get(pk=duplicate.thread_id)
    assert target.comment_count == 3
    assert source.comment_count == 0
    assert Comment.objects.filter(thread=target).count() == 3
    # The search index follows (its triggers watch a comment's thread).
    document = SearchDocument.objects.get(kind="comment", source_id=comment.pk)
    assert document.idea_id == survivor.pk


def test_both_timelines_say_what_happened_and_the_duplicate_counts_as_answered(pair):
    duplicate, survivor, reviewer = pair
    merge_ideas(
        duplicate=duplicate, survivor=survivor, reviewer=reviewer, message="The same proposal."
    )
    on_duplicate = Response.objects.get(idea=duplicate)
    on_survivor = Response.objects.get(idea=survivor)
    assert (on_duplicate.from_status, on_duplicate.to_status) == ("new", "duplicate")
    assert on_duplicate.related_idea_id == survivor.pk
    assert (on_survivor.from_status, on_survivor.to_status) == ("new", "new")
    assert on_survivor.related_idea_id == duplicate.pk
    duplicate.refresh_from_db()
    survivor.refresh_from_db()
    assert duplicate.first_response_at is not None
    # A merge answers the survivor too (decision 0019: a merge is a first response).
    assert survivor.first_response_at is not None
    assert survivor.first_response_at == duplicate.first_response_at == survivor.last_activity_at
    assert duplicate.version == 2
    assert survivor.version == 2
    entry = AuditEntry.objects.get(action=AuditAction.IDEA_MERGED)
    assert entry.actor_id == reviewer.pk
    assert entry.data["duplicate"] == duplicate.pk
    assert entry.data["survivor"] == survivor.pk
    assert "proposal" not in str(entry.data)


def test_the_counters_stop_counting_the_duplicate(pair):
    duplicate, survivor, reviewer = pair
    respond(idea=duplicate, reviewer=reviewer, message="Looking.", status="under_review")
    respond(idea=survivor, reviewer=reviewer, message="Yes.", status="accepted")
    merge_ideas(duplicate=duplicate, survivor=survivor, reviewer=reviewer, message="Same.")
    row = DepartmentStats.objects.get(department=survivor.department)
    assert (row.ideas, row.awaiting_response, row.open_ideas, row.responded) == (1, 0, 1, 1)
    assert_stats_match_a_recount()


def test_merging_an_unanswered_duplicate_keeps_the_counters_exact(pair):
    duplicate, survivor, reviewer = pair
    merge_ideas(duplicate=duplicate, survivor=survivor, reviewer=reviewer, message="Same.")
    row = DepartmentStats.objects.get(department=survivor.department)
    # The duplicate stops being counted; the merge is the survivor's first response.
    assert (row.ideas, row.awaiting_response, row.responded, row.responded_on_time) == (
        1,
        0,
        1,
        1,
    )
    assert_stats_match_a_recount()


def test_the_duplicates_people_are_told_not_the_reviewer_and_an_anonymous_author_too():
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    duplicate = propose(author, is_anonymous=True)
    survivor = propose(PersonFactory(unit=author.unit))
    voter, follower, survivor_voter = PersonFactory.create_batch(3)
    vote(idea=duplicate, person=voter)
    vote(idea=duplicate, person=reviewer)
    follow_idea(idea=duplicate, person=follower)
    vote(idea=survivor, person=survivor_voter)

    merge_ideas(duplicate=duplicate, survivor=survivor, reviewer=reviewer, message="Same idea.")

    assert updates_for(duplicate) == {author.pk, voter.pk, follower.pk}
    updates = Notification.objects.filter(kind=Notification.Kind.IDEA_UPDATE)
    assert {n.actor_id for n in updates} == {reviewer.pk}
    assert all(n.message.startswith("Merged into “") for n in updates)
    assert all(author.last_name not in n.message for n in updates)


def test_a_reviewer_must_review_both_ideas():
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    duplicate = propose(author)
    elsewhere = propose(PersonFactory())
    with pytest.raises(PermissionDenied):
        merge_ideas(duplicate=duplicate, survivor=elsewhere, reviewer=reviewer, message="Same.")
    with pytest.raises(PermissionDenied):
        merge_ideas(duplicate=elsewhere, survivor=duplicate, reviewer=reviewer, message="Same.")
    assert not Idea.objects.filter(merged_into__isnull=False).exists()
    assert not Response.objects.exists()


def test_an_organisation_wide_reviewer_may_merge_across_departments():
    reviewer = RoleGrantFactory(role=Role.IDEA_REVIEWER).person
    duplicate, survivor = propose(PersonFactory()), propose(PersonFactory())
    merge_ideas(duplicate=duplicate, survivor=survivor, reviewer=reviewer, message="Same.")
    assert Idea.objects.get(pk=duplicate.pk).merged_into_id == survivor.pk


def test_an_idea_cannot_be_merged_into_itself(pair):
    duplicate, _survivor, reviewer = pair
    with pytest.raises(ValidationError, match="into itself"):
        merge_ideas(duplicate=duplicate, survivor=duplicate, reviewer=reviewer, message="Hm.")


def test_nothing_is_merged_into_a_duplicate(pair):
    duplicate, survivor, reviewer = pair
    third = propose(PersonFactory(unit=survivor.author.unit))
    merge_ideas(duplicate=duplicate, survivor=survivor, reviewer=reviewer, message="Same.")
    with pytest.raises(ValidationError, match="itself a duplicate"):
        merge_ideas(duplicate=third, survivor=duplicate, reviewer=reviewer, message="Same.")
    # And a merged idea can't be merged again.
    with pytest.raises(ValidationError, match="was merged into another idea"):
        merge_ideas(duplicate=duplicate, survivor=third, reviewer=reviewer, message="Same.")


def test_a_stale_copy_of_the_survivor_is_checked_again_after_locking(pair):
    duplicate, survivor, reviewer = pair
    third = propose(PersonFactory(unit=survivor.author.unit))
    stale = Idea.objects.get(pk=survivor.pk)
    merge_ideas(duplicate=survivor, survivor=third, reviewer=reviewer, message="Same.")
    with pytest.raises(ValidationError, match="itself a duplicate"):
        merge_ideas(duplicate=duplicate, survivor=stale, reviewer=reviewer, message="Same.")
    assert Idea.objects.get(pk=duplicate.pk).merged_into_id is None


def test_ideas_not_shown_cannot_be_merged(pair):
    duplicate, survivor, reviewer = pair
    set_idea_visibility(idea=survivor, visibility=Visibility.HIDDEN)
    with pytest.raises(ValidationError, match="isn't shown to staff"):
        merge_ideas(duplicate=duplicate, survivor=survivor, reviewer=reviewer, message="Same.")
    with pytest.raises(ValidationError, match="isn't shown to staff"):
        merge_ideas(duplicate=survivor, survivor=duplicate, reviewer=reviewer, message="Same.")


def test_a_merge_note_with_patient_information_is_refused(pair):
    duplicate, survivor, reviewer = pair
    with pytest.raises(ValidationError) as error:
        merge_ideas(
            duplicate=duplicate,
            survivor=survivor,
            reviewer=reviewer,
            message="Same as Mr John Smith's complaint, MRN 87654321.",
        )
    assert "message" in error.value.message_dict
    assert Idea.objects.get(pk=duplicate.pk).merged_into_id is None


def test_a_vote_on_the_merged_duplicate_lands_on_the_survivor_once(pair):
    duplicate, survivor, reviewer = pair
    person = PersonFactory()
    vote(idea=survivor, person=person)
    merge_ideas(duplicate=duplicate, survivor=survivor, reviewer=reviewer, message="Same.")
    vote(idea=duplicate, person=person)
    assert Idea.objects.get(pk=survivor.pk).vote_count == 1


# --- A merge answers the survivor -----------------------------------------------------------


def test_a_merge_is_the_survivors_first_response_and_counted_as_one(pair):
    duplicate, survivor, reviewer = pair
    Idea.objects.filter(pk=survivor.pk).update(
        created_at=timezone.now() - timedelta(days=20),
        response_due_at=timezone.now() - timedelta(days=6),
    )
    merge_ideas(duplicate=duplicate, survivor=survivor, reviewer=reviewer, message="Same.")
    survivor.refresh_from_db()
    assert survivor.first_response_at is not None
    row = DepartmentStats.objects.get(department=survivor.department)
    # Answered late (20 days after it was proposed, due after 14).
    assert (row.awaiting_response, row.responded, row.responded_on_time) == (0, 1, 0)
    assert row.response_seconds_total == pytest.approx(20 * 86400, abs=60)
    entry = AuditEntry.objects.get(action=AuditAction.IDEA_MERGED)
    assert entry.data["first_response_for_survivor"] is True
    assert_stats_match_a_recount()


def test_a_survivor_answered_before_keeps_its_first_response(pair):
    duplicate, survivor, reviewer = pair
    respond(idea=survivor, reviewer=reviewer, message="Looking.", status="under_review")
    survivor.refresh_from_db()
    first = survivor.first_response_at
    merge_ideas(duplicate=duplicate, survivor=survivor, reviewer=reviewer, message="Same.")
    survivor.refresh_from_db()
    assert survivor.first_response_at == first
    row = DepartmentStats.objects.get(department=survivor.department)
    assert (row.ideas, row.awaiting_response, row.responded) == (1, 0, 1)
    assert (
        AuditEntry.objects.get(action=AuditAction.IDEA_MERGED).data["first_response_for_survivor"]
        is False
    )
    assert_stats_match_a_recount()


# --- Merges never chain -------------------------------------------------------------------------


def test_merging_an_idea_that_absorbed_duplicates_moves_them_to_the_new_survivor():
    """d → b, then b → e: d and b both lead to e, which lists both; every vote counts once."""
    author = PersonFactory()
    reviewer = reviewer_for(author.department)
    d = propose(author, title="Dim the corridor lights at night")
    b = propose(PersonFactory(unit=author.unit), title="Night lights in corridors")
    e = propose(PersonFactory(unit=author.unit), title="A night mode for the ward")
    d_voter, b_voter, e_voter, everywhere = PersonFactory.create_batch(4)
    vote(idea=d, person=d_voter)
    vote(idea=b, person=b_voter)
    vote(idea=e, person=e_voter)
    for idea in (d, b, e):
        vote(idea=idea, person=everywhere)
    d_comment = post_comment(thread=d.thread, author=d_voter, body="Yes, from 10pm.")
    merge_ideas(duplicate=d, survivor=b, reviewer=reviewer, message="Same.")
    Notification.objects.all().delete()

    merge_ideas(duplicate=b, survivor=e, reviewer=reviewer, message="Same again.")

    assert Idea.objects.get(pk=d.pk).merged_into_id == e.pk
    assert Idea.objects.get(pk=b.pk).merged_into_id == e.pk
    assert set(Idea.objects.filter(merged_into__isnull=False).values_list("pk", flat=True)) == {
        d.pk,
        b.pk,
    }
    assert set(Vote.objects.filter(idea=e).values_list("person_id", flat=True)) == {
        d_voter.pk,
        b_voter.pk,
        e_voter.pk,
        everywhere.pk,
    }
    assert Idea.objects.get(pk=e.pk).vote_count == 4
    assert recount_votes(idea_ids=[d.pk, b.pk, e.pk]) == 0
    d_comment.refresh_from_db()
    assert d_comment.thread_id == e.thread_id
    # d's author learns where their idea lives now (named nowhere: the reviewer is the actor).
    assert d.author_id in set(
        Notification.objects.filter(kind=Notification.Kind.IDEA_UPDATE).values_list(
            "recipient_id", flat=True
        )
    )
    entry = AuditEntry.objects.filter(action=AuditAction.IDEA_MERGED).latest("id")
    assert entry.data["earlier_duplicates_moved"] == [d.pk]
    assert_stats_match_a_recount()
    row = DepartmentStats.objects.get(department=e.department)
    assert row.ideas == 1

    # d's address lands on e, and e's page lists both ideas merged into it.
    client = Client()
    client.force_login(PersonFactory())
    redirect = client.get(reverse("ideas:idea", args=[d.pk]))
    assert redirect.status_code == 302
    assert redirect["Location"] == f"{e.get_absolute_url()}#merged-{d.pk}"
    page = client.get(e.get_absolute_url()).content.decode()
    assert f'id="merged-{d.pk}"' in page
    assert f'id="merged-{b.pk}"' in page
    # A vote on d still lands on e, once.
    vote(idea=d, person=everywhere)
    assert Idea.objects.get(pk=e.pk).vote_count == 4


def test_the_same_merge_sent_twice_is_done_once(pair):
    duplicate, survivor, reviewer = pair
    voter = PersonFactory()
    vote(idea=duplicate, person=voter)
    stale_duplicate = Idea.objects.get(pk=duplicate.pk)
    merge_ideas(duplicate=duplicate, survivor=survivor, reviewer=reviewer, message="Same.")
    told = Notification.objects.filter(kind=Notification.Kind.IDEA_UPDATE).count()

    again = merge_ideas(
        duplicate=stale_duplicate, survivor=survivor, reviewer=reviewer, message="Same."
    )

    assert again.pk == survivor.pk
    assert stale_duplicate.merged_into_id == survivor.pk
    assert Response.objects.count() == 2
    assert AuditEntry.objects.filter(action=AuditAction.IDEA_MERGED).count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.IDEA_UPDATE).count() == told
    assert_stats_match_a_recount()


def test_a_merge_locks_earlier_duplicates_then_both_ideas_in_key_order(pair):
    """The order that can't deadlock with votes (a merged row before a shown one) or with
    the opposite merge (key order, whichever is the duplicate): read from the SQL."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks: one writer at a time")
    older, newer, reviewer = pair
    earlier = propose(PersonFactory(unit=older.author.unit))
    merge_ideas(duplicate=earlier, survivor=newer, reviewer=reviewer, message="Same.")
    with CaptureQueriesContext(connection) as queries:
        merge_ideas(duplicate=newer, survivor=older, reviewer=reviewer, message="Same.")
    sql = [query["sql"] for query in queries.captured_queries]
    advisory = next(i for i, text in enumerate(sql) if "pg_advisory_xact_lock" in text)
    locks = [text for text in sql if "FOR UPDATE" in text]
    assert sql.index(locks[0]) > advisory
    assert f"IN ({earlier.pk})" in locks[0]
    locked_ids = [int(text.rsplit("=", 1)[-1].split()[0]) for text in locks[1:3]]
    assert locked_ids == [older.pk, newer.pk]  # the survivor first: it has the lower key
    assert Idea.objects.get(pk=earlier.pk).merged_into_id == older.pk
