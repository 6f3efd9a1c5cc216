"""Who may manage break-room screens: communications admins of the whole organisation (and
administrators, who hold every role). A screen shows news to anyone standing in front of
it, so adding one, giving it a new address or switching it off is the communications
team's call, like setting up channels. The screens themselves need no sign-in: their secret
address is the permission (see models.py).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from staffroom.accounts.models import Role
from staffroom.accounts.permissions import has_organisation_wide_role


def can_manage_screens(person: Any) -> bool:
    if not getattr(person, "is_authenticated", False) or not person.is_active:
        return False
    return has_organisation_wide_role(person, Role.COMMUNICATIONS_ADMIN)


def check_manage_screens(person: Any) -> None:
    if not can_manage_screens(person):
        raise PermissionDenied(
            _("Only the communications team can manage break-room screens. Ask them.")
        )
