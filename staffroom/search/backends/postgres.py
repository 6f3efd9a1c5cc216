"""PostgreSQL: a stored tsvector on each search document, a GIN index, plpgsql triggers.

`vector` is a generated column (title weight A, summary B, body C), so it can never
disagree with the row's text. The 'simple' configuration (no stemming, no stop words) serves
English and Spanish alike, and accents are folded (Unicode decomposition, combining marks
removed) as the query side does — no `unaccent` extension, which production databases may
not allow. Needs a UTF8 database (`normalize()`), which Django's PostgreSQL setup is.
"""

# ruff: noqa: S608  # SQL here is assembled from this module's constants only; user input
# reaches the database as bound parameters

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from staffroom.search.backends.common import (
    COMMENT_CHANGED,
    COMMENT_INDEXED,
    COMMENT_VALUES,
    COMMENTS_SELECT,
    DOCUMENT_COLUMNS,
    IDEA_CHANGED,
    IDEA_INDEXED,
    IDEA_VALUES,
    IDEAS_SELECT,
    INITIATIVE_CHANGED,
    INITIATIVE_VALUES,
    INITIATIVES_SELECT,
    POST_CHANGED,
    POST_VALUES,
    POSTS_SELECT,
    REBUILD_STATEMENTS,
    UPSERT,
)
from staffroom.search.models import SearchDocument
from staffroom.search.text import ParsedQuery

# A tsvector holds at most 1 MB; a longer body is indexed by its first 100,000 characters
# rather than making the post impossible to save.
MAX_INDEXED_CHARS = 100_000
# PostgreSQL's parser keeps "<script>" (a tag), "ana@x.org" (an email) or "a/b/c" (a path)
# as single tokens, or drops them; SQLite's splits them into words. Punctuation becomes a
# space first, so both engines find the same words.
PUNCTUATION = r"""[<>@/.:_+=&#~|\[\](){}*!?,;^`$"-]"""
# Accents: decompose, then drop the combining marks (search.text.COMBINING_MARKS). Both
# functions are built in and linear; translate() with a map of accented letters measured
# 20 times slower, and the unaccent extension may not be allowed in production.
COMBINING = r"[\u0300-\u036f]"


def _folded(column: str) -> str:
    text = f"normalize(left({column}, {MAX_INDEXED_CHARS}), NFD)"
    text = f"regexp_replace({text}, '{COMBINING}', '', 'g')"
    text = f"regexp_replace({text}, '{PUNCTUATION}', ' ', 'g')"
    return f"to_tsvector('simple'::regconfig, lower({text}))"


VECTOR_COLUMN = f"""
ALTER TABLE search_searchdocument ADD COLUMN IF NOT EXISTS vector tsvector
GENERATED ALWAYS AS (
    setweight({_folded("title")}, 'A')
    || setweight({_folded("summary")}, 'B')
    || setweight({_folded("body")}, 'C')
) STORED
"""
VECTOR_INDEX = (
    "CREATE INDEX IF NOT EXISTS search_searchdocument_vector "
    "ON search_searchdocument USING gin (vector)"
)
# The idea documents alone, for the similar-ideas lookup (ideas.similar): a common word is in
# hundreds of thousands of comments, and the shared index would make it read all of them.
IDEA_VECTOR_INDEX = (
    "CREATE INDEX IF NOT EXISTS search_searchdocument_idea_vector "
    "ON search_searchdocument USING gin (vector) WHERE kind = 'idea'"
)


def _upsert(values: str) -> str:
    return f"INSERT INTO search_searchdocument ({DOCUMENT_COLUMNS}) VALUES ({values}) {UPSERT};"


def _upsert_rows(select: str) -> str:
    return (
        f"INSERT INTO search_searchdocument ({DOCUMENT_COLUMNS}) "
        f"{select.format(rows='new_rows')} {UPSERT};"
    )


def _function(body: str) -> str:
    return f"BEGIN {body} RETURN NULL; END"


# Inserts and deletes are handled once per statement, over the statement's transition table:
# a bulk load of 100,000 posts runs one INSERT … SELECT into the index, not 100,000 trigger
# calls. Edits come one at a time and are handled per row, only when indexed columns change.
FUNCTIONS = {
    "search_posts_inserted": _function(_upsert_rows(POSTS_SELECT)),
    "search_posts_deleted": _function(
        "DELETE FROM search_searchdocument WHERE kind = 'post' "
        "AND source_id IN (SELECT id FROM old_rows); "
        "DELETE FROM search_searchdocument WHERE kind = 'comment' "
        "AND post_id IN (SELECT id FROM old_rows);"
    ),
    "search_post_edited": _function(
        f"""{_upsert(POST_VALUES)}
        IF OLD.channel_id IS DISTINCT FROM NEW.channel_id THEN
            UPDATE search_searchdocument SET channel_id = NEW.channel_id
            WHERE kind = 'comment' AND post_id = NEW.id;
        END IF;"""
    ),
    "search_comments_inserted": _function(_upsert_rows(COMMENTS_SELECT)),
    "search_comments_deleted": _function(
        "DELETE FROM search_searchdocument WHERE kind = 'comment' "
        "AND source_id IN (SELECT id FROM old_rows);"
    ),
    "search_comment_edited": _function(
        f"""IF NOT ({COMMENT_INDEXED}) THEN
            DELETE FROM search_searchdocument WHERE kind = 'comment' AND source_id = NEW.id;
        ELSE
            {_upsert(COMMENT_VALUES)}
        END IF;"""
    ),
    "search_initiatives_inserted": _function(_upsert_rows(INITIATIVES_SELECT)),
    "search_initiatives_deleted": _function(
        "DELETE FROM search_searchdocument WHERE kind = 'initiative' "
        "AND source_id IN (SELECT id FROM old_rows); "
        "DELETE FROM search_searchdocument WHERE kind = 'comment' "
        "AND initiative_id IN (SELECT id FROM old_rows);"
    ),
    "search_initiative_edited": _function(_upsert(INITIATIVE_VALUES)),
    "search_ideas_inserted": _function(_upsert_rows(IDEAS_SELECT)),
    "search_ideas_deleted": _function(
        "DELETE FROM search_searchdocument WHERE kind = 'idea' "
        "AND source_id IN (SELECT id FROM old_rows); "
        "DELETE FROM search_searchdocument WHERE kind = 'comment' "
        "AND idea_id IN (SELECT id FROM old_rows);"
    ),
    "search_idea_edited": _function(
        f"""IF NOT ({IDEA_INDEXED}) THEN
            DELETE FROM search_searchdocument WHERE kind = 'idea' AND source_id = NEW.id;
        ELSE
            {_upsert(IDEA_VALUES)}
        END IF;"""
    ),
}

_INSERTED = "INSERT", "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT"
_DELETED = "DELETE", "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT"


def _edited(condition: str) -> tuple[str, str]:
    return "UPDATE", f"FOR EACH ROW WHEN ({condition})"


# (trigger name, table, (event, how), function)
TRIGGERS = (
    ("search_posts_inserted", "staffchannels_post", _INSERTED),
    ("search_posts_deleted", "staffchannels_post", _DELETED),
    ("search_post_edited", "staffchannels_post", _edited(POST_CHANGED)),
    ("search_comments_inserted", "discussion_comment", _INSERTED),
    ("search_comments_deleted", "discussion_comment", _DELETED),
    ("search_comment_edited", "discussion_comment", _edited(COMMENT_CHANGED)),
    ("search_initiatives_inserted", "strategy_initiative", _INSERTED),
    ("search_initiatives_deleted", "strategy_initiative", _DELETED),
    ("search_initiative_edited", "strategy_initiative", _edited(INITIATIVE_CHANGED)),
    ("search_ideas_inserted", "ideas_idea", _INSERTED),
    ("search_ideas_deleted", "ideas_idea", _DELETED),
    ("search_idea_edited", "ideas_idea", _edited(IDEA_CHANGED)),
)
# Matches read before the audience rule and filters are applied (see matching()).
PREFILTER_LIMIT = 2000
# Recent documents are searched first: a common word is found PREFILTER_LIMIT times among
# them without touching older rows. Older rows are read only when the recent ones didn't
# give enough (rare words, cheap through the GIN index).
RECENT_WINDOW = 50_000
TSQUERY = "to_tsquery('simple'::regconfig, %s)"


def newest_matches_sql(window: int = RECENT_WINDOW) -> str:
    """Ids of the newest PREFILTER_LIMIT documents matching the query (two parameters)."""
    return f"""
WITH floor AS (
    SELECT coalesce(max(id), 0) - {window} AS id FROM search_searchdocument
), recent AS (
    SELECT d.id FROM search_searchdocument d
    WHERE d.vector @@ {TSQUERY} AND d.id > (SELECT id FROM floor)
    ORDER BY d.id DESC LIMIT {PREFILTER_LIMIT}
)
SELECT id FROM recent
UNION ALL
SELECT id FROM (
    SELECT d.id FROM search_searchdocument d
    WHERE d.vector @@ {TSQUERY} AND d.id <= (SELECT id FROM floor)
    ORDER BY d.id DESC LIMIT {PREFILTER_LIMIT}
) older
WHERE (SELECT count(*) FROM recent) < {PREFILTER_LIMIT}
"""


def tsquery(query: ParsedQuery) -> str:
    """A to_tsquery() string: each word quoted (only letters and digits, so no input is ever
    tsquery syntax), phrases with <->, the trailing partial word with :*, all required."""
    parts = []
    for term in query.terms:
        words = [f"'{w}'" for w in term.words]
        if term.prefix:
            words[-1] += ":*"
        parts.append(words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")")
    return " & ".join(parts)


# How common each word is, from the planner's statistics of the vector column (ANALYZE keeps
# them; autovacuum runs it): the most common words with the share of documents holding each,
# and how many idea documents the partial index holds. Counting a common word's ideas for
# real means visiting each of their rows (measured: 10 ms a word at 50,000 ideas).
WORD_STATISTICS = """
SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs,
       (SELECT c.reltuples FROM pg_class c
        WHERE c.relname = 'search_searchdocument_idea_vector'
          AND c.relnamespace = to_regnamespace(current_schema()))
FROM pg_stats s
WHERE s.schemaname = current_schema() AND s.tablename = 'search_searchdocument'
  AND s.attname = 'vector'
"""
# The statistics change only when ANALYZE runs: each process reads them this often at most.
STATISTICS_SECONDS = 600


@dataclass(frozen=True)
class _WordStatistics:
    read_at: float
    shares: dict[str, float]
    # The share assumed for a word not among the most common (as the planner assumes).
    rare_share: float
    idea_documents: float


_statistics: dict[str, _WordStatistics] = {}


def _word_statistics(connection: BaseDatabaseWrapper) -> _WordStatistics | None:
    cached = _statistics.get(connection.alias)
    if cached is not None and time.monotonic() - cached.read_at < STATISTICS_SECONDS:
        return cached
    with connection.cursor() as cursor:
        cursor.execute(WORD_STATISTICS)
        row = cursor.fetchone()
    found: _WordStatistics | None = None
    if row is not None and row[0] and row[1] and row[2] and row[2] > 0:
        words, shares, documents = list(row[0]), [float(f) for f in row[1]], float(row[2])
        # The frequencies end with the lowest and highest frequency and the share of nulls.
        found = _WordStatistics(
            read_at=time.monotonic(),
            shares=dict(zip(words, shares[: len(words)], strict=False)),
            rare_share=shares[len(words)] / 2 if len(shares) > len(words) else 0.0,
            idea_documents=documents,
        )
    else:
        found = _WordStatistics(
            read_at=time.monotonic(), shares={}, rare_share=0.0, idea_documents=0.0
        )
    _statistics[connection.alias] = found
    return found if found.idea_documents > 0 else None


# Ideas holding any of the words, newest first, at most `newest` of them; ranked by ts_rank
# (title weight A highest) and the best `limit` kept. Parameters: query, newest, query, limit.
RANK_IDEAS = f"""
SELECT m.idea_id, ts_rank(m.vector, {TSQUERY}) AS score FROM (
    SELECT d.idea_id, d.vector FROM search_searchdocument d
    WHERE d.kind = 'idea' AND d.vector @@ {TSQUERY}
    ORDER BY d.id DESC LIMIT %s
) m
ORDER BY score DESC, m.idea_id DESC LIMIT %s
"""


class PostgresBackend:
    recent_window = RECENT_WINDOW

    def install(self, connection: BaseDatabaseWrapper) -> bool:
        from staffroom.search.backends import index_schema_ready

        if not index_schema_ready(connection):
            return False  # mid-way through migrating an empty database: search 0005 installs
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM information_schema.columns "
                "WHERE table_name = 'search_searchdocument' AND column_name = 'vector'"
            )
            created = cursor.fetchone() is None
            cursor.execute(VECTOR_COLUMN)
            cursor.execute(VECTOR_INDEX)
            cursor.execute(IDEA_VECTOR_INDEX)
            for name, body in FUNCTIONS.items():
                cursor.execute(
                    f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger "
                    f"LANGUAGE plpgsql AS $search$ {body} $search$"
                )
            for name, table, (event, how) in TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(
                    f"CREATE TRIGGER {name} AFTER {event} ON {table} {how} "
                    f"EXECUTE FUNCTION {name}()"
                )
        return created

    def uninstall(self, connection: BaseDatabaseWrapper) -> None:
        with connection.cursor() as cursor:
            for name, table, _how in TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            for name in FUNCTIONS:
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            cursor.execute("DROP INDEX IF EXISTS search_searchdocument_idea_vector")
            cursor.execute("DROP INDEX IF EXISTS search_searchdocument_vector")
            cursor.execute("ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS vector")

    def rebuild(self, connection: BaseDatabaseWrapper) -> None:
        from staffroom.search.backends import index_schema_ready

        if not index_schema_ready(connection):
            return
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE search_searchdocument")
            for statement in REBUILD_STATEMENTS:
                cursor.execute(statement)

    def matching(
        self, queryset: QuerySet[SearchDocument], query: ParsedQuery
    ) -> QuerySet[SearchDocument]:
        text = tsquery(query)
        # First the newest PREFILTER_LIMIT matches of the words alone, recent documents
        # first (newest_matches_sql); then the audience rule and filters on those. In one query
        # the planner sorted every match of a common word before applying the audience rule
        # (0.5 s at 200,000 documents; this way 20-60 ms on the same data).
        # RawSQL and extra(): the tsvector column is not a Django field. The only input is
        # a bound parameter.
        newest_matches = RawSQL(newest_matches_sql(self.recent_window), [text, text])  # noqa: S611
        return queryset.filter(id__in=newest_matches).extra(  # noqa: S610
            select={"score": f"ts_rank(search_searchdocument.vector, {TSQUERY})"},
            select_params=[text],
            order_by=["-id"],
        )

    def idea_word_counts(
        self, connection: BaseDatabaseWrapper, words: list[str], cap: int
    ) -> dict[str, int]:
        """About how many shown ideas hold each of `words` (folded), estimated from the
        planner's statistics (one query every few minutes, none in between). Never 0: a word
        the statistics don't know may still be in an idea. Before the first ANALYZE (a new
        or small database) every word counts 1, so all are asked for."""
        statistics = _word_statistics(connection)
        if statistics is None:
            return dict.fromkeys(words, 1)
        counts: dict[str, int] = {}
        for word in words:
            share = statistics.shares.get(word, statistics.rare_share)
            counts[word] = max(1, min(cap, round(share * statistics.idea_documents)))
        return counts

    def rank_ideas(
        self, connection: BaseDatabaseWrapper, words: list[str], *, newest: int, limit: int
    ) -> list[tuple[int, float]]:
        """(idea id, score) of the ideas holding any of `words`, best first: of the newest
        `newest` such ideas, the `limit` best by ts_rank."""
        if not words:
            return []
        text = " | ".join(f"'{word}'" for word in words)
        with connection.cursor() as cursor:
            cursor.execute(RANK_IDEAS, [text, text, newest, limit])
            return [(int(idea_id), float(score)) for idea_id, score in cursor.fetchall()]
