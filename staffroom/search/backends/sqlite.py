"""SQLite: an FTS5 index over the search documents, kept in step by triggers.

`search_fts` is an external-content FTS5 table: it indexes `search_searchdocument`'s title,
summary and body (rowid = the document's id) without storing the text a second time. The
source tables' triggers upsert or delete documents; the documents' own triggers keep FTS5 in
step. Accents are folded by the tokenizer (`remove_diacritics 2`).

`search_idea_fts` indexes the idea documents alone, the same way (the documents' triggers
keep it in step for rows of kind 'idea'). The similar-ideas lookup (ideas.similar) asks it
while someone types: in the shared index a common word is in hundreds of thousands of
comments, and walking those to find the ideas among them is what would make it slow.
"""

# ruff: noqa: S608  # SQL here is assembled from this module's constants only; user input
# reaches the database as bound parameters

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet

from staffroom.search.backends.common import (
    COMMENT_CHANGED,
    COMMENT_INDEXED,
    COMMENT_VALUES,
    DOCUMENT_COLUMNS,
    IDEA_CHANGED,
    IDEA_INDEXED,
    IDEA_VALUES,
    INITIATIVE_CHANGED,
    INITIATIVE_VALUES,
    POST_CHANGED,
    POST_VALUES,
    REBUILD_STATEMENTS,
    UPSERT,
    sqlite_condition,
)
from staffroom.search.models import SearchDocument
from staffroom.search.text import ParsedQuery

# bm25 weights per column: title, summary, body.
BM25_WEIGHTS = "10.0, 4.0, 1.0"

FTS_TABLE = """
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
    title, summary, body,
    content='search_searchdocument', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
)
"""

IDEA_FTS_TABLE = """
CREATE VIRTUAL TABLE IF NOT EXISTS search_idea_fts USING fts5(
    title, summary, body,
    content='search_searchdocument', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
)
"""
_FTS_INSERT = (
    "INSERT INTO search_fts(rowid, title, summary, body) "
    "VALUES (NEW.id, NEW.title, NEW.summary, NEW.body);"
)
_FTS_DELETE = (
    "INSERT INTO search_fts(search_fts, rowid, title, summary, body) "
    "VALUES ('delete', OLD.id, OLD.title, OLD.summary, OLD.body);"
)

_IDEA_FTS_INSERT = (
    "INSERT INTO search_idea_fts(rowid, title, summary, body) "
    "VALUES (NEW.id, NEW.title, NEW.summary, NEW.body);"
)
_IDEA_FTS_DELETE = (
    "INSERT INTO search_idea_fts(search_idea_fts, rowid, title, summary, body) "
    "VALUES ('delete', OLD.id, OLD.title, OLD.summary, OLD.body);"
)

DOCUMENT_TRIGGERS = {
    "search_document_ai": f"""
        AFTER INSERT ON search_searchdocument BEGIN {_FTS_INSERT} END""",
    "search_document_ad": f"""
        AFTER DELETE ON search_searchdocument BEGIN {_FTS_DELETE} END""",
    "search_document_au": f"""
        AFTER UPDATE OF title, summary, body ON search_searchdocument
        WHEN OLD.title IS NOT NEW.title OR OLD.summary IS NOT NEW.summary
             OR OLD.body IS NOT NEW.body
        BEGIN {_FTS_DELETE} {_FTS_INSERT} END""",
    "search_idea_document_ai": f"""
        AFTER INSERT ON search_searchdocument WHEN NEW.kind = 'idea'
        BEGIN {_IDEA_FTS_INSERT} END""",
    "search_idea_document_ad": f"""
        AFTER DELETE ON search_searchdocument WHEN OLD.kind = 'idea'
        BEGIN {_IDEA_FTS_DELETE} END""",
    "search_idea_document_au": f"""
        AFTER UPDATE OF title, summary, body ON search_searchdocument
        WHEN NEW.kind = 'idea' AND (OLD.title IS NOT NEW.title
             OR OLD.summary IS NOT NEW.summary OR OLD.body IS NOT NEW.body)
        BEGIN {_IDEA_FTS_DELETE} {_IDEA_FTS_INSERT} END""",
}


def _upsert(values: str) -> str:
    return f"INSERT INTO search_searchdocument ({DOCUMENT_COLUMNS}) VALUES ({values}) {UPSERT};"


SOURCE_TRIGGERS = {
    "search_post_ai": f"""
        AFTER INSERT ON staffchannels_post BEGIN {_upsert(POST_VALUES)} END""",
    "search_post_au": f"""
        AFTER UPDATE ON staffchannels_post WHEN {sqlite_condition(POST_CHANGED)} BEGIN
            {_upsert(POST_VALUES)}
            UPDATE search_searchdocument SET channel_id = NEW.channel_id
            WHERE kind = 'comment' AND post_id = NEW.id AND channel_id IS NOT NEW.channel_id;
        END""",
    "search_post_ad": """
        AFTER DELETE ON staffchannels_post BEGIN
            DELETE FROM search_searchdocument WHERE kind = 'post' AND source_id = OLD.id;
            DELETE FROM search_searchdocument WHERE kind = 'comment' AND post_id = OLD.id;
        END""",
    "search_comment_ai": f"""
        AFTER INSERT ON discussion_comment WHEN {COMMENT_INDEXED} BEGIN
            {_upsert(COMMENT_VALUES)}
        END""",
    "search_comment_au_live": f"""
        AFTER UPDATE ON discussion_comment
        WHEN {COMMENT_INDEXED} AND ({sqlite_condition(COMMENT_CHANGED)}) BEGIN
            {_upsert(COMMENT_VALUES)}
        END""",
    "search_comment_au_deleted": f"""
        AFTER UPDATE OF deleted_at, visibility ON discussion_comment
        WHEN NOT ({COMMENT_INDEXED}) BEGIN
            DELETE FROM search_searchdocument WHERE kind = 'comment' AND source_id = NEW.id;
        END""",
    "search_comment_ad": """
        AFTER DELETE ON discussion_comment BEGIN
            DELETE FROM search_searchdocument WHERE kind = 'comment' AND source_id = OLD.id;
        END""",
    "search_idea_ai": f"""
        AFTER INSERT ON ideas_idea WHEN {IDEA_INDEXED} BEGIN {_upsert(IDEA_VALUES)} END""",
    "search_idea_au_live": f"""
        AFTER UPDATE ON ideas_idea
        WHEN {IDEA_INDEXED} AND ({sqlite_condition(IDEA_CHANGED)}) BEGIN
            {_upsert(IDEA_VALUES)}
        END""",
    "search_idea_au_withdrawn": f"""
        AFTER UPDATE OF visibility, merged_into_id ON ideas_idea
        WHEN NOT ({IDEA_INDEXED}) BEGIN
            DELETE FROM search_searchdocument WHERE kind = 'idea' AND source_id = NEW.id;
        END""",
    "search_idea_ad": """
        AFTER DELETE ON ideas_idea BEGIN
            DELETE FROM search_searchdocument WHERE kind = 'idea' AND source_id = OLD.id;
            DELETE FROM search_searchdocument WHERE kind = 'comment' AND idea_id = OLD.id;
        END""",
    "search_initiative_ai": f"""
        AFTER INSERT ON strategy_initiative BEGIN {_upsert(INITIATIVE_VALUES)} END""",
    "search_initiative_au": f"""
        AFTER UPDATE ON strategy_initiative WHEN {sqlite_condition(INITIATIVE_CHANGED)} BEGIN
            {_upsert(INITIATIVE_VALUES)}
        END""",
    "search_initiative_ad": """
        AFTER DELETE ON strategy_initiative BEGIN
            DELETE FROM search_searchdocument WHERE kind = 'initiative' AND source_id = OLD.id;
            DELETE FROM search_searchdocument WHERE kind = 'comment' AND initiative_id = OLD.id;
        END""",
}


def fts_match(query: ParsedQuery) -> str:
    """An FTS5 query: every term quoted (so no input is ever FTS syntax), all required."""
    parts = []
    for term in query.terms:
        phrase = '"' + " ".join(term.words) + '"'
        parts.append(phrase + ("*" if term.prefix else ""))
    return " ".join(parts)


def fts_any(words: list[str]) -> str:
    """An FTS5 query matching any of `words` (letters and digits only, each quoted)."""
    return " OR ".join(f'"{word}"' for word in words)


# Ideas holding any of the words, newest first, at most `newest` of them; ranked by bm25
# (title weighted highest) and the best `limit` kept. Three bound parameters.
RANK_IDEAS = f"""
SELECT d.idea_id, m.score FROM (
    SELECT rowid, -bm25(search_idea_fts, {BM25_WEIGHTS}) AS score FROM search_idea_fts
    WHERE search_idea_fts MATCH %s ORDER BY rowid DESC LIMIT %s
) m JOIN search_searchdocument d ON d.id = m.rowid
ORDER BY m.score DESC, d.idea_id DESC LIMIT %s
"""


class SqliteBackend:
    def install(self, connection: BaseDatabaseWrapper) -> bool:
        from staffroom.search.backends import index_schema_ready

        if not index_schema_ready(connection):
            return False  # mid-way through migrating an empty database: search 0005 installs
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE name IN ('search_fts', 'search_idea_fts')"
            )
            created = int(cursor.fetchone()[0]) < 2
            cursor.execute(FTS_TABLE)
            cursor.execute(IDEA_FTS_TABLE)
            for name, body in {**DOCUMENT_TRIGGERS, **SOURCE_TRIGGERS}.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(f"CREATE TRIGGER {name} {body}")
        return created

    def uninstall(self, connection: BaseDatabaseWrapper) -> None:
        with connection.cursor() as cursor:
            for name in {**DOCUMENT_TRIGGERS, **SOURCE_TRIGGERS}:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute("DROP TABLE IF EXISTS search_idea_fts")
            cursor.execute("DROP TABLE IF EXISTS search_fts")

    def rebuild(self, connection: BaseDatabaseWrapper) -> None:
        from staffroom.search.backends import index_schema_ready

        if not index_schema_ready(connection):
            return
        # Row-by-row FTS maintenance would make a rebuild of a million rows crawl: drop the
        # documents' triggers, refill the table, let FTS5 index it in one pass, put them back.
        # All inside the caller's transaction, so nobody sees a half-built index.
        with connection.cursor() as cursor:
            for name in DOCUMENT_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute("DELETE FROM search_searchdocument")
            for statement in REBUILD_STATEMENTS:
                cursor.execute(statement)
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
            # Not 'rebuild': that would index every document, not only the ideas.
            cursor.execute("INSERT INTO search_idea_fts(search_idea_fts) VALUES ('delete-all')")
            cursor.execute(
                "INSERT INTO search_idea_fts(rowid, title, summary, body) "
                "SELECT id, title, summary, body FROM search_searchdocument WHERE kind = 'idea'"
            )
            for name, body in DOCUMENT_TRIGGERS.items():
                cursor.execute(f"CREATE TRIGGER {name} {body}")

    def matching(
        self, queryset: QuerySet[SearchDocument], query: ParsedQuery
    ) -> QuerySet[SearchDocument]:
        # Driven by the FTS index, newest rowid first, so a LIMIT stops the scan early even
        # for a word in every document; bm25 is computed only for the rows read. extra():
        # FTS5 needs its table in FROM. The only input is a bound parameter.
        return queryset.extra(  # noqa: S610
            select={"score": f"-bm25(search_fts, {BM25_WEIGHTS})"},
            tables=["search_fts"],
            where=["search_fts.rowid = search_searchdocument.id", "search_fts MATCH %s"],
            params=[fts_match(query)],
            order_by=["-search_fts.rowid"],
        )

    def idea_word_counts(
        self, connection: BaseDatabaseWrapper, words: list[str], cap: int
    ) -> dict[str, int]:
        """How many shown ideas hold each of `words` (folded), counted up to `cap`: reading
        a word's whole list of ideas (fts5vocab does) costs as much as the word is common."""
        if not words:
            return {}
        one = (
            "SELECT %s, (SELECT count(*) FROM (SELECT 1 FROM search_idea_fts "
            "WHERE search_idea_fts MATCH %s LIMIT %s))"
        )
        params: list[str | int] = []
        for word in words:
            params += [word, f'"{word}"', cap]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join([one] * len(words)), params)
            found = {str(word): int(count) for word, count in cursor.fetchall()}
        return {word: found.get(word, 0) for word in words}

    def rank_ideas(
        self, connection: BaseDatabaseWrapper, words: list[str], *, newest: int, limit: int
    ) -> list[tuple[int, float]]:
        """(idea id, score) of the ideas holding any of `words`, best first: of the newest
        `newest` such ideas, the `limit` best by bm25."""
        if not words:
            return []
        with connection.cursor() as cursor:
            cursor.execute(RANK_IDEAS, [fts_any(words), newest, limit])
            return [(int(idea_id), float(score)) for idea_id, score in cursor.fetchall()]


def drop_source_triggers(apps: object, schema_editor: Any) -> None:
    """For a migration that rebuilds a source table on SQLite (ALTER TABLE by copy): a
    trigger naming a table that is mid-rebuild stops the rename. The triggers come back by
    themselves after `migrate` (search.apps re-installs them)."""
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in SOURCE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
