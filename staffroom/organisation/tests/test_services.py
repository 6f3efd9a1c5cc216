from __future__ import annotations

import pytest
from django.core.management import call_command

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.organisation.models import Department, Unit
from staffroom.organisation.services import move_unit
from staffroom.organisation.tests.factories import DepartmentFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_moving_a_unit_takes_its_people_and_counts_to_the_new_department() -> None:
    unit = UnitFactory()
    old_department = unit.department
    new_department = DepartmentFactory()
    people = PersonFactory.create_batch(3, unit=unit)
    move_unit(unit=unit, department=new_department)
    assert {p.department_id for p in Person.objects.filter(pk__in=[p.pk for p in people])} == {
        new_department.pk
    }
    assert Department.objects.get(pk=new_department.pk).people_count == 3
    assert Department.objects.get(pk=old_department.pk).people_count == 0


def test_the_recount_command_repairs_drifted_counts(capsys: pytest.CaptureFixture[str]) -> None:
    unit = UnitFactory()
    PersonFactory.create_batch(2, unit=unit)
    Unit.objects.filter(pk=unit.pk).update(people_count=99)
    call_command("recount_people")
    assert Unit.objects.get(pk=unit.pk).people_count == 2
    assert "rebuilt" in capsys.readouterr().out
