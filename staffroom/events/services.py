"""Writes: setting up, changing and cancelling events. Each checks who acts, refuses bad input
with a message a person understands (nothing is saved then), and records an audit entry."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.accounts.forms import refuse_patient_information
from staffroom.accounts.models import Person
from staffroom.audit.models import AuditAction
from staffroom.audit.services import record_audit
from staffroom.core.richtext import render_markdown
from staffroom.events.models import Event, Kind
from staffroom.events.permissions import check_manage_events
from staffroom.organisation.models import Department, JobFamily, Site

TITLE_MAX_LENGTH = 160
DESCRIPTION_MAX_LENGTH = 10_000
LOCATION_MAX_LENGTH = 200
URL_MAX_LENGTH = 500
FIRST_YEAR, LAST_YEAR = 2000, 2100


def organisation_zone() -> ZoneInfo:
    """The organisation's time zone (settings.TIME_ZONE): events are in its local time."""
    return ZoneInfo(settings.TIME_ZONE)


def whole_days(
    start: datetime.date, last: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """Midnight at the start of `start` and after `last`, in the organisation's time zone."""
    zone = organisation_zone()
    begin = datetime.datetime.combine(start, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(), tzinfo=zone)
    return begin, end


def _check(
    *,
    title: str,
    description: str,
    location: str,
    online_url: str,
    kind: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
) -> None:
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Give the event a short title.")
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = _("Keep the title to %(max)d characters.") % {"max": TITLE_MAX_LENGTH}
    if len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = _("Keep the description to %(max)s characters.") % {
            "max": f"{DESCRIPTION_MAX_LENGTH:,}"
        }
    if len(location) > LOCATION_MAX_LENGTH:
        errors["location"] = _("Keep the place to %(max)d characters.") % {
            "max": LOCATION_MAX_LENGTH
        }
    if online_url:
        parts = urlsplit(online_url)
        if parts.scheme != "https" or not parts.hostname:
            errors["online_url"] = _(
                "The online link must be a full https:// address, e.g. "
                "https://teams.microsoft.com/…"
            )
        elif len(online_url) > URL_MAX_LENGTH:
            errors["online_url"] = _("That link is too long.")
    if kind not in Kind.values:
        errors["kind"] = _("Choose what kind of event this is.")
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            errors[name] = _("Choose a date between the years %(first)d and %(last)d.") % {
                "first": FIRST_YEAR,
                "last": LAST_YEAR,
            }
    if "starts_at" not in errors and "ends_at" not in errors and ends_at <= starts_at:
        errors["ends_at"] = _("An event must end after it starts.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_event(
    *,
    editor: Person,
    event: Event | None = None,
    title: str,
    description: str = "",
    kind: str = Kind.TOWN_HALL,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    all_day: bool = False,
    location: str = "",
    online_url: str = "",
    audience_sites: Sequence[Site] = (),
    audience_departments: Sequence[Department] = (),
    audience_job_families: Sequence[JobFamily] = (),
) -> Event:
    """Set up an event (`event` None) or change one, all or nothing.

    Times must be aware. For an all-day event only the local dates of `starts_at` and
    `ends_at` count: it runs from the first day's midnight to the midnight after the last.
    Every change adds one to the event's sequence, so calendars replace their copy. A
    cancelled event can't be changed.
    """
    check_manage_events(editor)
    title = " ".join((title or "").split())
    description = (description or "").strip()
    location = " ".join((location or "").split())
    online_url = (online_url or "").strip()
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("save_event needs aware times")
    if all_day:
        zone = organisation_zone()
        starts_at, ends_at = whole_days(
            starts_at.astimezone(zone).date(), ends_at.astimezone(zone).date()
        )
    _check(
        title=title,
        description=description,
        location=location,
        online_url=online_url,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    refuse_patient_information({"title": title, "description": description, "location": location})
    created = event is None
    if event is None:
        current = Event(created_by=editor)
    else:
        current = Event.objects.select_for_update().get(pk=event.pk)
        if current.is_cancelled:
            raise ValidationError(_("This event was cancelled: it can't be changed any more."))
        current.sequence += 1
    current.title, current.description, current.kind = title, description, kind
    current.description_html = render_markdown(description).html
    current.starts_at, current.ends_at, current.all_day = starts_at, ends_at, all_day
    current.location, current.online_url = location, online_url
    sites, departments, families = (
        list(audience_sites),
        list(audience_departments),
        list(audience_job_families),
    )
    current.audience_restricted = bool(sites or departments or families)
    current.save()
    current.audience_sites.set(sites)
    current.audience_departments.set(departments)
    current.audience_job_families.set(families)
    record_audit(
        actor=editor,
        action=AuditAction.EVENT_SAVED,
        target=current,
        summary=f"Event {current.pk} {'created' if created else 'changed'}",
        data={
            "event": current.pk,
            "created": created,
            "sequence": current.sequence,
            "starts_at": current.starts_at.isoformat(),
            "ends_at": current.ends_at.isoformat(),
            "sites": sorted(s.pk for s in sites),
            "departments": sorted(d.pk for d in departments),
            "job_families": sorted(f.pk for f in families),
        },
    )
    return current


@transaction.atomic
def cancel_event(*, editor: Person, event: Event) -> Event:
    """Cancel an event. It stays, marked cancelled, so calendars that have it remove it.

    Cancelling again changes nothing."""
    check_manage_events(editor)
    current = Event.objects.select_for_update().get(pk=event.pk)
    if current.is_cancelled:
        return current
    current.cancelled_at = timezone.now()
    current.sequence += 1
    current.save(update_fields=["cancelled_at", "sequence", "updated_at"])
    record_audit(
        actor=editor,
        action=AuditAction.EVENT_CANCELLED,
        target=current,
        summary=f"Event {current.pk} cancelled",
        data={"event": current.pk, "sequence": current.sequence},
    )
    return current
