"""Reads for the list of author reveals: a keyset page with a fixed number of queries."""

from __future__ import annotations

from staffroom.core.pagination import KeysetPage, keyset_page
from staffroom.privacy.models import AuthorReveal

REVEALS_PAGE = 30


def reveal_page(
    *, cursor: str | None = None, limit: int = REVEALS_PAGE
) -> KeysetPage[AuthorReveal]:
    """Every reveal, newest first, with who made it (never whose name was revealed)."""
    rows = AuthorReveal.objects.select_related("revealed_by")
    return keyset_page(rows, ordering=("-created_at", "-id"), cursor=cursor, limit=limit)
