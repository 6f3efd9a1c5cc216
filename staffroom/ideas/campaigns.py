"""Who a campaign asks: the targeting rule of posts (staffroom.organisation.audience), for
one campaign in memory or as a filter. A campaign with no audience asks everyone."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from staffroom.ideas.models import Campaign
from staffroom.organisation.audience import audience_filter, in_audience


def campaign_invites(campaign: Campaign, person: Any) -> bool:
    """Is `person` among those `campaign` asks? (One query per list that is set.)"""
    if not getattr(person, "is_authenticated", False) or not person.is_active:
        return False
    if not campaign.audience_restricted:
        return True
    return in_audience(
        person,
        restricted=True,
        sites=set(campaign.audience_sites.values_list("pk", flat=True)),
        departments=set(campaign.audience_departments.values_list("pk", flat=True)),
        job_families=set(campaign.audience_job_families.values_list("pk", flat=True)),
    )


def campaigns_inviting(person: Any) -> Q:
    """A filter on Campaign: those that ask `person`."""
    return audience_filter(Campaign, person)
