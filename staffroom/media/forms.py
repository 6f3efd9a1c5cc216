"""The video page's forms. The poster: a moment of the video, or a picture of one's own."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class PosterForm(forms.Form):
    """Exactly one of the two: `at_seconds`, or `image` (checked by core.uploads.process_image
    in the service, like every picture staff upload)."""

    at_seconds = forms.DecimalField(
        label=_("Take the picture at (seconds into the video)"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=1,
        help_text=_("For example 12.5 for twelve and a half seconds in."),
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    image = forms.FileField(
        label=_("Or upload a picture"),
        required=False,
        help_text=format_lazy(
            _("JPEG, PNG, WebP or GIF, up to {size} MB."), size=settings.POST_IMAGE_MAX_MB
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )

    def __init__(self, *args: Any, duration: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if duration:
            self.fields["at_seconds"].widget.attrs["max"] = f"{duration:.1f}"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        has_time = cleaned.get("at_seconds") is not None
        has_image = cleaned.get("image") is not None
        if has_time == has_image:
            raise ValidationError(
                _("Give a time in seconds, or choose a picture (not both)."), code="one_of"
            )
        return cleaned
