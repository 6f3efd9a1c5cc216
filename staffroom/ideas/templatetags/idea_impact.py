"""The measured impact on the idea page: {% impact_summary impact as summary %} gives the
values as written, the change in per cent and whether it is for the better
(services.impact.summarise_impact)."""

from __future__ import annotations

from django import template

from staffroom.ideas.models import Impact
from staffroom.ideas.services.impact import ImpactSummary, summarise_impact

register = template.Library()


@register.simple_tag
def impact_summary(impact: Impact) -> ImpactSummary:
    return summarise_impact(impact)
