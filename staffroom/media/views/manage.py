"""The editor's page of a post's video: status, retry, poster, delete.

The page composes sections owned by their modules: the upload (views.upload), captions and
transcript (views.captions), the player (media/_player.html), and this module's status and
poster. Each POST works without JavaScript (redirect back with a message) and returns its
section to htmx.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from staffroom.channels.models import Post
from staffroom.channels.permissions import check_edit_post, get_visible_post_or_404
from staffroom.core.http import AuthenticatedRequest
from staffroom.media.forms import PosterForm
from staffroom.media.models import Video
from staffroom.media.permissions import get_manageable_video_or_404, post_of
from staffroom.media.queries import poster_url
from staffroom.media.services import processing as services
from staffroom.media.views import captions as captions_views
from staffroom.media.views import upload as upload_views


def duration_words(seconds: float | None) -> str:
    """ "1 min 12 s", "45 s", "1 h 2 min": a duration said the way people read it."""
    if seconds is None:
        return ""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    if minutes:
        return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": secs}
    return _("%(seconds)d s") % {"seconds": secs}


def status_context(video: Video, *, error: str = "") -> dict[str, Any]:
    """What media/_status.html needs (one query: the renditions, when ready)."""
    qualities: list[str] = []
    if video.is_ready:
        qualities = [r.quality for r in video.renditions.all()]
    notes = [str(Video.Note(note).label) for note in video.notes if note in Video.Note.values]
    return {
        "video": video,
        "duration": duration_words(video.duration_seconds),
        "qualities": " ".join(_join(qualities)) if qualities else "",
        "notes": notes,
        "can_retry": services.can_retry(video),
        "page_url": _page_url(video),
        "status_error": error,
    }


def _join(items: list[str]) -> list[str]:
    if len(items) < 2:
        return items
    return [_("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}]


def poster_context(
    video: Video, *, form: PosterForm | None = None, notice: str = ""
) -> dict[str, Any]:
    return {
        "video": video,
        "poster_url": poster_url(video),
        "poster_form": form or PosterForm(duration=video.duration_seconds),
        "poster_notice": notice,
        # The frame asked for last couldn't be taken (media.tasks.take_poster_frame); a new
        # request clears it, so it isn't shown beside that request's own notice.
        "poster_problem": "" if notice else services.poster_problem(video),
    }


def _page(
    request: AuthenticatedRequest,
    post: Post,
    *,
    status: int = 200,
    poster_form: PosterForm | None = None,
) -> HttpResponse:
    video = (
        Video.objects.prefetch_related("renditions", "captions").get(pk=post.video_id)
        if post.video_id
        else None
    )
    if video is not None:
        video.post = post  # the reverse side too: the sections link back without a query
    context: dict[str, Any] = {"post": post, "video": video, "show_upload": _shows_upload(video)}
    if context["show_upload"]:
        context.update(upload_views.section_context(request, post))
    if video is not None:
        context.update(captions_views.section_context(request, video))
        context.update(status_context(video))
        if video.is_ready:
            context.update(poster_context(video, form=poster_form))
    return render(request, "media/post_video.html", context, status=status)


def _shows_upload(video: Video | None) -> bool:
    """A new file can be sent when there is none, one is unfinished, or to replace a failed
    or ready video (not while one waits or is processed)."""
    return video is None or video.status not in (Video.Status.QUEUED, Video.Status.PROCESSING)


def _page_url(video: Video) -> str:
    post = post_of(video)
    if post is None:
        return reverse("channels:feed")
    return reverse("media:post_video", args=[post.pk])


@login_required
@require_GET
def post_video(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    post = get_visible_post_or_404(request.user, pk)
    check_edit_post(request.user, post)
    return _page(request, post)


@login_required
@require_GET
def status(request: AuthenticatedRequest, video_id: int) -> HttpResponse:
    """The live status section (htmx asks every 2 s until it is final); without htmx, the
    page itself."""
    video = get_manageable_video_or_404(request.user, video_id)
    if not request.htmx:
        return redirect(_page_url(video))
    response = render(request, "media/_status.html", status_context(video))
    if video.is_final and request.GET.get("shown") not in (None, *_FINAL):
        # Ready or failed since the page was drawn: the page has new sections (poster,
        # preview, "Try again"), so htmx reloads it whole.
        response["HX-Refresh"] = "true"
    return response


_FINAL = (Video.Status.READY.value, Video.Status.FAILED.value)


@login_required
@require_POST
def retry(request: AuthenticatedRequest, video_id: int) -> HttpResponse:
    video = get_manageable_video_or_404(request.user, video_id)
    error = ""
    try:
        video = services.retry_processing(video=video, editor=request.user)
    except ValidationError as invalid:
        error = " ".join(invalid.messages)
    if request.htmx:
        return render(
            request,
            "media/_status.html",
            status_context(video, error=error),
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("The video is waiting to be processed again."))
    return redirect(_page_url(video))


@login_required
@require_POST
def poster(request: AuthenticatedRequest, video_id: int) -> HttpResponse:
    video = get_manageable_video_or_404(request.user, video_id)
    form = PosterForm(request.POST, request.FILES, duration=video.duration_seconds)
    notice = ""
    if form.is_valid():
        at = form.cleaned_data.get("at_seconds")
        try:
            video = services.change_poster(
                video=video,
                editor=request.user,
                at_seconds=float(at) if at is not None else None,
                image=form.cleaned_data.get("image"),
            )
        except ValidationError as invalid:
            _apply_error(form, invalid)
        else:
            notice = (
                _("The new poster is being taken from the video: it appears in a moment.")
                if at is not None
                else _("The poster is changed.")
            )
    if request.htmx:
        if notice:
            video.refresh_from_db()
            form = PosterForm(duration=video.duration_seconds)
        return render(
            request,
            "media/_poster.html",
            poster_context(video, form=form, notice=notice),
            status=200 if notice else 400,
        )
    if notice:
        messages.success(request, notice)
        return redirect(_page_url(video) + "#video-poster")
    post = post_of(video)
    if post is None:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(_page_url(video))
    return _page(request, post, status=400, poster_form=form)


def _apply_error(form: PosterForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: AuthenticatedRequest, video_id: int) -> HttpResponse:
    """GET: what deleting does, and the button (works without JavaScript). POST: delete."""
    video = get_manageable_video_or_404(request.user, video_id)
    post = post_of(video)
    if request.method == "GET":
        return render(
            request,
            "media/video_delete.html",
            {"video": video, "post": post, "back_url": _page_url(video)},
        )
    back = _page_url(video)
    services.delete_video(video=video, editor=request.user)
    messages.success(
        request,
        _("The video and all its files are deleted. The post keeps its words.")
        if post is not None
        else _("The video and all its files are deleted."),
    )
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = back
        return response
    return redirect(back)
