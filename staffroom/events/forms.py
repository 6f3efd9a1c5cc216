"""The event form: it parses what was sent; the service (services.save_event) judges it."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from staffroom.channels.forms import MARKDOWN_HELP, GroupedDepartmentsField
from staffroom.events.models import Event, Kind
from staffroom.events.services import (
    DESCRIPTION_MAX_LENGTH,
    LOCATION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    URL_MAX_LENGTH,
)
from staffroom.organisation.models import JobFamily, Site

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
AUDIENCE_HELP = gettext_lazy("Leave empty for everyone. Hold Ctrl (⌘ on a Mac) to choose several.")


def _local_datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=gettext_lazy("Short and plain, e.g. “CEO town hall: our year ahead”."),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of event"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        initial=Kind.TOWN_HALL,
    )
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Starts"),
        input_formats=DATETIME_FORMATS,
        widget=_local_datetime_widget(),
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("Ends"), input_formats=DATETIME_FORMATS, widget=_local_datetime_widget()
    )
    all_day = forms.BooleanField(
        label=gettext_lazy("All day (only the dates count)"),
        required=False,
    )
    location = forms.CharField(
        label=gettext_lazy("Where"),
        required=False,
        max_length=LOCATION_MAX_LENGTH,
        help_text=gettext_lazy("The room and building, e.g. “Main auditorium, Northgate”."),
    )
    online_url = forms.CharField(
        label=gettext_lazy("Online link"),
        required=False,
        max_length=URL_MAX_LENGTH,
        help_text=gettext_lazy("The Teams or Zoom address, starting with https://."),
        widget=forms.URLInput,
    )
    description = forms.CharField(
        label=gettext_lazy("What it is about"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        strip=False,
        help_text=MARKDOWN_HELP,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    audience_sites = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Only for these sites"),
        required=False,
        queryset=Site.objects.order_by("name"),
        help_text=AUDIENCE_HELP,
    )
    audience_departments = GroupedDepartmentsField(
        label=gettext_lazy("Only for these departments"), required=False, help_text=AUDIENCE_HELP
    )
    audience_job_families = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Only for these job families"),
        required=False,
        queryset=JobFamily.objects.order_by("name"),
        help_text=AUDIENCE_HELP,
    )

    def __init__(self, *args: Any, event: Event | None = None, **kwargs: Any) -> None:
        if event is not None:
            kwargs["initial"] = {**initial_for_event(event), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        departments = self.fields["audience_departments"]
        assert isinstance(departments, GroupedDepartmentsField)
        departments.load_choices()
        self.fields["starts_at"].help_text = _("Time zone: %(zone)s.") % {
            "zone": timezone.get_current_timezone_name()
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts is not None and ends is not None:
            if cleaned.get("all_day"):
                if ends.date() < starts.date():
                    self.add_error("ends_at", _("An event must end after it starts."))
            elif ends <= starts:
                self.add_error("ends_at", _("An event must end after it starts."))
        return cleaned

    def event_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "kind": data["kind"],
            "description": data.get("description", ""),
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "all_day": bool(data.get("all_day")),
            "location": data.get("location", ""),
            "online_url": data.get("online_url", ""),
            "audience_sites": list(data.get("audience_sites") or []),
            "audience_departments": list(data.get("audience_departments") or []),
            "audience_job_families": list(data.get("audience_job_families") or []),
        }


def initial_for_event(event: Event) -> dict[str, Any]:
    starts = timezone.localtime(event.starts_at)
    ends = timezone.localtime(event.ends_at)
    if event.all_day:
        # Stored as the midnight after the last day; the form shows the last day itself.
        ends = ends - datetime.timedelta(minutes=1)
    return {
        "title": event.title,
        "kind": event.kind,
        "description": event.description,
        "starts_at": starts,
        "ends_at": ends,
        "all_day": event.all_day,
        "location": event.location,
        "online_url": event.online_url,
        "audience_sites": list(event.audience_sites.all()),
        "audience_departments": [
            str(pk) for pk in event.audience_departments.values_list("pk", flat=True)
        ],
        "audience_job_families": list(event.audience_job_families.all()),
    }
