"""Factories for the idea box. `IdeaFactory` makes an idea the way a row looks after
`create_idea` of a clean idea (thread, rendered HTML, due date), without the side effects
(counters, routing): tests of those call the services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.conf import settings
from django.utils import timezone

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.core.richtext import render_markdown
from staffroom.ideas.models import Campaign, Category, Idea
from staffroom.organisation.tests.factories import DepartmentFactory


def _new_idea_thread() -> Any:
    from staffroom.discussion.services import new_thread

    return new_thread(kind="idea")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"Category {n}")


class CampaignFactory(factory.django.DjangoModelFactory):
    """An open campaign (opened a day ago, closes in 30 days) that asks everyone."""

    class Meta:
        model = Campaign

    slug = factory.Sequence(lambda n: f"campaign-{n}")
    title = factory.Sequence(lambda n: f"Campaign {n}")
    question = "How could we make night shifts safer?"
    question_html = factory.LazyAttribute(lambda c: render_markdown(c.question).html)
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Idea

    title = factory.Sequence(lambda n: f"Idea {n}: quieter night rounds")
    problem = "Night rounds wake patients who have only just fallen asleep."
    problem_html = factory.LazyAttribute(lambda i: render_markdown(i.problem).html)
    proposal = "Group the 2am checks so each bay is visited once."
    proposal_html = factory.LazyAttribute(lambda i: render_markdown(i.proposal).html)
    category = factory.SubFactory(CategoryFactory)
    department = factory.SubFactory(DepartmentFactory)
    author = factory.SubFactory(PersonFactory)
    response_due_at = factory.LazyFunction(
        lambda: timezone.now() + timedelta(days=settings.IDEAS_FIRST_RESPONSE_DAYS)
    )
    first_shown_at = factory.LazyFunction(timezone.now)
    thread = factory.LazyFunction(_new_idea_thread)
