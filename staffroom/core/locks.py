"""One writer at a time for work that must not run twice at once (across app servers)."""

from __future__ import annotations

import hashlib

from django.db import connection


def advisory_lock_key(name: str) -> int:
    """The first 8 bytes of SHA-256(name) as a signed 64-bit integer: every process that
    names the same work takes the same PostgreSQL lock."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def lock_for_transaction(name: str) -> None:
    """Wait until no other transaction holds the lock called `name`; held until this
    transaction ends. Call inside transaction.atomic(), before reading what you will write.

    PostgreSQL: a transaction-level advisory lock. SQLite: nothing to do, because the
    settings open every transaction with BEGIN IMMEDIATE, which takes the database's write
    lock at the start of the outermost atomic block.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [advisory_lock_key(name)])
