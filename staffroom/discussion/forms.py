"""Parsing of the discussion's forms. Rules (length, closed threads) live in the services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from staffroom.discussion.models import ReactionKind
from staffroom.discussion.services import clean_comment_body


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea,
        strip=False,
        required=False,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    submission_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean_body(self) -> str:
        try:
            return clean_comment_body(self.cleaned_data.get("body") or "")
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


class CommentEditForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 6, "data-mentions": ""}),
        strip=False,
        required=False,
    )

    def clean_body(self) -> str:
        try:
            return clean_comment_body(self.cleaned_data.get("body") or "")
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=ReactionKind.choices)
