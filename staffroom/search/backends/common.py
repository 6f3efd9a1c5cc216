"""SQL both engines share: how each source row becomes a search document.

Column lists are the same in the triggers and in a rebuild, so a rebuilt index is exactly
what the triggers would have made.
"""

# SQL here is assembled from this module's constants only; user input
# reaches the database as bound parameters

from __future__ import annotations

DOCUMENT_COLUMNS = (
    "kind, source_id, post_id, initiative_id, idea_id, channel_id, dated_at, title, summary, body"
)

# On a second write for the same source (a trigger firing for a row already indexed, e.g.
# after a rebuild), the row is updated in place and keeps its id.
UPSERT = """
ON CONFLICT (kind, source_id) DO UPDATE SET
    post_id = excluded.post_id,
    initiative_id = excluded.initiative_id,
    idea_id = excluded.idea_id,
    channel_id = excluded.channel_id,
    dated_at = excluded.dated_at,
    title = excluded.title,
    summary = excluded.summary,
    body = excluded.body
"""

# Values for one row of each source table, with NEW.<column> as the source row (triggers).
POST_VALUES = (
    "'post', NEW.id, NEW.id, NULL, NULL, NEW.channel_id, NEW.published_at, "
    "NEW.title, NEW.summary, NEW.body"
)
INITIATIVE_VALUES = (
    "'initiative', NEW.id, NULL, NEW.id, NULL, NULL, NEW.created_at, "
    "NEW.title, trim(NEW.summary || ' ' || NEW.goal), NEW.body"
)
# An idea's document: its title, the problem seen (summary) and the proposed change (body).
# Only ideas everyone may see have one (IDEA_INDEXED): a held, hidden or removed idea, or one
# merged into another, is not in the index, so no search or similar-ideas lookup finds it.
IDEA_VALUES = (
    "'idea', NEW.id, NULL, NULL, NEW.id, NULL, NEW.created_at, NEW.title, NEW.problem, NEW.proposal"
)
# A comment belongs to whatever owns its thread: a post (then also its channel), an
# initiative or an idea. Comments whose thread belongs to none are stored but never shown.
# Whether a comment's idea is shown is decided at query time (search.queries).
COMMENT_VALUES = (
    "'comment', NEW.id, "
    "(SELECT p.id FROM staffchannels_post p WHERE p.thread_id = NEW.thread_id), "
    "(SELECT i.id FROM strategy_initiative i WHERE i.thread_id = NEW.thread_id), "
    "(SELECT x.id FROM ideas_idea x WHERE x.thread_id = NEW.thread_id), "
    "(SELECT p.channel_id FROM staffchannels_post p WHERE p.thread_id = NEW.thread_id), "
    "NEW.created_at, '', '', NEW.body"
)

# Documents for every row of a source table (or of a trigger's transition table): `{rows}`
# is the table the rows come from.
POSTS_SELECT = """
    SELECT 'post', p.id, p.id, NULL, NULL, p.channel_id, p.published_at,
           p.title, p.summary, p.body
    FROM {rows} p"""
INITIATIVES_SELECT = """
    SELECT 'initiative', i.id, NULL, i.id, NULL, NULL, i.created_at,
           i.title, trim(i.summary || ' ' || i.goal), i.body
    FROM {rows} i"""
IDEAS_SELECT = """
    SELECT 'idea', x.id, NULL, NULL, x.id, NULL, x.created_at, x.title, x.problem, x.proposal
    FROM {rows} x
    WHERE x.visibility = 'visible' AND x.merged_into_id IS NULL"""
COMMENTS_SELECT = """
    SELECT 'comment', c.id, p.id, i.id, x.id, p.channel_id, c.created_at, '', '', c.body
    FROM {rows} c
    LEFT JOIN staffchannels_post p ON p.thread_id = c.thread_id
    LEFT JOIN strategy_initiative i ON i.thread_id = c.thread_id
    LEFT JOIN ideas_idea x ON x.thread_id = c.thread_id
    WHERE c.deleted_at IS NULL AND c.visibility = 'visible'"""

REBUILD_STATEMENTS = tuple(
    f"INSERT INTO search_searchdocument ({DOCUMENT_COLUMNS}) " + select.format(rows=table)
    for select, table in (
        (POSTS_SELECT, "staffchannels_post"),
        (INITIATIVES_SELECT, "strategy_initiative"),
        (IDEAS_SELECT, "ideas_idea"),
        (COMMENTS_SELECT, "discussion_comment"),
    )
)

# Triggers fire only when something the index holds changed: counters, versions and read
# marks are updated far more often than words, and must not rewrite the index.
POST_CHANGED = (
    "OLD.title IS DISTINCT FROM NEW.title OR OLD.summary IS DISTINCT FROM NEW.summary "
    "OR OLD.body IS DISTINCT FROM NEW.body OR OLD.channel_id IS DISTINCT FROM NEW.channel_id "
    "OR OLD.published_at IS DISTINCT FROM NEW.published_at"
)
INITIATIVE_CHANGED = (
    "OLD.title IS DISTINCT FROM NEW.title OR OLD.summary IS DISTINCT FROM NEW.summary "
    "OR OLD.goal IS DISTINCT FROM NEW.goal OR OLD.body IS DISTINCT FROM NEW.body"
)
IDEA_CHANGED = (
    "OLD.title IS DISTINCT FROM NEW.title OR OLD.problem IS DISTINCT FROM NEW.problem "
    "OR OLD.proposal IS DISTINCT FROM NEW.proposal "
    "OR OLD.visibility IS DISTINCT FROM NEW.visibility "
    "OR OLD.merged_into_id IS DISTINCT FROM NEW.merged_into_id "
    "OR OLD.created_at IS DISTINCT FROM NEW.created_at"
)
# The same rule as IDEAS_SELECT's WHERE, for one row (NEW.<column>).
IDEA_INDEXED = "NEW.visibility = 'visible' AND NEW.merged_into_id IS NULL"
COMMENT_CHANGED = (
    "OLD.body IS DISTINCT FROM NEW.body OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at "
    "OR OLD.thread_id IS DISTINCT FROM NEW.thread_id "
    "OR OLD.visibility IS DISTINCT FROM NEW.visibility"
)
# Only comments others can see have a document: a held comment (possible patient
# information), a hidden or removed one is never in the index, so no query can find its words.
COMMENT_INDEXED = "NEW.deleted_at IS NULL AND NEW.visibility = 'visible'"


def sqlite_condition(condition: str) -> str:
    """SQLite (before 3.39) spells IS DISTINCT FROM as IS NOT."""
    return condition.replace("IS DISTINCT FROM", "IS NOT")
