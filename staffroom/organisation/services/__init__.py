"""Writes to the organisation and the directory. Each function is one change of state."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from staffroom.accounts.models import Person
from staffroom.organisation.models import Department, Unit


@transaction.atomic
def update_profile_settings(
    *, person: Person, preferred_name: str, preferred_language: str
) -> Person:
    person.preferred_name = preferred_name.strip()
    person.preferred_language = preferred_language
    person.save(update_fields=["preferred_name", "preferred_language", "sort_name"])
    return person


@transaction.atomic
def move_unit(*, unit: Unit, department: Department) -> Unit:
    """Put a unit under another department, taking its people's department with it."""
    unit.department = department
    unit.save()
    Person.objects.filter(unit=unit).update(department=department)
    recount_people()
    return unit


def recount_people() -> None:
    """Rebuild the stored people counts of every unit and department from the people table."""
    for model, key in ((Unit, "unit"), (Department, "department")):
        active = (
            Person.objects.filter(is_active=True, **{key: OuterRef("pk")})
            .order_by()
            .values(key)
            .annotate(n=Count("pk"))
            .values("n")
        )
        model.objects.update(people_count=Coalesce(Subquery(active), 0))
