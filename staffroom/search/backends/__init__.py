"""One search interface, two engines: SQLite FTS5 and PostgreSQL full-text search.

A backend does three things: installs the index and the triggers that keep it in step with
the source tables (idempotently — it runs in the migration and again after every `migrate`,
because SQLite drops a table's triggers when a later migration rebuilds the table), refills
the index from the source tables, and turns a parsed query into a filter and a relevance
score on `SearchDocument`.
"""

from __future__ import annotations

from typing import Protocol

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet

from staffroom.search.models import SearchDocument
from staffroom.search.text import ParsedQuery


class SearchBackend(Protocol):
    def install(self, connection: BaseDatabaseWrapper) -> bool:
        """Create the word index and the triggers (safe to run again). True when the word
        index itself was missing and has been created empty (it then needs a rebuild)."""

    def uninstall(self, connection: BaseDatabaseWrapper) -> None:
        """Remove the word index and the triggers."""

    def rebuild(self, connection: BaseDatabaseWrapper) -> None:
        """Empty the index and fill it again from the source tables."""

    def matching(
        self, queryset: QuerySet[SearchDocument], query: ParsedQuery
    ) -> QuerySet[SearchDocument]:
        """`queryset` narrowed to documents matching `query`, with a `score` (higher is better),
        newest documents first (the candidate order; ranking is done on the candidates)."""

    def idea_word_counts(
        self, connection: BaseDatabaseWrapper, words: list[str], cap: int
    ) -> dict[str, int]:
        """For each of `words` (folded), how many idea documents hold it (0 when none),
        counted up to at least `cap`: the similar-ideas lookup keeps the rarer words."""

    def rank_ideas(
        self, connection: BaseDatabaseWrapper, words: list[str], *, newest: int, limit: int
    ) -> list[tuple[int, float]]:
        """(idea id, score), best first, of the idea documents holding ANY of `words`: the
        newest `newest` matches ranked by relevance (title highest), the best `limit` kept."""


def index_schema_ready(connection: BaseDatabaseWrapper) -> bool:
    """Do the tables the index reads and writes exist as the triggers expect them?

    Not yet while an empty database is being migrated: search 0002 and 0003 run `install` and
    `rebuild` with today's code, whose triggers read ideas and write `idea_id`, before ideas
    and that column exist (ideas 0001, search 0004). Then both do nothing, and search 0005
    installs and fills the index once everything is there.
    """
    tables = set(connection.introspection.table_names())
    if not {"search_searchdocument", "ideas_idea"} <= tables:
        return False
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, "search_searchdocument")
    return any(column.name == "idea_id" for column in columns)


def backend_for(connection: BaseDatabaseWrapper) -> SearchBackend:
    if connection.vendor == "postgresql":
        from staffroom.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    if connection.vendor == "sqlite":
        from staffroom.search.backends.sqlite import SqliteBackend

        return SqliteBackend()
    raise NotImplementedError(f"Search has no backend for {connection.vendor}")


def current_backend(using: str = "default") -> SearchBackend:
    return backend_for(connections[using])
