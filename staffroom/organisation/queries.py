"""Page-shaped reads of the directory, each with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person
from staffroom.core.models import Visibility
from staffroom.core.pagination import KeysetPage, keyset_page
from staffroom.organisation.models import Department, Site, Unit

DIRECTORY_ORDER = ("sort_name", "id")
PAGE_SIZE = 30


def _people_for_cards() -> QuerySet[Person]:
    return Person.objects.active().select_related("unit__department__site", "job_family")


@dataclass(frozen=True)
class DirectorySearch:
    text: str = ""
    department: Department | None = None


def directory_page(
    *, search: DirectorySearch, cursor: str | None = None, limit: int = PAGE_SIZE
) -> KeysetPage[Person]:
    """Active people matching a name, job title or department, in surname order."""
    people = _people_for_cards()
    if search.department is not None:
        people = people.filter(department=search.department)
    for word in search.text.split()[:5]:
        people = people.filter(
            Q(sort_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(job_title__icontains=word)
            | Q(department__name__icontains=word)
            | Q(unit__name__icontains=word)
        )
    return keyset_page(people, ordering=DIRECTORY_ORDER, cursor=cursor, limit=limit)


def department_choices() -> list[Department]:
    return list(Department.objects.select_related("site").order_by("site__name", "name"))


def sites_with_departments() -> list[Site]:
    return list(Site.objects.prefetch_related("departments").order_by("name"))


def get_department_or_404(code: str) -> Department:
    department = Department.objects.select_related("site").filter(code=code).first()
    if department is None:
        raise Http404(_("There is no department with that address."))
    return department


def get_unit_or_404(code: str) -> Unit:
    unit = Unit.objects.select_related("department__site").filter(code=code).first()
    if unit is None:
        raise Http404(_("There is no unit with that address."))
    return unit


def department_units(department: Department) -> list[Unit]:
    return list(department.units.order_by("name"))


def department_people(
    department: Department, *, cursor: str | None = None, limit: int = PAGE_SIZE
) -> KeysetPage[Person]:
    people = _people_for_cards().filter(department=department)
    return keyset_page(people, ordering=DIRECTORY_ORDER, cursor=cursor, limit=limit)


def unit_people(
    unit: Unit, *, cursor: str | None = None, limit: int = PAGE_SIZE
) -> KeysetPage[Person]:
    people = _people_for_cards().filter(unit=unit)
    return keyset_page(people, ordering=DIRECTORY_ORDER, cursor=cursor, limit=limit)


def unit_colleagues(person: Person, *, limit: int) -> list[Person]:
    """A few of the people in the person's unit, not counting themselves."""
    if person.unit_id is None:
        return []
    people = _people_for_cards().filter(unit_id=person.unit_id).exclude(pk=person.pk)
    return list(people.order_by(*DIRECTORY_ORDER)[:limit])


def get_person_or_404(pk: int) -> Person:
    person = (
        Person.objects.select_related(
            "unit__department__site", "job_family", "manager__unit", "manager__job_family"
        )
        .filter(pk=pk, erased_at__isnull=True)  # an erased person has no profile any more
        .first()
    )
    if person is None:
        raise Http404(_("There is no one in the directory at that address."))
    return person


def direct_reports(person: Person, *, limit: int = 50) -> list[Person]:
    return list(_people_for_cards().filter(manager=person).order_by(*DIRECTORY_ORDER)[:limit])


# --- Ideas credited on a profile ------------------------------------------------------------

# The idea box builds on the directory, not the other way round: these reads go through the
# reverse relations of Person (Idea.author, Contributor.person) and import nothing from it.
IMPLEMENTED = "implemented"  # ideas.models.Status.IMPLEMENTED
IDEA_CREDITS_SHOWN = 10


@dataclass(frozen=True)
class IdeaCredit:
    idea: Any
    as_author: bool
    contribution: str = ""


@dataclass(frozen=True)
class IdeaCredits:
    items: list[IdeaCredit]
    has_more: bool


def idea_credits(person: Person, *, limit: int = IDEA_CREDITS_SHOWN) -> IdeaCredits:
    """The newest implemented ideas `person` is credited on: those they proposed under their
    own name — never an anonymous one, which must not appear on its author's profile, not
    even their own view of it — and those they are named a contributor of. Two queries."""
    shown = {"visibility": Visibility.VISIBLE, "merged_into__isnull": True}
    authored = list(
        person.ideas.filter(is_anonymous=False, status=IMPLEMENTED, **shown).order_by(
            "-status_changed_at", "-id"
        )[: limit + 1]
    )
    contributed = list(
        person.idea_credits.filter(
            idea__status=IMPLEMENTED, **{f"idea__{k}": v for k, v in shown.items()}
        )
        .select_related("idea")
        .order_by("-idea__status_changed_at", "-idea_id")[: limit + 1]
    )
    items = [IdeaCredit(idea=idea, as_author=True) for idea in authored]
    items += [
        IdeaCredit(idea=c.idea, as_author=False, contribution=c.contribution) for c in contributed
    ]
    items.sort(key=lambda c: (c.idea.status_changed_at, c.idea.pk), reverse=True)
    return IdeaCredits(items=items[:limit], has_more=len(items) > limit)
