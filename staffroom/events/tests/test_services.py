"""Setting up, changing and cancelling events: who may, what is refused, what is kept."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.events.models import Event, Kind
from staffroom.events.services import cancel_event, save_event
from staffroom.events.tests.factories import communications_admin, local, make_event
from staffroom.organisation.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def test_a_new_event_starts_at_sequence_zero_with_its_description_rendered_safely() -> None:
    event = make_event(description="**Bring questions** <script>alert(1)</script>")
    assert event.sequence == 0
    assert "<strong>Bring questions</strong>" in event.description_html
    assert "<script>" not in event.description_html
    assert event.kind == Kind.TOWN_HALL
    assert event.created_by is not None


def test_each_change_and_the_cancellation_add_one_to_the_sequence() -> None:
    admin = communications_admin()
    event = make_event(editor=admin)
    changed = save_event(
        editor=admin,
        event=event,
        title="CEO town hall (moved)",
        starts_at=local(2030, 3, 6, 12),
        ends_at=local(2030, 3, 6, 13),
    )
    assert changed.pk == event.pk
    assert changed.sequence == 1
    cancelled = cancel_event(editor=admin, event=changed)
    assert cancelled.sequence == 2
    assert cancelled.is_cancelled
    again = cancel_event(editor=admin, event=cancelled)
    assert again.sequence == 2
    assert again.cancelled_at == cancelled.cancelled_at


def test_a_cancelled_event_cannot_be_changed() -> None:
    admin = communications_admin()
    event = cancel_event(editor=admin, event=make_event(editor=admin))
    with pytest.raises(ValidationError):
        save_event(
            editor=admin,
            event=event,
            title="Back on",
            starts_at=event.starts_at,
            ends_at=event.ends_at,
        )
    event.refresh_from_db()
    assert event.title == "CEO town hall"


def test_an_event_that_ends_before_it_starts_is_refused_and_nothing_is_saved() -> None:
    with pytest.raises(ValidationError) as refused:
        make_event(starts_at=local(2030, 3, 5, 12), ends_at=local(2030, 3, 5, 11))
    assert "ends_at" in refused.value.error_dict
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    "link",
    ["http://teams.example.org/meet", "javascript:alert(1)", "teams.example.org", "https://"],
)
def test_an_online_link_must_be_https(link: str) -> None:
    with pytest.raises(ValidationError) as refused:
        make_event(online_url=link)
    assert "online_url" in refused.value.error_dict


def test_an_https_online_link_is_kept() -> None:
    event = make_event(online_url="https://teams.example.org/l/meetup-join/19")
    assert event.online_url == "https://teams.example.org/l/meetup-join/19"


def test_staff_and_department_communications_admins_cannot_set_up_events() -> None:
    staff = PersonFactory()
    local_comms = PersonFactory()
    RoleGrantFactory(
        person=local_comms, role=Role.COMMUNICATIONS_ADMIN, department=DepartmentFactory()
    )
    for person in (staff, local_comms):
        with pytest.raises(PermissionDenied):
            make_event(editor=person)
    assert not Event.objects.exists()


def test_staff_cannot_cancel_an_event() -> None:
    event = make_event()
    with pytest.raises(PermissionDenied):
        cancel_event(editor=PersonFactory(), event=event)
    event.refresh_from_db()
    assert not event.is_cancelled


def test_an_all_day_event_runs_from_midnight_to_the_midnight_after_its_last_day() -> None:
    event = make_event(
        all_day=True, starts_at=local(2030, 6, 10, 15, 30), ends_at=local(2030, 6, 11, 9)
    )
    assert event.starts_at == local(2030, 6, 10)
    assert event.ends_at == local(2030, 6, 12)
    assert event.first_day == datetime.date(2030, 6, 10)
    assert event.last_day == datetime.date(2030, 6, 11)


def test_the_audience_lists_narrow_who_the_event_is_for() -> None:
    department = DepartmentFactory()
    event = make_event(audience_departments=[department])
    assert event.audience_restricted
    assert list(event.audience_departments.all()) == [department]
    everyone = make_event()
    assert not everyone.audience_restricted


def test_patient_information_in_an_event_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        make_event(description="Debrief on patient John Smith, MRN 12345678, bed 4")
    assert "description" in refused.value.error_dict
    assert not Event.objects.exists()


def test_setting_up_changing_and_cancelling_are_audited() -> None:
    admin = communications_admin()
    event = make_event(editor=admin)
    save_event(
        editor=admin, event=event, title="Moved", starts_at=event.starts_at, ends_at=event.ends_at
    )
    cancel_event(editor=admin, event=event)
    actions = list(
        AuditEntry.objects.filter(actor=admin).order_by("seq").values_list("action", flat=True)
    )
    assert actions == [
        AuditAction.EVENT_SAVED,
        AuditAction.EVENT_SAVED,
        AuditAction.EVENT_CANCELLED,
    ]
