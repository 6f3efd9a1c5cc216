"""The form that adds a screen. It parses what was sent; services.py judges it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from staffroom.accounts.forms import refuse_patient_information
from staffroom.kiosk.services import NAME_MAX_LENGTH
from staffroom.organisation.models import Department, Site

EVERYONE = ""
# Marked for translation here; translated where it is shown.
PLACE_ERROR = gettext_noop("Choose a site or a department from the list.")


def place_choices() -> list[tuple[str, Any]]:
    """ "The whole organisation", each site, then each site's departments: two queries."""
    sites = list(Site.objects.order_by("name", "pk").values_list("pk", "name"))
    departments = list(
        Department.objects.order_by("name", "pk").values_list("pk", "name", "site_id")
    )
    choices: list[tuple[str, Any]] = [
        (EVERYONE, _("The whole organisation (news for everyone only)")),
        (_("Sites"), [(f"site:{pk}", name) for pk, name in sites]),
    ]
    for site_pk, site_name in sites:
        in_site = [(f"department:{pk}", name) for pk, name, s in departments if s == site_pk]
        if in_site:
            choices.append((_("Departments at %(site)s") % {"site": site_name}, in_site))
    return choices


class ScreenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=NAME_MAX_LENGTH,
        error_messages={"required": gettext_lazy("Give the screen a name, e.g. “ED break room”.")},
        help_text=gettext_lazy(
            "Where the screen hangs, e.g. “ED break room”. It is shown in the screen's corner."
        ),
    )
    place = forms.ChoiceField(
        label=gettext_lazy("What it shows"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy(PLACE_ERROR)},
        help_text=gettext_lazy(
            "News for everyone, plus news for everyone at this site or in this department, "
            "and ideas about it. News for one job family is never shown on a screen."
        ),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=[("", gettext_lazy("The organisation's default")), *settings.LANGUAGES],
        error_messages={"invalid_choice": gettext_lazy("Choose a language from the list.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = place_choices()  # type: ignore[attr-defined]  # a ChoiceField

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("name"):
            refuse_patient_information({"name": cleaned["name"]})
        return cleaned

    def clean_place(self) -> tuple[Site | None, Department | None]:
        value = str(self.cleaned_data.get("place") or "")
        if value == EVERYONE:
            return None, None
        kind, _sep, raw_pk = value.partition(":")
        if not raw_pk.isdigit():
            raise forms.ValidationError(_(PLACE_ERROR))
        if kind == "site":
            site = Site.objects.filter(pk=int(raw_pk)).first()
            if site is not None:
                return site, None
        if kind == "department":
            department = Department.objects.filter(pk=int(raw_pk)).first()
            if department is not None:
                return None, department
        raise forms.ValidationError(_(PLACE_ERROR))
