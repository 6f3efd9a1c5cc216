from __future__ import annotations

import pytest

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.core.pagination import keyset_page

ORDER = ("sort_name", "id")


@pytest.fixture
def people(db: None) -> list[Person]:
    # Duplicate surnames on purpose: the id tie-breaker must still give each row one place.
    names = ["Adams", "Baker", "Baker", "Baker", "Chen", "Diaz", "Diaz", "Evans"]
    return [PersonFactory(last_name=name, first_name="Sam") for name in names]


def test_walking_every_page_returns_each_row_exactly_once(people: list[Person]) -> None:
    seen: list[int] = []
    cursor = None
    while True:
        page = keyset_page(Person.objects.all(), ordering=ORDER, cursor=cursor, limit=3)
        seen += [p.pk for p in page.items]
        if not page.has_next:
            break
        cursor = page.next_cursor
    expected = list(Person.objects.order_by(*ORDER).values_list("pk", flat=True))
    assert seen == expected


def test_descending_order_pages_backwards(people: list[Person]) -> None:
    first = keyset_page(Person.objects.all(), ordering=("-sort_name", "-id"), cursor=None, limit=4)
    second = keyset_page(
        Person.objects.all(), ordering=("-sort_name", "-id"), cursor=first.next_cursor, limit=4
    )
    names = [p.last_name for p in first.items + second.items]
    assert names == sorted(names, reverse=True)
    assert len({p.pk for p in first.items + second.items}) == 8


@pytest.mark.parametrize(
    "cursor", ["not-base64!", "W10", "WzEsMiwzXQ", "eyJhIjoxfQ", "W1t7fV0sMV0"]
)
def test_a_tampered_cursor_is_treated_as_the_first_page(people: list[Person], cursor: str) -> None:
    page = keyset_page(Person.objects.all(), ordering=ORDER, cursor=cursor, limit=3)
    first = keyset_page(Person.objects.all(), ordering=ORDER, cursor=None, limit=3)
    assert [p.pk for p in page.items] == [p.pk for p in first.items]


def test_the_last_page_has_no_next_cursor(people: list[Person]) -> None:
    page = keyset_page(Person.objects.all(), ordering=ORDER, cursor=None, limit=8)
    assert len(page.items) == 8
    assert page.next_cursor is None
