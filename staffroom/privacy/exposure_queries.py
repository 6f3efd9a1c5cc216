"""Reads for exposure reports, each with a fixed number of queries (keyset pages)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count
from django.http import Http404

from staffroom.core.pagination import KeysetPage, keyset_page
from staffroom.privacy.models import ExposureAudience, ExposureReport, ExposureSighting

REPORTS_PAGE = 30
PEOPLE_PAGE = 50
SIGHTINGS_PAGE = 50
EXPORT_CHUNK = 1000


def report_page(
    *, cursor: str | None = None, limit: int = REPORTS_PAGE
) -> KeysetPage[ExposureReport]:
    rows = ExposureReport.objects.select_related("marked_by", "purged_by")
    return keyset_page(rows, ordering=("-made_at", "-id"), cursor=cursor, limit=limit)


def get_report_or_404(pk: int) -> ExposureReport:
    report = (
        ExposureReport.objects.select_related("marked_by", "purged_by", "item_author")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    return report


def audience_page(
    report: ExposureReport, *, cursor: str | None = None, limit: int = PEOPLE_PAGE
) -> KeysetPage[ExposureAudience]:
    """Who could see it, alphabetically as at the time of marking (rows were written so)."""
    rows = ExposureAudience.objects.filter(report=report).select_related(
        "person", "person__department"
    )
    return keyset_page(rows, ordering=("id",), cursor=cursor, limit=limit)


def sighting_page(
    report: ExposureReport, *, cursor: str | None = None, limit: int = SIGHTINGS_PAGE
) -> KeysetPage[ExposureSighting]:
    """Who saw it or was sent it, earliest first."""
    rows = ExposureSighting.objects.filter(report=report).select_related(
        "person", "person__department"
    )
    return keyset_page(rows, ordering=("at", "id"), cursor=cursor, limit=limit)


@dataclass(frozen=True)
class HowCount:
    how: str
    times: int
    people: int


def sighting_counts(report: ExposureReport) -> dict[str, HowCount]:
    """Per way of seeing: how many sightings and how many people (one grouped query)."""
    grouped = (
        ExposureSighting.objects.filter(report=report)
        .values("how")
        .annotate(times=Count("id"), people=Count("person", distinct=True))
        .order_by()
    )
    return {
        row["how"]: HowCount(how=row["how"], times=row["times"], people=row["people"])
        for row in grouped
    }


def export_sightings(report: ExposureReport) -> Iterator[ExposureSighting]:
    return (
        ExposureSighting.objects.filter(report=report)
        .select_related("person", "person__department")
        .order_by("at", "id")
        .iterator(chunk_size=EXPORT_CHUNK)
    )


def export_audience(report: ExposureReport) -> Iterator[ExposureAudience]:
    return (
        ExposureAudience.objects.filter(report=report)
        .select_related("person", "person__department")
        .order_by("id")
        .iterator(chunk_size=EXPORT_CHUNK)
    )
