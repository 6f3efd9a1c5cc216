"""Reads: the events page and what goes into a person's calendar, each at a known cost."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.core.pagination import KeysetPage, keyset_page
from staffroom.events.models import Event
from staffroom.ideas.campaigns import campaigns_inviting
from staffroom.ideas.models import Campaign
from staffroom.strategy.models import Initiative

PAGE_SIZE = 20
# A calendar feed reaches this far back, so last month's events stay in people's calendars.
FEED_PAST = datetime.timedelta(days=30)
# The most of each kind of entry one feed carries: its cost is bounded at any size.
FEED_LIMIT = 500


def upcoming_events(*, viewer: Person, cursor: str | None = None) -> KeysetPage[Event]:
    """Events `viewer` may see that haven't ended, soonest first (cancelled ones marked).

    Two queries at any size: the viewer's role grants (once per request) and the page."""
    rows = Event.objects.visible_to(viewer).filter(ends_at__gt=timezone.now())
    return keyset_page(rows, ordering=("starts_at", "id"), cursor=cursor, limit=PAGE_SIZE)


@dataclass(frozen=True)
class CalendarContents:
    events: list[Event]
    campaigns: list[Campaign]
    initiatives: list[Initiative]


def calendar_contents(*, owner: Person, now: datetime.datetime | None = None) -> CalendarContents:
    """What `owner`'s calendar feed holds, in four queries at any size:

    - events they may see that ended at most 30 days ago or are still to come, cancelled
      ones included (so calendars remove them);
    - the closing time of every open idea campaign that asks them;
    - the target dates of the strategic plan's initiatives (everyone reads the plan), from
      30 days ago on.
    """
    now = now or timezone.now()
    since = now - FEED_PAST
    events = list(
        Event.objects.visible_to(owner)
        .filter(ends_at__gte=since)
        .order_by("starts_at", "id")[:FEED_LIMIT]
    )
    campaigns = list(
        Campaign.objects.open_at(now)
        .filter(campaigns_inviting(owner))
        .order_by("closes_at", "id")[:FEED_LIMIT]
    )
    initiatives = list(
        Initiative.objects.filter(
            target_date__isnull=False,
            target_date__gte=timezone.localdate(since),
        ).order_by("target_date", "id")[:FEED_LIMIT]
    )
    return CalendarContents(events=events, campaigns=campaigns, initiatives=initiatives)
