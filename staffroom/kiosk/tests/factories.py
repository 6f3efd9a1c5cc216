"""Screens for tests, made by the service (so each has a real secret and an audit entry)."""

from __future__ import annotations

from typing import Any

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.kiosk.models import Screen
from staffroom.kiosk.services import create_screen


def communications_admin(**fields: Any) -> Person:
    person = PersonFactory(**fields)
    RoleGrantFactory(person=person, role=Role.COMMUNICATIONS_ADMIN)
    return person


def make_screen(name: str = "ED break room", **fields: Any) -> tuple[Screen, str]:
    """A working screen and its secret."""
    creator = fields.pop("creator", None) or communications_admin()
    return create_screen(creator=creator, name=name, **fields)
