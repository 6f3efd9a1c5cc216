"""Forms of the review pages: a response (words and an optional new status), the search for
the idea a duplicate repeats, and the merge's confirmation. The services check everything
again; these only parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from staffroom.ideas.models import Idea, Status
from staffroom.ideas.services.reviewing import RESPONSE_MAX_LENGTH, RESPONSE_STATUSES

KEEP_STATUS = ""

# What each status tells the author, voters and followers (shown beside the choice).
STATUS_EXPLANATIONS = {
    Status.NEW: _("Not looked at yet: back to the start of the queue."),
    Status.UNDER_REVIEW: _("You are looking into it: what it would take, who needs to agree."),
    Status.ACCEPTED: _("It will happen: say what comes next and roughly when."),
    Status.IN_PROGRESS: _("Work has started: say who is doing it."),
    Status.IMPLEMENTED: _("It is done: the change is in place. Record its impact next."),
    Status.NOT_PLANNED: _("It won't happen now: say why, kindly and honestly."),
}


def status_choices(idea: Idea) -> list[tuple[str, str]]:
    """Keep the current status, or move to any other except Duplicate (only by merging)."""
    current = _("Keep the status (%(status)s): answer only") % {"status": idea.get_status_display()}
    choices: list[tuple[str, str]] = [(KEEP_STATUS, str(current))]
    choices += [
        (str(status.value), str(status.label))
        for status in RESPONSE_STATUSES
        if status != idea.status
    ]
    return choices


class ResponseForm(forms.Form):
    message = forms.CharField(
        label=_("Your response"),
        help_text=_(
            "Shown on the idea's timeline and sent to its author, voters and followers. "
            "Say what happens next. Don't include anything about patients."
        ),
        max_length=RESPONSE_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Write a response: the author, voters and followers will read it."),
            "max_length": _("Keep your response to %(limit_value)d characters or fewer."),
        },
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the listed statuses.")},
    )

    def __init__(self, *args: Any, idea: Idea, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        offered = status_choices(idea)
        # The current status is not offered, but is accepted when sent: the same form sent
        # twice finds the idea already moved, and the service tells a repeat (which
        # succeeds) from a mistake (refused: "already").
        status.choices = offered + [
            (str(s.value), str(s.label)) for s in RESPONSE_STATUSES if s == idea.status
        ]
        status.widget.choices = offered
        status.initial = KEEP_STATUS
        self.explanations = {str(status): str(text) for status, text in STATUS_EXPLANATIONS.items()}

    def status_options(self) -> list[dict[str, Any]]:
        """Each radio with its explanation, for the template."""
        return [
            {"radio": radio, "explanation": self.explanations.get(str(radio.data["value"]), "")}
            for radio in self["status"]
        ]


class MergeSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find the idea this one repeats"),
        help_text=_("Words from its title, or its number (shown in its address: /ideas/123/)."),
        max_length=150,
        required=False,
    )


class MergeForm(forms.Form):
    survivor = forms.IntegerField(
        label=_("The number of the idea it repeats"),
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": _("Choose the idea this one repeats."),
            "invalid": _("Choose the idea this one repeats."),
        },
    )
    message = forms.CharField(
        label=_("Your note to the author, voters and followers"),
        help_text=_(
            "Shown on both ideas' timelines. Their votes and comments move to the idea "
            "that stays. Don't include anything about patients."
        ),
        max_length=RESPONSE_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Write a short note: the author, voters and followers will read it."),
            "max_length": _("Keep your note to %(limit_value)d characters or fewer."),
        },
    )
