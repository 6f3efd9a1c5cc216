"""The communications team's pages: add a screen (its secret shown once and stored only as a
hash), give it a new address, switch it off; everyone else is refused, nothing changed."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.kiosk.models import Screen
from staffroom.kiosk.tests.factories import communications_admin, make_screen
from staffroom.organisation.tests.factories import DepartmentFactory, SiteFactory

pytestmark = pytest.mark.django_db


def signed_in(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def screen_path(secret: str) -> str:
    return reverse("kiosk:screen", kwargs={"secret": secret})


def secret_in(html: str) -> str:
    """The secret from the address shown on the page."""
    marker = "/screen/"
    start = html.index(marker, html.index('id="screen-address"')) + len(marker)
    return html[start : html.index("/", start)]


@pytest.fixture
def admin() -> Person:
    return communications_admin(username="carla.comms")


def test_a_communications_admin_adds_a_screen_and_sees_its_address_once(admin):
    department = DepartmentFactory(name="Emergency Medicine")
    response = signed_in(admin).post(
        reverse("kiosk:screen_new"),
        {"name": "ED break room", "place": f"department:{department.pk}", "language": ""},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This address is shown only once." in html
    assert "no-store" in response["Cache-Control"]
    secret = secret_in(html)
    assert len(secret) >= 40
    screen = Screen.objects.get()
    assert screen.name == "ED break room"
    assert screen.department == department
    assert screen.site is None
    assert screen.created_by == admin
    # Only the hash is kept: no column holds the secret.
    assert screen.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    row = Screen.objects.filter(pk=screen.pk).values().get()
    assert not any(secret in str(value) for value in row.values())
    entry = AuditEntry.objects.get(action=AuditAction.SCREEN_ADDED)
    assert entry.actor == admin
    assert entry.target_id == str(screen.pk)
    assert secret not in str(entry.data) + entry.summary
    # The address works, without signing in.
    assert Client().get(screen_path(secret)).status_code == 200


def test_the_list_shows_where_each_screen_is_and_what_it_shows(admin):
    site = SiteFactory(name="Northgate Community Hospital")
    make_screen("Northgate canteen", site=site, creator=admin)
    old, _secret = make_screen("Old lobby TV", creator=admin)
    from staffroom.kiosk.services import switch_off_screen

    switch_off_screen(screen=old, editor=admin)
    html = signed_in(admin).get(reverse("kiosk:screen_list")).content.decode()
    assert "Northgate canteen" in html
    assert "Northgate Community Hospital" in html
    assert "Never opened" in html
    assert "Switched off" in html
    # Working screens first.
    assert html.index("Northgate canteen") < html.index("Old lobby TV")


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": "", "place": ""}, "Give the screen a name"),
        ({"name": "   ", "place": ""}, "Give the screen a name"),
        ({"name": "Ward 7 TV", "place": "department:999999"}, "Choose a site or a department"),
        ({"name": "Ward 7 TV", "place": "nonsense"}, "Choose a site or a department"),
        ({"name": "Ward 7 TV", "place": "", "language": "xx"}, "Choose a language"),
        ({"name": "Bed 4 Jane Doe MRN 12345678", "place": ""}, "patient information"),
    ],
)
def test_bad_input_is_refused_with_the_words_kept_and_nothing_made(admin, form, message):
    response = signed_in(admin).post(reverse("kiosk:screen_new"), form)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if form["name"].strip():
        assert f'value="{form["name"]}"' in html
    assert not Screen.objects.exists()


@pytest.mark.parametrize("role", [None, Role.CHANNEL_EDITOR, Role.MODERATOR])
def test_people_who_are_not_the_communications_team_are_refused(role):
    person = PersonFactory()
    if role:
        RoleGrantFactory(person=person, role=role)
    screen, secret = make_screen()
    client = signed_in(person)
    for url in (
        reverse("kiosk:screen_list"),
        reverse("kiosk:screen_new"),
        reverse("kiosk:screen_new_address", args=[screen.pk]),
        reverse("kiosk:screen_switch_off", args=[screen.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "Only the communications team" in response.content.decode()
        if url != reverse("kiosk:screen_list"):
            assert client.post(url, {"name": "Mine", "place": ""}).status_code == 403
    screen.refresh_from_db()
    assert screen.revoked_at is None
    assert Screen.objects.count() == 1
    assert Client().get(screen_path(secret)).status_code == 200


def test_a_site_scoped_communications_admin_is_refused_too():
    site = SiteFactory()
    person = PersonFactory()
    RoleGrantFactory(person=person, role=Role.COMMUNICATIONS_ADMIN, site=site)
    assert signed_in(person).get(reverse("kiosk:screen_list")).status_code == 403


def test_signed_out_people_are_sent_to_sign_in():
    response = Client().get(reverse("kiosk:screen_list"))
    assert response.status_code == 302
    assert "/account/sign-in/" in response["Location"]


def test_administrators_manage_screens(administrator):
    assert signed_in(administrator).get(reverse("kiosk:screen_list")).status_code == 200


def test_a_new_address_stops_the_old_one_at_once(admin):
    screen, old_secret = make_screen(creator=admin)
    client = signed_in(admin)
    confirm = client.get(reverse("kiosk:screen_new_address", args=[screen.pk]))
    assert "stops working at once" in confirm.content.decode()
    response = client.post(reverse("kiosk:screen_new_address", args=[screen.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    new_secret = secret_in(response.content.decode())
    assert new_secret != old_secret
    old = Client().get(screen_path(old_secret))
    assert old.status_code == 404
    assert "This screen has been switched off." in old.content.decode()
    assert Client().get(screen_path(new_secret)).status_code == 200
    assert AuditEntry.objects.filter(
        action=AuditAction.SCREEN_ADDRESS_CHANGED, target_id=str(screen.pk), actor=admin
    ).exists()


def test_switching_off_leaves_the_tv_a_clear_message_and_a_410(admin):
    screen, secret = make_screen("ED break room", creator=admin)
    response = signed_in(admin).post(
        reverse("kiosk:screen_switch_off", args=[screen.pk]), follow=True
    )
    assert "is switched off" in response.content.decode()
    screen.refresh_from_db()
    assert screen.revoked_at is not None
    assert screen.revoked_by == admin
    assert AuditEntry.objects.filter(
        action=AuditAction.SCREEN_SWITCHED_OFF, target_id=str(screen.pk)
    ).exists()
    for path in (screen_path(secret), reverse("kiosk:screen_slides", args=[secret])):
        off = Client().get(path)
        assert off.status_code == 410
        html = off.content.decode()
        assert "This screen has been switched off." in html
        assert "Ask your communications team for a new screen address." in html
        # Nothing else: not even the screen's own name.
        assert "ED break room" not in html


def test_a_switched_off_screen_gets_no_new_address(admin):
    screen, secret = make_screen(creator=admin)
    client = signed_in(admin)
    client.post(reverse("kiosk:screen_switch_off", args=[screen.pk]))
    response = client.post(reverse("kiosk:screen_new_address", args=[screen.pk]), follow=True)
    assert "Add a new screen to show news there again" in response.content.decode()
    screen.refresh_from_db()
    assert Client().get(screen_path(secret)).status_code == 410
    assert not AuditEntry.objects.filter(action=AuditAction.SCREEN_ADDRESS_CHANGED).exists()


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_list_costs_the_same_with_few_or_many_screens(admin):
    client = signed_in(admin)
    make_screen("First", creator=admin)
    _count(client, reverse("kiosk:screen_list"))  # the first request stamps the session
    few = _count(client, reverse("kiosk:screen_list"))
    site = SiteFactory()
    for number in range(30):
        screen, _secret = make_screen(
            f"Screen {number}",
            creator=communications_admin(),
            **({"site": site} if number % 2 else {"department": DepartmentFactory()}),
        )
        if number % 3 == 0:
            from staffroom.kiosk.services import switch_off_screen

            switch_off_screen(screen=screen, editor=communications_admin())
    many = _count(client, reverse("kiosk:screen_list"))
    assert few == many


def test_the_add_form_lists_sites_and_departments_in_a_fixed_number_of_queries(admin):
    client = signed_in(admin)
    DepartmentFactory()
    _count(client, reverse("kiosk:screen_new"))  # the first request stamps the session
    few = _count(client, reverse("kiosk:screen_new"))
    for _number in range(20):
        DepartmentFactory()
    many = _count(client, reverse("kiosk:screen_new"))
    assert few == many
