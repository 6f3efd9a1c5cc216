"""An initiative lists the ideas staff linked to it (shown ones only), with a fixed number
of queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.core.models import Visibility
from staffroom.ideas.services.proposing import create_idea
from staffroom.ideas.tests.factories import CategoryFactory
from staffroom.strategy.models import Initiative
from staffroom.strategy.tests.factories import initiative as new_initiative

pytestmark = pytest.mark.django_db

QueryCount = Callable[[Callable[[], object]], int]


def _idea(item: Initiative | None, title: str, **fields: Any) -> Any:
    author = fields.pop("author", None) or PersonFactory()
    return create_idea(
        author=author,
        title=title,
        problem=fields.pop("problem", "Patients wait on trolleys in the corridor."),
        proposal="A triage nurse at the door, every hour of the day.",
        category=CategoryFactory(slug="efficiency"),
        department=author.department,
        initiative=item,
        **fields,
    )


def test_the_initiative_lists_its_shown_ideas_with_links(client: Client) -> None:
    item = new_initiative(title="Shorter waits in the ED")
    linked = _idea(item, "Triage at the door")
    _idea(None, "Not linked at all")
    held = _idea(item, "Held idea", problem="Mrs Jane Doe, MRN 12345678, waited in bay 3.")
    assert held.visibility == Visibility.HELD
    client.force_login(PersonFactory())

    page = client.get(item.get_absolute_url()).content.decode()

    assert "Ideas from staff" in page
    assert "Triage at the door" in page
    assert linked.get_absolute_url() in page
    assert "Not linked at all" not in page
    assert "Held idea" not in page
    assert "0 votes" in page


def test_an_initiative_without_ideas_says_so(client: Client) -> None:
    item = new_initiative()
    client.force_login(PersonFactory())
    page = client.get(item.get_absolute_url()).content.decode()
    assert "No ideas are linked to this initiative yet." in page


def test_the_initiative_page_makes_the_same_number_of_queries_for_1_and_12_ideas(
    client: Client, query_count: QueryCount
) -> None:
    item = new_initiative()
    client.force_login(PersonFactory())
    url = item.get_absolute_url()
    client.get(url)

    _idea(item, "The first idea")
    small = query_count(lambda: client.get(url))
    for n in range(11):
        _idea(item, f"Idea {n}")
    large = query_count(lambda: client.get(url))
    assert small == large
    page = client.get(url).content.decode()
    section = page.split('id="staff-ideas-heading"')[1].split("</section>")[0]
    assert section.count("<li>") == 6  # the most-voted few, and a way to the rest
    assert "See every idea on the board" in section
