"""The board's cached parts: the filter form (cached under its options' version, the
language and the address's values) and the cards (under each idea's versions), and what is
never cached: the vote count and the viewer's own vote."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.ideas import queries
from staffroom.ideas.models import Status
from staffroom.ideas.services import voting
from staffroom.ideas.services.proposing import create_idea
from staffroom.ideas.services.reviewing import respond
from staffroom.ideas.tests.factories import CampaignFactory, CategoryFactory, IdeaFactory
from staffroom.organisation.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

QueryCount = Callable[[Callable[[], object]], int]


@pytest.fixture
def signed_in(client: Client, person: Person) -> Client:
    client.force_login(person)
    return client


def _board(client: Client, **params: str) -> str:
    response = client.get(reverse("ideas:board"), params)
    assert response.status_code == 200
    return response.content.decode()


def _option(pk: int, label: str) -> str:
    return f'<option value="{pk}">{label}</option>'


def _no_reading_of_options(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(version: str) -> Any:
        raise AssertionError("the options were read again: the cached ones were not used")

    monkeypatch.setattr(queries, "_read_choices", refuse)


def test_the_filter_form_comes_from_the_cache_once_rendered(
    signed_in: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    department = DepartmentFactory(name="Cardiology")
    first = _board(signed_in, sort="newest", department=str(department.pk))
    assert f'<option value="{department.pk}" selected>Cardiology</option>' in first
    _no_reading_of_options(monkeypatch)
    again = _board(signed_in, sort="newest", department=str(department.pk))
    assert f'<option value="{department.pk}" selected>Cardiology</option>' in again
    # Other values, another form, still without reading the options.
    other = _board(signed_in, sort="top")
    assert _option(department.pk, "Cardiology") in other
    assert "selected>Cardiology" not in other


def test_renaming_adding_or_deleting_an_option_changes_the_cached_form(
    signed_in: Client,
) -> None:
    department = DepartmentFactory(name="Cardiology")
    campaign = CampaignFactory(title="Safer nights")
    body = _board(signed_in)
    assert _option(department.pk, "Cardiology") in body
    assert _option(campaign.pk, "Safer nights") in body

    department.name = "Heart care"
    department.save()
    body = _board(signed_in)
    assert _option(department.pk, "Heart care") in body
    assert "Cardiology" not in body

    category = CategoryFactory(name="Night shifts")
    assert _option(category.pk, "Night shifts") in _board(signed_in)

    campaign_pk = campaign.pk
    campaign.delete()
    assert "Safer nights" not in _board(signed_in)
    # A filter on the deleted campaign is now an unknown value: ignored, no error.
    assert "Safer nights" not in _board(signed_in, campaign=str(campaign_pk))


def test_the_cached_form_follows_the_persons_language(client: Client) -> None:
    english = PersonFactory(preferred_language="en")
    spanish = PersonFactory(preferred_language="es")
    with translation.override("es"):
        show_only = translation.gettext("Show only")
        any_category = translation.gettext("Any category")
    assert show_only != "Show only"

    client.force_login(english)
    body = _board(client)
    assert "Show only" in body
    assert any_category not in body
    client.force_login(spanish)
    body = _board(client)
    assert show_only in body
    assert any_category in body


def test_a_cached_card_changes_with_its_status_and_its_authors_erasure(
    signed_in: Client, person: Person
) -> None:
    author = PersonFactory(first_name="Zebedee", last_name="Quartermaine")
    idea = create_idea(
        author=author,
        title="Quieter nights",
        problem="Night rounds wake patients who have only just fallen asleep.",
        proposal="Group the 2am checks so each bay is visited once.",
        category=CategoryFactory(),
        department=author.department,
    )
    body = _board(signed_in)
    assert "Zebedee Quartermaine" in body
    assert "idea-status--new" in body

    reviewer = RoleGrantFactory(role=Role.IDEA_REVIEWER, department=idea.department).person
    respond(idea=idea, reviewer=reviewer, message="Looking at it.", status=Status.UNDER_REVIEW)
    body = _board(signed_in)
    assert "idea-status--under_review" in body
    assert "idea-status--new" not in body

    author.erased_at = timezone.now()
    author.save()
    body = _board(signed_in)
    assert "Zebedee" not in body


def test_the_vote_count_and_my_vote_are_never_from_the_cached_card(
    signed_in: Client, person: Person
) -> None:
    idea = IdeaFactory(title="Quieter nights")
    body = _board(signed_in)
    assert '<strong class="vote-box__number">0</strong> votes' in body
    assert "vote-box--voted" not in body

    voting.vote(idea=idea, person=person)
    voting.vote(idea=idea, person=PersonFactory())
    body = _board(signed_in)
    assert '<strong class="vote-box__number">2</strong> votes' in body
    assert "vote-box--voted" in body


def test_a_warm_board_makes_a_fixed_number_of_queries(
    signed_in: Client, person: Person, query_count: QueryCount
) -> None:
    for n in range(5):
        IdeaFactory(title=f"Idea {n}")
    for _ in range(2):
        _board(signed_in)  # the session's first writes; the caches filled
    warm = query_count(lambda: _board(signed_in))
    for n in range(20):
        IdeaFactory(title=f"More {n}", department=DepartmentFactory())
    for sort in queries.SORTS:
        _board(signed_in, sort=sort)
        assert query_count(functools.partial(_board, signed_in, sort=sort)) == warm
