"""Test helpers: tampering with the audit table the way an attacker with SQL access would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from unittest import mock

from django.db import connection
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.audit import guard
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.audit.services import record_audit


@contextmanager
def triggers_off() -> Iterator[None]:
    """Switch the append-only triggers off (SQLite: drop and recreate; PostgreSQL: disable)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(
                    "ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only"
                )
        return
    with connection.cursor() as cursor:
        for statement in guard.drop_statements("sqlite"):
            cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for statement in guard.trigger_statements("sqlite"):
                cursor.execute(statement)


def raw(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def some_entries(
    count: int, actor: Person | None = None, *, at: datetime | None = None
) -> list[AuditEntry]:
    """`count` entries, written as if at `at` (by default now)."""
    if at is not None:
        with mock.patch.object(timezone, "now", return_value=at):
            return some_entries(count, actor)
    return [
        record_audit(
            actor=actor,
            action=AuditAction.POST_CHANGED,
            target=("staffchannels.post", n),
            summary=f"Post {n} edited: title",
            data={"fields": ["title"]},
        )
        for n in range(1, count + 1)
    ]
