from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from staffroom.accounts.forms import refuse_patient_information
from staffroom.organisation.models import Department
from staffroom.organisation.queries import DirectorySearch


class DirectorySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, job title or department"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    department = forms.ChoiceField(label=_("Department"), required=False)

    def __init__(self, *args: Any, departments: list[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._departments = {d.code: d for d in departments}
        choices: list[tuple[str, str]] = [("", str(_("All departments")))]
        choices += [(d.code, f"{d.name} · {d.site.name}") for d in departments]
        department_field = self.fields["department"]
        assert isinstance(department_field, forms.ChoiceField)
        department_field.choices = choices

    def search(self) -> DirectorySearch:
        return DirectorySearch(
            text=self.cleaned_data.get("q", "").strip(),
            department=self._departments.get(self.cleaned_data.get("department") or ""),
        )

    def query_string(self) -> str:
        """The search as URL parameters, for the "Show more" link."""
        if not self.is_bound or not self.is_valid():
            return ""
        params = {k: v for k, v in self.cleaned_data.items() if v}
        return urlencode(params)


class ProfileSettingsForm(forms.Form):
    preferred_name = forms.CharField(
        label=_("Preferred name"),
        required=False,
        max_length=100,
        help_text=_("What colleagues call you. Shown instead of your first name."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language"), choices=settings.LANGUAGES, widget=forms.RadioSelect
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Shown beside everything the person writes: patient information is refused here.
        refuse_patient_information({"preferred_name": cleaned.get("preferred_name", "")})
        return cleaned


class DirectoryUploadForm(forms.Form):
    """The HR directory CSV and whether it lists everyone. Only that there is a file of an
    acceptable size is checked here: its content (encoding, workbooks, rows) is judged in one
    place, services.directory_import, which gives the web and the command the same advice."""

    file = forms.FileField(
        label=_("Directory file (CSV)"),
        help_text=_("The staff list exported from the HR system, saved as CSV UTF-8."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": _("Choose the directory file to upload."),
            "empty": _("The file is empty."),
        },
    )
    full_snapshot = forms.BooleanField(
        label=_("This file lists everyone; people missing from it have left"),
        help_text=_(
            "Untick for a file with only some people (new starters, changes): then nobody "
            "is marked as having left."
        ),
        required=False,
        initial=True,
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = settings.DIRECTORY_IMPORT_MAX_BYTES
        if not upload.size:
            raise forms.ValidationError(_("The file is empty."), code="empty")
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB. Is it the right file?")
                % {"limit": limit // (1024 * 1024)},
                code="too_big",
            )
        return upload
