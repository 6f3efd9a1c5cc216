"""One event as an .ics file, read back with icalendar's parser: the header, the time zone
(across a daylight-saving change), identity, changes, cancellation and escaping."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from staffroom.events.ics import event_ics
from staffroom.events.models import Event
from staffroom.events.services import cancel_event, save_event
from staffroom.events.tests.factories import communications_admin, local, make_event
from staffroom.events.tests.helpers import only_event, parse, vevents

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


def _only_event(event: Event) -> Any:
    return only_event(event_ics(event))


def test_the_file_has_the_calendar_header_and_a_vtimezone_for_new_york() -> None:
    calendar = parse(event_ics(make_event()))
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//Staffroom//Staffroom events//EN"
    assert calendar["METHOD"] == "PUBLISH"
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "America/New_York"
    assert calendar.get_missing_tzids() == set()


def test_times_are_written_in_local_time_with_the_tzid() -> None:
    event = make_event(starts_at=local(2030, 3, 5, 12), ends_at=local(2030, 3, 5, 13, 30))
    raw = event_ics(event).decode()
    assert "DTSTART;TZID=America/New_York:20300305T120000" in raw
    assert "DTEND;TZID=America/New_York:20300305T133000" in raw
    entry = _only_event(event)
    assert entry["DTSTART"].params["TZID"] == "America/New_York"
    assert entry.start == event.starts_at
    assert entry.end == event.ends_at


def test_an_event_across_the_november_clock_change_keeps_its_real_length() -> None:
    # 1 November 2026: New York's clocks go back from 2 am EDT to 1 am EST.
    starts = local(2026, 11, 1, 0, 30)  # EDT, 04:30 UTC
    ends = local(2026, 11, 1, 3, 0)  # EST, 08:00 UTC
    event = make_event(starts_at=starts, ends_at=ends)
    raw = event_ics(event).decode()
    assert "DTSTART;TZID=America/New_York:20261101T003000" in raw
    assert "DTEND;TZID=America/New_York:20261101T030000" in raw
    entry = _only_event(event)
    start, end = entry.start, entry.end
    assert start.astimezone(datetime.UTC) == datetime.datetime(
        2026, 11, 1, 4, 30, tzinfo=datetime.UTC
    )
    assert end.astimezone(datetime.UTC) == datetime.datetime(2026, 11, 1, 8, 0, tzinfo=datetime.UTC)
    # Python subtracts wall-clock times within one zone; elapsed time is measured in UTC.
    elapsed = end.astimezone(datetime.UTC) - start.astimezone(datetime.UTC)
    assert elapsed == datetime.timedelta(hours=3, minutes=30)
    # And the zone the file carries knows both offsets of that day.
    vtimezone: Any = parse(event_ics(event)).walk("VTIMEZONE")[0]
    zone = vtimezone.to_tz()
    assert datetime.datetime(2026, 10, 31, 12, tzinfo=zone).utcoffset() == datetime.timedelta(
        hours=-4
    )
    assert datetime.datetime(2026, 11, 2, 12, tzinfo=zone).utcoffset() == datetime.timedelta(
        hours=-5
    )


def test_the_repeated_hour_after_clocks_go_back_is_written_in_utc() -> None:
    # 01:30 happens twice on 1 November 2026; this is the second one (EST, 06:30 UTC), which a
    # TZID time can't name (it would mean the first, an hour earlier).
    starts = datetime.datetime(2026, 11, 1, 6, 30, tzinfo=datetime.UTC)
    event = make_event(starts_at=starts, ends_at=starts + datetime.timedelta(hours=1))
    assert starts.astimezone(NEW_YORK).fold == 1
    raw = event_ics(event).decode()
    assert "DTSTART:20261101T063000Z" in raw
    entry = _only_event(event)
    assert entry.start == starts


def test_a_summer_event_is_written_in_daylight_time() -> None:
    event = make_event(starts_at=local(2030, 7, 1, 9), ends_at=local(2030, 7, 1, 10))
    entry = _only_event(event)
    assert entry.start.astimezone(datetime.UTC).hour == 13


@override_settings(TIME_ZONE="Europe/London")
def test_the_organisations_time_zone_is_the_one_written() -> None:
    london = ZoneInfo("Europe/London")
    starts = datetime.datetime(2030, 3, 5, 9, tzinfo=london)
    event = make_event(starts_at=starts, ends_at=starts + datetime.timedelta(hours=1))
    calendar = parse(event_ics(event))
    assert [z["TZID"] for z in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert "DTSTART;TZID=Europe/London:20300305T090000" in event_ics(event).decode()


@override_settings(SITE_URL="https://staff.example.org")
def test_the_uid_stays_the_same_and_the_sequence_grows_with_each_change() -> None:
    admin = communications_admin()
    event = make_event(editor=admin)
    first = _only_event(event)
    assert str(first["UID"]) == f"event-{event.pk}@staff.example.org"
    assert first["SEQUENCE"] == 0
    changed = save_event(
        editor=admin,
        event=event,
        title="CEO town hall, rescheduled",
        starts_at=local(2030, 3, 12, 12),
        ends_at=local(2030, 3, 12, 13),
    )
    second = _only_event(changed)
    assert second["UID"] == first["UID"]
    assert second["SEQUENCE"] == 1
    assert second.start == local(2030, 3, 12, 12)


def test_a_cancelled_event_says_cancelled() -> None:
    admin = communications_admin()
    event = make_event(editor=admin)
    assert str(_only_event(event)["STATUS"]) == "CONFIRMED"
    cancelled = cancel_event(editor=admin, event=event)
    entry = _only_event(cancelled)
    assert str(entry["STATUS"]) == "CANCELLED"
    assert entry["SEQUENCE"] == 1


def test_commas_semicolons_and_newlines_are_escaped_and_read_back_intact() -> None:
    event = make_event(
        title="Nursing town hall; nights, weekends & agency",
        location="Room 2, Level 3; North tower",
        description="First line\nSecond line, with a comma; and a semicolon",
    )
    raw = event_ics(event).decode()
    assert r"SUMMARY:Nursing town hall\; nights\, weekends & agency" in raw
    assert r"LOCATION:Room 2\, Level 3\; North tower" in raw
    entry = _only_event(event)
    assert str(entry["SUMMARY"]) == "Nursing town hall; nights, weekends & agency"
    assert str(entry["LOCATION"]) == "Room 2, Level 3; North tower"
    description = str(entry["DESCRIPTION"])
    assert "First line\nSecond line, with a comma; and a semicolon" in description
    assert "/events/" in description


def test_the_title_cannot_break_out_of_its_line() -> None:
    event = make_event(title="Town hall\r\nBEGIN:VEVENT\r\nSUMMARY:Injected")
    calendar = parse(event_ics(event))
    assert len(calendar.walk("VEVENT")) == 1
    assert "Injected" in str(calendar.walk("VEVENT")[0]["SUMMARY"])


def test_an_all_day_event_has_date_values() -> None:
    event = make_event(all_day=True, starts_at=local(2030, 6, 10, 8), ends_at=local(2030, 6, 11, 8))
    raw = event_ics(event).decode()
    assert "DTSTART;VALUE=DATE:20300610" in raw
    assert "DTEND;VALUE=DATE:20300612" in raw
    entry = _only_event(event)
    assert entry.start == datetime.date(2030, 6, 10)


def test_the_online_link_is_in_the_description_and_the_event_has_its_address() -> None:
    event = make_event(online_url="https://teams.example.org/join/1", location="")
    entry = vevents(parse(event_ics(event)))[event.uid]
    assert "https://teams.example.org/join/1" in str(entry["DESCRIPTION"])
    assert str(entry["URL"]).endswith(f"/events/{event.pk}/")
