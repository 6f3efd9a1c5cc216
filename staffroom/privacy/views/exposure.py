"""Privacy officers' pages for items marked as patient information after publication.

Everyone else gets a 404 on every page here (privacy.permissions.check_review_holds): not
even the existence of a report is revealed. Opening a report and downloading it are
audited, since a report names people and what they saw.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from staffroom.accounts.models import Person
from staffroom.core.http import AuthenticatedRequest
from staffroom.core.items import get_item, kind_named
from staffroom.privacy import exposure_queries as queries
from staffroom.privacy.exposure import (
    SENDS_EMAIL,
    mark_as_phi,
    purge_item,
    record_report_exported,
    record_report_viewed,
    record_withheld_viewed,
    report_for,
)
from staffroom.privacy.exposure_forms import MarkAsPhiForm, PurgeForm
from staffroom.privacy.models import ExposureReport, ExposureSighting, Tombstone
from staffroom.privacy.permissions import check_review_holds

REPORT_TEMPLATE = "privacy/exposure_report.html"


def _item_or_404(kind_key: str, item_id: int) -> tuple[Any, Any]:
    try:
        kind = kind_named(kind_key)
        return kind, get_item(kind_key, item_id)
    except (KeyError, LookupError, ObjectDoesNotExist):
        raise Http404 from None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def mark_phi(request: AuthenticatedRequest, kind: str, item_id: int) -> HttpResponse:
    """Confirm, then take an item down as patient information and make its report."""
    check_review_holds(request.user)
    item_kind, obj = _item_or_404(kind, item_id)
    existing = report_for(obj)
    if existing is not None:
        messages.info(request, _("This was already marked as patient information."))
        return redirect(existing)
    form = MarkAsPhiForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            report = mark_as_phi(obj=obj, officer=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Marked as patient information: nobody else can see it now. Here is who could."),
            )
            return redirect(report)
    # Posted anonymously: no name here either; the reveal is the one way to learn it.
    author = (
        None
        if item_kind.is_anonymous(obj)
        else Person.objects.filter(pk=item_kind.author_id(obj)).first()
    )
    # The page shows the item's words: reading withheld ones is audited.
    record_withheld_viewed(obj=obj, viewer=request.user, request=request)
    return render(
        request,
        "privacy/exposure_mark.html",
        {
            "form": form,
            "kind": item_kind,
            "obj": obj,
            "label": item_kind.label(obj),
            "url": item_kind.url(obj),
            "author": author,
            "texts": item_kind.texts(obj),
        },
    )


@never_cache
@login_required
@require_GET
def report_list(request: AuthenticatedRequest) -> HttpResponse:
    check_review_holds(request.user)
    cursor = request.GET.get("cursor")
    page = queries.report_page(cursor=cursor)
    if request.htmx and cursor:
        return render(request, "privacy/exposure_list.html#rows", {"page": page})
    return render(request, "privacy/exposure_list.html", {"page": page})


HOW_LABELS = dict(ExposureSighting.How.choices)


def _item_url(report: ExposureReport) -> str:
    try:
        kind = kind_named(report.item_kind)
        return kind.url(get_item(report.item_kind, report.item_id))
    except (KeyError, LookupError, ObjectDoesNotExist):
        return ""


@never_cache
@login_required
@require_GET
def report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The report: numbers, who could see (paged), who saw how and when (paged), purge."""
    check_review_holds(request.user)
    found = queries.get_report_or_404(pk)
    people_cursor = request.GET.get("people")
    seen_cursor = request.GET.get("seen")
    context: dict[str, Any] = {"report": found}
    if request.htmx and people_cursor:
        context["audience"] = queries.audience_page(found, cursor=people_cursor)
        return render(request, f"{REPORT_TEMPLATE}#audience-rows", context)
    if request.htmx and seen_cursor:
        context["sightings"] = queries.sighting_page(found, cursor=seen_cursor)
        return render(request, f"{REPORT_TEMPLATE}#sighting-rows", context)
    record_report_viewed(report=found, officer=request.user, request=request)
    counts = queries.sighting_counts(found)
    context.update(
        {
            "audience": queries.audience_page(found, cursor=people_cursor),
            "sightings": queries.sighting_page(found, cursor=seen_cursor),
            "counts": [
                (HOW_LABELS.get(how, how), counts[how])
                for how in ExposureSighting.How.values
                if how in counts
            ],
            "sends_email": SENDS_EMAIL,
            "item_url": _item_url(found),
            "purge_form": PurgeForm(),
            "tombstone": Tombstone.objects.filter(report=found).first()
            if found.is_purged
            else None,
        }
    )
    return render(request, REPORT_TEMPLATE, context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> str:
    """Text as a spreadsheet will show it: never a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


CSV_COLUMNS = [
    "list",
    "person_id",
    "employee_id",
    "username",
    "name",
    "department",
    "how",
    "at",
]


def _person_cells(person: Person) -> list[object]:
    department = person.department.name if person.department_id and person.department else ""
    return [person.pk, person.employee_id or "", person.username, person.display_name, department]


@never_cache
@login_required
@require_GET
def report_csv(request: AuthenticatedRequest, pk: int) -> StreamingHttpResponse:
    """The whole report as CSV: who saw it (how, when), then everyone who could see it.
    Times are ISO 8601 in the site's time zone, with their offset."""
    check_review_holds(request.user)
    found = queries.get_report_or_404(pk)
    # Recorded before it streams: a download that fails halfway still happened.
    record_report_exported(report=found, officer=request.user, request=request)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(CSV_COLUMNS)
        for sighting in queries.export_sightings(found):
            yield writer.writerow(
                _cell(value)
                for value in (
                    "saw",
                    *_person_cells(sighting.person),
                    sighting.how,
                    timezone.localtime(sighting.at).isoformat(),
                )
            )
        for member in queries.export_audience(found):
            yield writer.writerow(
                _cell(value) for value in ("could see", *_person_cells(member.person), "", "")
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="exposure-report-{found.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def purge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    check_review_holds(request.user)
    found = queries.get_report_or_404(pk)
    form = PurgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("confirm", [])))
        return redirect(found)
    try:
        purge_item(report=found, officer=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Purged: the words and files are gone. A tombstone records the purge.")
        )
    return redirect(found)
