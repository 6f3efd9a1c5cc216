"""Idea categories in the technical admin: administrators only; patient information refused;
never deleted (retired instead, so old ideas keep theirs)."""

from __future__ import annotations

import pytest
from django.test import Client

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.ideas.models import Category

pytestmark = pytest.mark.django_db

LIST_URL = "/django-admin/ideas/category/"
ADD_URL = f"{LIST_URL}add/"


def _form(**changes: str) -> dict[str, str]:
    data = {
        "name": "Night shifts",
        "slug": "night-shifts",
        "description": "Working at night.",
        "position": "7",
        "is_active": "on",
    }
    data.update(changes)
    return data


@pytest.fixture
def admin_client(client: Client, administrator: Person) -> Client:
    administrator.is_staff = True
    administrator.save(update_fields=["is_staff"])
    client.force_login(administrator)
    return client


def test_an_administrator_adds_and_retires_a_category(admin_client: Client) -> None:
    assert admin_client.get(LIST_URL).status_code == 200
    response = admin_client.post(ADD_URL, _form())
    assert response.status_code == 302
    category = Category.objects.get(slug="night-shifts")
    response = admin_client.post(f"{LIST_URL}{category.pk}/change/", _form(is_active=""))
    assert response.status_code == 302
    category.refresh_from_db()
    assert not category.is_active
    # Never deleted: old ideas keep their category.
    assert admin_client.post(f"{LIST_URL}{category.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Category.objects.filter(pk=category.pk).exists()


def test_patient_information_in_a_category_is_refused(admin_client: Client) -> None:
    response = admin_client.post(ADD_URL, _form(description="Like Mrs Jane Doe, MRN 12345678"))
    assert response.status_code == 200
    assert "patient information" in response.content.decode()
    assert not Category.objects.filter(slug="night-shifts").exists()


def test_staff_who_are_not_administrators_cannot_edit_categories(client: Client) -> None:
    leader = PersonFactory(is_staff=True)
    RoleGrantFactory(person=leader, role=Role.COMMUNICATIONS_ADMIN)
    client.force_login(leader)
    assert client.get(LIST_URL).status_code == 403
    assert client.post(ADD_URL, _form()).status_code == 403
    assert not Category.objects.filter(slug="night-shifts").exists()
