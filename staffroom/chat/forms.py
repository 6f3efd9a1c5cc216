"""The form to connect a chat webhook. The service checks the address (chat.services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from staffroom.chat.models import HookKind
from staffroom.chat.services import NAME_MAX_LENGTH, URL_MAX_LENGTH


class ChatHookForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("Which room it posts in, for example “#emergency-news”."),
    )
    kind = forms.ChoiceField(
        label=_("Chat service"),
        choices=HookKind.choices,
        initial=HookKind.TEAMS,
        widget=forms.RadioSelect,
    )
    url = forms.CharField(
        label=_("Webhook address"),
        max_length=URL_MAX_LENGTH,
        help_text=_(
            "In Teams, add the “Post to a channel when a webhook request is received” workflow "
            "to the channel and copy its address. In Slack, add an incoming webhook to your "
            "Slack app. The address is kept secret: it is not shown in full again."
        ),
        widget=forms.TextInput(
            attrs={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    send_posts = forms.BooleanField(
        label=_("Send new posts of this channel"), required=False, initial=True
    )
    send_idea_decisions = forms.BooleanField(
        label=_("Send decisions on ideas about this department"), required=False
    )

    def __init__(self, *args: object, department_channel: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's untyped signature
        if not department_channel:
            # Ideas concern departments: only a department's channel can send their decisions.
            del self.fields["send_idea_decisions"]
