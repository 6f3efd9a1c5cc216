from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.jobs.outbox import OutboxStatus
from staffroom.mail.models import EmailKind, OutboundEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    admin = PersonFactory()
    RoleGrantFactory(person=admin, role=Role.ADMINISTRATOR)
    client = Client()
    client.force_login(admin)
    return client


def _failed_email(number: int) -> OutboundEmail:
    return OutboundEmail.objects.create(
        key=f"test:{number}",
        recipient=PersonFactory(),
        kind=EmailKind.NOTIFICATION,
        status=OutboxStatus.FAILED,
        attempts=10,
        last_error=f"The server refused the recipient (550) number {number}",
        done_at=timezone.now(),
    )


def test_staff_and_other_roles_may_not_see_the_background_jobs() -> None:
    for role in (None, Role.COMMUNICATIONS_ADMIN, Role.PRIVACY_OFFICER, Role.MODERATOR):
        person = PersonFactory()
        if role:
            RoleGrantFactory(person=person, role=role)
        client = Client()
        client.force_login(person)
        assert client.get(reverse("jobs:overview")).status_code == 403
        assert client.post(reverse("jobs:retry"), {"kind": "mail.OutboundEmail"}).status_code == 403


def test_an_administrator_sees_failed_deliveries_with_their_reason(admin_client: Client) -> None:
    _failed_email(1)
    page = admin_client.get(reverse("jobs:overview")).content.decode()
    assert "The server refused the recipient (550) number 1" in page
    assert "Try again" in page


def test_the_page_costs_the_same_queries_with_few_or_many_failures(admin_client: Client) -> None:
    _failed_email(1)
    admin_client.get(reverse("jobs:overview"))  # warm the per-process caches first
    with CaptureQueriesContext(connection) as few:
        admin_client.get(reverse("jobs:overview"))
    for number in range(2, 30):
        _failed_email(number)
    DBTaskResult.objects.all().delete()
    with CaptureQueriesContext(connection) as many:
        admin_client.get(reverse("jobs:overview"))
    assert len(many) == len(few)


def test_retrying_a_failed_delivery_queues_it_again_and_is_audited(admin_client: Client) -> None:
    email = _failed_email(1)
    response = admin_client.post(
        reverse("jobs:retry"), {"kind": "mail.OutboundEmail", "pk": email.pk}
    )
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == OutboxStatus.PENDING
    assert email.attempts == 0
    assert DBTaskResult.objects.ready().filter(task_path__endswith="deliver_outbox").count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.DELIVERY_RETRIED).count() == 1
    again = admin_client.post(
        reverse("jobs:retry"), {"kind": "mail.OutboundEmail", "pk": email.pk}, follow=True
    )
    assert "no longer failed" in again.content.decode()
    assert DBTaskResult.objects.ready().count() == 1


def test_retrying_something_unknown_says_so_and_changes_nothing(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("jobs:retry"), {"kind": "auth.User", "pk": "1"}, follow=True
    )
    assert "no such kind of delivery" in response.content.decode()
    assert not DBTaskResult.objects.exists()


def test_all_failed_deliveries_of_a_kind_are_tried_again_at_once(admin_client: Client) -> None:
    emails = [_failed_email(number) for number in range(3)]
    response = admin_client.post(
        reverse("jobs:retry"), {"kind": "mail.OutboundEmail", "all": "1"}, follow=True
    )
    assert "3 deliveries will be tried again" in response.content.decode()
    assert {e.status for e in OutboundEmail.objects.filter(pk__in=[e.pk for e in emails])} == {
        OutboxStatus.PENDING
    }
    assert DBTaskResult.objects.ready().count() == 1  # one batch
    again = admin_client.post(
        reverse("jobs:retry"), {"kind": "mail.OutboundEmail", "all": "1"}, follow=True
    )
    assert "nothing to try again" in again.content.decode()
