"""Who sees an event and who manages events."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.events.models import Event
from staffroom.events.permissions import (
    can_manage_events,
    can_see_event,
    get_visible_event_or_404,
)
from staffroom.events.tests.factories import communications_admin, make_event
from staffroom.organisation.tests.factories import DepartmentFactory, JobFamilyFactory

pytestmark = pytest.mark.django_db


def test_communications_admins_and_administrators_manage_events_and_nobody_else() -> None:
    admin = PersonFactory()
    RoleGrantFactory(person=admin, role=Role.ADMINISTRATOR)
    assert can_manage_events(communications_admin())
    assert can_manage_events(admin)
    assert not can_manage_events(PersonFactory())
    moderator = PersonFactory()
    RoleGrantFactory(person=moderator, role=Role.MODERATOR)
    assert not can_manage_events(moderator)
    assert not can_manage_events(AnonymousUser())
    gone = communications_admin()
    Person.objects.filter(pk=gone.pk).update(is_active=False)
    gone.refresh_from_db()
    assert not can_manage_events(gone)


def test_the_same_audience_rule_in_memory_and_in_the_database() -> None:
    mine, other = DepartmentFactory(), DepartmentFactory()
    nurses = JobFamilyFactory(code="nursing", name="Nursing")
    physicians = JobFamilyFactory(code="physicians", name="Physicians")
    nurse = PersonFactory(unit__department=mine, job_family=nurses)
    events = [
        make_event(title="everyone"),
        make_event(title="my department", audience_departments=[mine]),
        make_event(title="my site", audience_sites=[mine.site]),
        make_event(title="nurses", audience_job_families=[nurses]),
        make_event(
            title="my department's physicians",
            audience_departments=[mine],
            audience_job_families=[physicians],
        ),
        make_event(title="other department", audience_departments=[other]),
        make_event(title="other site", audience_sites=[other.site]),
    ]
    in_database = set(Event.objects.visible_to(nurse).values_list("title", flat=True))
    in_memory = {e.title for e in events if can_see_event(nurse, e)}
    assert in_database == in_memory == {"everyone", "my department", "my site", "nurses"}
    assert Event.objects.visible_to(communications_admin()).count() == len(events)
    with pytest.raises(Http404):
        get_visible_event_or_404(nurse, events[-1].pk)
    assert get_visible_event_or_404(nurse, events[0].pk) == events[0]


def test_a_leaver_sees_no_event() -> None:
    make_event()
    leaver = PersonFactory()
    Person.objects.filter(pk=leaver.pk).update(is_active=False)
    leaver.refresh_from_db()
    assert not Event.objects.visible_to(leaver).exists()
