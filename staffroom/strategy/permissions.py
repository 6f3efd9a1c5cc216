"""Who may do what with the strategic plan.

Everyone active and signed in reads the plan, answers the two questions and takes part in
the discussion. Results (answers by department and job family) are for leadership: the
communications team, analysts, administrators, and the initiative's own owner. Those roles
must be held organisation-wide: a department-scoped grant doesn't open results that cover
every department.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person, Role
from staffroom.accounts.permissions import has_organisation_wide_role
from staffroom.strategy.models import Initiative

RESULTS_ROLES = (Role.COMMUNICATIONS_ADMIN, Role.ANALYST, Role.ADMINISTRATOR)


def _is_active_person(person: Any) -> bool:
    return bool(getattr(person, "is_authenticated", False) and person.is_active)


def can_answer_initiative(person: Person, initiative: Initiative) -> bool:
    return _is_active_person(person)


def check_answer_initiative(person: Person, initiative: Initiative) -> None:
    if not can_answer_initiative(person, initiative):
        raise PermissionDenied(_("Only current staff can answer."))


def can_view_plan_results(person: Person) -> bool:
    """Leadership sees every initiative's results side by side."""
    return _is_active_person(person) and any(
        has_organisation_wide_role(person, role) for role in RESULTS_ROLES
    )


def check_view_plan_results(person: Person) -> None:
    if not can_view_plan_results(person):
        raise PermissionDenied(
            _(
                "Only the communications team, analysts and administrators can see the "
                "plan's results."
            )
        )


def can_view_initiative_results(person: Person, initiative: Initiative) -> bool:
    if not _is_active_person(person):
        return False
    return initiative.owner_id == person.pk or can_view_plan_results(person)


def check_view_initiative_results(person: Person, initiative: Initiative) -> None:
    if not can_view_initiative_results(person, initiative):
        raise PermissionDenied(
            _(
                "Only the initiative's owner, the communications team, analysts and "
                "administrators can see these results."
            )
        )


def can_update_initiative_status(person: Person, initiative: Initiative) -> bool:
    if not _is_active_person(person):
        return False
    return initiative.owner_id == person.pk or has_organisation_wide_role(
        person, Role.COMMUNICATIONS_ADMIN
    )


def check_update_initiative_status(person: Person, initiative: Initiative) -> None:
    if not can_update_initiative_status(person, initiative):
        raise PermissionDenied(
            _("Only the initiative's owner and the communications team can change its status.")
        )


def can_moderate_initiative_discussion(person: Person, initiative: Initiative) -> bool:
    if not _is_active_person(person):
        return False
    return (
        initiative.owner_id == person.pk
        or has_organisation_wide_role(person, Role.COMMUNICATIONS_ADMIN)
        or has_organisation_wide_role(person, Role.MODERATOR)
    )
