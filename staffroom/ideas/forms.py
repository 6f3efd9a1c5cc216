"""The proposal form and the author's edit form. Forms parse what was sent; the services
(ideas.services.proposing) judge it, and their errors come back onto these fields.

The review and campaigns parts keep their forms in forms_review.py and forms_campaigns.py.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from staffroom.core.uploads import check_attachment, process_image
from staffroom.ideas.campaigns import campaigns_inviting
from staffroom.ideas.models import Campaign, Category, Idea
from staffroom.ideas.services.proposing import (
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    clean_idea_words,
)
from staffroom.organisation.models import Department, Unit
from staffroom.strategy.models import Initiative

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp,image/gif"

# An id sent as text: ASCII digits only ("²" and "٣" are digits to `str.isdigit`, and "²"
# isn't one to `int`), and short enough to be an id.
ID_MAX_DIGITS = 11


def id_from_text(raw: object) -> int | None:
    """An id sent as text ("42"), or None for anything else (empty, words, "²", huge)."""
    text = str(raw if raw is not None else "").strip()
    if text.isascii() and text.isdigit() and len(text) <= ID_MAX_DIGITS:
        return int(text)
    return None


ATTACHMENT_ACCEPT = ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.csv,.txt"

ANONYMOUS_HELP = _(
    "Your name is hidden from everyone: colleagues, reviewers and managers see “Anonymous”. "
    "Staffroom still keeps it, so that privacy officers can act in an emergency, for example "
    "if someone is at risk. Every time that happens it is recorded with their reason, and the "
    "other privacy officers are told."
)


class _LookupChoiceField(forms.ChoiceField):
    """A select whose offered choices are set by the form, but which accepts any existing
    row: the service then says why a closed campaign or another department's unit can't be
    used ("This campaign closed on …"), instead of a bare "Select a valid choice"."""

    model: type[Any] = Unit
    missing = _("That choice no longer exists; choose again.")

    def valid_value(self, value: Any) -> bool:
        return True

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if value in (None, ""):
            return None
        pk = id_from_text(value)
        if pk is None:
            raise ValidationError(self.missing, code="invalid_choice")
        found = self.model.objects.filter(pk=pk).first()
        if found is None:
            raise ValidationError(self.missing, code="invalid_choice")
        return found


class UnitField(_LookupChoiceField):
    model = Unit


class CampaignField(_LookupChoiceField):
    model = Campaign
    missing = _("That campaign no longer exists; choose another or none.")


def _check_upload(upload: UploadedFile | None, check: Any) -> None:
    """Check a file now, so a bad one stops the form before anything is stored (the
    service checks it again when it saves)."""
    if upload is None:
        return
    upload.seek(0)
    try:
        check(upload)
    finally:
        upload.seek(0)


class IdeaFields(forms.Form):
    """What the proposal and edit forms share: the words, and what the idea is about."""

    title = forms.CharField(
        label=_("Title"),
        required=False,
        help_text=_("A few words, like a headline: “Quieter call bells at night”."),
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX_LENGTH, "autocomplete": "off"}),
    )
    problem = forms.CharField(
        label=_("The problem you see"),
        required=False,
        strip=False,
        help_text=_("What happens now, and who it affects. No patient names or details."),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_MAX_LENGTH}),
    )
    proposal = forms.CharField(
        label=_("The change you propose"),
        required=False,
        strip=False,
        help_text=_("What you would do differently. A rough idea is fine."),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_MAX_LENGTH}),
    )
    category = forms.ModelChoiceField(
        label=_("What is it about?"),
        queryset=Category.objects.none(),
        empty_label=_("— Choose —"),
        error_messages={
            "required": _("Choose what your idea is about."),
            "invalid_choice": _("That category is no longer offered; choose another."),
        },
    )
    department = forms.ModelChoiceField(
        label=_("Department it concerns"),
        queryset=Department.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Choose the department your idea concerns."),
            "invalid_choice": _("That department no longer exists; choose another."),
        },
    )
    unit = UnitField(
        label=_("Unit or ward"),
        required=False,
        help_text=_("Only if it concerns one unit of that department."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)
        category.queryset = Category.objects.filter(is_active=True)
        departments = list(Department.objects.select_related("site").order_by("site__name", "name"))
        department = self.fields["department"]
        assert isinstance(department, forms.ModelChoiceField)
        department.queryset = Department.objects.all()
        by_site: dict[str, list[tuple[str, str]]] = {}
        for item in departments:
            by_site.setdefault(item.site.name, []).append((str(item.pk), item.name))
        # One query for the list; ModelChoiceField would read the table again to render it.
        department.widget.choices = list(by_site.items())
        by_department: dict[str, list[tuple[str, str]]] = {}
        for unit in Unit.objects.select_related("department").order_by("department__name", "name"):
            by_department.setdefault(unit.department.name, []).append((str(unit.pk), unit.name))
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ChoiceField)
        unit_field.choices = [("", _("— The whole department —")), *by_department.items()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The words' problems come with the others, all at once (the service checks again).
        try:
            clean_idea_words(
                title=cleaned.get("title", ""),
                problem=cleaned.get("problem", ""),
                proposal=cleaned.get("proposal", ""),
            )
        except ValidationError as error:
            self.apply_error(error)
        return cleaned

    def where(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "category": data["category"],
            "department": data["department"],
            "unit": data.get("unit"),
        }

    def words(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            "title": data.get("title", ""),
            "problem": data.get("problem", ""),
            "proposal": data.get("proposal", ""),
        }

    def apply_error(self, error: ValidationError) -> None:
        """A service's error onto the fields it names (the rest at the top of the form)."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class IdeaForm(IdeaFields):
    """Proposing an idea, on one page that works without JavaScript. Only the words, the
    category and the department are needed; the rest is optional."""

    campaign = CampaignField(
        label=_("Campaign"),
        required=False,
        help_text=_("If your idea answers one of leadership's open questions."),
    )
    initiative = forms.ModelChoiceField(
        label=_("Strategic plan initiative"),
        required=False,
        queryset=Initiative.objects.none(),
        empty_label=_("— None —"),
        help_text=_("If it would help one of the plan's initiatives."),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=format_lazy(
            _(
                "JPEG, PNG, WebP or GIF, up to {size} MB. Its hidden details (such as GPS) "
                "are removed. No patients in the picture."
            ),
            size=settings.POST_IMAGE_MAX_MB,
        ),
        widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT}),
    )
    photo_alt_text = forms.CharField(
        label=_("Describe the photo"),
        required=False,
        max_length=250,
        help_text=_(
            "Needed with a photo: what it shows, in a sentence, for colleagues who can't see it."
        ),
    )
    attachment = forms.FileField(
        label=_("File"),
        required=False,
        help_text=format_lazy(
            _("PDF, Word, Excel, PowerPoint, OpenDocument, CSV or plain text, up to {size} MB."),
            size=settings.POST_ATTACHMENT_MAX_MB,
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
    )
    is_anonymous = forms.BooleanField(
        label=_("Post anonymously"), required=False, help_text=ANONYMOUS_HELP
    )
    submission_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, person: Any, **kwargs: Any) -> None:
        # Made once per rendered form: the same form sent twice makes one idea.
        kwargs["initial"] = {
            "submission_key": uuid.uuid4(),
            "department": person.department_id,
            **kwargs.get("initial", {}),
        }
        super().__init__(*args, **kwargs)
        self.open_campaigns = list(
            Campaign.objects.open_at()
            .filter(campaigns_inviting(person))
            .order_by("closes_at", "id")
        )
        campaign_field = self.fields["campaign"]
        assert isinstance(campaign_field, forms.ChoiceField)
        campaign_field.choices = [
            ("", _("— None —")),
            *((str(c.pk), c.title) for c in self.open_campaigns),
        ]
        initiative = self.fields["initiative"]
        assert isinstance(initiative, forms.ModelChoiceField)
        initiative.queryset = Initiative.objects.order_by("title")

    def clean_photo(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("photo")
        _check_upload(upload, process_image)
        return upload

    def clean_attachment(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("attachment")
        _check_upload(upload, check_attachment)
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("photo") is not None and not (cleaned.get("photo_alt_text") or "").strip():
            self.add_error(
                "photo_alt_text",
                _("Describe what the photo shows, for colleagues who can't see it."),
            )
        return cleaned

    def idea_fields(self) -> dict[str, Any]:
        """Everything create_idea takes from the form."""
        data = self.cleaned_data
        return {
            **self.words(),
            **self.where(),
            "campaign": data.get("campaign"),
            "initiative": data.get("initiative"),
            "is_anonymous": bool(data.get("is_anonymous")),
            "photo": data.get("photo"),
            "photo_alt_text": data.get("photo_alt_text", ""),
            "attachment": data.get("attachment"),
            "submission_key": data.get("submission_key"),
        }

    def files_dropped(self) -> bool:
        return self.is_bound and bool(self.files.get("photo") or self.files.get("attachment"))


class IdeaEditForm(IdeaFields):
    """The author changes their idea (until a reviewer answers it)."""

    photo_alt_text = forms.CharField(
        label=_("Describe the photo"),
        required=False,
        max_length=250,
        help_text=_("What the photo shows, in a sentence, for colleagues who can't see it."),
    )

    def __init__(self, *args: Any, idea: Idea, **kwargs: Any) -> None:
        kwargs["initial"] = {
            "title": idea.title,
            "problem": idea.problem,
            "proposal": idea.proposal,
            "category": idea.category_id,
            "department": idea.department_id,
            "unit": idea.unit_id,
            "photo_alt_text": idea.photo_alt_text,
            **kwargs.get("initial", {}),
        }
        super().__init__(*args, **kwargs)
        self.idea = idea
        if not idea.photo:
            del self.fields["photo_alt_text"]

    def edit_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {**self.words(), **self.where()}
        if "photo_alt_text" in self.fields:
            fields["photo_alt_text"] = self.cleaned_data.get("photo_alt_text", "")
        return fields
