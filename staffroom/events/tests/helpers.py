"""Reading calendars back the way calendar apps do: with icalendar's parser."""

from __future__ import annotations

from typing import Any

from icalendar import Calendar


def parse(body: bytes) -> Calendar:
    calendar = Calendar.from_ical(body)
    assert isinstance(calendar, Calendar)
    return calendar


def vevents(calendar: Calendar) -> dict[str, Any]:
    """The calendar's VEVENTs by UID."""
    return {str(c["UID"]): c for c in calendar.walk("VEVENT")}


def only_event(body: bytes) -> Any:
    """The one VEVENT of a calendar that must hold exactly one."""
    (entry,) = parse(body).walk("VEVENT")
    return entry


def summaries(calendar: Calendar) -> set[str]:
    return {str(c["SUMMARY"]) for c in calendar.walk("VEVENT")}
