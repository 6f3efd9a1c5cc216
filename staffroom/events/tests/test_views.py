"""The events pages: the list (keyset pages, constant cost), an event's page and .ics file,
and setting up, changing and cancelling an event from the forms."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.services.sharing import regenerate_feed_token
from staffroom.events.models import Event
from staffroom.events.queries import PAGE_SIZE
from staffroom.events.tests.factories import communications_admin, make_event
from staffroom.events.tests.helpers import parse, vevents
from staffroom.organisation.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def _client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _soon(days: int, hour: int = 12) -> dict[str, Any]:
    start = timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0)
    start += datetime.timedelta(days=days)
    return {"starts_at": start, "ends_at": start + datetime.timedelta(hours=1)}


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Nursing town hall",
        "kind": "town_hall",
        "starts_at": "2030-03-05T14:00",
        "ends_at": "2030-03-05T15:00",
        "location": "Lecture theatre B",
        "online_url": "",
        "description": "Staffing for the winter.",
    }
    data.update(overrides)
    return data


# --- The list --------------------------------------------------------------------------------


def test_the_list_shows_upcoming_events_for_the_person_and_not_others() -> None:
    mine, other = DepartmentFactory(), DepartmentFactory()
    nurse = PersonFactory(unit__department=mine)
    make_event(title="Everyone's town hall", **_soon(3))
    make_event(title="My department's briefing", audience_departments=[mine], **_soon(4))
    make_event(title="Another department's briefing", audience_departments=[other], **_soon(5))
    make_event(title="Yesterday's briefing", **_soon(-1))
    page = _client(nurse).get(reverse("events:list")).content.decode()
    assert "Everyone&#x27;s town hall" in page
    assert "My department&#x27;s briefing" in page
    assert "Another department" not in page
    assert "Yesterday" not in page
    assert page.index("Everyone&#x27;s") < page.index("My department&#x27;s")
    assert reverse("events:new") not in page


def test_communications_admins_see_every_event_and_the_set_up_button() -> None:
    admin = communications_admin()
    make_event(
        title="Another department's briefing",
        audience_departments=[DepartmentFactory()],
        **_soon(5),
    )
    page = _client(admin).get(reverse("events:list")).content.decode()
    assert "Another department" in page
    assert reverse("events:new") in page


def test_the_list_pages_with_a_cursor_and_htmx_gets_only_the_next_rows() -> None:
    nurse = PersonFactory()
    admin = communications_admin()
    for i in range(PAGE_SIZE + 3):
        make_event(editor=admin, title=f"Briefing number {i:02d}", **_soon(1 + i))
    client = _client(nurse)
    first = client.get(reverse("events:list")).content.decode()
    assert "Briefing number 00" in first
    assert f"Briefing number {PAGE_SIZE - 1:02d}" in first
    assert f"Briefing number {PAGE_SIZE:02d}" not in first
    cursor = re.search(r'href="\?cursor=([^"]+)"', first)
    assert cursor is not None
    rest = client.get(reverse("events:list"), {"cursor": cursor[1]}, HTTP_HX_REQUEST="true")
    body = rest.content.decode()
    assert "<html" not in body
    assert f"Briefing number {PAGE_SIZE:02d}" in body
    assert f"Briefing number {PAGE_SIZE + 2:02d}" in body
    assert "Briefing number 00" not in body
    no_js = client.get(reverse("events:list"), {"cursor": cursor[1]}).content.decode()
    assert "<html" in no_js
    assert f"Briefing number {PAGE_SIZE + 2:02d}" in no_js
    assert client.get(reverse("events:list"), {"cursor": "garbage!"}).status_code == 200


def test_the_list_costs_the_same_number_of_queries_at_any_size(
    query_count: Callable[[Callable[[], object]], int],
) -> None:
    department = DepartmentFactory()
    nurse = PersonFactory(unit__department=department)
    admin = communications_admin()
    client = _client(nurse)

    def add(n: int) -> None:
        for i in range(n):
            make_event(
                editor=admin,
                audience_departments=[department] if i % 2 else [],
                **_soon(1 + i % 30),
            )

    add(3)
    client.get(reverse("events:list"))  # caches filled once per process (site settings)
    few = query_count(lambda: client.get(reverse("events:list")))
    add(40)
    many = query_count(lambda: client.get(reverse("events:list")))
    assert few == many


def test_the_list_needs_signing_in() -> None:
    response = Client().get(reverse("events:list"))
    assert response.status_code == 302
    assert "/account/sign-in/" in response["Location"]


def test_the_main_navigation_links_to_events() -> None:
    page = _client(PersonFactory()).get(reverse("events:list")).content.decode()
    assert f'href="{reverse("events:list")}" aria-current="page"' in page


# --- An event and its file --------------------------------------------------------------------


def test_an_event_page_offers_the_ics_file_and_shows_the_details() -> None:
    event = make_event(online_url="https://teams.example.org/join/7", **_soon(2))
    page = _client(PersonFactory()).get(event.get_absolute_url()).content.decode()
    assert "Add to calendar (.ics)" in page
    assert reverse("events:download", kwargs={"pk": event.pk}) in page
    assert "<strong>year ahead</strong>" in page
    assert "https://teams.example.org/join/7" in page
    assert "America/New_York" in page
    assert reverse("events:edit", kwargs={"pk": event.pk}) not in page


def test_the_ics_download_is_a_calendar_attachment_that_parses() -> None:
    event = make_event(**_soon(2))
    response = _client(PersonFactory()).get(reverse("events:download", kwargs={"pk": event.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="event-{event.pk}.ics"'
    assert "no-store" in response["Cache-Control"]
    assert list(vevents(parse(response.content))) == [event.uid]


def test_an_event_for_others_is_not_found_nor_its_file() -> None:
    nurse = PersonFactory(unit__department=DepartmentFactory())
    event = make_event(audience_departments=[DepartmentFactory()], **_soon(2))
    client = _client(nurse)
    assert client.get(event.get_absolute_url()).status_code == 404
    assert client.get(reverse("events:download", kwargs={"pk": event.pk})).status_code == 404
    assert client.get(reverse("events:detail", kwargs={"pk": 99999})).status_code == 404


def test_the_file_needs_signing_in() -> None:
    event = make_event(**_soon(2))
    response = Client().get(reverse("events:download", kwargs={"pk": event.pk}))
    assert response.status_code == 302


# --- Setting up, changing, cancelling ---------------------------------------------------------


def test_staff_may_not_open_the_forms_or_cancel() -> None:
    event = make_event(**_soon(2))
    client = _client(PersonFactory())
    assert client.get(reverse("events:new")).status_code == 403
    assert client.post(reverse("events:new"), _form()).status_code == 403
    assert client.get(reverse("events:edit", kwargs={"pk": event.pk})).status_code == 403
    assert client.post(reverse("events:cancel", kwargs={"pk": event.pk})).status_code == 403
    event.refresh_from_db()
    assert not event.is_cancelled
    assert Event.objects.count() == 1


def test_a_communications_admin_sets_up_an_event_from_the_form() -> None:
    admin = communications_admin()
    client = _client(admin)
    assert client.get(reverse("events:new")).status_code == 200
    response = client.post(reverse("events:new"), _form())
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    assert event.title == "Nursing town hall"
    assert timezone.localtime(event.starts_at).hour == 14
    assert event.created_by == admin


def test_an_end_before_the_start_is_refused_with_the_typed_text_kept() -> None:
    client = _client(communications_admin())
    response = client.post(
        reverse("events:new"),
        _form(title="Winter staffing town hall", ends_at="2030-03-05T13:00"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "An event must end after it starts." in page
    assert 'value="Winter staffing town hall"' in page
    assert "Staffing for the winter." in page
    assert not Event.objects.exists()


def test_an_http_link_is_refused_by_the_form_with_a_message() -> None:
    response = _client(communications_admin()).post(
        reverse("events:new"), _form(online_url="http://zoom.example.org/j/1")
    )
    assert response.status_code == 400
    assert "https://" in response.content.decode()
    assert not Event.objects.exists()


def test_editing_shows_the_event_and_saving_moves_the_sequence_on() -> None:
    admin = communications_admin()
    event = make_event(editor=admin, title="Site briefing", **_soon(2))
    client = _client(admin)
    form = client.get(reverse("events:edit", kwargs={"pk": event.pk})).content.decode()
    assert 'value="Site briefing"' in form
    response = client.post(
        reverse("events:edit", kwargs={"pk": event.pk}), _form(title="Site briefing, moved")
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Site briefing, moved"
    assert event.sequence == 1


def test_cancelling_needs_a_post_and_keeps_the_event_marked_cancelled() -> None:
    admin = communications_admin()
    event = make_event(editor=admin, **_soon(2))
    client = _client(admin)
    assert client.get(reverse("events:cancel", kwargs={"pk": event.pk})).status_code == 405
    response = client.post(reverse("events:cancel", kwargs={"pk": event.pk}), follow=True)
    assert response.status_code == 200
    event.refresh_from_db()
    assert event.is_cancelled
    page = response.content.decode()
    assert "This event is cancelled." in page
    assert reverse("events:edit", kwargs={"pk": event.pk}) not in page
    # A cancelled event can't be edited any more: the form sends the person back.
    again = client.get(reverse("events:edit", kwargs={"pk": event.pk}))
    assert again.status_code == 302
    staff_page = _client(PersonFactory()).get(reverse("events:list")).content.decode()
    assert "Cancelled" in staff_page


# --- The feed settings page -------------------------------------------------------------------


def test_the_feed_page_shows_the_calendar_address_beside_the_atom_feeds() -> None:
    nurse = PersonFactory()
    client = _client(nurse)
    without = client.get(reverse("channels:feed_settings")).content.decode()
    assert "webcal://" not in without
    token = regenerate_feed_token(person=nurse)
    page = client.get(reverse("channels:feed_settings")).content.decode()
    path = reverse("events:calendar_feed", kwargs={"token": token.token})
    assert f'href="webcal://127.0.0.1:8000{path}"' in page
    assert f'value="http://127.0.0.1:8000{path}"' in page
