from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from staffroom.accounts.models import Person


def find_person_signing_in(login: str) -> Person | None:
    """The person a sign-in names: by username or employee ID, ignoring case and spaces."""
    login = login.strip()
    if not login:
        return None
    return (
        Person.objects.filter(username__iexact=login).first()
        or Person.objects.filter(employee_id__iexact=login).first()
    )


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """What django-axes counts failures against: one key per account, however it was typed.

    Without this, "Alice", "alice " and Alice's employee ID would each get their own five
    attempts, and a lockout could be dodged by changing the case.
    """
    typed = (credentials or {}).get("username")
    if typed is None and request is not None:
        typed = request.POST.get("username")
    typed = str(typed or "")
    person = find_person_signing_in(typed)
    return person.username if person else typed.strip().lower()


class PersonBackend(ModelBackend):
    """Username (or employee ID) and password, case-insensitively, for active people.

    Demo accounts, whose passwords are published in the README, work only in demo mode.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Person | None:
        if not username or not password:
            return None
        person = find_person_signing_in(username)
        if person is None:
            # Hash anyway so a missing account takes as long as a wrong password.
            Person().set_password(password)
            return None
        if person.check_password(password) and self.user_can_authenticate(person):
            return person
        return None

    def user_can_authenticate(self, user: Any) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEMO_MODE:
            return False
        return super().user_can_authenticate(user)

    def get_user(self, user_id: int) -> Person | None:
        person = (
            Person.objects.select_related("unit__department__site", "job_family")
            .filter(pk=user_id)
            .first()
        )
        return person if person and self.user_can_authenticate(person) else None
