from __future__ import annotations

import pytest
from django.test import Client

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.discussion.models import Thread
from staffroom.strategy.models import Initiative, Plan
from staffroom.strategy.tests.factories import PillarFactory, PlanFactory, initiative

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(PersonFactory(is_staff=True, is_superuser=True))
    return client


def test_an_initiative_added_in_the_admin_gets_a_thread_and_rendered_text(
    admin_client: Client,
) -> None:
    pillar = PillarFactory()
    owner = PersonFactory()
    response = admin_client.post(
        "/django-admin/strategy/initiative/add/",
        {
            "pillar": pillar.pk,
            "title": "Safer nights",
            "slug": "safer-nights",
            "summary": "",
            "goal": "Fewer falls at night.",
            "body": "We will **act**.",
            "owner": owner.pk,
            "status": "planned",
            "target_date": "",
            "position": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Initiative.objects.get(slug="safer-nights")
    assert created.thread.kind == Thread.Kind.INITIATIVE
    assert "act" in created.body_html


def test_editing_an_initiative_in_the_admin_renders_its_description_again(
    admin_client: Client,
) -> None:
    item = initiative(body="Old words")
    response = admin_client.post(
        f"/django-admin/strategy/initiative/{item.pk}/change/",
        {
            "pillar": item.pillar_id,
            "title": item.title,
            "slug": item.slug,
            "summary": "",
            "goal": item.goal,
            "body": "New words",
            "owner": item.owner_id,
            "status": "on_track",
            "target_date": "",
            "position": "0",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert "New words" in item.body_html
    assert item.status == Initiative.Status.ON_TRACK
    assert item.version == 2


def test_a_plan_saved_in_the_admin_is_rendered_and_becomes_the_only_current_one(
    admin_client: Client,
) -> None:
    old = PlanFactory(is_current=True)
    response = admin_client.post(
        "/django-admin/strategy/plan/add/",
        {
            "slug": "riverside-2035",
            "title": "Riverside 2035",
            "summary": "",
            "body": "Why *now*.",
            "starts_on": "",
            "ends_on": "",
            "is_current": "on",
            "pillars-TOTAL_FORMS": "1",
            "pillars-INITIAL_FORMS": "0",
            "pillars-MIN_NUM_FORMS": "0",
            "pillars-MAX_NUM_FORMS": "1000",
            "pillars-0-title": "Safe, kind care",
            "pillars-0-summary": "",
            "pillars-0-position": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = Plan.objects.get(slug="riverside-2035")
    assert plan.is_current
    assert "now" in plan.body_html
    assert plan.pillars.get().title == "Safe, kind care"
    old.refresh_from_db()
    assert not old.is_current


def test_the_admin_lists_initiatives(admin_client: Client) -> None:
    initiative(title="Shorter waits")
    body = admin_client.get("/django-admin/strategy/initiative/").content.decode()
    assert "Shorter waits" in body
