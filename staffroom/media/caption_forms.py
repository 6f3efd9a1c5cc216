"""Forms of a video's captions, transcript and the administrators' captions rule.

They only parse what was sent; the checks that matter (the caption file's cues, the
transcript's length) are in media.captions and media.services.accessibility.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from staffroom.media.captions import CAPTION_LANGUAGES, MAX_BYTES
from staffroom.media.services.accessibility import LABEL_MAX_LENGTH


def language_choices() -> list[tuple[str, str]]:
    """Each language named in itself, with its name in the reader's language beside it when
    they differ ("Español — Spanish")."""
    choices = [("", _("Choose a language"))]
    for code, native, name in CAPTION_LANGUAGES:
        shown = native if str(name) == native else f"{native} — {name}"
        choices.append((code, shown))
    return choices


class CaptionForm(forms.Form):
    """Ids are prefixed: the editor's page of a video holds several forms."""

    language = forms.ChoiceField(
        label=gettext_lazy("Language of the captions"),
        choices=language_choices,
        error_messages={"required": gettext_lazy("Choose the language the captions are in.")},
    )
    label = forms.CharField(
        label=gettext_lazy("Name in the player's captions menu"),
        required=False,
        max_length=LABEL_MAX_LENGTH,
        help_text=gettext_lazy("Leave empty to use the language's name, e.g. “Español”."),
    )
    file = forms.FileField(
        label=gettext_lazy("Caption file"),
        help_text=gettext_lazy(
            "A WebVTT (.vtt) or SubRip (.srt) file. Captions already in this language are replaced."
        ),
        error_messages={
            "required": gettext_lazy("Choose the caption file (.vtt or .srt) to upload."),
            "empty": gettext_lazy(
                "The caption file is empty. Choose the file with the captions in it."
            ),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".vtt,.srt,text/vtt"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "caption-%s")
        super().__init__(*args, **kwargs)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload is not None and upload.size is not None and upload.size > MAX_BYTES:
            # Refused before it is read: a video chosen by mistake is not loaded into memory.
            raise forms.ValidationError(
                _(
                    "The caption file is %(size)s MB; caption files are at most %(max)s MB. "
                    "Check that it is a caption file and not a video."
                )
                % {"size": f"{upload.size / 1_000_000:.1f}", "max": f"{MAX_BYTES / 1_000_000:g}"}
            )
        return upload


class TranscriptForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "video-%s-text")
        super().__init__(*args, **kwargs)

    transcript = forms.CharField(
        label=gettext_lazy("Transcript"),
        required=False,
        strip=False,  # the service trims; the person's text comes back as typed on an error
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=gettext_lazy(
            "Everything said in the video, and any important sounds, as plain text. People "
            "who can't hear the video, or can't play sound at work, read it instead."
        ),
    )


class CaptionsRuleForm(forms.Form):
    captions_required = forms.BooleanField(
        label=gettext_lazy("Video posts need captions or a transcript before they are published"),
        required=False,
        help_text=gettext_lazy(
            "When this is off, editors can publish a video without captions or a transcript; "
            "they are still asked to add them."
        ),
    )
