"""The search index: one row per searchable thing (a post, a comment, an initiative).

Rows are written by DATABASE TRIGGERS on the source tables (see search.backends), never by
application code, so every write path — services, the admin, bulk demo loads, raw SQL —
keeps the index right without knowing it exists. Who may see a row is NOT copied here: a
search joins each candidate to the live audience rule (`Post.objects.visible_to`), so a
change of audience, status or schedule applies at once with nothing to reindex.

The words themselves are indexed beside this table by the database's own engine: an FTS5
table `search_fts` (SQLite) or a stored, generated `vector tsvector` column with a GIN index
(PostgreSQL). Neither is a Django field; see docs/decisions/0009-search.md.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    class Kind(models.TextChoices):
        POST = "post", _("Post")
        COMMENT = "comment", _("Comment")
        INITIATIVE = "initiative", _("Initiative")
        IDEA = "idea", _("Idea")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The id of the post, comment or initiative the row was made from.
    source_id = models.BigIntegerField()
    # The post a post or comment belongs to (for the audience rule and links), the
    # initiative an initiative or its comment belongs to, and the post's channel. Plain
    # columns kept by the triggers: no database constraint, so a source can be deleted
    # without first deleting its index row (the trigger does that in the same statement).
    post = models.ForeignKey(
        "staffchannels.Post",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    initiative = models.ForeignKey(
        "strategy.Initiative",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    # The idea an idea or a comment on it belongs to (shown ideas only; see the triggers).
    idea = models.ForeignKey(
        "ideas.Idea",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    # Not indexed: the channel filter applies to candidates read off the word index.
    channel = models.ForeignKey(
        "staffchannels.Channel",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
    )
    # A post's publication time; a comment's or initiative's creation: date filter and display.
    dated_at = models.DateTimeField(null=True)
    # Weighted for ranking: title highest, then summary (and an initiative's goal), then body.
    title = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["kind", "source_id"], name="searchdocument_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_id}"
