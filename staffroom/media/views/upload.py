"""The chunked, resumable upload of a post's video, and its plain-form fallback.

The protocol (spoken by static/js/video-upload.js; the rules live in media.services.upload):

``POST /posts/<pk>/video/upload/`` starts an upload.
    With JavaScript: form fields ``filename`` and ``size``, ``Accept: application/json``.
    Answers 201 ``{"video": id, "offset": 0, "chunk_bytes": VIDEO_CHUNK_BYTES,
    "upload_url": ..., "page_url": ...}``; an empty file or one over
    ``VIDEO_MAX_UPLOAD_BYTES``, or a published or scheduled post, is 400
    ``{"error": "..."}`` before any byte is sent. The post keeps its video until the new
    upload is complete and checked (then the old one is deleted); an earlier unfinished
    upload for the post is given up.
    Without JavaScript: the same URL takes the plain multipart form with the whole file
    (field ``file``): checked, stored, swapped in, queued, then a redirect to the video page;
    a refused file re-renders that page with the reason (400; 409 if the post was published
    while the file was stored) and keeps nothing. Nobody's multipart body is read before
    their sign-in and right to edit the post are checked (media.middleware).

``GET /videos/<id>/upload/`` asks where the upload stands:
    ``{"offset": received_bytes, "size": original_size, "status": ...}``. The script asks
    before resuming (after a dropped connection, or after a reload when the same file is
    picked again).

``PUT /videos/<id>/upload/`` sends the next chunk: the raw bytes as the body (at most
    ``VIDEO_CHUNK_BYTES``) and ``Content-Range: bytes START-END/TOTAL``. START must be the
    offset the server has: an earlier START is a chunk sent again after its answer was lost
    (200 with the current offset, nothing stored); a later one is 409 with the offset to
    continue from. TOTAL must be the size announced at the start. The first chunk is checked
    by its bytes before anything is stored: not a video is 400 with the reason, and the
    upload is deleted. A ``Content-Range`` that can't be read (or has numbers of more than
    19 digits) is 400. 200 ``{"offset", "status", "complete", "page_url"}``; when the last
    chunk arrives the video replaces the post's and is queued for processing — unless the
    post was published or scheduled meanwhile: 409 ``{"error", "code": "post_live"}``, the
    upload is deleted and the post keeps its video. While another request is still storing
    the same chunk, 503 with ``Retry-After: 2`` (``code: "busy"``). A full disk is 507 (the
    upload pauses; nothing of the chunk is kept), other storage trouble 503; the script
    retries 503s and waits for a click after a 507.

Every view: sign-in required, the post's editors only (404 for who can't see the post, 403
for who sees but may not edit it), CSRF checked (the script sends ``X-CSRFToken``). Both
checks also run in media.middleware before CSRF's, so a body is never parsed for someone
who may not upload (the views check again). No rate limit: only a channel's editors get
here, each chunk is bounded, and a 2 GB file is 500 chunk requests, which a per-person
limit would have to allow anyway.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from staffroom.channels.models import Post
from staffroom.channels.permissions import check_edit_post, get_visible_post_or_404
from staffroom.core.http import AuthenticatedRequest
from staffroom.media.models import Video
from staffroom.media.permissions import get_manageable_video_or_404, post_of
from staffroom.media.services import upload as services

ACCEPT = "video/mp4,video/quicktime,video/webm,.mp4,.mov,.webm"
_CONTENT_RANGE = re.compile(r"^bytes (\d{1,19})-(\d{1,19})/(\d{1,19})$")
# Where `start` leaves the plain form's error for section_context, when it re-renders the page.
_ERROR_ATTRIBUTE = "video_upload_error"


def section_context(request: HttpRequest, post: Post) -> dict[str, Any]:
    """What media/_upload.html needs, under the key ``upload`` (the editor's page adds it).

    Shows why the plain form's file was refused when ``start`` re-renders the page, and an
    upload for the post that stopped half-way (one query). Uses the post's video as loaded
    (``select_related("video")`` saves a query).
    """
    error = str(getattr(request, _ERROR_ATTRIBUTE, ""))
    video = post.video if post.video_id else None
    unfinished = services.pending_upload(post)
    return {
        "upload": {
            "post": post,
            "start_url": reverse("media:upload_start", args=[post.pk]),
            "page_url": reverse("media:post_video", args=[post.pk]),
            "max_bytes": settings.VIDEO_MAX_UPLOAD_BYTES,
            "chunk_bytes": settings.VIDEO_CHUNK_BYTES,
            "accept": ACCEPT,
            "replaces": video is not None,
            "unfinished": unfinished,
            "error": error,
            "locked": services.live_post_message(post) or "",
        }
    }


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _error(message: str, status: int, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _message(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


@login_required
@require_POST
def start(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    post = get_visible_post_or_404(request.user, pk)
    check_edit_post(request.user, post)
    upload = request.FILES.get("file")
    if upload is None and "size" in request.POST:
        return _start_chunked(request, post)
    if upload is None:
        return _page_with_error(request, post, _("Choose a video file first."))
    try:
        services.upload_whole_file(post=post, uploader=request.user, file=upload)
    except ValidationError as error:
        return _page_with_error(request, post, _message(error))
    except services.UploadError as problem:
        return _page_with_error(request, post, problem.message, status=problem.status)
    return redirect("media:post_video", pk=post.pk)


def _start_chunked(request: AuthenticatedRequest, post: Post) -> JsonResponse:
    try:
        size = int(request.POST["size"])
    except ValueError:
        return _error(_("The file's size didn't arrive. Choose the file again."), 400)
    try:
        video = services.start_upload(
            post=post, uploader=request.user, filename=request.POST.get("filename", ""), size=size
        )
    except ValidationError as error:
        return _error(_message(error), 400)
    return JsonResponse(
        {
            "video": video.pk,
            "offset": 0,
            "chunk_bytes": settings.VIDEO_CHUNK_BYTES,
            "upload_url": reverse("media:upload_chunk", args=[video.pk]),
            "page_url": reverse("media:post_video", args=[post.pk]),
        },
        status=201,
    )


def _page_with_error(
    request: AuthenticatedRequest, post: Post, message: str, *, status: int = 400
) -> HttpResponse:
    """The editor's video page again, with the plain form's error shown in its section.

    The page is manage.post_video's (it calls section_context, which finds the message on
    the request). It is rendered as the GET it would be after a redirect: this request's
    CSRF token and permissions are already checked, and the page view only reads.
    """
    if _wants_json(request):
        return _error(message, status)
    from staffroom.media.views import manage  # the page belongs to the processing slice

    setattr(request, _ERROR_ATTRIBUTE, message)
    request.method = "GET"
    response = manage.post_video(request, pk=post.pk)
    response.status_code = status
    return response


class _BodyTooLarge(services.UploadError):
    status = 413


@login_required
@require_http_methods(["GET", "PUT"])
def chunk(request: AuthenticatedRequest, video_id: int) -> HttpResponse:
    video = get_manageable_video_or_404(request.user, video_id)
    post = post_of(video)  # loaded with the video
    page_url = reverse("media:post_video", args=[post.pk]) if post is not None else ""
    if request.method == "PUT":
        try:
            first, data, total = _read_chunk(request, video)
            video = services.receive_chunk(video=video, offset=first, data=data, total=total)
        except ValidationError as error:
            return _error(_message(error), 400, offset=_offset_now(video))
        except services.UploadError as problem:
            return _upload_error(problem)
    return _where(video, page_url)


def _upload_error(problem: services.UploadError) -> JsonResponse:
    extra: dict[str, Any] = {"offset": problem.offset}
    if problem.code:
        extra["code"] = problem.code
    response = _error(problem.message, problem.status, **extra)
    if isinstance(problem, services.UploadBusyError):
        response["Retry-After"] = str(services.RETRY_AFTER_SECONDS)
    return response


def _read_chunk(request: HttpRequest, video: Video) -> tuple[int, bytes, int]:
    """(START, the bytes, TOTAL) of a PUT, its body read only up to the chunk size."""
    parsed = _CONTENT_RANGE.match(request.headers.get("Content-Range", ""))
    first, last, total = (int(part) for part in parsed.groups()) if parsed else (0, -1, 0)
    if parsed is None or last < first or last >= total:
        raise ValidationError(
            _("This piece of the upload came without its position. Reload the page and try again.")
        )
    limit = settings.VIDEO_CHUNK_BYTES
    # One byte more than allowed, so a bigger body is refused without reading it all (and
    # never request.body, which would hold any size in memory).
    data = request.read(limit + 1)
    if len(data) > limit:
        raise _BodyTooLarge(
            _("A piece of the upload was too large. Reload the page and try again."),
            offset=video.received_bytes,
        )
    if last - first + 1 != len(data):
        # Cut off on the way: the script asks again from where the server stands.
        raise services.OffsetMismatchError(
            _("A piece of the upload arrived incomplete; it is sent again."),
            offset=video.received_bytes,
        )
    return first, data, total


def _offset_now(video: Video) -> int:
    """Where an upload stands after a refusal (0 once a refused first chunk deleted it)."""
    row = Video.objects.filter(pk=video.pk).values_list("received_bytes", flat=True).first()
    return row or 0


def _where(video: Video, page_url: str) -> JsonResponse:
    return JsonResponse(
        {
            "offset": video.received_bytes,
            "size": video.original_size,
            "status": video.status,
            "complete": video.received_bytes >= video.original_size,
            "page_url": page_url,
        }
    )
