"""Forms of campaigns and impact. Forms parse what was sent (and find the people named);
the services (services/campaigns.py, services/impact.py) judge it."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from staffroom.accounts.models import Person
from staffroom.channels.forms import MARKDOWN_HELP, GroupedDepartmentsField
from staffroom.ideas.models import Campaign, Impact
from staffroom.ideas.services.campaigns import (
    QUESTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    year_error,
)
from staffroom.ideas.services.impact import (
    CONTRIBUTION_MAX_LENGTH,
    MAX_CONTRIBUTORS,
    MEASURE_MAX_LENGTH,
    UNIT_MAX_LENGTH,
    plain_number,
)
from staffroom.organisation.models import JobFamily, Site
from staffroom.strategy.models import Initiative

# A username as people type it: "@grace.okafor" or "grace.okafor" (the mention syntax).
USERNAME_RE = re.compile(r"@?([\w][\w.-]*)")
# What may separate a username from the note after it: "@grace: ran the trial".
NOTE_SEPARATORS = " \t:-–—,"  # noqa: RUF001  # the en and em dashes people type

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def check_year(value: datetime.date | None) -> None:
    """Refuse a date (or date and time, in local time) outside the years allowed."""
    reason = year_error(value) if value is not None else ""
    if reason:
        raise forms.ValidationError(reason, code="year_out_of_range")


def _username(raw: str) -> str:
    return raw.rstrip(".-").lower()


def parse_usernames(text: str) -> list[str]:
    """ "@ana, @ben.c  carla" → ["ana", "ben.c", "carla"] (lower-cased, in order, once each).

    Raises ValidationError naming anything that isn't a username."""
    names: list[str] = []
    bad: list[str] = []
    for part in re.split(r"[\s,;]+", text or ""):
        if not part:
            continue
        match = USERNAME_RE.fullmatch(part)
        if match is None:
            bad.append(part)
            continue
        name = _username(match.group(1))
        if name not in names:
            names.append(name)
    if bad:
        raise forms.ValidationError(
            _(
                "“%(bad)s” isn't a username. Write usernames like @grace.okafor, separated "
                "by commas."
            )
            % {"bad": ", ".join(bad)}
        )
    return names


def parse_credits(text: str) -> list[tuple[str, str]]:
    """One person per line, optionally with what they did:

        @grace.okafor: ran the trial on Ward 7
        @tom.baker, @priya

    A line of several usernames (and nothing else) credits each without a note."""
    found: list[tuple[str, str]] = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        try:
            several = parse_usernames(line)
        except forms.ValidationError:
            several = []
        if len(several) > 1 and all(
            part.startswith("@") for part in re.split(r"[\s,;]+", line) if part
        ):
            found.extend((name, "") for name in several)
            continue
        match = USERNAME_RE.match(line)
        if match is None:
            raise forms.ValidationError(
                _(
                    "Start each line with the person's username, e.g. “@grace.okafor: ran the "
                    "trial”. This line doesn't: “%(line)s”."
                )
                % {"line": line[:60]}
            )
        note = line[match.end() :].lstrip(NOTE_SEPARATORS).strip()
        found.append((_username(match.group(1)), note))
    return found


def find_active_people(usernames: list[str]) -> dict[str, Person]:
    """The active people with these usernames (one query); raises ValidationError naming the
    usernames nobody active has."""
    if not usernames:
        return {}
    found = {p.username.lower(): p for p in Person.objects.active().filter(username__in=usernames)}
    missing = [name for name in usernames if name not in found]
    if missing:
        raise forms.ValidationError(
            _(
                "We couldn't find anyone working here with the username %(names)s. Check the "
                "spelling: it is the name after @ on their profile."
            )
            % {"names": ", ".join(f"@{name}" for name in missing)}
        )
    return found


def _local_datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CampaignForm(forms.Form):
    """Setting up (or editing) a campaign. `results_summary` is offered once it has closed."""

    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=gettext_lazy("Short and plain, e.g. “Cutting waits in the ED”."),
    )
    question = forms.CharField(
        label=gettext_lazy("The question you ask staff"),
        max_length=QUESTION_MAX_LENGTH,
        strip=False,
        help_text=MARKDOWN_HELP,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    opens_at = forms.DateTimeField(
        label=gettext_lazy("Opens"), input_formats=DATETIME_FORMATS, widget=_local_datetime_widget()
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Closes"),
        input_formats=DATETIME_FORMATS,
        widget=_local_datetime_widget(),
        help_text=gettext_lazy("Ideas are taken until this moment; then the results are due."),
    )
    audience_sites = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Only for these sites"),
        required=False,
        queryset=Site.objects.order_by("name"),
        help_text=gettext_lazy(
            "Leave empty for everyone. Hold Ctrl (⌘ on a Mac) to choose several."
        ),
    )
    audience_departments = GroupedDepartmentsField(
        label=gettext_lazy("Only for these departments"),
        required=False,
        help_text=gettext_lazy(
            "Leave empty for everyone. Hold Ctrl (⌘ on a Mac) to choose several."
        ),
    )
    audience_job_families = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Only for these job families"),
        required=False,
        queryset=JobFamily.objects.order_by("name"),
        help_text=gettext_lazy(
            "Leave empty for everyone. Hold Ctrl (⌘ on a Mac) to choose several."
        ),
    )
    reviewers = forms.CharField(
        label=gettext_lazy("Reviewers"),
        required=False,
        help_text=gettext_lazy(
            "Usernames of the people who review this campaign's ideas, separated by commas, "
            "e.g. “@priya.ramanathan, @tom.baker”. The departments' reviewers review them too."
        ),
    )
    initiative = forms.ModelChoiceField(
        label=gettext_lazy("Strategic initiative"),
        required=False,
        queryset=Initiative.objects.order_by("title"),
        empty_label=gettext_lazy("— Not linked to an initiative —"),
    )
    results_summary = forms.CharField(
        label=gettext_lazy("What we decided"),
        required=False,
        strip=False,
        help_text=MARKDOWN_HELP,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args: Any, campaign: Campaign | None = None, **kwargs: Any) -> None:
        if campaign is not None:
            kwargs["initial"] = {**initial_for_campaign(campaign), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        departments = self.fields["audience_departments"]
        assert isinstance(departments, GroupedDepartmentsField)
        departments.load_choices()
        zone = timezone.get_current_timezone_name()
        self.fields["opens_at"].help_text = _("Time zone: %(zone)s.") % {"zone": zone}
        if campaign is None or not campaign.has_closed():
            # Leadership's answer belongs to a campaign that has closed.
            del self.fields["results_summary"]
        self.reviewer_people: list[Person] = []

    def clean_reviewers(self) -> str:
        text: str = self.cleaned_data.get("reviewers", "")
        found = find_active_people(parse_usernames(text))
        self.reviewer_people = list(found.values())
        return text

    def clean_opens_at(self) -> datetime.datetime | None:
        value: datetime.datetime | None = self.cleaned_data.get("opens_at")
        check_year(value)
        return value

    def clean_closes_at(self) -> datetime.datetime | None:
        value: datetime.datetime | None = self.cleaned_data.get("closes_at")
        check_year(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens is not None and closes is not None and closes <= opens:
            self.add_error("closes_at", _("A campaign must close after it opens."))
        return cleaned

    def campaign_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {
            "title": data["title"],
            "question": data["question"],
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "audience_sites": list(data.get("audience_sites") or []),
            "audience_departments": list(data.get("audience_departments") or []),
            "audience_job_families": list(data.get("audience_job_families") or []),
            "reviewers": self.reviewer_people,
            "initiative": data.get("initiative"),
        }
        if "results_summary" in self.fields:
            fields["results_summary"] = data.get("results_summary", "")
        return fields


def initial_for_campaign(campaign: Campaign) -> dict[str, Any]:
    return {
        "title": campaign.title,
        "question": campaign.question,
        "opens_at": timezone.localtime(campaign.opens_at),
        "closes_at": timezone.localtime(campaign.closes_at),
        "audience_sites": list(campaign.audience_sites.all()),
        "audience_departments": [
            str(pk) for pk in campaign.audience_departments.values_list("pk", flat=True)
        ],
        "audience_job_families": list(campaign.audience_job_families.all()),
        "reviewers": ", ".join(
            f"@{username}"
            for username in campaign.reviewers.order_by("username").values_list(
                "username", flat=True
            )
        ),
        "initiative": campaign.initiative_id,
        "results_summary": campaign.results_summary,
    }


class ImpactForm(forms.Form):
    what_changed = forms.CharField(
        label=gettext_lazy("What changed"),
        strip=False,
        help_text=MARKDOWN_HELP,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    measure = forms.CharField(
        label=gettext_lazy("What was measured"),
        max_length=MEASURE_MAX_LENGTH,
        help_text=gettext_lazy("e.g. “call-light response” or “falls on the ward”."),
    )
    unit = forms.CharField(
        label=gettext_lazy("Unit"),
        max_length=UNIT_MAX_LENGTH,
        help_text=gettext_lazy("e.g. “minutes” or “falls a month”."),
    )
    before_value = forms.DecimalField(
        label=gettext_lazy("Before: the value"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    before_on = forms.DateField(
        label=gettext_lazy("Before: measured on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    after_value = forms.DecimalField(
        label=gettext_lazy("After: the value"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    after_on = forms.DateField(
        label=gettext_lazy("After: measured on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    lower_is_better = forms.TypedChoiceField(
        label=gettext_lazy("Which way is better?"),
        choices=[
            ("1", gettext_lazy("Lower is better (minutes waited, falls)")),
            ("0", gettext_lazy("Higher is better (patients seen, satisfaction)")),
        ],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    hours_saved_per_year = forms.DecimalField(
        label=gettext_lazy("Estimated staff hours saved a year"),
        required=False,
        max_digits=10,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    # No currency is configured for the organisation: the amount is a plain number in the
    # organisation's own currency, and the label says so.
    money_saved_per_year = forms.DecimalField(
        label=gettext_lazy("Estimated money saved a year (in your currency)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    contributors = forms.CharField(
        label=gettext_lazy("Who else should be credited?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One person per line: their username, then what they did if you like, e.g. "
            "“@grace.okafor: ran the trial on Ward 7”. The author is credited already."
        ),
    )

    def __init__(
        self, *args: Any, impact: Impact | None = None, contributors: Any = (), **kwargs: Any
    ) -> None:
        if impact is not None or contributors:
            kwargs["initial"] = {
                **initial_for_impact(impact, contributors),
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        self.credited: list[tuple[Person, str]] = []

    def clean_before_on(self) -> datetime.date | None:
        value: datetime.date | None = self.cleaned_data.get("before_on")
        check_year(value)
        return value

    def clean_after_on(self) -> datetime.date | None:
        value: datetime.date | None = self.cleaned_data.get("after_on")
        check_year(value)
        return value

    def clean_contributors(self) -> str:
        text: str = self.cleaned_data.get("contributors", "")
        named = parse_credits(text)
        if len(named) > MAX_CONTRIBUTORS:
            raise forms.ValidationError(
                _("Credit up to %(max)d people.") % {"max": MAX_CONTRIBUTORS}
            )
        for name, note in named:
            if len(note) > CONTRIBUTION_MAX_LENGTH:
                raise forms.ValidationError(
                    _("Keep what @%(username)s did to %(max)d characters.")
                    % {"username": name, "max": CONTRIBUTION_MAX_LENGTH}
                )
        people = find_active_people([name for name, _note in named])
        self.credited = [(people[name], note) for name, note in named]
        return text

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        before, after = cleaned.get("before_on"), cleaned.get("after_on")
        if before is not None and after is not None and after < before:
            self.add_error(
                "after_on", _("The “after” measurement can't be dated before the “before” one.")
            )
        for field in ("hours_saved_per_year", "money_saved_per_year"):
            value = cleaned.get(field)
            if value is not None and value < 0:
                self.add_error(field, _("Give an estimate of zero or more, or leave it empty."))
        return cleaned

    def impact_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "what_changed": data["what_changed"],
            "measure": data["measure"],
            "unit": data["unit"],
            "before_value": data["before_value"],
            "before_on": data["before_on"],
            "after_value": data["after_value"],
            "after_on": data["after_on"],
            "lower_is_better": data["lower_is_better"],
            "hours_saved_per_year": data.get("hours_saved_per_year"),
            "money_saved_per_year": data.get("money_saved_per_year"),
            "contributors": self.credited,
        }


def initial_for_impact(impact: Impact | None, contributors: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "contributors": "\n".join(
            f"@{c.person.username}: {c.contribution}" if c.contribution else f"@{c.person.username}"
            for c in contributors
        )
    }
    if impact is not None:
        initial.update(
            {
                "what_changed": impact.what_changed,
                "measure": impact.measure,
                "unit": impact.unit,
                "before_value": plain_number(impact.before_value),
                "before_on": impact.before_on,
                "after_value": plain_number(impact.after_value),
                "after_on": impact.after_on,
                "lower_is_better": "1" if impact.lower_is_better else "0",
                "hours_saved_per_year": plain_number(impact.hours_saved_per_year),
                "money_saved_per_year": plain_number(impact.money_saved_per_year),
            }
        )
    return initial
