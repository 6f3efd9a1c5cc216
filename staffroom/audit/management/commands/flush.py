"""Django's `flush`, which empties every table, allowed to empty the audit table on SQLite.

On PostgreSQL `flush` uses TRUNCATE, which row triggers don't see; on SQLite it deletes rows,
which the append-only trigger would refuse. Emptying the whole database is a deliberate act
of whoever runs this command (and of the test runner between tests), not an edit of history.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand

from staffroom.audit import guard


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        with guard.flushing():
            super().handle(**options)
