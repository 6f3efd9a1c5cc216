"""Events for tests, made through the service (sequence, rendered description, audit)."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.events.models import Event
from staffroom.events.services import save_event


def communications_admin(**fields: Any) -> Person:
    person: Person = PersonFactory(**fields)
    RoleGrantFactory(person=person, role=Role.COMMUNICATIONS_ADMIN)
    return person


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    """A time in the organisation's zone: local(2026, 11, 1, 9) is 9 am there."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(settings.TIME_ZONE))


def make_event(*, editor: Person | None = None, **overrides: Any) -> Event:
    fields: dict[str, Any] = {
        "title": "CEO town hall",
        "description": "Our **year ahead**, and your questions.",
        "starts_at": local(2030, 3, 5, 12),
        "ends_at": local(2030, 3, 5, 13),
        "location": "Main auditorium",
    }
    fields.update(overrides)
    return save_event(editor=editor or communications_admin(), **fields)
