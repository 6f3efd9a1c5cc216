"""A small hospital with a week of news and idea activity, for the digest's tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.channels.models import Channel, Post
from staffroom.channels.services.channels import ensure_lets_talk, follow_channel
from staffroom.channels.tests.factories import ChannelFactory, PostFactory
from staffroom.ideas.models import Idea
from staffroom.ideas.services.proposing import create_idea
from staffroom.ideas.services.reviewing import respond
from staffroom.ideas.tests.factories import CategoryFactory
from staffroom.mail.digest.periods import Period
from staffroom.mail.models import EmailKind, OutboundEmail
from staffroom.notifications.models import DigestFrequency
from staffroom.organisation.tests.factories import DepartmentFactory

# The week covered: Monday 16 to Sunday 22 November 2026; sent Monday 23 at 07:00.
WEEK = Period(frequency=DigestFrequency.WEEKLY, start=date(2026, 11, 16))


def local(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))


DURING = local(date(2026, 11, 18), 10)
BEFORE = local(date(2026, 11, 12), 10)
SENDING = local(date(2026, 11, 23), 8)


def post_in(channel: Channel, title: str, *, when: datetime = DURING, **fields: Any) -> Post:
    post: Post = PostFactory(channel=channel, title=title, published_at=when, **fields)
    return post


def propose(author: Person, title: str, **fields: Any) -> Idea:
    assert author.department is not None
    return create_idea(
        author=author,
        title=title,
        problem="Night rounds wake patients who have only just fallen asleep.",
        proposal="Group the 2am checks so each bay is visited once.",
        category=CategoryFactory(),
        department=author.department,
        **fields,
    )


def reviewer_of(idea: Idea) -> Person:
    grant = RoleGrantFactory(role=Role.IDEA_REVIEWER, department=idea.department)
    reviewer: Person = grant.person
    reviewer.first_name, reviewer.last_name = "Rita", "Reviewer"
    reviewer.save()
    return reviewer


@dataclass
class Scene:
    reader: Person
    lets_talk: Channel
    own_channel: Channel
    followed: Channel
    unfollowed: Channel


def make_scene() -> Scene:
    reader = PersonFactory(first_name="Nora", last_name="Reader")
    lets_talk = ensure_lets_talk()
    own_channel = ChannelFactory(
        kind=Channel.Kind.DEPARTMENT, department=reader.department, name="Ward news"
    )
    followed = ChannelFactory(name="Followed topic")
    follow_channel(person=reader, channel=followed)
    unfollowed = ChannelFactory(name="Unfollowed topic")
    return Scene(reader, lets_talk, own_channel, followed, unfollowed)


def digest_row(person: Person, period: Period = WEEK) -> OutboundEmail:
    email, _created = OutboundEmail.objects.get_or_create(
        key=period.key_for(person.pk),
        defaults={"recipient": person, "kind": EmailKind.DIGEST, "period_start": period.start},
    )
    return email


def answer(idea: Idea, message: str, *, status: str | None = None, when: datetime = DURING) -> None:
    with time_machine.travel(when, tick=False):
        respond(idea=idea, reviewer=reviewer_of(idea), message=message, status=status)


def elsewhere() -> Any:
    return DepartmentFactory()
