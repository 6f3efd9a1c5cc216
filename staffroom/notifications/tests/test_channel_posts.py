"""New posts in followed channels: told to the followers who opted in and may see the post,
by a background task, once, and only when the post is live and visible."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.channels.models import Channel, Post
from staffroom.channels.services import posts as post_services
from staffroom.channels.services.channels import (
    ensure_lets_talk,
    follow_channel,
    unfollow_channel,
)
from staffroom.channels.tests.factories import ChannelEditorFactory, ChannelFactory
from staffroom.jobs.testing import failed_tasks, run_jobs
from staffroom.notifications import channel_posts
from staffroom.notifications.models import ChannelPostFanout, DeliverySettings, Notification
from staffroom.notifications.queries import notification_page, unread_count
from staffroom.organisation.tests.factories import DepartmentFactory, UnitFactory
from staffroom.privacy.services import release_hold, send_for_review

# The real worker (run_jobs) checks its connection between tasks as a worker process does;
# inside a test's transaction that closes PostgreSQL's connection, so these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)

PHI_BODY = "Visiting for patient Maria Lopez (DOB 03/14/1957) in bed 4."


def opted_in(**fields: Any) -> Person:
    if "department" in fields:  # a person's department is their unit's
        fields["unit"] = UnitFactory(department=fields.pop("department"))
    person: Person = PersonFactory(**fields)
    DeliverySettings.objects.create(person=person, channel_posts=True)
    return person


def publish(channel: Channel, *, title: str = "Rota changes", **fields: Any) -> Post:
    editor = ChannelEditorFactory(channel=channel).person
    options: dict[str, Any] = {
        "channel": channel,
        "author": editor,
        "title": title,
        "summary": "",
        "body": "The rota for December is out.",
        "tags": [],
        "action": "publish",
    }
    options.update(fields)
    return post_services.create_post(**options)


def told(post: Post) -> set[int]:
    return set(
        Notification.objects.filter(
            kind=Notification.Kind.CHANNEL_POST, thread_id=post.thread_id
        ).values_list("recipient_id", flat=True)
    )


@pytest.fixture
def topic() -> Channel:
    return ChannelFactory(name="Wellbeing")


def test_followers_who_opted_in_are_told_when_the_task_runs(topic: Channel) -> None:
    follower = opted_in()
    follow_channel(person=follower, channel=topic)
    not_asked = PersonFactory()
    follow_channel(person=not_asked, channel=topic)
    not_following = opted_in()
    post = publish(topic)
    assert told(post) == set()  # nothing before the worker runs
    assert run_jobs() >= 1
    assert told(post) == {follower.pk}
    assert failed_tasks() == []
    assert not_asked.pk not in told(post)
    assert not_following.pk not in told(post)
    fanout = ChannelPostFanout.objects.get(post=post)
    assert fanout.done_at is not None
    assert fanout.notified == 1


def test_the_notification_names_the_channel_and_links_to_the_post(
    client: Client, topic: Channel
) -> None:
    follower = opted_in()
    follow_channel(person=follower, channel=topic)
    post = publish(topic, title="Yoga on Thursdays")
    run_jobs()
    assert unread_count(follower) == 1
    item = notification_page(viewer=follower).items[0]
    assert item.url == post.get_absolute_url()
    client.force_login(follower)
    body = client.get("/notifications/").content.decode()
    assert "New post in Wellbeing:" in body
    assert "Yoga on Thursdays" in body


def test_running_the_fan_out_twice_tells_nobody_twice(topic: Channel) -> None:
    followers = [opted_in() for _ in range(5)]
    for person in followers:
        follow_channel(person=person, channel=topic)
    post = publish(topic)
    assert channel_posts.fan_out(post.pk, batch=2) == 5
    ChannelPostFanout.objects.filter(post=post).update(done_at=None)  # as if it ran again
    assert channel_posts.fan_out(post.pk, batch=2) == 0
    run_jobs()
    assert Notification.objects.filter(kind=Notification.Kind.CHANNEL_POST).count() == 5


def test_a_retried_batch_skips_those_already_told_by_the_constraint(topic: Channel) -> None:
    person = opted_in()
    follow_channel(person=person, channel=topic)
    post = publish(topic)
    Notification.objects.create(
        recipient=person, kind=Notification.Kind.CHANNEL_POST, thread_id=post.thread_id
    )
    # bulk_create with ignore_conflicts relies on the unique constraint, not on a check.
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=person, kind=Notification.Kind.CHANNEL_POST, thread_id=post.thread_id
            )
        ],
        ignore_conflicts=True,
    )
    assert len(told(post)) == 1
    assert Notification.objects.filter(recipient=person).count() == 1


def test_editing_or_republishing_a_post_queues_no_second_fan_out(topic: Channel) -> None:
    follower = opted_in()
    follow_channel(person=follower, channel=topic)
    post = publish(topic)
    run_jobs()
    editor = post.author
    post_services.unpublish_post(post=post, editor=editor)
    post_services.publish_post(post=post, editor=editor)
    assert run_jobs() == 0
    assert Notification.objects.filter(recipient=follower).count() == 1


def test_only_people_in_the_posts_audience_are_told(topic: Channel) -> None:
    ward = DepartmentFactory()
    inside = opted_in(department=ward)
    outside = opted_in(department=DepartmentFactory())
    for person in (inside, outside):
        follow_channel(person=person, channel=topic)
    post = publish(topic, audience_departments=[ward])
    run_jobs()
    assert told(post) == {inside.pk}


def test_lets_talk_reaches_everyone_who_opted_in_but_not_the_author_or_leavers() -> None:
    lets_talk = ensure_lets_talk()
    people = [opted_in() for _ in range(3)]
    gone = opted_in(is_active=False)
    editor = opted_in()
    RoleGrantFactory(person=editor, role=Role.COMMUNICATIONS_ADMIN)
    post = publish(lets_talk, author=editor)
    run_jobs()
    assert told(post) == {p.pk for p in people}
    assert gone.pk not in told(post)


def test_a_department_channel_is_followed_by_its_people_until_they_unfollow() -> None:
    ward = DepartmentFactory()
    channel = ChannelFactory(kind=Channel.Kind.DEPARTMENT, department=ward)
    member, leaver_of_channel = opted_in(department=ward), opted_in(department=ward)
    unfollow_channel(person=leaver_of_channel, channel=channel)
    outsider_who_follows = opted_in()
    follow_channel(person=outsider_who_follows, channel=channel)
    post = publish(channel)
    run_jobs()
    assert told(post) == {member.pk, outsider_who_follows.pk}


def test_a_held_post_tells_followers_only_when_it_is_released(topic: Channel) -> None:
    follower = opted_in()
    follow_channel(person=follower, channel=topic)
    officer = PersonFactory()
    RoleGrantFactory(person=officer, role=Role.PRIVACY_OFFICER)
    post = publish(topic, body=PHI_BODY)
    assert post.visibility == "held"
    run_jobs()
    assert told(post) == set()
    assert not ChannelPostFanout.objects.filter(post=post).exists()

    from staffroom.channels.queries import open_hold_of

    hold = open_hold_of(post)
    assert hold is not None
    send_for_review(hold=hold, author=post.author, note="Maria is a volunteer.")
    release_hold(hold=hold, officer=officer, note="Fine.")
    run_jobs()
    assert told(post) == {follower.pk}


def test_a_post_held_after_it_was_queued_tells_nobody_and_queues_again_when_shown(
    topic: Channel,
) -> None:
    follower = opted_in()
    follow_channel(person=follower, channel=topic)
    post = publish(topic)
    post_services.set_post_visibility(post=post, visibility="hidden")
    run_jobs()
    assert told(post) == set()
    assert not ChannelPostFanout.objects.filter(post=post).exists()
    post_services.set_post_visibility(post=Post.objects.get(pk=post.pk), visibility="visible")
    run_jobs()
    assert told(post) == {follower.pk}


def test_a_scheduled_post_tells_followers_when_its_time_comes(topic: Channel) -> None:
    follower = opted_in()
    follow_channel(person=follower, channel=topic)
    when = timezone.now() + timedelta(hours=2)
    post = publish(topic, action="schedule", publish_at=when)
    run_jobs()
    assert told(post) == set()
    with time_machine.travel(when + timedelta(minutes=1)):
        run_jobs()
        assert told(post) == {follower.pk}


def test_a_draft_tells_nobody(topic: Channel) -> None:
    follower = opted_in()
    follow_channel(person=follower, channel=topic)
    post = publish(topic, action="draft")
    assert run_jobs() == 0
    assert told(post) == set()


def test_a_post_first_shown_days_ago_is_no_longer_news(topic: Channel) -> None:
    follower = opted_in()
    follow_channel(person=follower, channel=topic)
    post = publish(topic)
    with time_machine.travel(timezone.now() + channel_posts.NEWS_FOR + timedelta(hours=1)):
        run_jobs()
    assert told(post) == set()
    assert ChannelPostFanout.objects.get(post=post).done_at is not None


def test_the_fan_out_costs_the_same_queries_for_few_or_many_followers(
    topic: Channel, query_count: Callable[[Callable[[], object]], int]
) -> None:
    few = [opted_in() for _ in range(2)]
    for person in few:
        follow_channel(person=person, channel=topic)
    first = publish(topic)
    cost_few = query_count(lambda: channel_posts.fan_out(first.pk, batch=1000))
    many = [opted_in() for _ in range(60)]
    for person in many:
        follow_channel(person=person, channel=topic)
    second = publish(topic)
    cost_many = query_count(lambda: channel_posts.fan_out(second.pk, batch=1000))
    assert len(told(second)) == 62
    assert cost_few == cost_many
