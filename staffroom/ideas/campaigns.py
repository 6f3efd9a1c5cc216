"""Who a campaign asks: the same targeting rule as posts (channels.audience), for one
campaign in memory or as a filter. A campaign with no audience asks everyone."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from staffroom.ideas.models import Campaign


def _site_id(person: Any) -> int | None:
    department = person.department if person.department_id else None
    return department.site_id if department is not None else None


def campaign_invites(campaign: Campaign, person: Any) -> bool:
    """Is `person` among those `campaign` asks? (One query per list that is set.)"""
    if not getattr(person, "is_authenticated", False) or not person.is_active:
        return False
    if not campaign.audience_restricted:
        return True
    sites = set(campaign.audience_sites.values_list("pk", flat=True))
    departments = set(campaign.audience_departments.values_list("pk", flat=True))
    families = set(campaign.audience_job_families.values_list("pk", flat=True))
    return (
        (not sites or _site_id(person) in sites)
        and (not departments or person.department_id in departments)
        and (not families or person.job_family_id in families)
    )


def campaigns_inviting(person: Any) -> Q:
    """A filter on Campaign: those that ask `person`."""
    if not getattr(person, "is_authenticated", False) or not person.is_active:
        return Q(pk__in=[])
    condition = Q(audience_restricted=False)
    restricted = Q(audience_restricted=True)
    for relation, value in (
        ("audience_sites", _site_id(person)),
        ("audience_departments", person.department_id),
        ("audience_job_families", person.job_family_id),
    ):
        through = getattr(Campaign, relation).through
        column = next(
            f.attname
            for f in through._meta.get_fields()
            if getattr(f, "many_to_one", False) and f.name != "campaign"
        )
        listed = through.objects.filter(campaign_id=OuterRef("pk"))
        includes = Exists(listed.filter(**{column: value})) if value is not None else Q(pk__in=[])
        restricted &= ~Exists(listed) | includes
    return condition | restricted
