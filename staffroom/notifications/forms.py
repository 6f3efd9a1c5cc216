"""The "Notifications and email" settings form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from staffroom.notifications.models import DeliverySettings, DigestFrequency, Notification

Kind = Notification.Kind


@dataclass(frozen=True)
class EmailChoice:
    """One checkbox: its value, its words, and the Notification.Kind values it stands for."""

    key: str
    label: Promise
    kinds: tuple[str, ...]
    reviewers_only: bool = False


EMAIL_CHOICES = (
    EmailChoice("mention", _("Someone mentions me"), (Kind.MENTION,)),
    EmailChoice("reply", _("Someone replies to me"), (Kind.REPLY,)),
    EmailChoice("reaction", _("Reactions to what I wrote"), (Kind.REACTION,)),
    EmailChoice(
        "idea_update", _("Updates on ideas I proposed, voted for or follow"), (Kind.IDEA_UPDATE,)
    ),
    EmailChoice(
        "idea_to_review",
        _("Ideas waiting for my review"),
        (Kind.IDEA_TO_REVIEW,),
        reviewers_only=True,
    ),
    EmailChoice(
        "moderation",
        _("Moderation and privacy decisions about what I wrote"),
        (Kind.MODERATION, Kind.PRIVACY),
    ),
    EmailChoice("channel_post", _("New posts in channels I follow"), (Kind.CHANNEL_POST,)),
)


class DeliverySettingsForm(forms.Form):
    channel_posts = forms.BooleanField(
        label=_("Tell me about new posts in channels I follow"),
        required=False,
        help_text=_(
            "A notification here for each new post in the channels you follow. "
            "Let's Talk and your department's channel are followed by everyone."
        ),
    )
    emailed = forms.MultipleChoiceField(
        label=_("Email me right away when"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    digest = forms.ChoiceField(
        label=_("Send me a digest of what I missed"),
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how often to get the digest.")},
    )

    def __init__(self, *args: Any, reviewer: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offered = [c for c in EMAIL_CHOICES if reviewer or not c.reviewers_only]
        field = self.fields["emailed"]
        assert isinstance(field, forms.MultipleChoiceField)  # narrowing for mypy
        field.choices = [(c.key, c.label) for c in self.offered]
        offered_keys = {c.key for c in self.offered}
        if "emailed" in self.initial:
            self.initial["emailed"] = [k for k in self.initial["emailed"] if k in offered_keys]

    @classmethod
    def initial_for(cls, delivery: DeliverySettings) -> dict[str, Any]:
        stored = set(delivery.email_kinds)
        return {
            "channel_posts": delivery.channel_posts,
            "emailed": [c.key for c in EMAIL_CHOICES if stored.issuperset(c.kinds)],
            "digest": delivery.digest,
        }

    def offered_kinds(self) -> list[str]:
        return [kind for choice in self.offered for kind in choice.kinds]

    def emailed_kinds(self) -> list[str]:
        keys = set(self.cleaned_data["emailed"])
        return [kind for choice in self.offered if choice.key in keys for kind in choice.kinds]
