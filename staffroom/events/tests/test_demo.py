"""The demo step: town halls in the coming weeks, one for nurses, one for a site, one
cancelled; a second run adds nothing; the cost doesn't grow with the hospital."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.demo.content.events import build_events
from staffroom.demo.hospital import SIZES
from staffroom.demo.plan import HospitalPlan, OrganisationPlan
from staffroom.demo.services import DemoBuild
from staffroom.events.models import Event, Kind
from staffroom.organisation.tests.factories import (
    DepartmentFactory,
    JobFamilyFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db


def _build() -> DemoBuild:
    return DemoBuild(
        size=SIZES["demo"], seed=1, plan=HospitalPlan(OrganisationPlan((), (), ()), ())
    )


@pytest.fixture
def hospital(settings: Any) -> None:
    settings.DEMO_MODE = True
    comms = PersonFactory(username="comms")
    RoleGrantFactory(person=comms, role=Role.COMMUNICATIONS_ADMIN)
    SiteFactory(code="ngh", name="Northgate Community Hospital")
    SiteFactory(code="lcw", name="Lakeside Children's & Women's Hospital")
    DepartmentFactory(code="rgh-emergency", name="Emergency Medicine")
    JobFamilyFactory(code="nursing", name="Nursing")


def test_the_demo_has_town_halls_a_site_briefing_and_a_cancelled_event(hospital: None) -> None:
    build = _build()
    build_events(build)
    events = list(Event.objects.prefetch_related("audience_sites", "audience_job_families"))
    now = timezone.now()
    assert build.created["events"] == len(events) == 8
    assert all(e.starts_at > now for e in events)
    ceo = [e for e in events if e.title.startswith("CEO town hall")]
    assert len(ceo) == 3
    assert all(not e.audience_restricted and e.kind == Kind.TOWN_HALL for e in ceo)
    nursing = [e for e in events if e.title.startswith("Nursing town hall")]
    assert [f.code for e in nursing for f in e.audience_job_families.all()] == ["nursing"] * 2
    site = next(e for e in events if e.title.startswith("Northgate"))
    assert [s.code for s in site.audience_sites.all()] == ["ngh"]
    (cancelled,) = [e for e in events if e.is_cancelled]
    assert cancelled.sequence == 1
    assert all(e.description_html for e in events)


def test_a_second_run_adds_nothing(hospital: None) -> None:
    build_events(_build())
    build_events(_build())
    assert Event.objects.count() == 8


def test_the_step_costs_the_same_for_a_bigger_hospital(
    hospital: None, query_count: Callable[[Callable[[], object]], int]
) -> None:
    PersonFactory.create_batch(3)
    build_events(_build())  # first, once: per-process caches (PHI patterns, audit head)
    Event.objects.all().delete()
    small = query_count(lambda: build_events(_build()))
    Event.objects.all().delete()
    PersonFactory.create_batch(30)
    assert query_count(lambda: build_events(_build())) == small
