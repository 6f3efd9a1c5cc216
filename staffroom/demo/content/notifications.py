"""Demo step: the bell at work — batched reaction notifications ("Ana Lopez and 4 others
reacted") built from the reactions the discussion step wrote, new-post notifications for
the demo people who asked for them, and no history left waiting to be emailed.

Who: the demo logins `nurse` and `manager` have "Tell me about new posts in channels I follow"
on (so a post published during a demo reaches them through the real fan-out); they, `editor`
and `evs` get a reaction batch for each of their recent comments (and posts) that others
reacted to. Recent ones stay unread.

Every notification the build wrote (this step's and the services' in earlier steps) is
stored with `email_pending` off: the demo's past is not emailed when the worker starts.

Cheap at any size: it reads the reactions to a few people's comments and the recent posts
of the channels two people follow. Runs once: the nurse's setting marks it done.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.channels.models import Post
from staffroom.channels.queries import followed_channel_ids
from staffroom.core.models import Visibility
from staffroom.demo.services import DemoBuild, check_demo_mode
from staffroom.discussion.models import Reaction
from staffroom.notifications.models import DeliverySettings, Notification

# Demo logins who asked for new posts in the channels they follow.
CHANNEL_POST_READERS = ("nurse", "manager")
# Demo logins whose comments' reactions are gathered into batches.
REACTION_RECIPIENTS = ("nurse", "manager", "editor", "evs")
BATCHES_PER_PERSON = 8
CHANNEL_POSTS_PER_PERSON = 6
CHANNEL_POSTS_WITHIN = timedelta(days=10)
# Older than this: read already.
UNREAD_FOR = timedelta(days=3)


def build_notifications(build: DemoBuild) -> None:
    check_demo_mode()
    names = set(CHANNEL_POST_READERS) | set(REACTION_RECIPIENTS)
    people = {
        p.username: p
        for p in Person.objects.filter(is_demo=True, username__in=names).select_related(
            "department"
        )
    }
    nurse = people.get("nurse")
    done = (
        nurse is not None
        and DeliverySettings.objects.filter(person=nurse, channel_posts=True).exists()
    )
    if people and not done:
        now = timezone.now()
        for username in CHANNEL_POST_READERS:
            if username in people:
                DeliverySettings.objects.update_or_create(
                    person=people[username], defaults={"channel_posts": True}
                )
        batches = [
            n
            for username in REACTION_RECIPIENTS
            if username in people
            for n in _reaction_batches(people[username], now)
        ]
        posts = [
            n
            for username in CHANNEL_POST_READERS
            if username in people
            for n in _channel_posts(people[username], now)
        ]
        Notification.objects.bulk_create([*batches, *posts], ignore_conflicts=True)
        build.count("reaction notifications", len(batches))
        build.count("channel post notifications", len(posts))
    Notification.objects.filter(email_pending=True).update(email_pending=False)


def _read_at(when: datetime, now: datetime) -> datetime | None:
    return when + timedelta(hours=5) if now - when > UNREAD_FOR else None


def _reaction_batches(person: Person, now: datetime) -> list[Notification]:
    """One notification per comment (or post) of `person` that others reacted to, as the
    reaction service would have left it: the latest reactor named, the rest counted."""
    rows = (
        Reaction.objects.filter(
            Q(comment__author=person, comment__visibility=Visibility.VISIBLE)
            | Q(comment__isnull=True, thread__post__author=person)
        )
        .exclude(person=person)
        .order_by("created_at", "pk")
        .values_list("thread_id", "comment_id", "person_id", "created_at")
    )
    latest: dict[tuple[int, int | None], tuple[int, datetime, int]] = {}
    for thread_id, comment_id, reactor_id, when in rows:
        key = (thread_id, comment_id)
        count = latest[key][2] + 1 if key in latest else 1
        latest[key] = (reactor_id, when, count)
    newest = sorted(latest.items(), key=lambda item: item[1][1], reverse=True)
    already = set(
        Notification.objects.filter(recipient=person, kind=Notification.Kind.REACTION).values_list(
            "thread_id", "comment_id"
        )
    )
    return [
        Notification(
            recipient_id=person.pk,
            kind=Notification.Kind.REACTION,
            actor_id=actor_id,
            thread_id=thread_id,
            comment_id=comment_id,
            others_count=count - 1,
            created_at=when,
            updated_at=when,
            read_at=_read_at(when, now),
            email_pending=False,
        )
        for (thread_id, comment_id), (actor_id, when, count) in newest[:BATCHES_PER_PERSON]
        if (thread_id, comment_id) not in already
    ]


def _channel_posts(person: Person, now: datetime) -> list[Notification]:
    """What the fan-out would have told `person` about the latest posts they may see in the
    channels they follow."""
    posts = (
        Post.objects.visible_to(person)
        .filter(
            channel_id__in=followed_channel_ids(person),
            published_at__gte=now - CHANNEL_POSTS_WITHIN,
        )
        .exclude(author=person)
        .order_by("-published_at", "-id")
        .values_list("thread_id", "author_id", "published_at")[:CHANNEL_POSTS_PER_PERSON]
    )
    return [
        Notification(
            recipient_id=person.pk,
            kind=Notification.Kind.CHANNEL_POST,
            actor_id=author_id,
            thread_id=thread_id,
            created_at=published_at,
            updated_at=published_at,
            read_at=_read_at(published_at, now),
            email_pending=False,
        )
        for thread_id, author_id, published_at in posts
        if published_at is not None  # always set on a visible post; said for the type checker
    ]
