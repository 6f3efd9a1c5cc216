from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.contrib.auth import get_user
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import ReceivedMail
from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
# The technical admin's person form carries an inline list of role grants; here, empty.
NO_ROLE_GRANTS = {
    "role_grants-TOTAL_FORMS": "0",
    "role_grants-INITIAL_FORMS": "0",
    "role_grants-MIN_NUM_FORMS": "0",
    "role_grants-MAX_NUM_FORMS": "1000",
}
HOME = reverse("channels:feed")


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_a_person_signs_in_with_username_and_password(client: Client, person: Person) -> None:
    response = sign_in(client, person.username)
    assert response.status_code == 302
    assert response.url == HOME
    assert get_user(client).pk == person.pk


def test_the_username_is_not_case_sensitive(client: Client, person: Person) -> None:
    assert sign_in(client, person.username.upper()).status_code == 302


def test_a_person_can_sign_in_with_their_employee_id(client: Client, person: Person) -> None:
    assert person.employee_id
    assert sign_in(client, person.employee_id).status_code == 302


def test_a_wrong_password_gets_a_plain_message_and_keeps_the_username(
    client: Client, person: Person
) -> None:
    response = sign_in(client, person.username, "not the password")
    assert response.status_code == 200
    body = response.content.decode()
    assert "That username and password don&#x27;t match" in body
    assert f'value="{person.username}"' in body
    assert not get_user(client).is_authenticated


def test_someone_who_has_left_cannot_sign_in(client: Client) -> None:
    leaver = PersonFactory(is_active=False)
    response = sign_in(client, leaver.username)
    assert response.status_code == 200
    assert not get_user(client).is_authenticated


def test_a_directory_person_without_a_password_cannot_sign_in_with_an_empty_one(
    client: Client,
) -> None:
    newcomer = Person.objects.create_user("newcomer", first_name="New", last_name="Comer")
    assert not newcomer.has_usable_password()
    assert sign_in(client, "newcomer", "").status_code == 200
    assert not get_user(client).is_authenticated


def test_demo_accounts_cannot_sign_in_outside_demo_mode(client: Client, settings: Any) -> None:
    demo = PersonFactory(is_demo=True)
    settings.DEMO_MODE = False
    assert sign_in(client, demo.username).status_code == 200
    assert not get_user(client).is_authenticated
    settings.DEMO_MODE = True
    assert sign_in(client, demo.username).status_code == 302


def test_repeated_failures_lock_the_account_before_any_password_is_checked(
    client: Client, person: Person, settings: Any
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, person.username, "wrong")
    with mock.patch.object(Person, "check_password", autospec=True) as check_password:
        response = sign_in(client, person.username)
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    check_password.assert_not_called()
    assert not get_user(client).is_authenticated


def test_a_lockout_expires_after_the_cool_off(
    client: Client, person: Person, settings: Any
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, person.username, "wrong")
    assert sign_in(client, person.username).status_code == 429
    later = timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert sign_in(client, person.username).status_code == 302


def test_a_lockout_of_one_account_does_not_lock_out_a_colleague_on_the_same_computer(
    client: Client, person: Person, settings: Any
) -> None:
    colleague = PersonFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, person.username, "wrong")
    assert sign_in(client, colleague.username).status_code == 302


def test_an_idle_session_is_signed_out_with_a_message(client: Client, person: Person) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, person.username)
        assert client.get(HOME).status_code == 200
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        signed_out = client.get(HOME)
        response = client.get(signed_out["Location"], follow=True)
    assert signed_out["Location"].startswith(LOGIN)
    # Posts kept for offline reading go with the session (decision 25).
    assert signed_out["Clear-Site-Data"] == '"cache", "storage"'
    assert "signed out after 60 minutes without activity" in response.content.decode()
    assert not get_user(client).is_authenticated


def test_activity_keeps_a_session_alive(client: Client, person: Person) -> None:
    start = timezone.now()
    sign_in_time = start
    with time_machine.travel(sign_in_time, tick=False):
        sign_in(client, person.username)
    for minutes in (40, 80, 120):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get(HOME).status_code == 200


def test_a_shared_computer_signs_out_sooner(client: Client, person: Person) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        response = sign_in(client, person.username, shared_device="on")
        assert response.cookies["staffroom_shared_device"].value == "1"
        client.get(HOME)
    with time_machine.travel(start + timedelta(minutes=11), tick=False):
        assert client.get(HOME).status_code == 302
    # The next sign-in on this computer finds the box already ticked.
    page = client.get(LOGIN).content.decode()
    assert re.search(r'name="shared_device"[^>]*checked', page)


def test_signing_out_ends_the_session(client: Client, person: Person) -> None:
    sign_in(client, person.username)
    response = client.post(reverse("accounts:logout"), follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "You&#x27;re signed out." in response.content.decode()
    assert not get_user(client).is_authenticated
    assert client.get(HOME).status_code == 302


def test_signing_out_is_refused_by_get(client: Client, person: Person) -> None:
    sign_in(client, person.username)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert get_user(client).is_authenticated


def _reset_link(mail: ReceivedMail) -> str:
    body = mail.last().get_body(preferencelist=("plain",))
    assert body is not None
    match = re.search(r"https?://[^/\s]+(/account/password/reset/\S+/)", body.get_content())
    assert match, "No reset link in the email"
    return match.group(1)


def test_a_password_reset_email_arrives_over_smtp_and_the_link_sets_a_new_password(
    client: Client, person: Person, smtp_server: ReceivedMail
) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": person.email.upper()})
    assert response.status_code == 302
    message = smtp_server.last()
    assert message["To"] == person.email
    assert "Choose a new Staffroom password" in message["Subject"]
    assert message.get_body(preferencelist=("html",)) is not None

    confirm = client.get(_reset_link(smtp_server), follow=True)
    assert "Choose a new password" in confirm.content.decode()
    set_url = confirm.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    assert done.status_code == 302
    client.logout()
    assert sign_in(client, person.username, "a brand new passphrase").status_code == 302


def test_a_person_without_a_password_can_set_a_first_one_by_email(
    client: Client, smtp_server: ReceivedMail
) -> None:
    newcomer = Person.objects.create_user(
        "newcomer", first_name="New", last_name="Comer", email="new.comer@riverside.example"
    )
    client.post(reverse("accounts:password_reset"), {"email": newcomer.email})
    assert len(smtp_server.messages) == 1


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    client: Client, smtp_server: ReceivedMail
) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert smtp_server.messages == []


def test_an_expired_reset_link_says_so_and_changes_nothing(
    client: Client, person: Person, smtp_server: ReceivedMail, settings: Any
) -> None:
    old_hash = person.password
    client.post(reverse("accounts:password_reset"), {"email": person.email})
    link = _reset_link(smtp_server)
    later = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with time_machine.travel(later, tick=False):
        response = client.get(link, follow=True)
    assert "This link has expired or was already used" in response.content.decode()
    person.refresh_from_db()
    assert person.password == old_hash


def test_a_reset_link_works_only_once(
    client: Client, person: Person, smtp_server: ReceivedMail
) -> None:
    client.post(reverse("accounts:password_reset"), {"email": person.email})
    link = _reset_link(smtp_server)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(
        set_url, {"new_password1": "first new passphrase", "new_password2": "first new passphrase"}
    )
    again = Client().get(link, follow=True)
    assert "This link has expired or was already used" in again.content.decode()


def test_changing_the_password_signs_out_other_sessions(client: Client, person: Person) -> None:
    other = Client()
    sign_in(other, person.username)
    sign_in(client, person.username)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    assert other.get(HOME).status_code == 302


def test_a_person_deactivated_by_the_directory_is_signed_out_at_once(
    client: Client, person: Person
) -> None:
    sign_in(client, person.username)
    assert client.get(HOME).status_code == 200
    Person.objects.filter(pk=person.pk).update(is_active=False)
    assert client.get(HOME).status_code == 302
    assert not get_user(client).is_authenticated


def test_changing_the_case_or_using_the_employee_id_does_not_dodge_a_lockout(
    client: Client, person: Person, settings: Any
) -> None:
    assert person.employee_id
    variants = [person.username.upper(), f" {person.username} ", person.employee_id.lower()]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, variants[attempt % len(variants)], "wrong")
    for login in (person.username, person.username.title(), person.employee_id):
        assert sign_in(client, login).status_code == 429


def test_a_username_added_with_capitals_in_the_technical_admin_can_sign_in(
    client: Client,
) -> None:
    it_admin = PersonFactory(is_staff=True, is_superuser=True)
    client.force_login(it_admin)
    response = client.post(
        reverse("admin:accounts_person_add"),
        {
            "username": "Bob.Smith",
            "first_name": "Bob",
            "last_name": "Smith",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
            **NO_ROLE_GRANTS,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Person.objects.filter(username="bob.smith").exists()
    client.logout()
    assert sign_in(client, "Bob.Smith", "a long enough passphrase").status_code == 302


def test_two_accounts_cannot_differ_only_by_case(client: Client, person: Person) -> None:
    it_admin = PersonFactory(is_staff=True, is_superuser=True)
    client.force_login(it_admin)
    response = client.post(
        reverse("admin:accounts_person_add"),
        {
            "username": person.username.upper(),
            "first_name": "Other",
            "last_name": "Person",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
            **NO_ROLE_GRANTS,
        },
    )
    assert response.status_code == 200
    assert "Someone already has that username." in response.content.decode()


def test_even_an_active_session_ends_after_the_maximum_age(
    client: Client, person: Person, settings: Any
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, person.username)
    hours = settings.SESSION_COOKIE_AGE // 3600
    for minutes in range(30, hours * 60, 30):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get(HOME).status_code == 200
    with time_machine.travel(start + timedelta(hours=hours, minutes=5), tick=False):
        response = client.get(HOME, follow=True)
    assert f"sessions end after {hours} hours" in response.content.decode()
    assert not get_user(client).is_authenticated


def test_a_password_reset_lifts_a_lockout(
    client: Client, person: Person, smtp_server: ReceivedMail, settings: Any
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, person.username, "wrong")
    assert sign_in(client, person.username).status_code == 429
    client.post(reverse("accounts:password_reset"), {"email": person.email})
    set_url = client.get(_reset_link(smtp_server), follow=True).redirect_chain[-1][0]
    client.post(
        set_url, {"new_password1": "fresh passphrase 42", "new_password2": "fresh passphrase 42"}
    )
    assert sign_in(client, person.username, "fresh passphrase 42").status_code == 302


def test_reset_links_use_the_configured_public_address_not_the_host_header(
    client: Client, person: Person, smtp_server: ReceivedMail, settings: Any
) -> None:
    settings.SITE_URL = "https://staffroom.hospital.example"
    client.post(
        reverse("accounts:password_reset"), {"email": person.email}, HTTP_HOST="evil.example"
    )
    body = smtp_server.last().get_body(preferencelist=("plain",))
    assert body is not None
    assert "https://staffroom.hospital.example/account/password/reset/" in body.get_content()
    assert "evil.example" not in body.get_content()


def test_a_reset_email_is_written_in_the_recipients_language(
    client: Client, smtp_server: ReceivedMail
) -> None:
    rosa = PersonFactory(preferred_language="es")
    client.post(reverse("accounts:password_reset"), {"email": rosa.email})
    message = smtp_server.last()
    assert "contraseña" in message["Subject"].lower()
