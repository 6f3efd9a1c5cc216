"""The per-item safety links (Flag; Moderate; Mark as patient information) and who gets them.

Used by the post page (templatetags/moderation.py) and by the cached comment list
(discussion.rendering fills them in per viewer).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from staffroom.accounts.models import Role, RoleGrant


@dataclass(frozen=True)
class SafetyRoles:
    moderator: bool = False
    privacy_officer: bool = False


def safety_roles(person_id: int) -> SafetyRoles:
    """Is this person a moderator, a privacy officer (organisation-wide; see permissions)?

    One query, for callers that have only the viewer's id (the cached comment list).
    """
    roles = set(
        RoleGrant.objects.filter(
            person_id=person_id,
            person__is_active=True,
            site__isnull=True,
            department__isnull=True,
            role__in=[Role.MODERATOR, Role.PRIVACY_OFFICER, Role.ADMINISTRATOR],
        ).values_list("role", flat=True)
    )
    admin = Role.ADMINISTRATOR in roles
    return SafetyRoles(
        moderator=admin or Role.MODERATOR in roles,
        privacy_officer=admin or Role.PRIVACY_OFFICER in roles,
    )


def flag_url(kind: str, item_id: int) -> str:
    return reverse("moderation:flag", kwargs={"kind": kind, "item_id": item_id})


def moderate_url(kind: str, item_id: int) -> str:
    return reverse("moderation:item", kwargs={"kind": kind, "item_id": item_id})


def mark_phi_url(kind: str, item_id: int) -> str:
    """The privacy officers' page for marking a published item as patient information."""
    return reverse("privacy:mark_phi", kwargs={"kind": kind, "item_id": item_id})
