"""Writes to the search index. Normally none are needed: database triggers keep it in step
with every create, edit and delete (see search.backends). A rebuild is for data loaded while
the triggers were missing, or to recover from doubt."""

from __future__ import annotations

from django.db import connections, transaction

from staffroom.search.backends import backend_for
from staffroom.search.models import SearchDocument


def rebuild_search_index(*, using: str = "default") -> int:
    """Empty the index and fill it again from posts, comments, initiatives and ideas, in one
    transaction (searches keep seeing the old index until it commits). Returns the number
    of documents indexed."""
    connection = connections[using]
    with transaction.atomic(using=using):
        backend = backend_for(connection)
        backend.install(connection)
        backend.rebuild(connection)
    return SearchDocument.objects.using(using).count()


def ensure_search_index(*, using: str = "default") -> None:
    """Create the word index and the triggers if any are missing (idempotent); a word index
    that had to be created is filled from the source tables."""
    connection = connections[using]
    with transaction.atomic(using=using):
        backend = backend_for(connection)
        if backend.install(connection):
            backend.rebuild(connection)


def forget_removed_words(*, using: str = "default") -> None:
    """Make words removed from the index leave its storage too.

    SQLite's FTS5 keeps a deleted or replaced document's words in its index segments until
    they are merged; "optimize" merges them now (a purge of patient information, an
    erasure). On PostgreSQL the words are a column of the index row and go with it.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for table in ("search_fts", "search_idea_fts"):
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [table])
            if cursor.fetchone() is not None:
                cursor.execute(
                    f"INSERT INTO {table}({table}) VALUES('optimize')"
                )  # a constant of this function
