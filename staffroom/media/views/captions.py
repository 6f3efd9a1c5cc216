"""Captions, transcript, and the administrators' captions rule (/system/video/).

The captions and transcript sections live on the editor's page of a post's video
(media:post_video, which includes media/_captions.html and media/_transcript.html with
`section_context`). Their forms post here: htmx gets the section back; without JavaScript a
success redirects to the editor's page with a message, and a refusal shows the sections on a
page of their own, with the person's words and every problem (status 400).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from staffroom.accounts.models import Person
from staffroom.accounts.permissions import is_administrator
from staffroom.core.http import AuthenticatedRequest
from staffroom.media.caption_forms import CaptionForm, CaptionsRuleForm, TranscriptForm
from staffroom.media.captions import language_name
from staffroom.media.models import Caption, MediaPolicy, Video
from staffroom.media.permissions import get_manageable_video_or_404, post_of
from staffroom.media.services import accessibility as services

PAGE = "media/video_accessibility.html"


def can_change_video_policy(person: Person) -> bool:
    return is_administrator(person)


def check_change_video_policy(person: Person) -> None:
    if not can_change_video_policy(person):
        raise PermissionDenied(_("Only administrators can change the captions rule."))


def section_context(request: HttpRequest, video: Video, **overrides: Any) -> dict[str, Any]:
    """What media/_captions.html and media/_transcript.html need, for the editor's page.

    Two queries: the video's captions and the administrators' rule. `overrides` replace
    parts (a bound form with its errors, a notice after a change)."""
    captions = list(video.captions.all())
    required = MediaPolicy.current().captions_required
    context: dict[str, Any] = {
        "video": video,
        "caption_tracks": captions,
        "caption_form": CaptionForm(),
        "caption_notice": "",
        "caption_error": "",
        "transcript_form": TranscriptForm(initial={"transcript": video.transcript}),
        "transcript_notice": "",
        "captions_required": required,
        "has_captions_or_transcript": bool(captions) or bool(video.transcript.strip()),
    }
    context.update(overrides)
    return context


def _editor_page(video: Video, anchor: str) -> str:
    post = post_of(video)
    if post is None:
        return reverse("media:captions_add", args=[video.pk]) + anchor
    return reverse("media:post_video", args=[post.pk]) + anchor


def _respond(
    request: AuthenticatedRequest,
    video: Video,
    fragment: str,
    *,
    status: int = 200,
    **overrides: Any,
) -> HttpResponse:
    context = section_context(request, video, **overrides)
    context["post"] = post_of(video)
    template = fragment if request.htmx else PAGE
    return render(request, template, context, status=status)


def _add_errors(form: Form, error: ValidationError, default_field: str) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else default_field, field_errors)
    else:
        form.add_error(default_field, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def add(request: AuthenticatedRequest, video_id: int) -> HttpResponse:
    """GET: the captions and transcript on a page of their own. POST: upload captions."""
    video = get_manageable_video_or_404(request.user, video_id)
    if request.method == "GET":
        return _respond(request, video, "media/_captions.html")
    form = CaptionForm(request.POST, request.FILES)
    if form.is_valid():
        language = form.cleaned_data["language"]
        upload = form.cleaned_data["file"]
        replacing = video.captions.filter(language=language).exists()
        try:
            caption = services.add_captions(
                video=video,
                editor=request.user,
                language=language,
                label=form.cleaned_data["label"],
                data=upload.read(),
                filename=upload.name or "",
            )
        except ValidationError as error:
            _add_errors(form, error, "file")
    if form.errors:
        return _respond(request, video, "media/_captions.html", status=400, caption_form=form)
    replacements = {"language": language_name(caption.language), "count": caption.cue_count}
    if replacing:
        notice = (
            _("The captions in %(language)s are replaced: %(count)d captions, checked.")
            % replacements
        )
    else:
        notice = _("Captions in %(language)s added: %(count)d captions, checked.") % replacements
    if not request.htmx:
        messages.success(request, notice)
        return redirect(_editor_page(video, "#video-captions"))
    return _respond(request, video, "media/_captions.html", caption_notice=notice)


@login_required
@require_POST
def remove(request: AuthenticatedRequest, video_id: int, caption_id: int) -> HttpResponse:
    video = get_manageable_video_or_404(request.user, video_id)
    caption = get_object_or_404(Caption, pk=caption_id, video=video)
    name = caption.label or language_name(caption.language)
    try:
        services.remove_captions(caption=caption, editor=request.user)
    except ValidationError as error:
        message = " ".join(error.messages)
        if not request.htmx:
            messages.error(request, message)
            return redirect(_editor_page(video, "#video-captions"))
        return _respond(request, video, "media/_captions.html", status=400, caption_error=message)
    notice = _("The captions “%(name)s” are removed.") % {"name": name}
    if not request.htmx:
        messages.success(request, notice)
        return redirect(_editor_page(video, "#video-captions"))
    return _respond(request, video, "media/_captions.html", caption_notice=notice)


@login_required
@require_http_methods(["GET", "POST"])
def transcript(request: AuthenticatedRequest, video_id: int) -> HttpResponse:
    video = get_manageable_video_or_404(request.user, video_id)
    if request.method == "GET":
        return _respond(request, video, "media/_transcript.html")
    form = TranscriptForm(request.POST)
    if form.is_valid():
        try:
            video = services.set_transcript(
                video=video, editor=request.user, text=form.cleaned_data["transcript"]
            )
        except ValidationError as error:
            _add_errors(form, error, "transcript")
    if form.errors:
        # The bound form goes back: the person's words are all there, as typed.
        return _respond(request, video, "media/_transcript.html", status=400, transcript_form=form)
    notice = _("The transcript is saved.") if video.transcript else _("The transcript is removed.")
    if not request.htmx:
        messages.success(request, notice)
        return redirect(_editor_page(video, "#video-transcript"))
    return _respond(request, video, "media/_transcript.html", transcript_notice=notice)


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: AuthenticatedRequest) -> HttpResponse:
    """/system/video/: the administrators switch the captions rule on or off."""
    check_change_video_policy(request.user)
    current = MediaPolicy.current()  # not saved until an administrator first sets it
    if request.method == "POST":
        form = CaptionsRuleForm(request.POST)
        if form.is_valid():
            required = form.cleaned_data["captions_required"]
            services.set_captions_required(admin=request.user, required=required)
            if required:
                messages.success(
                    request,
                    _("Video posts now need captions or a transcript before they are published."),
                )
            else:
                messages.success(
                    request,
                    _(
                        "Video posts can now be published without captions or a transcript. "
                        "Editors are still asked to add them."
                    ),
                )
            return redirect("media:policy")
    else:
        form = CaptionsRuleForm(initial={"captions_required": current.captions_required})
    return render(
        request,
        "media/policy.html",
        {
            "form": form,
            "policy": MediaPolicy.objects.select_related("changed_by").filter(pk=1).first()
            or current,
        },
        status=400 if form.is_bound else 200,
    )
