"""Who may see and decide on held items. Views call a check_* (or get_*_or_404) first.

Held words are possible patient information: apart from their author, only privacy officers
(an organisation-wide grant, or an administrator) may read them. Everyone else gets a 404,
so not even the existence of a hold is revealed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from staffroom.accounts.models import Role
from staffroom.accounts.permissions import has_organisation_wide_role
from staffroom.core.models import Visibility


def _active(person: Any) -> bool:
    return bool(getattr(person, "is_authenticated", False) and person.is_active)


def can_review_holds(person: Any) -> bool:
    """A privacy officer of the whole organisation (administrators count as one)."""
    return _active(person) and has_organisation_wide_role(person, Role.PRIVACY_OFFICER)


def check_review_holds(person: Any) -> None:
    """404, not 403: the queue's existence is nobody else's business."""
    if not can_review_holds(person):
        raise Http404


def owns_held_item(person: Any, obj: Any, author_id: int) -> bool:
    """`person` wrote `obj`, and it is held (not deleted): they may edit, send or delete it."""
    return (
        _active(person)
        and author_id == person.pk
        and getattr(obj, "visibility", None) == Visibility.HELD
        and getattr(obj, "deleted_at", None) is None
    )


def check_own_held_item(person: Any, obj: Any, author_id: int) -> None:
    if not owns_held_item(person, obj, author_id):
        raise PermissionDenied(_("Only the person who wrote this can change it while it is held."))
