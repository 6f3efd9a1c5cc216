"""Who may read the audit trail: privacy officers and administrators of the whole organisation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person, Role
from staffroom.accounts.permissions import has_organisation_wide_role


def can_view_audit(person: Person) -> bool:
    return has_organisation_wide_role(person, Role.PRIVACY_OFFICER)


def check_view_audit(person: Person) -> None:
    if not can_view_audit(person):
        raise PermissionDenied(
            _("Only privacy officers and administrators can read the audit trail.")
        )
