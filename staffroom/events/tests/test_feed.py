"""The personal calendar feed: no sign-in, the token picks the person, it holds exactly what
they may see (events, campaign deadlines, initiative target dates), and costs the same at any
size."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.services.sharing import regenerate_feed_token, revoke_feed_token
from staffroom.events.models import Event
from staffroom.events.services import cancel_event
from staffroom.events.tests.factories import communications_admin, local, make_event
from staffroom.events.tests.helpers import parse, summaries, vevents
from staffroom.ideas.tests.factories import CampaignFactory
from staffroom.organisation.tests.factories import DepartmentFactory, JobFamilyFactory
from staffroom.strategy.tests.factories import initiative

pytestmark = pytest.mark.django_db

# "Now" for these tests: the feed reaches back to 15 October 2026.
NOW = local(2026, 11, 14, 10)


@pytest.fixture(autouse=True)
def _frozen() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _feed_url(person: Person) -> str:
    token = regenerate_feed_token(person=person)
    return reverse("events:calendar_feed", kwargs={"token": token.token})


def _get(url: str) -> bytes:
    response = Client().get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return bytes(response.content)


def test_the_feed_answers_without_signing_in_with_a_private_calendar() -> None:
    nurse = PersonFactory()
    make_event(
        title="CEO town hall", starts_at=local(2026, 12, 1, 12), ends_at=local(2026, 12, 1, 13)
    )
    response = Client().get(_feed_url(nurse))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    calendar = parse(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["VERSION"] == "2.0"
    assert [z["TZID"] for z in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert summaries(calendar) == {"CEO town hall"}


def test_an_unknown_or_revoked_token_or_a_leavers_answers_404_with_nothing_else() -> None:
    nurse = PersonFactory()
    url = _feed_url(nurse)
    unknown = Client().get(reverse("events:calendar_feed", kwargs={"token": "not-a-token"}))
    assert unknown.status_code == 404
    # The site's ordinary "not found" page: nothing says whether the token ever existed.
    assert b"BEGIN:VCALENDAR" not in unknown.content
    assert unknown["Content-Type"].startswith("text/html")
    revoke_feed_token(person=nurse)
    assert Client().get(url).status_code == 404
    url = _feed_url(nurse)
    old = url
    url = _feed_url(nurse)  # a new address: the old one stops
    assert Client().get(old).status_code == 404
    assert Client().get(url).status_code == 200
    Person.objects.filter(pk=nurse.pk).update(is_active=False)
    assert Client().get(url).status_code == 404


def test_the_feed_holds_only_events_the_person_may_see() -> None:
    mine, other = DepartmentFactory(), DepartmentFactory()
    nurse = PersonFactory(unit__department=mine)
    when: dict[str, Any] = {"starts_at": local(2026, 12, 1, 12), "ends_at": local(2026, 12, 1, 13)}
    make_event(title="For everyone", **when)
    make_event(title="For my department", audience_departments=[mine], **when)
    make_event(title="For another department", audience_departments=[other], **when)
    make_event(title="For my site", audience_sites=[mine.site], **when)
    make_event(
        title="For physicians",
        audience_job_families=[JobFamilyFactory(code="phys", name="Physicians")],
        **when,
    )
    make_event(
        title="For my department's physicians",
        audience_departments=[mine],
        audience_job_families=[JobFamilyFactory(code="phys", name="Physicians")],
        **when,
    )
    calendar = parse(_get(_feed_url(nurse)))
    assert summaries(calendar) == {"For everyone", "For my department", "For my site"}


def test_cancelled_events_stay_in_the_feed_as_cancelled_and_old_ones_leave_it() -> None:
    nurse = PersonFactory()
    admin = communications_admin()
    cancelled = cancel_event(
        editor=admin,
        event=make_event(
            editor=admin,
            title="Cancelled briefing",
            starts_at=local(2026, 12, 2, 9),
            ends_at=local(2026, 12, 2, 10),
        ),
    )
    recent = make_event(
        title="Ten days ago", starts_at=local(2026, 11, 4, 9), ends_at=local(2026, 11, 4, 10)
    )
    make_event(
        title="Forty days ago", starts_at=local(2026, 10, 5, 9), ends_at=local(2026, 10, 5, 10)
    )
    entries = vevents(parse(_get(_feed_url(nurse))))
    assert set(entries) == {cancelled.uid, recent.uid}
    assert str(entries[cancelled.uid]["STATUS"]) == "CANCELLED"
    assert entries[cancelled.uid]["SEQUENCE"] == 1
    assert str(entries[recent.uid]["STATUS"]) == "CONFIRMED"


def test_the_november_clock_change_is_right_in_the_feed() -> None:
    nurse = PersonFactory()
    event = make_event(
        title="Night briefing", starts_at=local(2026, 11, 1, 0, 30), ends_at=local(2026, 11, 1, 3)
    )
    raw = _get(_feed_url(nurse))
    assert b"DTSTART;TZID=America/New_York:20261101T003000" in raw
    entry = vevents(parse(raw))[event.uid]
    assert entry.start.astimezone(datetime.UTC) == datetime.datetime(
        2026, 11, 1, 4, 30, tzinfo=datetime.UTC
    )
    assert entry.end.astimezone(datetime.UTC) == datetime.datetime(
        2026, 11, 1, 8, tzinfo=datetime.UTC
    )


def test_open_campaigns_that_ask_the_person_add_their_closing_time() -> None:
    mine, other = DepartmentFactory(), DepartmentFactory()
    nurse = PersonFactory(unit__department=mine)
    asking = CampaignFactory(title="Cutting ED waits", closes_at=local(2026, 12, 10, 17))
    narrowed = CampaignFactory(title="For my department", closes_at=local(2026, 12, 11, 17))
    narrowed.audience_departments.set([mine])
    type(narrowed).objects.filter(pk=narrowed.pk).update(audience_restricted=True)
    elsewhere = CampaignFactory(title="For another department")
    elsewhere.audience_departments.set([other])
    type(elsewhere).objects.filter(pk=elsewhere.pk).update(audience_restricted=True)
    CampaignFactory(title="Closed", opens_at=local(2026, 9, 1), closes_at=local(2026, 10, 1))
    CampaignFactory(title="Not open yet", opens_at=local(2026, 12, 1), closes_at=local(2027, 1, 1))
    raw = _get(_feed_url(nurse))
    calendar = parse(raw)
    assert summaries(calendar) == {
        "Ideas close: Cutting ED waits",
        "Ideas close: For my department",
    }
    entry = vevents(calendar)[f"campaign-{asking.pk}-closes@127.0.0.1"]
    assert entry.start == local(2026, 12, 10, 17)
    assert entry["DTSTART"].params["TZID"] == "America/New_York"
    assert b"DTSTART;TZID=America/New_York:20261210T170000" in raw


def test_initiative_target_dates_are_all_day_milestones() -> None:
    nurse = PersonFactory()
    due = initiative(title="Zero harm", target_date=datetime.date(2027, 3, 31))
    initiative(title="No date")
    initiative(title="Long past", target_date=datetime.date(2026, 1, 31))
    raw = _get(_feed_url(nurse))
    calendar = parse(raw)
    assert summaries(calendar) == {"Target date: Zero harm"}
    assert b"DTSTART;VALUE=DATE:20270331" in raw
    assert b"DTEND;VALUE=DATE:20270401" in raw
    entry = vevents(calendar)[f"initiative-{due.pk}-target@127.0.0.1"]
    assert entry.start == datetime.date(2027, 3, 31)


def test_the_feed_costs_the_same_number_of_queries_at_any_size(
    query_count: Callable[[Callable[[], object]], int],
) -> None:
    department = DepartmentFactory()
    nurse = PersonFactory(unit__department=department)
    url = _feed_url(nurse)
    admin = communications_admin()

    def add(n: int) -> None:
        for i in range(n):
            make_event(
                editor=admin,
                title=f"Event {i}",
                starts_at=local(2026, 12, 1 + i % 20, 9),
                ends_at=local(2026, 12, 1 + i % 20, 10),
                audience_departments=[department] if i % 2 else [],
            )
            CampaignFactory()
            initiative(target_date=datetime.date(2027, 1, 1 + i % 20))

    add(2)
    few = query_count(lambda: _get(url))
    add(25)
    many = query_count(lambda: _get(url))
    assert few == many
    assert len(vevents(parse(_get(url)))) == 27 * 3
    assert Event.objects.count() == 27


def test_a_calendar_app_may_ask_with_head_first_but_not_post() -> None:
    url = _feed_url(PersonFactory())
    head = Client().head(url)
    assert head.status_code == 200
    assert head["Content-Type"] == "text/calendar; charset=utf-8"
    assert Client().post(url).status_code in {403, 405}
