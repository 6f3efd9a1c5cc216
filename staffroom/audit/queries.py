"""Reading the audit trail: one filter used by both the page and the CSV export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from staffroom.audit.models import AuditEntry
from staffroom.core.pagination import KeysetPage, keyset_page

PAGE_SIZE = 50


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered_entries(
    *,
    actor: str = "",
    action: str = "",
    target_type: str = "",
    target_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.select_related("actor")
    if actor:
        entries = entries.filter(actor__username__iexact=actor.strip())
    if action:
        entries = entries.filter(action=action)
    if target_type:
        entries = entries.filter(target_type=target_type.strip().lower())
    if target_id:
        entries = entries.filter(target_id=target_id.strip())
    if date_from:
        entries = entries.filter(at__gte=_start_of(date_from))
    if date_to:
        entries = entries.filter(at__lt=_start_of(date_to + timedelta(days=1)))
    return entries


def audit_page(
    *, filters: dict[str, Any], cursor: str | None = None, limit: int = PAGE_SIZE
) -> KeysetPage[AuditEntry]:
    """Newest first, `limit` at a time, after `cursor`."""
    return keyset_page(filtered_entries(**filters), ordering=["-seq"], cursor=cursor, limit=limit)


def export_rows(*, filters: dict[str, Any]) -> Iterator[AuditEntry]:
    """Every matching entry, newest first, read in chunks (the export streams them)."""
    return filtered_entries(**filters).order_by("-seq").iterator(chunk_size=2000)
