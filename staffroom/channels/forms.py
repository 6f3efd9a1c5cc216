"""Forms of the channels app. Forms parse what was sent; the services judge it.

Authoring forms (writing posts, images, attachments) come first; channel forms follow.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from staffroom.channels.models import Post
from staffroom.channels.services import posts as post_services
from staffroom.core.uploads import check_attachment, process_image
from staffroom.organisation.models import Department, JobFamily, Site
from staffroom.privacy.services import NOTE_MAX_LENGTH
from staffroom.strategy.models import Initiative

# --- Authoring ------------------------------------------------------------------------------

MARKDOWN_HELP = _(
    "Markdown: **bold**, *italic*, [link text](https://…), “- ” for a list, “## ” for a "
    "heading, @username to mention a colleague. No HTML."
)


def _check_image(upload: UploadedFile | None) -> None:
    """Open and re-encode the image now, so a bad file stops the form before anything is
    stored; the service does it again when it saves."""
    if upload is None:
        return
    upload.seek(0)
    try:
        process_image(upload)
    finally:
        upload.seek(0)


def _check_attachment(upload: UploadedFile | None) -> None:
    if upload is None:
        return
    upload.seek(0)
    try:
        check_attachment(upload)
    finally:
        upload.seek(0)


ATTACHMENT_HELP = format_lazy(
    _(
        "PDF, Word, Excel, PowerPoint, OpenDocument, CSV or plain text, up to {size} MB. "
        "Checked by what the file contains, not its name."
    ),
    size=settings.POST_ATTACHMENT_MAX_MB,
)
ATTACHMENT_ACCEPT = ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.csv,.txt"


class ImageFields(forms.Form):
    """An image and its description; used alone (the images page) and in the post form."""

    image = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=format_lazy(
            _(
                "JPEG, PNG, WebP or GIF, up to {size} MB. It is resized and its hidden details "
                "(such as GPS) are removed."
            ),
            size=settings.POST_IMAGE_MAX_MB,
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    alt_text = forms.CharField(
        label=_("Describe the image"),
        required=False,
        max_length=post_services.ALT_TEXT_MAX_LENGTH,
        help_text=_("For people who can't see it: what it shows, in a sentence."),
    )

    def clean_image(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("image")
        _check_image(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("image")
        if upload is not None:
            try:
                cleaned["alt_text"] = post_services.check_alt_text(
                    cleaned.get("alt_text", ""), file_name=upload.name or ""
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class ImageUploadForm(ImageFields):
    """The images page: here the image is required."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["image"].required = True
        self.fields["image"].error_messages["required"] = _("Choose an image to upload.")
        self.fields["alt_text"].required = True
        self.fields["alt_text"].error_messages["required"] = _(
            "Describe the image for people who can't see it."
        )


class AttachmentUploadForm(forms.Form):
    attachment = forms.FileField(
        label=_("Attachment"),
        help_text=ATTACHMENT_HELP,
        error_messages={"required": _("Choose a file to attach.")},
        widget=forms.ClearableFileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
    )

    def clean_attachment(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("attachment")
        _check_attachment(upload)
        return upload


class GroupedDepartmentsField(forms.MultipleChoiceField):
    """Departments grouped by site (<optgroup>), cleaned to Department objects."""

    def load_choices(self) -> None:
        """Read the departments; called by the form, never at import (no database then)."""
        departments = list(Department.objects.select_related("site").order_by("site__name", "name"))
        self._by_pk = {str(d.pk): d for d in departments}
        groups: dict[str, list[tuple[str, str]]] = {}
        for department in departments:
            groups.setdefault(department.site.name, []).append(
                (str(department.pk), department.name)
            )
        self.choices = list(groups.items())

    def clean(self, value: Any) -> list[Department]:
        values: list[str] = super().clean(value)
        return [self._by_pk[v] for v in values]


class PostForm(ImageFields):
    """Writing or editing a post, in one page that works without JavaScript.

    The pressed button is the `action`: "draft", "publish", "schedule", or "save" (edit a
    post and keep its status).
    """

    ACTIONS = ("draft", "publish", "schedule", "save")

    title = forms.CharField(
        label=_("Title"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": post_services.TITLE_MAX_LENGTH}),
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        help_text=_("One or two sentences shown in the feed (up to 300 characters)."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    body = forms.CharField(
        label=_("Body"),
        required=False,
        strip=False,
        help_text=MARKDOWN_HELP,
        widget=forms.Textarea(attrs={"rows": 16}),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separate tags with commas, e.g. “wellbeing, night shift”. Up to 10."),
    )
    audience_sites = forms.ModelMultipleChoiceField(
        label=_("Only for these sites"),
        required=False,
        queryset=Site.objects.order_by("name"),
        help_text=_("Leave empty for everyone. Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    audience_departments = GroupedDepartmentsField(
        label=_("Only for these departments"),
        required=False,
        help_text=_("Leave empty for everyone. Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    audience_job_families = forms.ModelMultipleChoiceField(
        label=_("Only for these job families"),
        required=False,
        queryset=JobFamily.objects.order_by("name"),
        help_text=_("Leave empty for everyone. Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    initiative = forms.ModelChoiceField(
        label=_("Progress update of an initiative"),
        required=False,
        queryset=Initiative.objects.select_related("pillar").order_by("title"),
        empty_label=_("— Not linked to an initiative —"),
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=ATTACHMENT_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
    )
    publish_at = forms.DateTimeField(
        label=_("Go live at"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    action = forms.ChoiceField(
        choices=[(a, a) for a in ACTIONS],
        required=False,
        widget=forms.HiddenInput,
    )
    submission_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, post: Post | None = None, **kwargs: Any) -> None:
        # Initial values only show on an unbound form; a bound one keeps what was sent.
        # Made once per rendered form: sending the same form twice is recognised.
        initial = {"submission_key": uuid.uuid4(), **kwargs.get("initial", {})}
        if post is not None:
            initial = {**initial_for(post), **initial}
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.post = post
        departments_field = self.fields["audience_departments"]
        assert isinstance(departments_field, GroupedDepartmentsField)
        departments_field.load_choices()
        self.fields["publish_at"].help_text = _("Only for “Schedule”. Time zone: %(zone)s.") % {
            "zone": timezone.get_current_timezone_name()
        }
        self.fields["alt_text"].help_text = _(
            "Needed with an image: what it shows, in a sentence, for people who can't see it."
        )

    def clean_attachment(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("attachment")
        _check_attachment(upload)
        return upload

    def clean_action(self) -> str:
        action: str = self.cleaned_data.get("action") or ("save" if self.post else "draft")
        if self.post is None and action == "save":
            action = "draft"
        return action

    def tag_list(self) -> list[str]:
        return post_services.parse_tags(self.cleaned_data.get("tags", ""))

    def post_fields(self) -> dict[str, Any]:
        """What create_post and edit_post share, from the cleaned data."""
        data = self.cleaned_data
        return {
            "title": data.get("title", ""),
            "summary": data.get("summary", ""),
            "body": data.get("body", ""),
            "tags": self.tag_list(),
            "audience_sites": list(data.get("audience_sites") or []),
            "audience_departments": list(data.get("audience_departments") or []),
            "audience_job_families": list(data.get("audience_job_families") or []),
            "initiative": data.get("initiative"),
        }


def initial_for(post: Post) -> dict[str, Any]:
    """A post's current values, to fill the edit form."""
    publish_at = post.published_at
    return {
        "title": post.title,
        "summary": post.summary,
        "body": post.body,
        "tags": ", ".join(t.name for t in post.tags.all()),
        "audience_sites": list(post.audience_sites.all()),
        "audience_departments": [
            str(pk) for pk in post.audience_departments.values_list("pk", flat=True)
        ],
        "audience_job_families": list(post.audience_job_families.all()),
        "initiative": post.initiative_id,
        "publish_at": timezone.localtime(publish_at) if publish_at else None,
        "version": post.version,
    }


class PostStatusForm(forms.Form):
    """The status buttons on a post: publish now, schedule, archive, restore, back to draft."""

    action = forms.ChoiceField(
        choices=[(a, a) for a in ("publish", "schedule", "archive", "restore", "draft")],
        error_messages={"required": _("Choose what to do with the post.")},
    )
    publish_at = forms.DateTimeField(
        label=_("Go live at"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class RevisionCompareForm(forms.Form):
    """Two versions to compare: revision numbers, or "current"."""

    old = forms.CharField(required=False)
    new = forms.CharField(required=False)


# --- The PHI guard ---------------------------------------------------------------------------


class SendForReviewForm(forms.Form):
    """The author of a held post asks a privacy officer to look at it."""

    note = forms.CharField(
        label=_("Note for the privacy officer"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why this is not patient information, or what you need: for example “Maria Lopez "
            "is our ward manager, not a patient”."
        ),
    )


# --- Channels -------------------------------------------------------------------------------
