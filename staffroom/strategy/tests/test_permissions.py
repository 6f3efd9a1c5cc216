from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.discussion.subjects import get_visible_subject_or_404, subject_type
from staffroom.organisation.tests.factories import DepartmentFactory
from staffroom.strategy.permissions import (
    can_moderate_initiative_discussion,
    can_update_initiative_status,
    can_view_initiative_results,
    can_view_plan_results,
    check_update_initiative_status,
    check_view_initiative_results,
)
from staffroom.strategy.tests.factories import initiative

pytestmark = pytest.mark.django_db


def with_role(role: Role, **scope: object) -> Person:
    person = PersonFactory()
    RoleGrantFactory(person=person, role=role, **scope)
    return person


def test_a_nurse_cannot_see_results_or_change_the_status(person: Person) -> None:
    item = initiative()
    assert not can_view_initiative_results(person, item)
    assert not can_view_plan_results(person)
    with pytest.raises(PermissionDenied, match="owner"):
        check_view_initiative_results(person, item)
    with pytest.raises(PermissionDenied):
        check_update_initiative_status(person, item)


@pytest.mark.parametrize("role", [Role.COMMUNICATIONS_ADMIN, Role.ANALYST, Role.ADMINISTRATOR])
def test_leadership_roles_see_the_results_of_every_initiative(role: Role) -> None:
    leader = with_role(role)
    assert can_view_initiative_results(leader, initiative())
    assert can_view_plan_results(leader)


def test_an_analyst_for_one_department_does_not_see_results_across_the_organisation() -> None:
    analyst = with_role(Role.ANALYST, department=DepartmentFactory())
    assert not can_view_initiative_results(analyst, initiative())


def test_the_owner_sees_their_own_initiatives_results_only() -> None:
    item = initiative()
    assert can_view_initiative_results(item.owner, item)
    assert not can_view_initiative_results(item.owner, initiative())
    assert not can_view_plan_results(item.owner)


def test_the_owner_and_communications_admins_change_the_status() -> None:
    item = initiative()
    assert can_update_initiative_status(item.owner, item)
    assert can_update_initiative_status(with_role(Role.COMMUNICATIONS_ADMIN), item)
    assert not can_update_initiative_status(with_role(Role.ANALYST), item)


def test_someone_who_has_left_can_do_none_of_it() -> None:
    item = initiative()
    owner = item.owner
    owner.is_active = False
    owner.save()
    assert not can_view_initiative_results(owner, item)
    assert not can_update_initiative_status(owner, item)


def test_the_discussion_of_an_initiative_is_open_to_every_active_person(person: Person) -> None:
    item = initiative()
    subject = get_visible_subject_or_404(person, item.thread)
    assert subject.obj == item
    assert subject.url == item.get_absolute_url()
    visible = subject_type("initiative").visible_thread_ids(person, [item.thread])
    assert visible == {item.thread_id}
    gone = PersonFactory(is_active=False)
    with pytest.raises(Http404):
        get_visible_subject_or_404(gone, item.thread)
    assert subject_type("initiative").visible_thread_ids(gone, [item.thread]) == set()


def test_moderators_of_an_initiative_discussion(person: Person) -> None:
    item = initiative()
    moderate = subject_type("initiative").can_moderate
    subject = get_visible_subject_or_404(person, item.thread)
    assert moderate(item.owner, subject)
    assert moderate(with_role(Role.COMMUNICATIONS_ADMIN), subject)
    assert moderate(with_role(Role.MODERATOR), subject)
    assert not moderate(person, subject)
    assert not can_moderate_initiative_discussion(with_role(Role.ANALYST), item)
