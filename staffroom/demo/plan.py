"""Turn the Riverside Health tables into rows, without touching the database.

`plan_hospital(size, seed=…, today=…)` returns the same sites, departments, units and people
for the same arguments, so the build can be repeated and checked. The reporting lines are
a tree by construction: executives answer to executives listed before them, directors to an
executive, unit managers to their director and staff to their unit's leader, and every row
carries its depth (`level`) so the build can insert managers before the people who report
to them.

Each tier gets its own random stream and its own block of employee IDs, so the people of a
demo build are exactly the first people of a large build: growing a database from demo to
large adds people and never renames anyone.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from faker import Faker

from staffroom.demo.hospital import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_TIER,
    EMAIL_DOMAIN,
    EMPLOYEE_ID_PREFIX,
    SITES,
    TIER_BASE_PEOPLE,
    DemoAccount,
    DemoSize,
    DepartmentSpec,
    SiteSpec,
)
from staffroom.demo.staffing import LEADERSHIP, PROFILES, SHIFT_MIXES

CODE_MAX_LENGTH = 40  # Department.code and Unit.code
PEOPLE_PER_TIER_LIMIT = 99_999  # employee IDs are six digits, one block of 100,000 per tier

# A US health system: about a quarter of staff have Hispanic names, and about four in ten
# of those (a tenth of everyone) read Staffroom in Spanish.
SPANISH_NAME_SHARE = 0.25
SPANISH_READER_SHARE = 0.4
LEAVER_SHARE = 0.03  # people who left in the last eighteen months, to show leavers
LEFT_WITHIN_DAYS = 540
LONGEST_SERVICE_DAYS = 30 * 365
NURSING_FEMALE_SHARE = 0.88
OTHER_FEMALE_SHARE = 0.55


@dataclass(frozen=True, slots=True)
class PlannedSite:
    code: str
    name: str
    city: str


@dataclass(frozen=True, slots=True)
class PlannedDepartment:
    code: str
    site_code: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class PlannedUnit:
    code: str
    department_code: str
    name: str
    profile: str
    weight: float
    tier: int


@dataclass(frozen=True, slots=True)
class PlannedPerson:
    employee_id: str
    username: str
    first_name: str
    last_name: str
    email: str
    job_title: str
    job_family: str
    unit_code: str
    manager_employee_id: str | None
    level: int
    shift_pattern: str
    preferred_language: str
    hired_on: date
    left_on: date | None
    demo_account: str | None  # the demo login's username, for the accounts in DEMO_ACCOUNTS

    @property
    def is_active(self) -> bool:
        return self.left_on is None


@dataclass(frozen=True)
class OrganisationPlan:
    sites: tuple[PlannedSite, ...]
    departments: tuple[PlannedDepartment, ...]
    units: tuple[PlannedUnit, ...]


@dataclass(frozen=True)
class HospitalPlan:
    organisation: OrganisationPlan
    people: tuple[PlannedPerson, ...]


def department_code(site: SiteSpec, department: DepartmentSpec) -> str:
    return f"{site.code}-{department.slug}"


def plan_organisation(tier: int) -> OrganisationPlan:
    """Every site, department and unit of the structure up to `tier`."""
    sites = tuple(PlannedSite(s.code, s.name, s.city) for s in SITES)
    departments: list[PlannedDepartment] = []
    units: list[PlannedUnit] = []
    for site in SITES:
        for spec in site.departments:
            if spec.tier > tier:
                continue
            code = department_code(site, spec)
            departments.append(PlannedDepartment(code, site.code, spec.name, spec.description))
            units.extend(
                PlannedUnit(
                    f"{site.code}-{u.slug}",
                    code,
                    u.name,
                    u.profile,
                    u.weight,
                    max(u.tier, spec.tier),
                )
                for u in spec.units
                if u.tier <= tier
            )
    _check_codes([d.code for d in departments], "department")
    _check_codes([u.code for u in units], "unit")
    return OrganisationPlan(sites, tuple(departments), tuple(units))


def _check_codes(codes: list[str], what: str) -> None:
    too_long = [code for code in codes if len(code) > CODE_MAX_LENGTH]
    if too_long:
        raise ValueError(f"These {what} codes are over {CODE_MAX_LENGTH} characters: {too_long}")
    if len(set(codes)) != len(codes):
        raise ValueError(f"Two {what}s share a code.")


def plan_hospital(size: DemoSize, *, seed: int, today: date) -> HospitalPlan:
    """The whole hospital for `size`: its structure and everyone in it.

    `today` anchors hiring and leaving dates; names, IDs and posts depend only on the seed.
    """
    organisation = plan_organisation(size.tier)
    names = _NamePool(seed)
    emails = _EmailBook()
    people: list[PlannedPerson] = []
    leaders: dict[str, PlannedPerson] = {}  # "unit:<code>", "department:<code>", "exec:<key>"
    for tier in range(size.tier + 1):
        target = size.people if tier == size.tier else TIER_BASE_PEOPLE[tier]
        maker = _PersonMaker(
            tier=tier,
            rng=random.Random(f"riverside-health:{seed}:{tier}"),
            names=names,
            emails=emails,
            today=today,
        )
        _plan_leaders(tier, maker, leaders)
        _plan_staff(tier, target - len(people), organisation, maker, leaders)
        people.extend(maker.people)
    unseated = {a.username for a in DEMO_ACCOUNTS} - {p.demo_account for p in people}
    if unseated:
        raise ValueError(f"These demo accounts' seats aren't in the structure: {sorted(unseated)}")
    return HospitalPlan(organisation, tuple(people))


def _plan_leaders(tier: int, maker: _PersonMaker, leaders: dict[str, PlannedPerson]) -> None:
    """Executives, department directors and unit managers for the structure new at `tier`."""
    seats = {(a.seat.kind, a.seat.code): a for a in DEMO_ACCOUNTS}
    for site in SITES:
        office = next(d for d in site.departments if d.executive_office)
        office_unit = f"{site.code}-{office.units[0].slug}"
        if tier == DEMO_TIER:
            for executive in site.executives:
                boss = leaders[f"exec:{executive.reports_to}"] if executive.reports_to else None
                leaders[f"exec:{executive.key}"] = maker.person(
                    job_title=executive.title,
                    family=LEADERSHIP,
                    shifts="office",
                    unit_code=office_unit,
                    manager=boss,
                    account=seats.get(("executive", executive.key)),
                )
        president = leaders[f"exec:{_executive_key(site, 'president')}"]
        for spec in site.departments:
            code = department_code(site, spec)
            if spec.tier == tier:
                if spec.executive_office:
                    director = president
                else:
                    director = maker.person(
                        job_title=spec.director_title,
                        family=LEADERSHIP,
                        shifts="office",
                        unit_code=f"{site.code}-{spec.units[0].slug}",
                        manager=leaders[f"exec:{_executive_key(site, spec.reports_to)}"],
                        account=seats.get(("director", code)),
                    )
                leaders[f"department:{code}"] = director
                # The director runs the department's first unit directly.
                leaders[f"unit:{site.code}-{spec.units[0].slug}"] = director
            leader = leaders.get(f"department:{code}")
            if leader is None:  # a department of a larger tier than this one
                continue
            for unit_spec in spec.units[1:]:
                if max(unit_spec.tier, spec.tier) != tier:
                    continue
                unit_code = f"{site.code}-{unit_spec.slug}"
                profile = PROFILES[unit_spec.profile]
                leaders[f"unit:{unit_code}"] = maker.person(
                    job_title=profile.manager_title,
                    family=profile.manager_family,
                    shifts=profile.manager_shifts,
                    unit_code=unit_code,
                    manager=leader,
                    account=seats.get(("manager", unit_code)),
                )


def _executive_key(site: SiteSpec, function: str) -> str:
    """The executive at `site` who answers for `function`; the site's president otherwise."""
    for wanted in (function, "president"):
        for executive in site.executives:
            if executive.function == wanted:
                return executive.key
    raise ValueError(f"{site.name} has no president.")


def _plan_staff(
    tier: int,
    budget: int,
    organisation: OrganisationPlan,
    maker: _PersonMaker,
    leaders: dict[str, PlannedPerson],
) -> None:
    """Spread `budget` people, leaders included, over the units by their weights."""
    units = [u for u in organisation.units if u.tier <= tier]
    staff_total = budget - len(maker.people)
    if staff_total < 0:
        raise ValueError(
            f"{budget} people are too few for this size: its structure needs "
            f"{len(maker.people)} executives, directors and managers."
        )
    if len(maker.people) + max(staff_total, 0) > PEOPLE_PER_TIER_LIMIT:
        raise ValueError(f"A tier holds at most {PEOPLE_PER_TIER_LIMIT} people.")
    demo_staff: dict[str, list[DemoAccount]] = {}
    if tier == DEMO_TIER:
        for account in DEMO_ACCOUNTS:
            if account.seat.kind == "staff":
                demo_staff.setdefault(account.seat.code, []).append(account)
    counts = dict.fromkeys((u.code for u in units), 0)
    # Demo logins first, then one person in every new unit, so no unit is only its manager.
    for code, accounts in demo_staff.items():
        counts[code] = len(accounts)
    new_units = [u for u in units if u.tier == tier and counts[u.code] == 0]
    remaining = staff_total - sum(counts.values())
    if remaining >= len(new_units):
        for u in new_units:
            counts[u.code] = 1
        remaining -= len(new_units)
    for u, extra in zip(
        units, apportion(max(remaining, 0), [u.weight for u in units]), strict=True
    ):
        counts[u.code] += extra
    for u in units:
        leader = leaders[f"unit:{u.code}"]
        accounts = demo_staff.get(u.code, [])
        for account in accounts:
            maker.person(
                job_title=account.job_title,
                family=account.job_family,
                shifts="office",
                unit_code=u.code,
                manager=leader,
                account=account,
            )
        profile = PROFILES[u.profile]
        jobs = [
            job
            for job, n in zip(
                profile.jobs,
                apportion(counts[u.code] - len(accounts), [j.weight for j in profile.jobs]),
                strict=True,
            )
            for _ in range(n)
        ]
        maker.rng.shuffle(jobs)
        for job in jobs:
            maker.person(
                job_title=job.title,
                family=job.family,
                shifts=job.shifts,
                unit_code=u.code,
                manager=leader,
                may_have_left=True,
            )


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` in proportion to `weights` in whole numbers (largest remainders first)."""
    if total <= 0 or not weights:
        return [0] * len(weights)
    whole = sum(weights)
    quotas = [total * w / whole for w in weights]
    counts = [int(q) for q in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - quotas[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


class _NamePool:
    """First and last names drawn once from Faker, then picked from with the plan's own
    random stream: Faker per person would take most of a large build's time."""

    def __init__(self, seed: int) -> None:
        self.names: dict[str, tuple[list[str], list[str], list[str]]] = {}
        for locale, size in (("en_US", 800), ("es_MX", 400)):
            fake = Faker(locale)
            fake.seed_instance(seed)
            self.names[locale] = (
                [fake.first_name_female() for _ in range(size)],
                [fake.first_name_male() for _ in range(size)],
                [fake.last_name() for _ in range(size * 2)],
            )


class _EmailBook:
    """firstname.lastname@domain, with a number from the second person of that name on."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def address(self, first_name: str, last_name: str) -> str:
        local = f"{_ascii(first_name)}.{_ascii(last_name)}"
        count = self.seen.get(local, 0) + 1
        self.seen[local] = count
        return f"{local}{count if count > 1 else ''}@{EMAIL_DOMAIN}"


def _ascii(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z-]", "", folded)


# Shift mixes as (patterns, cumulative weights), the form random.choices is quickest with.
_SHIFT_CHOICES: dict[str, tuple[list[str], list[float]]] = {
    name: ([pattern.value for pattern, _ in mix], list(accumulate(float(w) for _, w in mix)))
    for name, mix in SHIFT_MIXES.items()
}


class _PersonMaker:
    def __init__(
        self,
        *,
        tier: int,
        rng: random.Random,
        names: _NamePool,
        emails: _EmailBook,
        today: date,
    ) -> None:
        self.rng = rng
        self.names = names
        self.emails = emails
        self.today = today
        self.first_number = (tier + 1) * 100_000 + 1
        self.people: list[PlannedPerson] = []

    def person(
        self,
        *,
        job_title: str,
        family: str,
        shifts: str,
        unit_code: str,
        manager: PlannedPerson | None,
        account: DemoAccount | None = None,
        may_have_left: bool = False,
    ) -> PlannedPerson:
        rng = self.rng
        employee_id = f"{EMPLOYEE_ID_PREFIX}{self.first_number + len(self.people):06d}"
        hired_on = self.today - timedelta(days=rng.randint(30, LONGEST_SERVICE_DAYS))
        if account is not None:
            first_name, last_name = account.first_name, account.last_name
            language, shift = account.preferred_language, account.shift_pattern.value
            left_on = None
        else:
            spanish = rng.random() < SPANISH_NAME_SHARE
            female = rng.random() < (
                NURSING_FEMALE_SHARE if family == "nursing" else OTHER_FEMALE_SHARE
            )
            women, men, surnames = self.names.names["es_MX" if spanish else "en_US"]
            first_name = rng.choice(women if female else men)
            last_name = rng.choice(surnames)
            language = "es" if spanish and rng.random() < SPANISH_READER_SHARE else "en"
            patterns, weights = _SHIFT_CHOICES[shifts]
            shift = rng.choices(patterns, cum_weights=weights)[0]
            left_on = None
            if may_have_left and rng.random() < LEAVER_SHARE:
                served = (self.today - hired_on).days
                left_on = self.today - timedelta(days=rng.randint(1, min(LEFT_WITHIN_DAYS, served)))
        planned = PlannedPerson(
            employee_id=employee_id,
            username=account.username if account else employee_id.lower(),
            first_name=first_name,
            last_name=last_name,
            email=self.emails.address(first_name, last_name),
            job_title=job_title,
            job_family=family,
            unit_code=unit_code,
            manager_employee_id=manager.employee_id if manager else None,
            level=manager.level + 1 if manager else 0,
            shift_pattern=shift,
            preferred_language=language,
            hired_on=hired_on,
            left_on=left_on,
            demo_account=account.username if account else None,
        )
        self.people.append(planned)
        return planned


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    name: str
    job: str


def demo_logins() -> list[DemoLogin]:
    """The demo accounts as the README and the command list them."""
    units = {u.code: u.name for u in plan_organisation(DEMO_TIER).units}
    return [
        DemoLogin(
            username=a.username,
            password=DEMO_PASSWORD,
            role=a.role,
            name=a.name,
            # Leaders' titles already say what they lead.
            job=f"{a.job_title}, {units[a.seat.code]}" if a.seat.code in units else a.job_title,
        )
        for a in DEMO_ACCOUNTS
    ]
