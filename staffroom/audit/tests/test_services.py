from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.audit.models import GENESIS_HASH, AuditAction, AuditChainHead, AuditEntry
from staffroom.audit.services import compute_hash, record_audit, verify_chain
from staffroom.audit.tests.helpers import some_entries

pytestmark = pytest.mark.django_db


def test_the_first_entry_follows_the_genesis_hash_and_each_next_one_its_predecessor() -> None:
    first, second, third = some_entries(3)
    assert first.seq == 1
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.entry_hash
    assert third.previous_hash == second.entry_hash
    assert len({first.entry_hash, second.entry_hash, third.entry_hash}) == 3
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_seq, head.last_hash) == (3, third.entry_hash)


def test_the_stored_hash_matches_a_recomputation_from_the_row_read_back() -> None:
    person = PersonFactory()
    entry = record_audit(
        actor=person,
        action=AuditAction.ROLE_GRANTED,
        target=person,
        summary="Role moderator granted",
        data={"role": "moderator", "scope": ("site", 3), "nested": {"b": 1, "a": [1, 2]}},
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert compute_hash(stored) == stored.entry_hash == entry.entry_hash
    assert stored.target_type == "accounts.person"
    assert stored.target_id == str(person.pk)
    assert stored.data["scope"] == ["site", 3]


def test_an_unknown_action_is_refused_before_anything_is_written() -> None:
    with pytest.raises(ValueError, match="made_coffee"):
        record_audit(actor=None, action="made_coffee")
    assert not AuditEntry.objects.exists()


def test_an_entry_rolls_back_with_the_action_it_records() -> None:
    some_entries(1)

    def failing_action() -> None:
        with transaction.atomic():
            some_entries(1)
            raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        failing_action()
    assert AuditEntry.objects.count() == 1
    assert verify_chain().ok
    # The next entry continues from the last committed one, not the rolled-back one.
    some_entries(1)
    assert list(AuditEntry.objects.values_list("seq", flat=True).order_by("seq")) == [1, 2]
    assert verify_chain().ok


def test_a_long_summary_is_cut_to_fit() -> None:
    entry = record_audit(actor=None, action=AuditAction.EXPORTED, summary="x" * 1000)
    assert len(entry.summary) == 300


def test_two_entries_cannot_share_a_chain_position() -> None:
    entry = some_entries(1)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.create(
            seq=entry.seq, action="exported", previous_hash="a", entry_hash="b"
        )


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database is shared-cache: it reports 'table is locked' "
    "instead of waiting, and SQLite serialises writers anyway",
)
@pytest.mark.django_db(transaction=True)
def test_appends_from_many_threads_at_once_form_one_unbroken_chain() -> None:
    """On PostgreSQL each thread has its own connection and transaction: without the head
    row lock two appends would read the same head and fork the chain. On SQLite writes are
    serialised by the database itself."""
    record_audit(actor=None, action=AuditAction.EXPORTED)  # the head row exists
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def append() -> None:
        try:
            start.wait()
            for _ in range(5):
                with transaction.atomic():
                    record_audit(actor=None, action=AuditAction.EXPORTED)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert AuditEntry.objects.count() == 21
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, 22)
    )
    report = verify_chain()
    assert report.ok, report.problem
    assert report.checked == 21


def test_only_a_well_formed_address_is_recorded(rf) -> None:
    from staffroom.audit.services import client_ip

    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.7")) == "10.0.0.7"
    assert client_ip(rf.get("/", REMOTE_ADDR="::1")) == "::1"
    request = rf.get("/")
    request.META.pop("REMOTE_ADDR", None)
    assert client_ip(request) == ""
    assert client_ip(None) == ""
