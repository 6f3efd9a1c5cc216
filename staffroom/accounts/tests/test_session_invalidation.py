"""An old session cookie stops working after sign-out, a password change or reset, and
deactivation (issue 4, security baseline).

Each test keeps a copy of the session cookie from before the event and replays it from a
fresh client afterwards, as someone who had copied it (or the browser left on a ward
computer) would: the next request with it must be anonymous.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user
from django.test import Client
from django.urls import reverse

from conftest import ReceivedMail
from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PASSWORD, PersonFactory
from staffroom.organisation.services.directory_import import apply_directory_file
from staffroom.organisation.tests.factories import JobFamilyFactory, UnitFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
HOME = reverse("channels:feed")


def signed_in_client(person: Person, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": person.username, "password": password})
    assert response.status_code == 302, "the sign-in should have worked"
    assert get_user(client).is_authenticated
    return client


def session_cookie(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def replay(cookie: str) -> Client:
    """A fresh browser that presents only the old session cookie."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    return client


def assert_anonymous(client: Client) -> None:
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not get_user(client).is_authenticated


def test_a_session_cookie_works_until_something_ends_it(person: Person) -> None:
    # The control for every test below: replaying a live cookie does sign the request in.
    cookie = session_cookie(signed_in_client(person))
    assert replay(cookie).get(HOME).status_code == 200


def test_after_signing_out_the_old_session_cookie_is_anonymous(person: Person) -> None:
    client = signed_in_client(person)
    cookie = session_cookie(client)
    client.post(reverse("accounts:logout"))
    assert_anonymous(replay(cookie))


def test_changing_the_password_keeps_this_session_and_ends_every_other_one(
    person: Person,
) -> None:
    elsewhere = session_cookie(signed_in_client(person))
    client = signed_in_client(person)
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
    assert_anonymous(replay(elsewhere))


def test_resetting_the_password_by_email_ends_every_existing_session(
    person: Person, smtp_server: ReceivedMail
) -> None:
    # Someone who lost their phone resets their password: the phone's session must die.
    lost_phone = session_cookie(signed_in_client(person))
    client = Client()
    client.post(reverse("accounts:password_reset"), {"email": person.email})
    body = smtp_server.last().get_body(preferencelist=("plain",))
    assert body is not None
    link = re.search(r"https?://[^/\s]+(/account/password/reset/\S+/)", body.get_content())
    assert link
    set_url = client.get(link.group(1), follow=True).redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "a fresh passphrase", "new_password2": "a fresh passphrase"}
    )
    assert done.status_code == 302
    assert_anonymous(replay(lost_phone))


def test_a_person_deactivated_in_the_technical_admin_is_signed_out_at_once(
    person: Person, administrator: Person
) -> None:
    cookie = session_cookie(signed_in_client(person))
    admin = Client()
    admin.force_login(administrator)
    Person.objects.filter(pk=administrator.pk).update(is_staff=True, is_superuser=True)
    change_url = reverse("admin:accounts_person_change", args=[person.pk])
    form = admin.get(change_url)
    assert form.status_code == 200
    data: dict[str, Any] = {
        key: value
        for key, value in _form_values(form.content.decode()).items()
        if key != "is_active"
    }
    response = admin.post(change_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert not person.is_active
    assert_anonymous(replay(cookie))


def test_a_person_the_directory_import_marks_as_left_is_signed_out_at_once() -> None:
    JobFamilyFactory(code="nursing")
    unit = UnitFactory(code="4-west")
    columns = "employee_id,first_name,last_name,email,job_title,job_family,unit,status\r\n"

    def line(n: int) -> str:
        return (
            f"H{n:05d},Ana,Garcia{n},ana{n}@riverside.example,Nurse,nursing,{unit.code},active\r\n"
        )

    apply_directory_file(
        data=(columns + line(1) + line(2)).encode(), full_snapshot=True, actor=None
    )
    leaver = Person.objects.get(employee_id="H00001")
    client = Client()
    client.force_login(leaver)
    cookie = session_cookie(client)
    assert replay(cookie).get(HOME).status_code == 200

    # The next full file leaves them out: they have left the hospital.
    result = apply_directory_file(data=(columns + line(2)).encode(), full_snapshot=True, actor=None)
    assert result.deactivated == 1
    assert_anonymous(replay(cookie))


def test_a_deactivated_person_cannot_sign_back_in_with_their_password() -> None:
    leaver = PersonFactory()
    Person.objects.filter(pk=leaver.pk).update(is_active=False)
    response = Client().post(LOGIN, {"username": leaver.username, "password": PASSWORD})
    assert response.status_code == 200  # the form again, with an error; no session
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def _form_values(html: str) -> dict[str, str]:
    """The values a browser would submit from the admin change form (inputs and selects)."""
    values: dict[str, str] = {}
    for match in re.finditer(r"<input[^>]*>", html):
        tag = match.group(0)
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="submit"' in tag or 'type="file"' in tag:
            continue
        if 'type="checkbox"' in tag:
            if "checked" in tag:
                values[name.group(1)] = "on"
            continue
        value = re.search(r'value="([^"]*)"', tag)
        values[name.group(1)] = value.group(1) if value else ""
    for match in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.DOTALL):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', match.group(2))
        values[match.group(1)] = chosen.group(1) if chosen else ""
    textarea = r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>'
    for match in re.finditer(textarea, html, re.DOTALL):
        values[match.group(1)] = match.group(2).strip()
    return values
