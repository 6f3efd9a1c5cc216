from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from staffroom.accounts.models import Person, Role, RoleGrant
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.organisation.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def test_a_role_granted_in_the_technical_admin_records_who_granted_it(client: Client) -> None:
    it_admin = PersonFactory(is_staff=True, is_superuser=True)
    nurse: Person = PersonFactory()
    department = DepartmentFactory()
    client.force_login(it_admin)
    url = reverse("admin:accounts_person_change", args=[nurse.pk])
    data = {
        "username": nurse.username,
        "first_name": nurse.first_name,
        "last_name": nurse.last_name,
        "preferred_name": "",
        "email": nurse.email,
        "employee_id": nurse.employee_id,
        "job_title": nurse.job_title,
        "job_family": nurse.job_family_id,
        "unit": nurse.unit_id,
        "manager": "",
        "shift_pattern": "",
        "preferred_language": "en",
        "is_active": "on",
        "left_on": "",
        "role_grants-TOTAL_FORMS": "1",
        "role_grants-INITIAL_FORMS": "0",
        "role_grants-MIN_NUM_FORMS": "0",
        "role_grants-MAX_NUM_FORMS": "1000",
        "role_grants-0-role": Role.CHANNEL_EDITOR,
        "role_grants-0-site": "",
        "role_grants-0-department": department.pk,
        "role_grants-0-person": nurse.pk,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    grant = RoleGrant.objects.get(person=nurse)
    assert grant.role == Role.CHANNEL_EDITOR
    assert grant.department == department
    assert grant.granted_by == it_admin


def test_people_without_admin_access_cannot_open_the_technical_admin(
    client: Client, person: Person
) -> None:
    client.force_login(person)
    response = client.get(reverse("admin:accounts_person_changelist"))
    assert response.status_code == 302
    assert "/django-admin/login/" in response["Location"]
