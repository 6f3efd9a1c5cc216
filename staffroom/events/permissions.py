"""Who may do what with events.

Every active member of staff reads the events that are for them. Creating, changing and
cancelling events is the communications team's (and administrators'), held organisation-wide:
they also see every event whatever its audience, to check what they published.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person, Role
from staffroom.accounts.permissions import has_organisation_wide_role
from staffroom.events.models import Event


def _active(person: Any) -> bool:
    return bool(getattr(person, "is_authenticated", False) and person.is_active)


def can_manage_events(person: Any) -> bool:
    return _active(person) and has_organisation_wide_role(person, Role.COMMUNICATIONS_ADMIN)


def check_manage_events(person: Person) -> None:
    if not can_manage_events(person):
        raise PermissionDenied(
            _("Only the communications team can set up, change or cancel events.")
        )


def can_see_event(person: Any, event: Event) -> bool:
    from staffroom.events.audience import person_in_audience

    if not _active(person):
        return False
    return can_manage_events(person) or person_in_audience(person, event)


def get_visible_event_or_404(person: Person, pk: int) -> Event:
    """The event, if `person` may see it; 404 otherwise (as if it didn't exist)."""
    event = (
        Event.objects.select_related("created_by")
        .prefetch_related("audience_sites", "audience_departments", "audience_job_families")
        .filter(pk=pk)
        .first()
    )
    if event is None or not can_see_event(person, event):
        raise Http404
    return event
