"""A person's profile credits the implemented ideas they proposed under their name and those
they helped with — never an idea they proposed anonymously — with a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Person, Role, RoleGrant
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.ideas.models import Idea, Status
from staffroom.ideas.services.impact import credit_contributors, record_impact
from staffroom.ideas.services.proposing import create_idea
from staffroom.ideas.services.reviewing import respond
from staffroom.ideas.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

QueryCount = Callable[[Callable[[], object]], int]


@pytest.fixture
def reviewer() -> Person:
    person = PersonFactory()
    RoleGrant.objects.create(person=person, role=Role.IDEA_REVIEWER)  # organisation-wide
    return person


def _implemented(reviewer: Person, author: Person, title: str, **fields: Any) -> Idea:
    idea = create_idea(
        author=author,
        title=title,
        problem="Call lights ring at the desk while everyone is in the bays.",
        proposal="Send every call light to the charge nurse's pager too.",
        category=CategoryFactory(slug="work-environment"),
        department=author.department,  # type: ignore[arg-type]  # factory people have one
        **fields,
    )
    respond(idea=idea, reviewer=reviewer, message="Done.", status=Status.IMPLEMENTED)
    idea.refresh_from_db()
    return idea


def test_the_profile_credits_implemented_ideas_as_author_and_contributor(
    client: Client, reviewer: Person
) -> None:
    nurse = PersonFactory()
    proposed = _implemented(reviewer, nurse, "Pagers for call lights")
    helped = _implemented(reviewer, PersonFactory(), "Quiet hours on Ward 7")
    credit_contributors(
        idea=helped, recorder=reviewer, people_with_notes=[(nurse, "ran the trial")]
    )
    still_open = create_idea(
        author=nurse,
        title="Not implemented yet",
        problem="Something to fix.",
        proposal="A way to fix it.",
        category=CategoryFactory(slug="work-environment"),
        department=nurse.department,
    )
    client.force_login(PersonFactory())

    page = client.get(reverse("organisation:person", args=[nurse.pk])).content.decode()

    assert 'id="ideas-heading"' in page
    assert proposed.get_absolute_url() in page
    assert "proposed it" in page
    assert helped.get_absolute_url() in page
    assert "ran the trial" in page
    assert still_open.title not in page


def test_an_anonymous_idea_never_appears_on_its_authors_profile(
    client: Client, reviewer: Person
) -> None:
    nurse = PersonFactory()
    secret = _implemented(reviewer, nurse, "Anonymous: a fairer rota", is_anonymous=True)
    today = timezone.localdate()
    record_impact(
        idea=secret,
        recorder=reviewer,
        what_changed="Rota swaps are posted a month ahead.",
        measure="swap requests refused",
        unit="a month",
        before_value=Decimal(14),
        before_on=today - timedelta(days=90),
        after_value=Decimal(3),
        after_on=today - timedelta(days=1),
    )
    for viewer in (PersonFactory(), nurse):  # not even on their own view of it
        client.force_login(viewer)
        page = client.get(reverse("organisation:person", args=[nurse.pk])).content.decode()
        assert secret.title not in page
        assert secret.get_absolute_url() not in page
        assert 'id="ideas-heading"' not in page


def test_the_profile_makes_the_same_number_of_queries_for_1_and_15_credits(
    client: Client, reviewer: Person, query_count: QueryCount
) -> None:
    nurse = PersonFactory()
    client.force_login(PersonFactory())
    url = reverse("organisation:person", args=[nurse.pk])
    client.get(url)

    _implemented(reviewer, nurse, "First")
    small = query_count(lambda: client.get(url))
    for n in range(7):
        _implemented(reviewer, nurse, f"Mine {n}")
        other = _implemented(reviewer, PersonFactory(), f"Helped {n}")
        credit_contributors(idea=other, recorder=reviewer, people_with_notes=[(nurse, "")])
    large = query_count(lambda: client.get(url))
    assert small == large
    page = client.get(url).content.decode()
    section = page.split('id="ideas-heading"')[1].split("</section>")[0]
    assert section.count('href="/ideas/') == 10 + 1  # ten credits, and the wall for the rest
    assert reverse("ideas:implemented") in section
