from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.audit.permissions import can_view_audit
from staffroom.audit.services import record_audit
from staffroom.audit.tests.helpers import some_entries
from staffroom.organisation.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

LIST = reverse("audit:list")
EXPORT = reverse("audit:export")


@pytest.fixture
def officer() -> Person:
    person = PersonFactory(username="pat.privacy")
    RoleGrantFactory(person=person, role=Role.PRIVACY_OFFICER)
    return person


def signed_in(client: Client, person: Person) -> Client:
    client.force_login(person)
    return client


def csv_rows(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


# --- Permissions --------------------------------------------------------------------------


def test_privacy_officers_and_administrators_may_read_the_trail(officer, administrator) -> None:
    assert can_view_audit(officer)
    assert can_view_audit(administrator)


def test_a_nurse_a_moderator_and_a_department_privacy_officer_may_not() -> None:
    nurse = PersonFactory()
    moderator = PersonFactory()
    RoleGrantFactory(person=moderator, role=Role.MODERATOR)
    local = PersonFactory()
    RoleGrantFactory(person=local, role=Role.PRIVACY_OFFICER, department=DepartmentFactory())
    assert not any(can_view_audit(p) for p in (nurse, moderator, local))


@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_a_nurse_is_refused_the_list_and_the_export_and_sees_no_entries(
    client: Client, url: str
) -> None:
    some_entries(3)
    before = AuditEntry.objects.count()
    nurse = PersonFactory()
    response = signed_in(client, nurse).get(url)
    assert response.status_code == 403
    assert b"staffchannels.post" not in response.content
    # Only her sign-in was recorded; no export happened.
    assert AuditEntry.objects.count() == before + 1
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORTED).exists()


def test_someone_signed_out_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_nav_shows_the_audit_trail_only_to_those_who_may_read_it(
    client: Client, officer
) -> None:
    assert "Audit trail" in signed_in(client, officer).get(LIST).content.decode()
    other = Client()
    other.force_login(PersonFactory())
    assert "Audit trail" not in other.get(reverse("channels:feed")).content.decode()


# --- The list ---------------------------------------------------------------------------


def test_the_list_shows_entries_newest_first(client: Client, officer) -> None:
    some_entries(3)
    response = signed_in(client, officer).get(LIST)
    assert response.status_code == 200
    seqs = [entry.seq for entry in response.context["page"].items]
    assert seqs == sorted(seqs, reverse=True)
    assert "Post 3 edited: title" in response.content.decode()


def test_filters_narrow_by_actor_action_target_and_dates(client: Client, officer) -> None:
    nurse = PersonFactory(username="grace.okafor")
    record_audit(actor=nurse, action=AuditAction.POST_CREATED, target=("staffchannels.post", 7))
    record_audit(actor=nurse, action=AuditAction.COMMENT_CREATED, target=("discussion.comment", 9))
    record_audit(actor=officer, action=AuditAction.POST_CREATED, target=("staffchannels.post", 8))
    signed_in(client, officer)

    def found(**query: str) -> list[str]:
        response = client.get(LIST, query)
        assert response.status_code == 200
        return [f"{e.action}:{e.target_id}" for e in response.context["page"].items]

    assert found(actor="Grace.Okafor") == ["comment_created:9", "post_created:7"]
    assert found(action="post_created") == ["post_created:8", "post_created:7"]
    assert found(target_type="staffchannels.post", target_id="8") == ["post_created:8"]
    today = timezone.localdate()
    assert len(found(date_from=str(today), date_to=str(today))) >= 3
    assert found(date_from=str(today + timedelta(days=1))) == []


def test_bad_filters_are_ignored_with_a_message_not_an_error(client: Client, officer) -> None:
    some_entries(2)
    signed_in(client, officer)
    response = client.get(LIST, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert response.status_code == 200
    assert "The start date is after the end date." in response.content.decode()
    response = client.get(LIST, {"date_from": "not a date", "action": "nonsense", "cursor": "%%"})
    assert response.status_code == 200


def test_the_list_pages_with_a_cursor_and_htmx_gets_only_the_rows(client: Client, officer) -> None:
    some_entries(60)
    signed_in(client, officer)
    first = client.get(LIST)
    page = first.context["page"]
    assert len(page.items) == 50
    assert page.has_next
    second = client.get(LIST, {"cursor": page.next_cursor})
    assert next(e.seq for e in second.context["page"].items) < page.items[-1].seq
    fragment = client.get(LIST, {"cursor": page.next_cursor}, HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "<tr>" in body
    assert "<html" not in body


def test_the_list_costs_the_same_number_of_queries_at_10_and_100_entries(
    client: Client, officer, query_count
) -> None:
    signed_in(client, officer).get(LIST)  # the first request also touches the session
    people = [PersonFactory() for _ in range(5)]
    for n in range(10):
        record_audit(actor=people[n % 5], action=AuditAction.POST_CREATED)
    few = query_count(lambda: client.get(LIST))
    for n in range(90):
        record_audit(actor=people[n % 5], action=AuditAction.POST_CREATED)
    many = query_count(lambda: client.get(LIST))
    assert few == many


# --- CSV export -------------------------------------------------------------------------


def test_the_export_streams_the_filtered_entries_as_csv_and_is_itself_audited(
    client: Client, officer
) -> None:
    nurse = PersonFactory(username="grace.okafor")
    record_audit(actor=nurse, action=AuditAction.POST_CREATED, target=("staffchannels.post", 7))
    record_audit(actor=officer, action=AuditAction.ROLE_GRANTED, summary="Role granted")
    response = signed_in(client, officer).get(EXPORT, {"actor": "grace.okafor"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert [(r["actor_username"], r["action"], r["target_id"]) for r in rows] == [
        ("grace.okafor", "post_created", "7")
    ]
    assert len(rows[0]["entry_hash"]) == 64
    exported = AuditEntry.objects.get(action=AuditAction.EXPORTED)
    assert exported.actor == officer
    assert exported.data == {"filters": {"actor": "grace.okafor"}}


def test_the_export_without_filters_includes_the_export_entry_itself(
    client: Client, officer
) -> None:
    some_entries(3)
    rows = csv_rows(signed_in(client, officer).get(EXPORT))
    assert rows[0]["action"] == "exported"
    assert len(rows) == AuditEntry.objects.count()


def test_a_summary_that_looks_like_a_formula_is_defused_in_the_csv(client: Client, officer) -> None:
    record_audit(actor=None, action=AuditAction.EXPORTED, summary='=HYPERLINK("x")')
    rows = csv_rows(signed_in(client, officer).get(EXPORT, {"action": "exported"}))
    assert any(r["summary"] == '\'=HYPERLINK("x")' for r in rows)


def test_the_export_refuses_post(client: Client, officer) -> None:
    assert signed_in(client, officer).post(EXPORT).status_code == 405


def test_the_admin_shows_entries_but_offers_no_change_or_delete(client: Client) -> None:
    superuser = PersonFactory(is_staff=True, is_superuser=True)
    entry = some_entries(1)[0]
    signed_in(client, superuser)
    listing = client.get(reverse("admin:audit_auditentry_changelist"))
    assert listing.status_code == 200
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    delete = client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
