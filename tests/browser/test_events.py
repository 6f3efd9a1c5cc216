"""Events in a browser: the communications director sets up a town hall (a wrong end time
first: the message shows and what she typed stays), a nurse finds it on her phone, downloads
its .ics file and it parses; her calendar address on the feed page answers in a fresh
browser with nobody signed in. Every new page passes axe."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.events.models import Event
from tests.browser.conftest import PHONE, Hospital, NewContext
from tests.browser.helpers import (
    assert_accessible,
    assert_no_horizontal_scroll,
    open_page,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Nursing town hall; winter staffing, nights & weekends"


@pytest.fixture
def director(hospital: Hospital) -> Any:
    person = PersonFactory(
        username="olivia.bennett",
        first_name="Olivia",
        last_name="Bennett",
        job_title="Director of Communications",
        unit=hospital.unit,
    )
    RoleGrantFactory(person=person, role=Role.COMMUNICATIONS_ADMIN)
    return person


@pytest.fixture
def server_url(live_server: Any, settings: Any) -> str:
    """The live server's address, also as SITE_URL: calendar addresses point at it."""
    settings.SITE_URL = live_server.url
    return str(live_server.url)


def _parse(body: bytes) -> Calendar:
    calendar = Calendar.from_ical(body)
    assert isinstance(calendar, Calendar)
    return calendar


def test_a_town_hall_goes_from_the_form_to_a_nurses_calendar(
    page: Page,
    new_context: NewContext,
    hospital: Hospital,
    director: Any,
    server_url: str,
) -> None:
    # The communications director sets it up, ending it before it starts by mistake.
    sign_in(page, director.username)
    open_page(page, "/events/")
    assert_accessible(page)
    page.get_by_role("link", name="Set up an event").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an event")
    assert_accessible(page)
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Starts").fill("2030-03-05T14:00")
    page.get_by_label("Ends").fill("2030-03-05T13:00")
    page.get_by_label("Where").fill("Lecture theatre B, Level 2")
    page.get_by_label("What it is about").fill("Staffing for the winter.\nBring your questions.")
    page.get_by_role("button", name="Set up the event").click()
    expect(page.get_by_role("alert")).to_contain_text("An event must end after it starts.")
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    expect(page.get_by_label("Where")).to_have_value("Lecture theatre B, Level 2")
    expect(page.get_by_label("What it is about")).to_have_value(
        "Staffing for the winter.\nBring your questions."
    )
    assert_accessible(page)
    assert not Event.objects.exists()
    page.get_by_label("Ends").fill("2030-03-05T15:00")
    page.get_by_role("button", name="Set up the event").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("The event is set up.")).to_be_visible()
    assert_accessible(page)
    event = Event.objects.get()

    # A nurse, on her phone, finds it and downloads it.
    phone = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, hospital.nurse.username)
    open_page(phone, "/events/")
    assert_no_horizontal_scroll(phone)
    assert_accessible(phone)
    phone.get_by_role("link", name=TITLE).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert_no_horizontal_scroll(phone)
    assert_accessible(phone)
    expect(phone.get_by_role("link", name="Edit the event")).to_have_count(0)
    with phone.expect_download() as download_info:
        phone.get_by_role("link", name="Add to calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == f"event-{event.pk}.ics"
    calendar = _parse(Path(download.path()).read_bytes())
    assert len(calendar.walk("VEVENT")) == 1
    entry: Any = calendar.walk("VEVENT")[0]
    assert str(entry["SUMMARY"]) == TITLE
    assert entry["DTSTART"].params["TZID"] == "America/New_York"
    assert entry["DTSTART"].dt.astimezone(datetime.UTC) == datetime.datetime(
        2030, 3, 5, 19, tzinfo=datetime.UTC
    )
    assert [z["TZID"] for z in calendar.walk("VTIMEZONE")] == ["America/New_York"]

    # She makes her feed address; the calendar address is beside it.
    open_page(phone, "/feeds/")
    phone.get_by_role("button", name="Create my feed address").click()
    expect(phone.get_by_role("heading", name="Your calendar")).to_be_visible()
    assert_no_horizontal_scroll(phone)
    assert_accessible(phone)
    address = phone.get_by_label("Calendar address", exact=False).input_value()
    assert address.startswith(f"{server_url}/calendar/")
    subscribe = phone.get_by_role("link", name="Subscribe in my calendar app")
    assert subscribe.get_attribute("href") == "webcal://" + address.split("://", 1)[1]

    # A calendar app has no session: a fresh browser context with nobody signed in.
    outsider = new_context()
    response = outsider.request.get(address)
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    feed = _parse(response.body())
    assert {str(c["SUMMARY"]) for c in feed.walk("VEVENT")} == {TITLE}
    assert str(feed.walk("VEVENT")[0]["UID"]) == str(entry["UID"])
    # Without the secret, nothing.
    assert outsider.request.get(f"{server_url}/calendar/wrong.ics").status == 404


def test_the_cancel_button_marks_the_event_cancelled_for_everyone(
    page: Page, new_context: NewContext, hospital: Hospital, director: Any
) -> None:
    from staffroom.events.services import save_event

    start = datetime.datetime(2030, 4, 1, 12, tzinfo=datetime.UTC)
    event = save_event(
        editor=director,
        title="Site briefing",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    sign_in(page, director.username)
    open_page(page, f"/events/{event.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Cancel this event").click()
    expect(page.get_by_text("This event is cancelled.", exact=False)).to_be_visible()
    assert_accessible(page)
    nurse_page = new_context().new_page()
    sign_in(nurse_page, hospital.nurse.username)
    open_page(nurse_page, "/events/")
    expect(nurse_page.get_by_text("Cancelled", exact=True)).to_be_visible()
