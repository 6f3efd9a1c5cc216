"""Forms of the strategic plan: the two questions, and an initiative's status."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from staffroom.strategy.models import Initiative

SCALE_CHOICES = [
    (1, _("1 Strongly disagree")),
    (2, _("2 Disagree")),
    (3, _("3 Neither agree nor disagree")),
    (4, _("4 Agree")),
    (5, _("5 Strongly agree")),
]


class ScaleField(forms.TypedChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=SCALE_CHOICES,
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Choose an answer from 1 to 5."),
                "invalid_choice": _("Choose an answer from 1 to 5."),
            },
            **kwargs,
        )


class InitiativeAnswerForm(forms.Form):
    understanding = ScaleField(label=_("I understand what this initiative is for"))
    support = ScaleField(label=_("I support it"))


class InitiativeStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Initiative.Status.choices,
        error_messages={"invalid_choice": _("Choose one of the listed statuses.")},
    )
