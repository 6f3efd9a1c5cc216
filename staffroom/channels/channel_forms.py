"""Forms for setting up channels (communications admins). Post forms live in forms.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from staffroom.channels.models import Channel


class ChannelCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=60,
        help_text=_("Part of the channel's web address: letters, digits and hyphens."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_mandatory = forms.BooleanField(
        label=_("Everyone follows this channel and can't unfollow it"), required=False
    )


class ChannelSettingsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_mandatory = forms.BooleanField(
        label=_("Everyone follows this channel and can't unfollow it"), required=False
    )
    is_archived = forms.BooleanField(
        label=_("Archived: kept for reading, closed to new posts"), required=False
    )

    def __init__(self, *args: object, channel: Channel, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        if channel.kind == Channel.Kind.DEPARTMENT:
            self.fields["name"].disabled = True
            self.fields["name"].help_text = _(
                "Named after its department; the staff directory keeps it in step."
            )
        if channel.kind == Channel.Kind.LEADERSHIP:
            self.fields["is_mandatory"].disabled = True
            self.fields["is_archived"].disabled = True


class ChannelEditorForm(forms.Form):
    username = forms.CharField(
        label=_("Username of the new editor"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
