from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from staffroom.accounts.models import Person, Role
from staffroom.accounts.permissions import check_manage_directory, has_role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.organisation.tests.factories import DepartmentFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_staff_hold_no_extra_roles(person: Person) -> None:
    assert not has_role(person, Role.MODERATOR)
    with pytest.raises(PermissionDenied, match="Only administrators"):
        check_manage_directory(person)


def test_administrators_hold_every_role(administrator: Person) -> None:
    assert all(has_role(administrator, role) for role in Role)
    check_manage_directory(administrator)


def test_a_department_role_applies_only_in_that_department() -> None:
    ed, icu = DepartmentFactory(), DepartmentFactory()
    editor = PersonFactory()
    RoleGrantFactory(person=editor, role=Role.CHANNEL_EDITOR, department=ed)
    assert has_role(editor, Role.CHANNEL_EDITOR, department=ed)
    assert not has_role(editor, Role.CHANNEL_EDITOR, department=icu)
    assert not has_role(editor, Role.IDEA_REVIEWER, department=ed)


def test_a_site_role_applies_to_every_department_at_that_site() -> None:
    site, other_site = SiteFactory(), SiteFactory()
    here, there = DepartmentFactory(site=site), DepartmentFactory(site=other_site)
    reviewer = PersonFactory()
    RoleGrantFactory(person=reviewer, role=Role.IDEA_REVIEWER, site=site)
    assert has_role(reviewer, Role.IDEA_REVIEWER, department=here)
    assert not has_role(reviewer, Role.IDEA_REVIEWER, department=there)


def test_someone_who_has_left_holds_no_roles(administrator: Person) -> None:
    administrator.is_active = False
    assert not has_role(administrator, Role.ADMINISTRATOR)


def test_a_role_cannot_be_scoped_to_a_site_and_a_department_at_once() -> None:
    from django.db import IntegrityError, transaction

    department = DepartmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrantFactory(role=Role.MODERATOR, site=department.site, department=department)


def test_an_administrator_of_one_department_cannot_manage_the_whole_directory() -> None:
    department = DepartmentFactory()
    local_admin = PersonFactory()
    RoleGrantFactory(person=local_admin, role=Role.ADMINISTRATOR, department=department)
    site_admin = PersonFactory()
    RoleGrantFactory(person=site_admin, role=Role.ADMINISTRATOR, site=department.site)
    for person in (local_admin, site_admin):
        with pytest.raises(PermissionDenied):
            check_manage_directory(person)
