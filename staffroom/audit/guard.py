"""The database side of "append-only": what the triggers from migration 0002 may let through.

PostgreSQL: a trigger refuses every UPDATE and DELETE on the audit table, except a DELETE of
a row older than `staffroom.audit_purge_before`, a transaction-local setting (SET LOCAL) that
only `purge_audit` sets. TRUNCATE doesn't fire row triggers: deployments revoke it (and
UPDATE, DELETE) from the application's role, see docs/deploy.md.

SQLite has no session settings, so its trigger asks a function this module registers on each
connection: it allows a DELETE only while `purge_window` (purge_audit) or `flushing` (the
`flush` command, which empties every table anyway) is active in this thread. Any other
program opening the file has no such function, so its deletes fail too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_FUNCTION = "staffroom_audit_delete_allowed"
PG_SETTING = "staffroom.audit_purge_before"

_state = threading.local()


def _sqlite_delete_allowed(at: str | None) -> int:
    if getattr(_state, "flushing", False):
        return 1
    before: datetime | None = getattr(_state, "purge_before", None)
    if before is None or at is None:
        return 0
    # Django stores naive UTC text on SQLite ("2026-11-24 14:00:00.123456").
    when = datetime.fromisoformat(at)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return 1 if when < before else 0


def register_sqlite_function(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """connection_created receiver: give SQLite connections the trigger's helper."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, _sqlite_delete_allowed)


@contextmanager
def purge_window(before: datetime) -> Iterator[None]:
    """Within the caller's transaction, allow deleting audit rows older than `before`."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [PG_SETTING, before.isoformat()])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, '', true)", [PG_SETTING])
        return
    _state.purge_before = before
    try:
        yield
    finally:
        _state.purge_before = None


@contextmanager
def flushing() -> Iterator[None]:
    _state.flushing = True
    try:
        yield
    finally:
        _state.flushing = False


SQLITE_TRIGGERS = f"""
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused'); END;
CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_auditentry
WHEN NOT {SQLITE_FUNCTION}(OLD.at)
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: DELETE refused'); END;
"""

SQLITE_DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS audit_entry_no_update;
DROP TRIGGER IF EXISTS audit_entry_no_delete;
"""

PG_TRIGGERS = f"""
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
DECLARE
  purge_before text := current_setting('{PG_SETTING}', true);
BEGIN
  IF TG_OP = 'DELETE' AND coalesce(purge_before, '') <> ''
     AND OLD.at < purge_before::timestamptz THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit entries are append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
"""

PG_DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_entry_append_only();
"""


def trigger_statements(vendor: str) -> list[str]:
    """The SQL that creates the triggers on `vendor`, one statement each (none elsewhere)."""
    if vendor == "postgresql":
        return [PG_TRIGGERS]
    if vendor == "sqlite":
        return [part + "END;" for part in SQLITE_TRIGGERS.split("END;") if part.strip()]
    return []


def drop_statements(vendor: str) -> list[str]:
    sql = {"sqlite": SQLITE_DROP_TRIGGERS, "postgresql": PG_DROP_TRIGGERS}.get(vendor, "")
    return [part for part in sql.split(";") if part.strip()]


def create_triggers(schema_editor: Any) -> None:
    for statement in trigger_statements(schema_editor.connection.vendor):
        # No parameters: the function body's "%" placeholders are PL/pgSQL's, not psycopg's.
        schema_editor.execute(statement, params=None)


def drop_triggers(schema_editor: Any) -> None:
    for statement in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)
