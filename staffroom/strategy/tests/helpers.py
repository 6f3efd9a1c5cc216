"""Many people and answers at once (bulk, like the demo builder), for results and
query-count tests."""

from __future__ import annotations

from itertools import count

from staffroom.accounts.models import Person, sort_name_for
from staffroom.organisation.models import JobFamily, Unit
from staffroom.strategy.models import Initiative, InitiativeResponse
from staffroom.strategy.services import recount_initiative_results

_numbers = count()


def add_answers(
    item: Initiative,
    unit: Unit,
    how_many: int,
    *,
    understanding: int = 4,
    support: int = 5,
    job_family: JobFamily | None = None,
) -> list[Person]:
    """`how_many` new people in `unit` who all answered `item` the same way."""
    people = Person.objects.bulk_create(
        Person(
            username=f"bulk.answer{n}",
            first_name=f"Pat{n}",
            last_name="Walker",
            sort_name=sort_name_for("Walker", f"Pat{n}"),
            unit=unit,
            department_id=unit.department_id,
            job_family=job_family,
            password="!",
        )
        for n in (next(_numbers) for _ in range(how_many))
    )
    people = list(Person.objects.filter(username__in=[p.username for p in people]))
    InitiativeResponse.objects.bulk_create(
        InitiativeResponse(
            initiative=item,
            person=person,
            understanding=understanding,
            support=support,
            department_id=person.department_id,
            job_family_id=person.job_family_id,
        )
        for person in people
    )
    recount_initiative_results(initiative=item)
    return people
