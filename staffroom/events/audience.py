"""Who an event is for: the targeting rule posts and campaigns obey
(staffroom.organisation.audience).

An event with no audience is for everyone; each list that is set narrows it (a person must
match one listed site AND one listed department AND one listed job family).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from staffroom.channels.audience import person_in_audience
from staffroom.organisation.audience import audience_filter

__all__ = ["event_audience_includes", "person_in_audience"]


def event_audience_includes(person: Any) -> Q:
    """A filter on Event: the events whose audience includes `person`."""
    from staffroom.events.models import Event

    return audience_filter(Event, person)
