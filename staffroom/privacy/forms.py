from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from staffroom.privacy.services import NOTE_MAX_LENGTH


class ReviewRequestForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the privacy officer"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this is not patient information (for example: a made-up example)."),
    )


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the author"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The author is told your decision with this note."),
    )
    # The version of the words the officer read (privacy.services.texts_version): the page
    # renders it as a hidden input; a decision about words changed since is refused.
    seen = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
