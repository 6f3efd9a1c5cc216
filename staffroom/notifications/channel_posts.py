"""New posts in followed channels: a notification to each follower who asked for them
(DeliverySettings.channel_posts) and may see the post.

When: `post_went_live` is called by channels.services.posts wherever mentions are recorded
for a post (it became published or scheduled while visible, a held or hidden post was
released, a scheduled post's time came). That is the one place a post becomes visible to
its audience, so a post held by the PHI guard tells nobody until it is released. A
`ChannelPostFanout` row per post makes the fan-out queued once, however many times the post
is edited or published again.

How: a background task (`notifications.tasks.fan_out_channel_post`) reads the followers who
opted in, are active, are in the post's audience and were not told yet, in batches of
FANOUT_BATCH ids in primary-key order, and writes their notifications with one bulk insert
per batch. A unique constraint (one CHANNEL_POST notification per person and post) and
`ignore_conflicts` make running it twice harmless. Let's Talk is followed by everyone, so the
followers are a condition on Person (channel defaults plus explicit choices, as
channels.queries.followed_channel_ids), never a list built in Python.

A post that is not live when the task runs (scheduled for later: the task waits for its
time; taken back to draft, held, hidden: the row is removed so going live again queues a new
fan-out) tells nobody. One first shown more than NEWS_FOR ago (the worker was stopped for
days) is no longer news and tells nobody either.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.channels.exposure import post_audience
from staffroom.channels.models import Channel, ChannelFollow, Post
from staffroom.core.models import Visibility
from staffroom.notifications.models import ChannelPostFanout, DeliverySettings, Notification

FANOUT_BATCH = 2000
NEWS_FOR = timedelta(days=3)
_LIVE_STATUSES = (Post.Status.PUBLISHED, Post.Status.SCHEDULED)


def post_went_live(post: Post) -> bool:
    """Queue the fan-out of `post` (published or scheduled, visible), once per post.

    Called inside the transaction that made it live, with the post's row locked: the task
    row is written in that transaction, so a rolled-back publication queues nothing.
    Returns whether a fan-out was queued now."""
    if (
        post.status not in _LIVE_STATUSES
        or post.visibility != Visibility.VISIBLE
        or post.published_at is None
    ):
        return False
    if ChannelPostFanout.objects.filter(post_id=post.pk).exists():
        return False
    try:
        with transaction.atomic():
            ChannelPostFanout.objects.create(post_id=post.pk)
    except IntegrityError:
        return False  # queued by a concurrent call
    _enqueue(post.pk, run_after=post.published_at)
    return True


def _enqueue(post_id: int, *, run_after: datetime | None) -> None:
    from staffroom.notifications.tasks import fan_out_channel_post

    if run_after is not None and run_after > timezone.now():
        fan_out_channel_post.using(run_after=run_after).enqueue(post_id)
    else:
        fan_out_channel_post.enqueue(post_id)


def followers_condition(channel: Channel) -> Q:
    """A filter on Person: who follows `channel` (defaults and explicit choices, as
    channels.queries.followed_channel_ids reads them for one person)."""
    if channel.kind == Channel.Kind.LEADERSHIP or channel.is_mandatory:
        return Q()
    choices = ChannelFollow.objects.filter(channel_id=channel.pk, person_id=OuterRef("pk"))
    chose_to_follow = Exists(choices.filter(following=True))
    if channel.kind == Channel.Kind.DEPARTMENT and channel.department_id is not None:
        unfollowed = Exists(choices.filter(following=False))
        return chose_to_follow | (Q(department_id=channel.department_id) & ~unfollowed)
    return Q(chose_to_follow)


def recipients(post: Post) -> QuerySet[Person]:
    """Who is to be told about `post`: active followers of its channel who opted in, may
    see it (its audience, channels.exposure.post_audience) and were not told yet; never its
    author."""
    told = Notification.objects.filter(
        kind=Notification.Kind.CHANNEL_POST, thread_id=post.thread_id, recipient_id=OuterRef("pk")
    )
    opted_in = DeliverySettings.objects.filter(channel_posts=True).values("person_id")
    return (
        Person.objects.active()
        .filter(pk__in=opted_in)
        .filter(followers_condition(post.channel))
        .filter(pk__in=post_audience(post).values("pk"))
        .exclude(pk=post.author_id)
        .exclude(Exists(told))
    )


def fan_out(post_id: int, *, batch: int = FANOUT_BATCH) -> int:
    """Tell the followers of post `post_id` who asked for it (module doc). Returns how many
    were told now; running it again tells nobody twice."""
    fanout = ChannelPostFanout.objects.filter(post_id=post_id).first()
    if fanout is None or fanout.done_at is not None:
        return 0
    with transaction.atomic():
        post = (
            Post.objects.select_for_update(of=("self",))
            .select_related("channel")
            .filter(pk=post_id)
            .first()
        )
        if post is None:
            return 0
        if not post.is_shown:
            if (
                post.status == Post.Status.SCHEDULED
                and post.visibility == Visibility.VISIBLE
                and post.published_at is not None
            ):
                _enqueue(post.pk, run_after=post.published_at)  # its time moved: wait for it
            else:
                # Not live (a draft again, held, hidden): going live again queues anew.
                ChannelPostFanout.objects.filter(pk=fanout.pk).delete()
            return 0
    shown_at = post.first_shown_at or post.published_at
    told = 0
    if shown_at is not None and timezone.now() - shown_at <= NEWS_FOR:
        told = _notify(post, batch=batch)
    ChannelPostFanout.objects.filter(pk=fanout.pk).update(
        done_at=timezone.now(), notified=told, updated_at=timezone.now()
    )
    return told


def _notify(post: Post, *, batch: int) -> int:
    people = recipients(post).order_by("pk").values_list("pk", flat=True)
    told, last = 0, 0
    while True:
        ids = list(people.filter(pk__gt=last)[:batch])
        if not ids:
            return told
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=pk,
                    kind=Notification.Kind.CHANNEL_POST,
                    actor_id=post.author_id,
                    thread_id=post.thread_id,
                )
                for pk in ids
            ],
            ignore_conflicts=True,
        )
        told += len(ids)
        last = ids[-1]
