from __future__ import annotations

import re
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import RequestFactory
from django.utils.module_loading import import_string

from staffroom.accounts.models import Person, Role, RoleGrant
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.demo.hospital import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_TIER,
    EMAIL_DOMAIN,
    LARGE_TIER,
    SIZES,
    DemoSize,
)
from staffroom.demo.plan import (
    HospitalPlan,
    OrganisationPlan,
    demo_logins,
    plan_hospital,
    plan_organisation,
)
from staffroom.demo.services import (
    DEMO_STEPS,
    DemoBuild,
    DemoDataError,
    DemoReport,
    build_demo_hospital,
)
from staffroom.organisation.models import Department, JobFamily, Site, Unit

TODAY = date(2025, 6, 2)
DEMO = SIZES["demo"]
# The large structure (about 400 units) with few enough people to build in a test.
LARGE_SHAPED = DemoSize("large-shaped", people=1200, tier=LARGE_TIER)
MODELS = (Site, Department, Unit, JobFamily, Person, RoleGrant)


@pytest.fixture
def demo_hospital(db: None) -> DemoReport:
    return build_demo_hospital(size=DEMO, today=TODAY)


def sign_in(username: str, password: str = DEMO_PASSWORD) -> Person | None:
    # django-axes guards authenticate() and needs the request it would get from a sign-in.
    person = authenticate(RequestFactory().post("/"), username=username, password=password)
    assert person is None or isinstance(person, Person)
    return person


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_the_demo_hospital_has_three_sites_and_the_departments_a_hospital_has(
    demo_hospital: DemoReport,
) -> None:
    assert set(Site.objects.values_list("name", flat=True)) == {
        "Riverside General Hospital",
        "Northgate Community Hospital",
        "Lakeside Children's & Women's Hospital",
    }
    codes = set(Department.objects.values_list("code", flat=True))
    assert {
        "rgh-emergency",
        "rgh-critical-care",
        "rgh-perioperative",
        "rgh-oncology",
        "rgh-cardiology",
        "rgh-medicine",
        "rgh-radiology",
        "rgh-pharmacy",
        "rgh-laboratory",
        "rgh-rehabilitation",
        "rgh-environmental-services",
        "rgh-food-services",
        "rgh-facilities",
        "rgh-patient-transport",
        "rgh-information-technology",
        "rgh-human-resources",
        "rgh-patient-experience",
        "rgh-quality-safety",
        "rgh-nursing-administration",
        "rgh-executive-office",
        "rgh-communications",
        "ngh-emergency",
        "lcw-paediatrics",
        "lcw-labour-delivery",
        "lcw-neonatology",
    } <= codes
    # Not every hospital has every department.
    assert "ngh-paediatrics" not in codes
    assert "lcw-information-technology" not in codes
    assert Unit.objects.get(code="rgh-4-west").name == "4 West Medical-Surgical"
    assert Unit.objects.get(code="rgh-pre-op-pacu").department.code == "rgh-perioperative"
    assert demo_hospital.totals["units"] == len(plan_organisation(DEMO_TIER).units)


def test_everyone_has_a_unit_and_the_department_of_that_unit(demo_hospital: DemoReport) -> None:
    assert Person.objects.count() == DEMO.people
    assert not Person.objects.filter(unit=None).exists()
    assert not Person.objects.exclude(department=F("unit__department")).exists()
    assert not Person.objects.filter(sort_name="").exists()
    assert not Person.objects.filter(job_family=None).exists()
    assert Unit.objects.filter(people_count=0).count() == 0


def test_reporting_lines_lead_up_to_the_chief_executive_without_loops(
    demo_hospital: DemoReport,
) -> None:
    manager_of = dict(Person.objects.values_list("pk", "manager_id"))
    ceo = Person.objects.get(username="ceo")
    assert [pk for pk, manager in manager_of.items() if manager is None] == [ceo.pk]
    for person, manager in manager_of.items():
        top, seen = person, {person}
        manager_id = manager
        while manager_id is not None:
            assert manager_id not in seen, "a reporting line loops"
            seen.add(manager_id)
            top, manager_id = manager_id, manager_of[manager_id]
        assert top == ceo.pk


def test_each_unit_has_one_leader_and_everyone_else_in_it_reports_to_them(
    demo_hospital: DemoReport,
) -> None:
    people = Person.objects.values_list("pk", "unit_id", "manager_id", "manager__unit_id")
    by_unit: dict[int, list[tuple[int, int | None, int | None]]] = {}
    for pk, unit_id, manager_id, manager_unit_id in people:
        by_unit.setdefault(unit_id, []).append((pk, manager_id, manager_unit_id))
    for unit_id, members in by_unit.items():
        leaders = [pk for pk, _, manager_unit in members if manager_unit != unit_id]
        assert len(leaders) == 1, unit_id
        assert {manager for pk, manager, _ in members if pk != leaders[0]} == {leaders[0]}


def test_the_demo_accounts_sign_in_with_the_published_password(
    demo_hospital: DemoReport,
) -> None:
    assert len(DEMO_PASSWORD) >= 10
    for account in DEMO_ACCOUNTS:
        person = sign_in(account.username)
        assert person is not None, account.username
        assert person.is_demo
        assert (person.first_name, person.last_name) == (account.first_name, account.last_name)
        assert person.job_title == account.job_title
        assert person.job_family is not None
        assert person.job_family.code == account.job_family


def test_each_demo_account_holds_its_roles_and_only_the_admin_opens_the_django_admin(
    demo_hospital: DemoReport,
) -> None:
    for account in DEMO_ACCOUNTS:
        grants = set(
            RoleGrant.objects.filter(person__username=account.username).values_list(
                "role", "site__code", "department__code"
            )
        )
        assert grants == {(g.role.value, g.site, g.department) for g in account.grants}
        person = Person.objects.get(username=account.username)
        assert person.is_staff == person.is_superuser == (account.username == "admin")
    assert RoleGrant.objects.get(person__username="editor").role == Role.CHANNEL_EDITOR


def test_the_manager_demo_account_manages_the_nurse_on_4_west(demo_hospital: DemoReport) -> None:
    nurse = Person.objects.select_related("manager__manager", "unit").get(username="nurse")
    assert nurse.unit is not None
    assert nurse.unit.name == "4 West Medical-Surgical"
    assert nurse.manager is not None
    assert nurse.manager.username == "manager"
    assert nurse.manager.reports.count() >= 5
    assert nurse.manager.manager is not None
    assert nurse.manager.manager.job_title == "Director of Medicine Services"
    assert Person.objects.get(username="evs").preferred_language == "es"


def test_generated_staff_have_no_usable_password(demo_hospital: DemoReport) -> None:
    staff = Person.objects.filter(is_demo=False)
    assert staff.filter(from_directory=True).count() == DEMO.people - len(DEMO_ACCOUNTS)
    assert not any(person.has_usable_password() for person in staff)
    someone = staff.first()
    assert someone is not None
    assert sign_in(someone.username) is None


def test_building_again_adds_nothing(demo_hospital: DemoReport) -> None:
    before = counts()
    again = build_demo_hospital(size=DEMO, today=TODAY)
    assert again.already_built
    assert counts() == before


def test_building_again_leaves_demo_sign_ins_alone(demo_hospital: DemoReport) -> None:
    # A new password hash would sign out everyone using a demo login on every `make run`.
    before = Person.objects.get(username="nurse").password
    build_demo_hospital(size=DEMO, today=TODAY)
    assert Person.objects.get(username="nurse").password == before


def test_the_database_holds_exactly_the_planned_people(demo_hospital: DemoReport) -> None:
    plan = plan_hospital(DEMO, seed=demo_hospital.seed, today=TODAY)
    built = set(
        Person.objects.values_list(
            "employee_id", "username", "first_name", "last_name", "email", "unit__code"
        )
    )
    assert built == {
        (p.employee_id, p.username, p.first_name, p.last_name, p.email, p.unit_code)
        for p in plan.people
    }


def test_the_same_seed_plans_the_same_people_and_another_seed_other_names() -> None:
    first = plan_hospital(DEMO, seed=7, today=TODAY)
    assert plan_hospital(DEMO, seed=7, today=TODAY) == first
    other = plan_hospital(DEMO, seed=8, today=TODAY)
    assert [p.employee_id for p in other.people] == [p.employee_id for p in first.people]
    assert [p.username for p in other.people] == [p.username for p in first.people]
    assert [p.last_name for p in other.people] != [p.last_name for p in first.people]


def test_nothing_is_built_outside_demo_mode(settings: Any, db: None) -> None:
    settings.DEMO_MODE = False
    with pytest.raises(DemoDataError, match="can't be created under production settings"):
        build_demo_hospital(size=DEMO, today=TODAY)
    with pytest.raises(CommandError, match="production settings"):
        call_command("seed_demo", stdout=StringIO())
    assert set(counts().values()) == {0}


@pytest.mark.parametrize("step", DEMO_STEPS)
def test_every_build_step_refuses_outside_demo_mode(settings: Any, step: str) -> None:
    # No database access is allowed here: the refusal must come before any query.
    settings.DEMO_MODE = False
    empty = HospitalPlan(OrganisationPlan((), (), ()), ())
    with pytest.raises(DemoDataError):
        import_string(step)(DemoBuild(size=DEMO, seed=1, plan=empty))


def test_a_demo_username_that_belongs_to_someone_else_stops_the_build(db: None) -> None:
    PersonFactory(username="admin")
    with pytest.raises(DemoDataError, match="admin"):
        build_demo_hospital(size=DEMO, today=TODAY)
    assert Person.objects.count() == 1
    assert not Site.objects.filter(code="rgh").exists()


def test_a_large_build_on_a_demo_build_adds_people_and_changes_nobody(
    demo_hospital: DemoReport,
) -> None:
    def snapshot() -> set[tuple[object, ...]]:
        return set(
            Person.objects.filter(employee_id__lt="RH200000").values_list(
                "employee_id", "first_name", "last_name", "unit__code", "manager__employee_id"
            )
        )

    demo_people = snapshot()
    report = build_demo_hospital(size=LARGE_SHAPED, today=TODAY)
    assert report.created["people"] == LARGE_SHAPED.people - DEMO.people
    assert snapshot() == demo_people
    organisation = plan_organisation(LARGE_TIER)
    assert Unit.objects.count() == len(organisation.units)
    assert Department.objects.count() == len(organisation.departments)
    assert Site.objects.count() == 3
    assert Person.objects.count() == LARGE_SHAPED.people
    assert not Unit.objects.filter(people=None).exists()
    assert sum(Unit.objects.values_list("people_count", flat=True)) == (
        Person.objects.active().count()
    )


def test_the_large_size_has_eighty_thousand_people_in_about_four_hundred_units() -> None:
    assert SIZES["large"].people == 80_000
    assert 380 <= len(plan_organisation(LARGE_TIER).units) <= 420


def test_a_tenth_read_in_spanish_and_a_few_have_left_but_no_leader() -> None:
    people = plan_hospital(DemoSize("wide", 5000, DEMO_TIER), seed=3, today=TODAY).people
    spanish = sum(p.preferred_language == "es" for p in people) / len(people)
    leavers = [p for p in people if not p.is_active]
    assert 0.07 < spanish < 0.13
    assert 0.01 < len(leavers) / len(people) < 0.05
    managers = {p.manager_employee_id for p in people}
    assert not any(p.employee_id in managers for p in leavers)
    assert all(p.hired_on < p.left_on <= TODAY for p in leavers if p.left_on)


def test_email_addresses_are_first_dot_last_and_unique() -> None:
    people = plan_hospital(DEMO, seed=3, today=TODAY).people
    assert len({p.email for p in people}) == len(people)
    pattern = re.compile(rf"^[a-z-]+\.[a-z-]+\d*@{re.escape(EMAIL_DOMAIN)}$")
    assert all(pattern.match(p.email) for p in people)


def test_the_command_prints_a_summary_and_the_demo_logins(db: None) -> None:
    out = StringIO()
    call_command("seed_demo", "--size", "demo", stdout=out)
    printed = out.getvalue()
    assert "built in" in printed
    assert "3 sites · 44 departments · 56 units · 400 people" in printed
    for login in demo_logins():
        assert login.username in printed
        assert login.name in printed
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "already built, nothing to add" in out.getvalue()
