"""Factories for the strategic plan. Initiatives are made by the service, so each has its
discussion thread and rendered description, as in the running system."""

from __future__ import annotations

from typing import Any

import factory

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.strategy.models import Initiative, Pillar, Plan
from staffroom.strategy.services import create_initiative


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    slug = factory.Sequence(lambda n: f"plan-{n}")
    title = factory.Sequence(lambda n: f"Riverside {2030 + n}")
    summary = "Where the hospital is going, and why."
    body = "We will **listen** to our staff."
    body_html = "<p>We will <strong>listen</strong> to our staff.</p>"
    is_current = False


class PillarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pillar

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Pillar {n}")
    summary = "One of the plan's aims."
    position = factory.Sequence(int)


_sequence = iter(range(10**9))


def initiative(**overrides: Any) -> Initiative:
    """A new initiative through `create_initiative`; any argument may be overridden."""
    n = next(_sequence)
    fields: dict[str, Any] = {
        "title": f"Initiative {n}",
        "slug": f"initiative-{n}",
        "goal": "Cut waiting times in the emergency department by a third.",
        "summary": "A short summary of the initiative.",
        "body": "What we will do, and how.",
    }
    fields.update(overrides)
    if "pillar" not in fields:
        fields["pillar"] = PillarFactory()
    if "owner" not in fields:
        fields["owner"] = PersonFactory(job_title="Chief Operating Officer")
    return create_initiative(**fields)
