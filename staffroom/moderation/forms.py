"""Forms of moderation: flagging, and the moderator's actions on an item."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from staffroom.moderation.models import FlagReason
from staffroom.moderation.services import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, SUSPENSION_DAYS


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you flagging this?"),
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you are flagging this.")},
    )
    note = forms.CharField(
        label=_("Anything a moderator should know"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only moderators read this. The author isn't told who flagged it."),
    )


class ReasonForm(forms.Form):
    """Hide, warn: the reason the author is told."""

    reason = forms.CharField(
        label=_("Reason (the author is told this)"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write the reason: the author is told it.")},
    )

    def __init__(self, *args: object, required: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own arguments
        self.fields["reason"].required = required


class SuspendForm(ReasonForm):
    days = forms.TypedChoiceField(
        label=_("For how long"),
        coerce=int,
        choices=[
            (days, ngettext_lazy("%(days)d day", "%(days)d days", "days") % {"days": days})
            for days in SUSPENSION_DAYS
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how long the suspension lasts.")},
    )


class EditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    note = forms.CharField(
        label=_("Note shown with it (why it was edited)"),
        max_length=NOTE_MAX_LENGTH,
        error_messages={"required": _("Write why you edited it: it is shown with the text.")},
    )

    def __init__(self, *args: object, with_title: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own arguments
        if with_title:
            self.fields["title"].required = True
        else:
            del self.fields["title"]
            del self.fields["summary"]
