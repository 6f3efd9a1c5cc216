"""Database triggers that refuse UPDATE and DELETE on audit entries (see audit/guard.py).

Vendor-conditional: PostgreSQL gets a PL/pgSQL trigger that lets only `purge_audit`'s
transaction-local window through; SQLite gets RAISE(ABORT) triggers asking a per-connection
function. Other databases get none (Staffroom supports these two).
"""

from typing import Any

from django.db import migrations

from staffroom.audit import guard


def create(apps: Any, schema_editor: Any) -> None:
    guard.create_triggers(schema_editor)


def drop(apps: Any, schema_editor: Any) -> None:
    guard.drop_triggers(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_entry_and_chain_head")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
