"""Riverside Health, the demo health system: its sites, departments, units and demo logins.

Everything in this package is data. `plan.py` turns it into rows and `services.py` writes
them. The structure comes in two tiers. The demo tier is what `make run` loads: three
hospitals and the departments a newcomer expects to find. The large tier adds the rest of a
big academic system (more wards, clinics, back-office departments) so that benchmarks see
about 400 units. A large build always contains the demo build unchanged, which is why every
unit and department says which tier it belongs to instead of each size listing its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from staffroom.demo.hospital.accounts import DEMO_ACCOUNTS, DemoAccount, Grant, Seat
from staffroom.demo.hospital.lakeside import LAKESIDE_CHILDRENS_WOMENS
from staffroom.demo.hospital.northgate import NORTHGATE_COMMUNITY
from staffroom.demo.hospital.riverside_general import RIVERSIDE_GENERAL
from staffroom.demo.hospital.structure import (
    DEMO_TIER,
    LARGE_TIER,
    DepartmentSpec,
    ExecutiveSpec,
    SiteSpec,
    UnitSpec,
)

ORGANISATION_NAME = "Riverside Health"
EMAIL_DOMAIN = "riverside-health.example"
EMPLOYEE_ID_PREFIX = "RH"
# Published in the README; it only works while DEMO_MODE is on (see accounts.backends).
DEMO_PASSWORD = "riverside-demo"  # noqa: S105  # a published demo password, on purpose
DEFAULT_SEED = 1848


@dataclass(frozen=True)
class DemoSize:
    """How much to build: the structure up to `tier`, and `people` people in total."""

    name: str
    people: int
    tier: int


SIZES: dict[str, DemoSize] = {
    "demo": DemoSize("demo", people=400, tier=DEMO_TIER),
    "large": DemoSize("large", people=80_000, tier=LARGE_TIER),
}
# A larger tier is built on top of the smaller one at that one's standard size, so the
# people of a demo build keep their employee IDs when the same database grows to large.
TIER_BASE_PEOPLE: dict[int, int] = {DEMO_TIER: SIZES["demo"].people}

SITES: tuple[SiteSpec, ...] = (RIVERSIDE_GENERAL, NORTHGATE_COMMUNITY, LAKESIDE_CHILDRENS_WOMENS)

__all__ = [
    "DEFAULT_SEED",
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "DEMO_TIER",
    "EMAIL_DOMAIN",
    "EMPLOYEE_ID_PREFIX",
    "LARGE_TIER",
    "ORGANISATION_NAME",
    "SITES",
    "SIZES",
    "TIER_BASE_PEOPLE",
    "DemoAccount",
    "DemoSize",
    "DepartmentSpec",
    "ExecutiveSpec",
    "Grant",
    "Seat",
    "SiteSpec",
    "UnitSpec",
]
