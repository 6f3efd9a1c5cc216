"""Who something targeted is for: the one rule posts, campaigns and events obey.

A model that can be targeted has `audience_restricted` and three many-to-many lists,
`audience_sites`, `audience_departments` and `audience_job_families`. With no audience it is
for everyone. Otherwise each list that is set narrows it: a person must match one of the
listed sites AND one of the listed departments AND one of the listed job families (lists left
empty don't narrow). "Nurses at Northgate" is sites=[Northgate], job families=[Nursing].
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q

AUDIENCE_LISTS = ("audience_sites", "audience_departments", "audience_job_families")


def person_site_id(person: Any) -> int | None:
    department = person.department if person.department_id else None
    return department.site_id if department is not None else None


def _signed_in(person: Any) -> bool:
    return bool(getattr(person, "is_authenticated", False) and person.is_active)


def audience_filter(model: type[models.Model], person: Any) -> Q:
    """A filter on `model`: the rows whose audience includes `person` (none for a visitor
    or a deactivated person)."""
    if not _signed_in(person):
        return Q(pk__in=[])
    restricted = Q(audience_restricted=True)
    for relation, value in zip(
        AUDIENCE_LISTS,
        (person_site_id(person), person.department_id, person.job_family_id),
        strict=True,
    ):
        field = getattr(model, relation).field
        through = field.remote_field.through
        owner = through._meta.get_field(field.m2m_field_name()).attname
        target = through._meta.get_field(field.m2m_reverse_field_name()).attname
        listed = through._default_manager.filter(**{owner: OuterRef("pk")})
        includes = Exists(listed.filter(**{target: value})) if value is not None else Q(pk__in=[])
        restricted &= ~Exists(listed) | includes
    return Q(audience_restricted=False) | restricted


def in_audience(
    person: Any,
    *,
    restricted: bool,
    sites: Collection[int],
    departments: Collection[int],
    job_families: Collection[int],
) -> bool:
    """The same rule for one row in memory, given the ids in its three lists."""
    if not restricted:
        return True
    return (
        (not sites or person_site_id(person) in sites)
        and (not departments or person.department_id in departments)
        and (not job_families or person.job_family_id in job_families)
    )
