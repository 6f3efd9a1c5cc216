"""Demo step: events in the coming weeks — the CEO's monthly town hall, a nursing town hall
(twice, for day and night staff), a briefing for one site, and one cancelled event.

Dates are relative to the day of the build, so the events page and calendar feeds always
have something coming up. Everything goes through the real services (`save_event`,
`cancel_event`) as the communications director, so each event has its sequence, rendered
description and audit entries. About a dozen rows whatever the size: the step costs the same
for the demo and for 80,000 people. It runs once: an existing "CEO town hall" marks it done.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.events.models import Event, Kind
from staffroom.events.services import cancel_event, organisation_zone, save_event
from staffroom.organisation.models import Department, JobFamily, Site

if TYPE_CHECKING:
    from staffroom.demo.services import DemoBuild

CEO_TOWN_HALL = "CEO town hall"
TOWN_HALLS_AHEAD = 3  # the monthly CEO town hall: this month's (if still to come) and next ones
TEAMS = "https://teams.example.org/l/meetup-join/riverside-health/"

CEO_TEXT = """Catherine Wells, our President and CEO, on where Riverside Health is going this
month: progress on the strategic plan, the numbers behind it, and **your questions**.

- Send a question beforehand on the *Ask leadership* page, anonymously if you prefer.
- Can't make it? The recording is posted in Let's Talk the next day.
"""

NURSING_TEXT = """The Chief Nursing Officer and the nurse directors on winter staffing,
the float pool and the new self-rostering pilot. Held twice so that day and night staff can
both come; bring your questions about breaks and cover.
"""

SITE_TEXT = """What the new outpatient wing means for Northgate: parking during the works,
which clinics move when, and who to ask. Fifteen minutes, then questions.
"""

CANCELLED_TEXT = """The CEO's walk-round of the Lakeside wards, with time to talk to each
team. **Cancelled**: it will be rearranged once the new wing's opening date is confirmed.
"""


def _first_weekday_of_month(year: int, month: int, weekday: int) -> datetime.date:
    day = datetime.date(year, month, 1)
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=organisation_zone())


def _editor() -> Person | None:
    for username in ("comms", "ceo"):
        person = Person.objects.filter(username=username, is_active=True).first()
        if person is not None:
            return person
    return None


def build_events(build: DemoBuild) -> None:
    from staffroom.demo.services import check_demo_mode

    check_demo_mode()
    if Event.objects.filter(title__startswith=CEO_TOWN_HALL).exists():
        return
    editor = _editor()
    if editor is None:  # a partial hospital without its demo accounts: nothing to sign as
        return
    today = timezone.localdate()
    made = 0

    # The CEO's town hall: the first Wednesday of each month, at noon, for everyone.
    year, month = today.year, today.month
    while made < TOWN_HALLS_AHEAD:
        day = _first_weekday_of_month(year, month, 2)
        if day > today:
            save_event(
                editor=editor,
                title=f"{CEO_TOWN_HALL}: {day:%B %Y}",
                kind=Kind.TOWN_HALL,
                description=CEO_TEXT,
                starts_at=_at(day, 12),
                ends_at=_at(day, 13),
                location="Main auditorium, Riverside General Hospital",
                online_url=TEAMS + "ceo-town-hall",
            )
            made += 1
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    nursing = list(JobFamily.objects.filter(code="nursing"))
    in_nine_days = today + datetime.timedelta(days=9)
    for label, hour, minute in (("day staff", 7, 30), ("night staff", 19, 30)):
        save_event(
            editor=editor,
            title=f"Nursing town hall: winter staffing ({label})",
            kind=Kind.TOWN_HALL,
            description=NURSING_TEXT,
            starts_at=_at(in_nine_days, hour, minute),
            ends_at=_at(in_nine_days, hour + 1, minute),
            location="Lecture theatre B, Riverside General Hospital",
            online_url=TEAMS + "nursing-town-hall",
            audience_job_families=nursing,
        )
        made += 1

    northgate = list(Site.objects.filter(code="ngh"))
    in_five_days = today + datetime.timedelta(days=5)
    save_event(
        editor=editor,
        title="Northgate site briefing: the new outpatient wing",
        kind=Kind.BRIEFING,
        description=SITE_TEXT,
        starts_at=_at(in_five_days, 14),
        ends_at=_at(in_five_days, 14, 45),
        location="Conference room 1, Northgate Community Hospital",
        audience_sites=northgate,
    )
    made += 1

    emergency = list(Department.objects.filter(code="rgh-emergency"))
    in_two_weeks = today + datetime.timedelta(days=14)
    if emergency:  # never widen a department's briefing to everyone
        save_event(
            editor=editor,
            title="Emergency department briefing: the new triage pathway",
            kind=Kind.BRIEFING,
            description="How the new triage pathway works from next month, step by step.",
            starts_at=_at(in_two_weeks, 8),
            ends_at=_at(in_two_weeks, 8, 30),
            location="ED staff room",
            audience_departments=emergency,
        )
        made += 1

    lakeside = list(Site.objects.filter(code="lcw"))
    in_twelve_days = today + datetime.timedelta(days=12)
    walk_round = save_event(
        editor=editor,
        title="Lakeside walk-round with the CEO",
        kind=Kind.OTHER,
        description=CANCELLED_TEXT,
        starts_at=_at(in_twelve_days, 10),
        ends_at=_at(in_twelve_days, 12),
        location="Lakeside Children's & Women's Hospital, main entrance",
        audience_sites=lakeside,
    )
    cancel_event(editor=editor, event=walk_round)
    made += 1
    build.count("events", made)
