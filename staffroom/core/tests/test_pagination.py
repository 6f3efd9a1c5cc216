from __future__ import annotations

import base64
import json

import pytest
from django.test import Client

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


@pytest.mark.parametrize(
    "values",
    [["a", "x"], [None, None], ["a", float("nan")], ["a", 2**70], [1, 2], ["a", "1.5e999"]],
)
def test_a_cursor_with_values_of_the_wrong_kind_is_treated_as_the_first_page(
    people: list[Person], values: list[object]
) -> None:
    cursor = base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")
    page = keyset_page(Person.objects.all(), ordering=ORDER, cursor=cursor, limit=3)
    first = keyset_page(Person.objects.all(), ordering=ORDER, cursor=None, limit=3)
    assert [p.pk for p in page.items] == [p.pk for p in first.items]


@pytest.mark.django_db
def test_a_tampered_cursor_on_a_page_is_not_a_server_error(client: Client, person: Person) -> None:
    client.force_login(person)
    cursor = base64.urlsafe_b64encode(b'["a","x"]').decode().rstrip("=")
    assert client.get("/people/", {"cursor": cursor}).status_code == 200


def test_the_last_page_has_no_next_cursor(people: list[Person]) -> None:
    page = keyset_page(Person.objects.all(), ordering=ORDER, cursor=None, limit=8)
    assert len(page.items) == 8
    assert page.next_cursor is None
