"""Rows for search tests, made directly (as bulk loads and the admin would), so the tests
prove the triggers follow every write path, not only the services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.html import escape

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Channel, Post
from staffroom.discussion.models import Comment, Thread
from staffroom.strategy.models import Initiative, Pillar, Plan

_counter = iter(range(10**9))


def make_channel(name: str | None = None) -> Channel:
    n = next(_counter)
    return Channel.objects.create(
        kind=Channel.Kind.TOPIC, slug=f"search-channel-{n}", name=name or f"Channel {n}"
    )


def make_post(
    *,
    title: str = "A post",
    body: str = "Some words.",
    summary: str = "",
    channel: Channel | None = None,
    author: Person | None = None,
    status: str = Post.Status.PUBLISHED,
    published_at: Any = "past",
) -> Post:
    if published_at == "past":
        published_at = timezone.now() - timedelta(hours=1)
    return Post.objects.create(
        channel=channel or make_channel(),
        author=author or PersonFactory(),
        title=title,
        summary=summary,
        body=body,
        body_html=f"<p>{escape(body)}</p>",
        status=status,
        published_at=published_at,
        thread=Thread.objects.create(kind=Thread.Kind.POST),
    )


def make_comment(
    *, on: Post | Initiative, body: str = "A comment.", author: Person | None = None
) -> Comment:
    return Comment.objects.create(
        thread_id=on.thread_id,
        author=author or PersonFactory(),
        body=body,
        body_html=f"<p>{escape(body)}</p>",
    )


def make_initiative(
    *,
    title: str = "An initiative",
    goal: str = "A goal.",
    summary: str = "",
    body: str = "",
) -> Initiative:
    n = next(_counter)
    plan = Plan.objects.create(slug=f"search-plan-{n}", title=f"Plan {n}")
    pillar = Pillar.objects.create(plan=plan, title=f"Pillar {n}")
    return Initiative.objects.create(
        pillar=pillar,
        slug=f"search-initiative-{n}",
        title=title,
        summary=summary,
        goal=goal,
        body=body,
        body_html=escape(body),
        owner=PersonFactory(),
        thread=Thread.objects.create(kind=Thread.Kind.INITIATIVE),
    )
