"""Who may see and act on the background work: administrators of the whole organisation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person
from staffroom.accounts.permissions import is_administrator


def can_view_jobs(person: Person) -> bool:
    return is_administrator(person)


def check_view_jobs(person: Person) -> None:
    if not can_view_jobs(person):
        raise PermissionDenied(_("Only administrators can see the background jobs."))


def check_retry_delivery(person: Person) -> None:
    if not can_view_jobs(person):
        raise PermissionDenied(_("Only administrators can retry a failed delivery."))
