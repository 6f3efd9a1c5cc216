"""The audit table refuses changes, and verify_audit finds any that got through anyway."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.utils import timezone

from staffroom.audit.models import AuditAction, AuditChainHead, AuditEntry
from staffroom.audit.services import purge_audit, verify_chain
from staffroom.audit.tests.helpers import raw, some_entries, triggers_off

pytestmark = pytest.mark.django_db


def verify_fails(expected: str) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit")
    message = str(failure.value)
    assert expected in message, message
    return message


# --- Append-only ------------------------------------------------------------------------


def test_an_audit_entry_cannot_be_updated_through_the_orm() -> None:
    entry = some_entries(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(summary="nothing happened")
    assert AuditEntry.objects.get(pk=entry.pk).summary == entry.summary


def test_an_audit_entry_cannot_be_updated_with_raw_sql() -> None:
    some_entries(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("UPDATE audit_auditentry SET action = 'exported'")


def test_an_audit_entry_cannot_be_deleted() -> None:
    entry = some_entries(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_an_old_entry_still_cannot_be_deleted_outside_a_purge() -> None:
    some_entries(1, at=days_ago(5000))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.all().delete()


# --- verify_audit -----------------------------------------------------------------------


def test_an_untouched_chain_verifies() -> None:
    some_entries(5)
    call_command("verify_audit")
    assert verify_chain().checked == 5


def test_an_empty_trail_verifies() -> None:
    call_command("verify_audit")


def test_an_edited_summary_is_found_and_named() -> None:
    some_entries(5)
    with triggers_off():
        raw("UPDATE audit_auditentry SET summary = 'Post 3 viewed' WHERE seq = 3")
    verify_fails("entry #3 was changed after it was written")


def test_an_edited_actor_or_detail_is_found() -> None:
    some_entries(4)
    with triggers_off():
        raw("UPDATE audit_auditentry SET target_id = '999' WHERE seq = 2")
    assert verify_chain().bad_seq == 2


def test_an_entry_edited_along_with_its_own_hash_breaks_the_link_to_the_next() -> None:
    entries = some_entries(4)
    with triggers_off():
        entry = AuditEntry.objects.get(seq=2)
        entry.summary = "rewritten"
        from staffroom.audit.services import compute_hash

        raw(
            "UPDATE audit_auditentry SET summary = %s, entry_hash = %s WHERE seq = 2",
            [entry.summary, compute_hash(entry)],
        )
    assert entries
    verify_fails("entry #3 does not follow the entry before it")


def test_a_deleted_entry_in_the_middle_is_found() -> None:
    some_entries(5)
    with triggers_off():
        raw("DELETE FROM audit_auditentry WHERE seq = 3")
    verify_fails("entry #3 is missing")


def test_a_deleted_and_renumbered_entry_is_still_found() -> None:
    some_entries(5)
    with triggers_off():
        raw("DELETE FROM audit_auditentry WHERE seq = 3")
        raw("UPDATE audit_auditentry SET seq = seq - 1 WHERE seq > 3")
    verify_fails("entry #3 does not follow the entry before it")


def test_the_newest_entries_deleted_are_found_through_the_chain_head() -> None:
    some_entries(5)
    with triggers_off():
        raw("DELETE FROM audit_auditentry WHERE seq >= 4")
    verify_fails("recent entries were deleted")


def test_the_oldest_entries_deleted_without_a_purge_are_found() -> None:
    some_entries(5)
    with triggers_off():
        raw("DELETE FROM audit_auditentry WHERE seq <= 2")
    verify_fails("no purge checkpoint accounts for entries #1 to #2")


def test_two_entries_swapped_are_found() -> None:
    some_entries(4)
    with triggers_off():
        raw("UPDATE audit_auditentry SET seq = 100 WHERE seq = 2")
        raw("UPDATE audit_auditentry SET seq = 2 WHERE seq = 3")
        raw("UPDATE audit_auditentry SET seq = 3 WHERE seq = 100")
    message = verify_fails("does not follow the entry before it")
    assert "#2" in message


def test_every_entry_rehashed_from_scratch_is_found_by_the_chain_head() -> None:
    """Rewriting history and recomputing every hash still leaves the head's last hash."""
    some_entries(3)
    from staffroom.audit.services import compute_hash

    with triggers_off():
        previous = "0" * 64
        for entry in AuditEntry.objects.order_by("seq"):
            entry.summary = "nothing to see"
            entry.previous_hash = previous
            entry.entry_hash = compute_hash(entry)
            raw(
                "UPDATE audit_auditentry SET summary=%s, previous_hash=%s, entry_hash=%s "
                "WHERE id=%s",
                [entry.summary, entry.previous_hash, entry.entry_hash, entry.pk],
            )
            previous = entry.entry_hash
    verify_fails("recent entries were deleted")


# --- purge_audit ------------------------------------------------------------------------


def days_ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


def test_purge_removes_only_entries_older_than_the_retention_and_the_rest_verifies(
    settings,
) -> None:
    settings.AUDIT_RETENTION_DAYS = 30
    some_entries(3, at=days_ago(40))
    some_entries(3)
    call_command("purge_audit")
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == [4, 5, 6, 7]
    checkpoint = AuditEntry.objects.get(seq=7)
    assert checkpoint.action == AuditAction.AUDIT_PURGED
    assert checkpoint.data["count"] == 3
    assert checkpoint.data["through_seq"] == 3
    assert checkpoint.data["through_hash"] == AuditEntry.objects.get(seq=4).previous_hash
    call_command("verify_audit")


def test_purge_stops_at_the_first_entry_inside_the_retention_period() -> None:
    some_entries(1, at=days_ago(40))
    some_entries(1)
    some_entries(1, at=days_ago(40))  # older than its predecessor: the clock was changed
    result = purge_audit(older_than_days=30)
    assert result.removed == 1
    assert AuditEntry.objects.filter(seq=3).exists()
    assert verify_chain().ok


def test_purging_twice_keeps_the_chain_verifiable() -> None:
    some_entries(2, at=days_ago(60))
    some_entries(2, at=days_ago(40))
    some_entries(1)
    assert purge_audit(older_than_days=50).removed == 2
    # The first checkpoint is recent, and so is the entry before it: both stay.
    assert purge_audit(older_than_days=30).removed == 2
    report = verify_chain()
    assert report.ok, report.problem
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == [5, 6, 7]
    assert report.checked == 3


def test_nothing_to_purge_changes_nothing(capsys) -> None:
    some_entries(2)
    call_command("purge_audit", "--days", "30")
    assert "Nothing older" in capsys.readouterr().out
    assert AuditEntry.objects.count() == 2


def test_a_retention_under_a_day_is_refused() -> None:
    with pytest.raises(CommandError):
        call_command("purge_audit", "--days", "0")


def test_recent_entries_deleted_after_a_purge_are_still_found() -> None:
    some_entries(2, at=days_ago(40))
    some_entries(4)
    purge_audit(older_than_days=30)
    with triggers_off():
        raw("DELETE FROM audit_auditentry WHERE seq = 4")
    verify_fails("entry #4 is missing")


def test_a_forged_start_after_a_purge_is_found() -> None:
    """Deleting more than the purge removed leaves an oldest entry no checkpoint vouches for."""
    some_entries(2, at=days_ago(40))
    some_entries(4)
    purge_audit(older_than_days=30)
    with triggers_off():
        raw("DELETE FROM audit_auditentry WHERE seq = 3")
    verify_fails("no purge checkpoint accounts for entries #1 to #3")


def test_the_chain_head_row_is_recreated_if_missing() -> None:
    AuditChainHead.objects.all().delete()
    entry = some_entries(1)[0]
    assert entry.seq == 1
    assert verify_chain().ok
