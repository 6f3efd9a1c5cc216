"""Organisation patterns from the database: cached, refreshed on change, safe, audited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import DatabaseError
from django.test import Client

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.privacy.detector import configured_patterns, org, reset_pattern_cache, scan_text
from staffroom.privacy.models import PrivacyPattern

pytestmark = pytest.mark.django_db(transaction=True)

ADD_URL = "/django-admin/privacy/privacypattern/add/"


@pytest.fixture(autouse=True)
def fresh_patterns() -> Iterator[None]:
    cache.clear()
    reset_pattern_cache()
    yield
    cache.clear()
    reset_pattern_cache()


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in scan_text(text).findings]


def test_an_active_pattern_row_is_applied_and_matches_case_insensitively():
    PrivacyPattern.objects.create(name="Riverside MRN", kind="local_mrn", pattern=r"\brh\d{7}\b")
    assert kinds("Label said RH1234567 again.") == [("local_mrn", "RH1234567")]


def test_an_inactive_pattern_row_is_not_applied():
    PrivacyPattern.objects.create(name="Old", kind="local_mrn", pattern=r"QQ\d{5}", is_active=False)
    assert kinds("Box QQ12345 here.") == []


def test_a_scan_reads_no_database_once_the_patterns_are_cached(django_assert_num_queries):
    PrivacyPattern.objects.create(name="Riverside MRN", kind="local_mrn", pattern=r"RH\d{7}")
    scan_text("warm up")
    with django_assert_num_queries(0):
        for _ in range(50):
            assert scan_text("RH1234567").phi


def test_a_change_bumps_the_shared_version_so_other_servers_reload():
    scan_text("warm up")
    before = cache.get(org.VERSION_KEY)
    pattern = PrivacyPattern.objects.create(name="A", kind="local_mrn", pattern=r"ZZ\d{4}")
    after_create = cache.get(org.VERSION_KEY)
    assert after_create != before
    # Another server: its copy is older than the shared version, so it reloads.
    org._local.version = before
    org._local.checked_at = float("-inf")
    assert kinds("ZZ1234") == [("local_mrn", "ZZ1234")]
    pattern.delete()
    assert cache.get(org.VERSION_KEY) != after_create
    assert kinds("ZZ1234") == []


def test_another_server_sees_a_change_within_the_local_ttl(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(org, "_clock", lambda: clock[0])
    assert kinds("YY12345") == []
    # Written by another server: the row and the new version, without this process's signal.
    PrivacyPattern.objects.bulk_create(
        [PrivacyPattern(name="B", kind="badge_id", pattern=r"YY\d{5}")]
    )
    cache.set(org.VERSION_KEY, "from-another-server", None)
    assert kinds("YY12345") == []  # still trusting its copy
    clock[0] += org.LOCAL_TTL + 0.1
    assert kinds("YY12345") == [("badge_id", "YY12345")]


def test_a_missing_table_or_cache_leaves_the_last_patterns_in_force(monkeypatch):
    PrivacyPattern.objects.create(name="A", kind="local_mrn", pattern=r"ZZ\d{4}")
    assert kinds("ZZ1234") == [("local_mrn", "ZZ1234")]

    def broken(*args: object, **kwargs: object) -> None:
        raise DatabaseError("no such table")

    monkeypatch.setattr(org, "_read_rows", broken)
    monkeypatch.setattr(cache, "get", broken)
    org._local.checked_at = float("-inf")
    assert kinds("ZZ1234") == [("local_mrn", "ZZ1234")]
    reset_pattern_cache()
    assert configured_patterns() == ()  # nothing known yet: the built-in rules still answer
    assert kinds("MRN 5512345") == [("mrn", "5512345")]


def test_an_unsafe_row_written_around_the_admin_is_skipped():
    PrivacyPattern.objects.create(name="Bad", kind="local_mrn", pattern=r"(a+)+$")
    PrivacyPattern.objects.create(name="Good", kind="local_mrn", pattern=r"RH\d{7}")
    assert [p.label for p in configured_patterns()] == ["Good"]


@pytest.mark.parametrize(
    ("regex", "reason"),
    [
        (r"(a+)+$", "repeat inside a repeat"),
        (r"(\d{2,3})*x", "repeat inside a repeat"),
        (r"(?:a|ab)*c", "alternatives inside a repeat"),
        (r"(a|ab){20}c", "alternatives inside a repeat"),
        (r"\d*", "matches empty text"),
        (r"RH(", "not a valid regular expression"),
        (r"\d+\d+\d+\d+x", "too slow"),
    ],
)
def test_patterns_that_could_backtrack_badly_are_refused(regex: str, reason: str):
    assert reason in (org.unsafe_reason(regex) or "")


@pytest.mark.parametrize(
    "regex",
    [
        r"\bRH\d{7}\b",
        r"\b(?:MRN|MR)[-:# ]?\d{6,8}\b",
        r"[A-Z]{3}-\d{4}-\d{2}",
        r"(?:\d{3}-){2}\d{4}",
        r"\bNHC\s*\d{6}(?:-[A-Z])?",
    ],
)
def test_ordinary_identifier_patterns_are_accepted(regex: str):
    assert org.unsafe_reason(regex) is None


# --- The admin --------------------------------------------------------------------------------


def _form(**changes: str) -> dict[str, str]:
    data = {"name": "Riverside MRN", "kind": "local_mrn", "pattern": r"RH\d{7}", "is_active": "on"}
    data.update(changes)
    return data


@pytest.fixture
def admin_client(client: Client, administrator) -> Client:
    administrator.is_staff = True
    administrator.save(update_fields=["is_staff"])
    client.force_login(administrator)
    return client


def test_an_administrator_adds_a_pattern_and_the_change_is_audited_with_ids_only(
    admin_client: Client, administrator
):
    response = admin_client.post(ADD_URL, _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    pattern = PrivacyPattern.objects.get()
    assert pattern.created_by == administrator
    entry = AuditEntry.objects.get(action=AuditAction.PATTERN_CHANGED)
    assert entry.actor == administrator
    assert entry.target_id == str(pattern.pk)
    assert entry.data == {"pattern": pattern.pk, "change": "created", "active": True}
    assert "RH" not in entry.summary
    assert "Riverside" not in entry.summary
    assert kinds("RH1234567") == [("local_mrn", "RH1234567")]


def test_editing_and_deleting_a_pattern_are_audited(admin_client: Client):
    pattern = PrivacyPattern.objects.create(name="A", kind="local_mrn", pattern=r"ZZ\d{4}")
    change_url = f"/django-admin/privacy/privacypattern/{pattern.pk}/change/"
    response = admin_client.post(change_url, _form(name="A", pattern=r"ZZ\d{5}", is_active=""))
    assert response.status_code == 302
    response = admin_client.post(
        f"/django-admin/privacy/privacypattern/{pattern.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    changes = list(
        AuditEntry.objects.filter(action=AuditAction.PATTERN_CHANGED)
        .order_by("seq")
        .values_list("data", flat=True)
    )
    assert changes == [
        {"pattern": pattern.pk, "change": "changed", "active": False},
        {"pattern": pattern.pk, "change": "deleted", "active": False},
    ]
    assert not PrivacyPattern.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pattern": r"(a+)+$"}, "repeat inside a repeat"),
        ({"pattern": r"RH("}, "not a valid regular expression"),
        ({"pattern": r"\d*"}, "matches empty text"),
        ({"kind": "Local MRN"}, "lower-case letters"),
    ],
)
def test_the_admin_refuses_a_dangerous_or_broken_pattern(
    admin_client: Client, changes: dict[str, str], message: str
):
    response = admin_client.post(ADD_URL, _form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PrivacyPattern.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.PATTERN_CHANGED).exists()


def test_staff_who_are_not_administrators_cannot_see_or_add_patterns(client: Client):
    superuser_without_role = PersonFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser_without_role)
    assert client.get("/django-admin/privacy/privacypattern/").status_code == 403
    assert client.post(ADD_URL, _form()).status_code == 403
    assert not PrivacyPattern.objects.exists()
