"""Build the Riverside Health demo hospital in the database.

`build_demo_hospital` plans the hospital (see plan.py) and runs the steps in `DEMO_STEPS`
in order, in one transaction. Each step adds what is missing and leaves what exists alone,
keyed on natural keys (site, department and unit codes, employee IDs), so a second run adds
nothing and a large build on top of a demo build only adds. Later capabilities (posts,
ideas…) append their own step to `DEMO_STEPS`: a function that takes the `DemoBuild`.

Demo accounts have a published password, so every step refuses to run unless
settings.DEMO_MODE is on, which it never is under production settings.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock
from functools import cached_property
from typing import TypeVar, cast

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from staffroom.accounts.models import Person, RoleGrant, sort_name_for
from staffroom.demo.hospital import (
    DEFAULT_SEED,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    EMPLOYEE_ID_PREFIX,
    DemoSize,
)
from staffroom.demo.plan import HospitalPlan, plan_hospital
from staffroom.demo.staffing import JOB_FAMILIES
from staffroom.organisation.models import Department, JobFamily, Site, Unit
from staffroom.organisation.services import recount_people

# Rows per INSERT statement. Django lowers it to fit SQLite's limit on query parameters.
BATCH_SIZE = 2000
# Rows per "WHERE employee_id IN (…)" lookup, well inside every database's parameter limit.
LOOKUP_CHUNK = 900

PRODUCTION_REFUSAL = "Demo data can't be created under production settings (DEBUG is off)."

# Run in this order by build_demo_hospital. A later app adds its own step here by dotted
# path (a string, so this module never imports the apps that build on it).
DEMO_STEPS: list[str] = [
    "staffroom.demo.services.build_organisation",
    "staffroom.demo.services.build_people",
    "staffroom.demo.services.build_demo_accounts",
    "staffroom.demo.content.channels.build_channels",
    "staffroom.demo.content.strategy.build_strategic_plan",
    "staffroom.demo.content.posts.build_posts",
    "staffroom.demo.content.videos.build_videos",
    "staffroom.demo.content.discussion.build_discussion",
    "staffroom.demo.content.bulk.build_bulk_content",
    "staffroom.demo.content.safety.build_safety",
    "staffroom.demo.content.ideas.build_ideas",
    "staffroom.demo.content.ideas_bulk.build_bulk_ideas",
    "staffroom.demo.content.kiosk.build_screens",
    "staffroom.demo.content.events.build_events",
    "staffroom.demo.content.chat.build_chat_hooks",
    # After every step that writes notifications: it marks them all as history (never
    # emailed). Steps after it may read notifications but must not write any.
    "staffroom.demo.content.notifications.build_notifications",
    "staffroom.demo.content.mail.build_email_history",
]

DemoStep = Callable[["DemoBuild"], None]


class DemoDataError(Exception):
    """The demo hospital can't be built here; the message says why, for a person to read."""


def check_demo_mode() -> None:
    if not settings.DEMO_MODE:
        raise DemoDataError(PRODUCTION_REFUSAL)


@dataclass
class DemoBuild:
    """One run of the build, shared by its steps: the plan, and what each step made."""

    size: DemoSize
    seed: int
    plan: HospitalPlan
    # What each step added, by what it is ("units", "people"…), for the summary.
    created: dict[str, int] = field(default_factory=dict)
    # Primary keys by natural key, filled in by the steps that write those rows.
    job_family_ids: dict[str, int] = field(default_factory=dict)
    site_ids: dict[str, int] = field(default_factory=dict)
    department_ids: dict[str, int] = field(default_factory=dict)
    unit_ids: dict[str, int] = field(default_factory=dict)
    person_ids: dict[str, int] = field(default_factory=dict)  # by employee ID
    # What a step left out and why (e.g. videos without ffmpeg), for the summary.
    notes: list[str] = field(default_factory=list)

    def count(self, what: str, number: int) -> None:
        self.created[what] = self.created.get(what, 0) + number

    def note(self, line: str) -> None:
        self.notes.append(line)

    @cached_property
    def demo_password_hash(self) -> str:
        # Hashed once per run: the password hasher is slow on purpose.
        return make_password(DEMO_PASSWORD)


@dataclass(frozen=True)
class DemoReport:
    size: DemoSize
    seed: int
    seconds: float
    created: dict[str, int]
    totals: dict[str, int]
    notes: tuple[str, ...] = ()

    @property
    def already_built(self) -> bool:
        return not any(self.created.values())


def _refresh_planner_statistics() -> None:
    """After a bulk load, tell PostgreSQL what the tables now hold.

    Autovacuum would get there eventually (and may be off); until it does, the planner
    believes the tables are nearly empty and picks plans that take hundreds of milliseconds
    on the large dataset (measured: the home feed at 449 ms before, 30 ms after).
    SQLite's planner needs no statistics for these queries.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def build_demo_hospital(
    *, size: DemoSize, seed: int = DEFAULT_SEED, today: date | None = None
) -> DemoReport:
    """Build Riverside Health at `size`, or add what an earlier build left out.

    Raises DemoDataError, before writing anything, outside demo mode or when a demo
    username already belongs to someone outside the demo hospital.
    """
    check_demo_mode()
    started = time.perf_counter()
    plan = plan_hospital(size, seed=seed, today=today or timezone.localdate())
    build = DemoBuild(size=size, seed=seed, plan=plan)
    with transaction.atomic():
        for path in DEMO_STEPS:
            step = cast(DemoStep, import_string(path))
            step(build)
        if build.created.get("people"):
            recount_people()
    if any(build.created.values()):
        _refresh_planner_statistics()
    return DemoReport(
        size=size,
        seed=seed,
        seconds=time.perf_counter() - started,
        created=build.created,
        totals={
            "sites": Site.objects.count(),
            "departments": Department.objects.count(),
            "units": Unit.objects.count(),
            "people": Person.objects.count(),
            "active people": Person.objects.active().count(),
        },
        notes=tuple(build.notes),
    )


Coded = TypeVar("Coded", Site, Department, Unit, JobFamily)


def _ensure_by_code(
    model: type[Coded], wanted: dict[str, dict[str, object]]
) -> tuple[dict[str, int], int]:
    """Create the rows of `wanted` (fields by code) that don't exist; return every id by code."""
    manager = model._default_manager
    existing: dict[str, int] = dict(manager.filter(code__in=wanted).values_list("code", "pk"))
    missing = [
        model(code=code, **fields) for code, fields in wanted.items() if code not in existing
    ]
    if missing:
        manager.bulk_create(missing, batch_size=BATCH_SIZE)
        existing = dict(manager.filter(code__in=wanted).values_list("code", "pk"))
    return existing, len(missing)


def build_organisation(build: DemoBuild) -> None:
    """Job families, sites, departments and units, by code."""
    check_demo_mode()
    organisation = build.plan.organisation
    build.job_family_ids, created = _ensure_by_code(
        JobFamily, {code: {"name": name} for code, name in JOB_FAMILIES}
    )
    build.count("job families", created)
    build.site_ids, created = _ensure_by_code(
        Site, {s.code: {"name": s.name, "city": s.city} for s in organisation.sites}
    )
    build.count("sites", created)
    build.department_ids, created = _ensure_by_code(
        Department,
        {
            d.code: {
                "site_id": build.site_ids[d.site_code],
                "name": d.name,
                "description": d.description,
            }
            for d in organisation.departments
        },
    )
    build.count("departments", created)
    build.unit_ids, created = _ensure_by_code(
        Unit,
        {
            u.code: {"department_id": build.department_ids[u.department_code], "name": u.name}
            for u in organisation.units
        },
    )
    build.count("units", created)


def build_people(build: DemoBuild) -> None:
    """Everyone in the plan who isn't in the database yet, managers before their reports."""
    check_demo_mode()
    _check_demo_usernames_are_free(build.plan)
    # Employee IDs are the natural key; this reads them all in one query, even at 80,000.
    existing = dict(
        Person.objects.filter(employee_id__startswith=EMPLOYEE_ID_PREFIX).values_list(
            "employee_id", "pk"
        )
    )
    planned = {p.employee_id for p in build.plan.people}
    build.person_ids = {eid: pk for eid, pk in existing.items() if eid in planned}
    missing = [p for p in build.plan.people if p.employee_id not in existing]
    if not missing:
        return
    department_of_unit = {u.code: u.department_code for u in build.plan.organisation.units}
    unusable_password = make_password(None)  # one unusable value serves everyone
    demo_passwords = {a.username: build.demo_password_hash for a in DEMO_ACCOUNTS}
    superusers = {a.username for a in DEMO_ACCOUNTS if a.superuser}
    zone = timezone.get_current_timezone()
    # A level's managers are all in an earlier level, so inserting level by level lets every
    # row carry its manager_id from the start: no second pass over 80,000 rows.
    for level in sorted({p.level for p in missing}):
        rows = [p for p in missing if p.level == level]
        people = [
            Person(
                username=p.username,
                employee_id=p.employee_id,
                email=p.email,
                first_name=p.first_name,
                last_name=p.last_name,
                sort_name=sort_name_for(p.last_name, p.first_name),
                job_title=p.job_title,
                job_family_id=build.job_family_ids[p.job_family],
                unit_id=build.unit_ids[p.unit_code],
                # Person.save() derives these two, but bulk_create doesn't call save().
                department_id=build.department_ids[department_of_unit[p.unit_code]],
                manager_id=(
                    build.person_ids[p.manager_employee_id] if p.manager_employee_id else None
                ),
                shift_pattern=p.shift_pattern,
                preferred_language=p.preferred_language,
                is_active=p.is_active,
                left_on=p.left_on,
                date_joined=datetime.combine(p.hired_on, clock(9), tzinfo=zone),
                password=demo_passwords.get(p.demo_account or "", unusable_password),
                is_demo=p.demo_account is not None,
                # Demo logins are local accounts: a directory import in the demo must not
                # deactivate the people visitors sign in as.
                from_directory=p.demo_account is None,
                is_staff=p.demo_account in superusers,
                is_superuser=p.demo_account in superusers,
            )
            for p in rows
        ]
        Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
        build.person_ids.update(_ids_by_employee_id(people))
    build.count("people", len(missing))


def _ids_by_employee_id(people: list[Person]) -> dict[str, int]:
    # PostgreSQL and SQLite ≥ 3.35 return the new keys from bulk_create; ask for them otherwise.
    if all(p.pk is not None for p in people):
        return {cast(str, p.employee_id): p.pk for p in people}
    found: dict[str, int] = {}
    for chunk in _chunks([cast(str, p.employee_id) for p in people], LOOKUP_CHUNK):
        rows = Person.objects.filter(employee_id__in=chunk).values_list("employee_id", "pk")
        found.update((str(employee_id), pk) for employee_id, pk in rows)
    return found


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _check_demo_usernames_are_free(plan: HospitalPlan) -> None:
    """Refuse to hand a demo login, or its employee ID, to someone who is not a demo account."""
    planned = [p for p in plan.people if p.demo_account is not None]
    taken = sorted(
        Person.objects.filter(
            Q(username__in=[p.username for p in planned])
            | Q(employee_id__in=[p.employee_id for p in planned])
        )
        .filter(is_demo=False)
        .values_list("username", flat=True)
    )
    if taken:
        raise DemoDataError(
            "The demo logins' usernames or employee IDs already belong to people outside the "
            f"demo hospital ({', '.join(taken)}). Rename them, or build the demo in an empty "
            "database."
        )


def build_demo_accounts(build: DemoBuild) -> None:
    """The demo logins' roles, and Django admin access for the administrator's login.

    Their password is set when build_people creates them and never reset afterwards:
    a new hash would sign out everyone using a demo login each time `make run` re-seeds.
    """
    check_demo_mode()
    usernames = {p.employee_id: p.demo_account for p in build.plan.people if p.demo_account}
    person_ids: dict[str, int] = {
        usernames[str(employee_id)]: pk
        for employee_id, pk in Person.objects.filter(
            employee_id__in=usernames, is_demo=True
        ).values_list("employee_id", "pk")
    }
    Person.objects.filter(
        pk__in=[person_ids[a.username] for a in DEMO_ACCOUNTS if a.superuser]
    ).update(is_staff=True, is_superuser=True)
    granted = 0
    for account in DEMO_ACCOUNTS:
        for grant in account.grants:
            _, created = RoleGrant.objects.get_or_create(
                person_id=person_ids[account.username],
                role=grant.role,
                site_id=build.site_ids[grant.site] if grant.site else None,
                department_id=build.department_ids[grant.department] if grant.department else None,
            )
            granted += created
    build.count("roles", granted)
