"""Events staff can put in their calendars: town halls, briefings and the like.

An event is for everyone unless its audience narrows it, with the same rule and the same
three lists as posts and campaigns (channels.audience). A calendar that imported an event
recognises it again by its `uid`; `sequence` counts the changes, so calendars replace an
old copy with a newer one; a cancelled event is kept (with `cancelled_at`) so that feeds can
tell subscribers' calendars to remove it.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BaseModel

if TYPE_CHECKING:
    from staffroom.accounts.models import Person


class Kind(models.TextChoices):
    TOWN_HALL = "town_hall", _("Town hall")
    BRIEFING = "briefing", _("Briefing")
    OTHER = "other", _("Other event")


class EventQuerySet(models.QuerySet["Event"]):
    def visible_to(self, person: Person) -> EventQuerySet:
        """Events `person` may see: those for them, and every event for those who manage them."""
        from staffroom.events.audience import event_audience_includes
        from staffroom.events.permissions import can_manage_events

        if can_manage_events(person):
            return self.all()
        return self.filter(event_audience_includes(person))


class Event(BaseModel):
    title = models.CharField(_("title"), max_length=160)
    # What it is about, in Markdown, and its sanitised HTML.
    description = models.TextField(_("description"), blank=True)
    description_html = models.TextField(editable=False, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TOWN_HALL)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    # All day: starts_at and ends_at are midnights in the organisation's time zone, the end
    # one after the last day, as in iCalendar.
    all_day = models.BooleanField(_("all day"), default=False)
    location = models.CharField(_("where"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    audience_sites = models.ManyToManyField(
        "organisation.Site", blank=True, related_name="+", verbose_name=_("sites")
    )
    audience_departments = models.ManyToManyField(
        "organisation.Department", blank=True, related_name="+", verbose_name=_("departments")
    )
    audience_job_families = models.ManyToManyField(
        "organisation.JobFamily", blank=True, related_name="+", verbose_name=_("job families")
    )
    audience_restricted = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    # iCalendar's SEQUENCE: 0 when created, one more on every change and on cancelling.
    sequence = models.PositiveIntegerField(default=0, editable=False)

    objects: ClassVar[EventQuerySet] = EventQuerySet.as_manager()  # type: ignore[assignment]  # manager built from the queryset

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["ends_at", "starts_at", "id"], name="event_window")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"pk": self.pk})

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def first_day(self) -> datetime.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def last_day(self) -> datetime.date:
        """The last day it runs (for an all-day event, the day before `ends_at`'s midnight)."""
        return (timezone.localtime(self.ends_at) - datetime.timedelta(microseconds=1)).date()

    @property
    def uid(self) -> str:
        """The iCalendar UID: the same for the life of the event, whatever changes."""
        return f"event-{self.pk}@{site_host()}"

    def ics_filename(self) -> str:
        return f"event-{self.pk}.ics"


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"
