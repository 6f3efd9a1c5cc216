"""Who says what in the demo content: roles ("ceo", "cno", "director:<code>"…) to people.

Generated names depend on the seed, so the written content names roles and this module finds
the person holding each one in the database. Everything is read in a few queries and kept
in memory: the demo has 400 people, the large build 80,000.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.urls import reverse

from staffroom.accounts.models import Person
from staffroom.demo.hospital import DEMO_ACCOUNTS, DEMO_TIER, EMPLOYEE_ID_PREFIX
from staffroom.organisation.models import Department, JobFamily, Site

# Executives of Riverside General, by the role names the content uses.
EXECUTIVE_TITLES = {
    "ceo": "President & Chief Executive Officer",
    "coo": "Executive Vice President & Chief Operating Officer",
    "cno": "Chief Nursing Officer",
    "cmo": "Chief Medical Officer",
    "cfo": "Chief Financial Officer",
    "cpo": "Chief People Officer",
    "cio": "Chief Information Officer",
}
EXECUTIVE_DEPARTMENT = "rgh-executive-office"
# A deputy editor is someone who coordinates: the first such title found in the department.
DEPUTY_TITLE_WORDS = ("Educator", "Supervisor", "Lead", "Charge", "Coordinator", "Specialist")


# The written content's people are those of the demo tier (employee IDs RH100001 to RH199999;
# see plan.py), so a large build holds the same conversations, answers and reads as a demo
# build rather than a version spread thin over 80,000 people.
CORE_EMPLOYEE_IDS_BELOW = f"{EMPLOYEE_ID_PREFIX}{(DEMO_TIER + 2) * 100_000:06d}"


class CastError(Exception):
    """The database lacks someone the demo content needs (a partial or foreign hospital)."""


@dataclass(frozen=True, slots=True)
class Member:
    pk: int
    username: str
    first_name: str
    last_name: str
    job_title: str
    department_id: int | None
    site_id: int | None
    job_family_id: int | None
    language: str
    is_demo: bool
    is_core: bool

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Cast:
    def __init__(self) -> None:
        self.department_ids: dict[str, int] = dict(Department.objects.values_list("code", "pk"))
        self.site_ids: dict[str, int] = dict(Site.objects.values_list("code", "pk"))
        self.job_family_ids: dict[str, int] = dict(JobFamily.objects.values_list("code", "pk"))
        site_of_department = dict(Department.objects.values_list("pk", "site_id"))
        rows = (
            Person.objects.filter(is_active=True)
            .order_by("employee_id", "pk")
            .values_list(
                "pk",
                "username",
                "first_name",
                "last_name",
                "job_title",
                "department_id",
                "job_family_id",
                "preferred_language",
                "is_demo",
                "employee_id",
            )
        )
        self.members: list[Member] = [
            Member(
                pk,
                u,
                f,
                la,
                t,
                d,
                site_of_department.get(d) if d else None,
                j,
                lang,
                demo,
                eid is not None and eid < CORE_EMPLOYEE_IDS_BELOW,
            )
            for pk, u, f, la, t, d, j, lang, demo, eid in rows
        ]
        # Who takes part in the written content: the demo tier's people.
        self.core: list[Member] = [m for m in self.members if m.is_core]
        self.by_pk = {m.pk: m for m in self.members}
        self.by_username = {m.username: m for m in self.members}
        self.by_department: dict[int, list[Member]] = {}
        for m in self.members:
            if m.department_id is not None:
                self.by_department.setdefault(m.department_id, []).append(m)

    def role(self, name: str) -> Member:
        """The person holding a role the content names (see specs.py)."""
        if name in self.by_username and name in {a.username for a in DEMO_ACCOUNTS}:
            return self.by_username[name]
        if name in EXECUTIVE_TITLES:
            return self._executive(name)
        kind, _, code = name.partition(":")
        if kind == "director":
            return self.director(code)
        if kind == "deputy":
            return self.deputy(code)
        raise CastError(f"The demo content names an unknown role: {name!r}.")

    def _executive(self, name: str) -> Member:
        department_id = self.department_ids.get(EXECUTIVE_DEPARTMENT)
        for m in self.by_department.get(department_id or 0, []):
            if m.job_title == EXECUTIVE_TITLES[name]:
                return m
        raise CastError(f"Nobody is {EXECUTIVE_TITLES[name]} at Riverside General.")

    def director(self, code: str) -> Member:
        # Core people first, so that a large build picks the same people as a demo build.
        people = sorted(self._department(code), key=lambda m: not m.is_core)
        for m in people:
            if m.job_title.startswith(("Director", "Associate Chief")):
                return m
        for m in people:  # the executive office is led by the site's president
            if m.job_title.startswith(("President", "Chief")):
                return m
        raise CastError(f"The department {code} has no director.")

    def deputy(self, code: str) -> Member:
        """A member of the department's staff who edits its channel with the director."""
        people = [m for m in self.colleagues(code) if not m.is_demo] or [
            m for m in self._department(code) if not m.is_demo
        ]
        director = self.director(code)
        for word in DEPUTY_TITLE_WORDS:
            for m in people:
                if word in m.job_title and m.pk != director.pk:
                    return m
        others = [m for m in people if m.pk != director.pk]
        if not others:
            return director
        return others[0]

    def _department(self, code: str) -> list[Member]:
        department_id = self.department_ids.get(code)
        if department_id is None:
            raise CastError(f"The department {code} isn't in the database.")
        return self.by_department.get(department_id, [])

    def colleagues(self, code: str) -> list[Member]:
        return [m for m in self._department(code) if m.is_core]

    def in_audience(
        self, sites: Sequence[int], departments: Sequence[int], families: Sequence[int]
    ) -> list[Member]:
        """Core people a post with these audience lists is for (channels.audience's rule)."""
        if not (sites or departments or families):
            return self.core
        return [
            m
            for m in self.core
            if (not sites or m.site_id in sites)
            and (not departments or m.department_id in departments)
            and (not families or m.job_family_id in families)
        ]

    def mention_people(self, usernames: Iterable[str]) -> dict[str, tuple[str, str]]:
        """username → (name, profile address), as render_markdown's `people` takes them."""
        return {
            m.username: (m.name, reverse("organisation:person", kwargs={"pk": m.pk}))
            for m in (self.by_username[u] for u in usernames if u in self.by_username)
        }


def pick(rng: random.Random, people: Sequence[Member], avoid: set[int]) -> Member:
    """Someone from `people` not in `avoid`, if there is such a person."""
    for _ in range(8):
        m = rng.choice(people)
        if m.pk not in avoid:
            return m
    return rng.choice(people)
