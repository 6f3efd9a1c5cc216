from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from staffroom.channels.models import Channel
from staffroom.search.models import SearchDocument
from staffroom.search.queries import SearchFilters

_DATE_ERROR = _("Enter a date like 2026-03-31.")


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_('Every word must appear. Put "words in quotes" to find them together.'),
    )
    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[
            ("", _("Everything")),
            (SearchDocument.Kind.POST, _("Posts")),
            (SearchDocument.Kind.IDEA, _("Ideas")),
            (SearchDocument.Kind.COMMENT, _("Comments")),
            (SearchDocument.Kind.INITIATIVE, _("Initiatives")),
        ],
    )
    channel = forms.TypedChoiceField(label=_("Channel"), required=False, coerce=int)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _DATE_ERROR},
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _DATE_ERROR},
    )

    def __init__(self, *args: Any, channels: list[Channel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        channel_field = self.fields["channel"]
        assert isinstance(channel_field, forms.TypedChoiceField)
        channel_field.choices = [("", str(_("All channels")))] + [
            (str(c.pk), c.name) for c in channels
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        return SearchFilters(
            kinds=frozenset([data["type"]]) if data.get("type") else frozenset(),
            channel_id=data.get("channel") or None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    def text(self) -> str:
        return str(self.cleaned_data.get("q") or "").strip()

    def query_string(self) -> str:
        """The search as URL parameters, for the "More results" link."""
        if not self.is_bound or not self.is_valid():
            return ""
        params = {k: str(v) for k, v in self.cleaned_data.items() if v not in (None, "")}
        return urlencode(params)
