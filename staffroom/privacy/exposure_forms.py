"""Forms of the exposure pages: marking an item as patient information, and purging it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from staffroom.privacy.exposure import REASON_MAX_LENGTH, clean_reason


class MarkAsPhiForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this patient information?"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Kept with the exposure report and shown to other privacy officers. Describe the "
            'kind of information ("a patient\'s name and MRN"), not the information itself.'
        ),
    )

    def clean_reason(self) -> str:
        # The service's own check, so a refusal shows on the field.
        try:
            return clean_reason(self.cleaned_data["reason"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["reason"]) from None


class PurgeForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand the words and files will be deleted for good."),
        error_messages={"required": _("Tick the box to confirm the purge.")},
    )
