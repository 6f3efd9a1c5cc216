"""Who may do what, asked on the server for every view and action.

`has_role` answers for templates and queries; each `check_*` raises PermissionDenied with a
message a person understands. Views call a `check_*` before any service.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person, Role, RoleGrant
from staffroom.organisation.models import Department


def roles_cache(person: Person) -> set[tuple[str, int | None, int | None]]:
    """All of a person's grants as (role, site_id, department_id), read once per request."""
    cached: set[tuple[str, int | None, int | None]] | None = getattr(person, "_role_cache", None)
    if cached is None:
        cached = set(
            RoleGrant.objects.filter(person=person).values_list("role", "site_id", "department_id")
        )
        person._role_cache = cached  # type: ignore[attr-defined]  # per-request memo on the instance
    return cached


def has_role(person: Person, role: Role, *, department: Department | None = None) -> bool:
    """True if `person` holds `role` organisation-wide, or for `department` or its site.

    Administrators hold every role. Without `department`, any grant of the role counts.
    """
    if not person.is_authenticated or not person.is_active:
        return False
    grants = roles_cache(person)
    for granted, site_id, department_id in grants:
        if granted == Role.ADMINISTRATOR and site_id is None and department_id is None:
            return True
        if granted != role:
            continue
        if department is None:
            return True
        if site_id is None and department_id is None:
            return True
        if department_id == department.pk or site_id == department.site_id:
            return True
    return False


def has_organisation_wide_role(person: Person, role: Role) -> bool:
    """True only for a grant with no site and no department (or an organisation-wide admin)."""
    if not person.is_authenticated or not person.is_active:
        return False
    grants = roles_cache(person)
    return (role, None, None) in grants or (Role.ADMINISTRATOR, None, None) in grants


def is_administrator(person: Person) -> bool:
    """An administrator of the whole organisation: a department or site grant isn't enough."""
    return has_organisation_wide_role(person, Role.ADMINISTRATOR)


def check_manage_directory(person: Person) -> None:
    if not is_administrator(person):
        raise PermissionDenied(
            _("Only administrators can import the staff directory. Ask your IT team.")
        )


def may_see_withheld(person: Person, visibility: str) -> bool:
    """May `person` read items others can't see (core.models.Visibility), to review them?

    Held and removed items hold possible patient information: privacy officers only.
    Hidden items wait for a moderator: moderators and privacy officers.
    """
    from staffroom.core.models import Visibility

    if visibility == Visibility.VISIBLE:
        return True
    if has_organisation_wide_role(person, Role.PRIVACY_OFFICER):
        return True
    return visibility == Visibility.HIDDEN and has_organisation_wide_role(person, Role.MODERATOR)


def check_erase_person(person: Person) -> None:
    """Erasing someone's personal data is for administrators of the whole organisation."""
    if not is_administrator(person):
        raise PermissionDenied(_("Only administrators can erase a person's data."))
