"""The privacy officers' audit trail: search it, and download what a search found as CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from staffroom.audit import queries
from staffroom.audit.forms import AuditFilterForm
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.audit.permissions import check_view_audit
from staffroom.audit.services import record_audit
from staffroom.core.http import AuthenticatedRequest

TEMPLATE = "audit/auditentry_list.html"
CSV_COLUMNS = [
    "number",
    "at",
    "actor_id",
    "actor_username",
    "action",
    "target_type",
    "target_id",
    "summary",
    "ip",
    "data",
    "previous_hash",
    "entry_hash",
]


def _filters(request: AuthenticatedRequest) -> tuple[AuditFilterForm, dict[str, Any]]:
    form = AuditFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound and form.is_valid() else {}
    return form, filters


@login_required
@require_GET
def audit_list(request: AuthenticatedRequest) -> HttpResponse:
    # Reading the trail is not itself recorded (a page of ids and actions); downloading it is.
    check_view_audit(request.user)
    form, filters = _filters(request)
    cursor = request.GET.get("cursor")
    page = queries.audit_page(filters=filters, cursor=cursor)
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    if request.htmx and cursor:
        return render(request, f"{TEMPLATE}#rows", context)
    return render(request, TEMPLATE, context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> str:
    """Text as a spreadsheet will show it: never a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _row(entry: AuditEntry) -> list[str]:
    return [
        _cell(value)
        for value in (
            entry.seq,
            entry.at.isoformat(),
            entry.actor_id or "",
            entry.actor.username if entry.actor else "",
            entry.action,
            entry.target_type,
            entry.target_id,
            entry.summary,
            entry.ip,
            json.dumps(entry.data, sort_keys=True),
            entry.previous_hash,
            entry.entry_hash,
        )
    ]


@login_required
@require_GET
def audit_export(request: AuthenticatedRequest) -> HttpResponse | StreamingHttpResponse:
    check_view_audit(request.user)
    _form, filters = _filters(request)
    # The export is recorded before it streams: a download that fails halfway still happened.
    record_audit(
        actor=request.user,
        action=AuditAction.EXPORTED,
        target=("audit.auditentry", ""),
        summary="Audit trail exported as CSV",
        data={"filters": {key: str(value) for key, value in filters.items()}},
        request=request,
    )
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(CSV_COLUMNS)
        for entry in queries.export_rows(filters=filters):
            yield writer.writerow(_row(entry))

    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    return response
