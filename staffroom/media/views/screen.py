"""A video's files for a break-room screen, by its secret address (kiosk.js plays them).

A screen is nobody: nothing here reads a session. Each request finds the screen by its
secret and answers 404 unless the screen is working and the video may hang on its wall
(`kiosk.queries.screen_video`: ready, captioned, its post live, visible and for the
screen's audience), the same for an unknown address, a switched-off screen and a video it
may not show. The rendition answers HTTP range requests; a request for its first byte is
one play on a wall (`Video.screen_plays`): kiosk.js gives the <video> its file each time
the slide is shown, so each showing asks for byte 0 once.

Files are read from the default storage in chunks (never a local path). With
VIDEO_SERVE_REDIRECT on (S3) the rendition answers with a redirect to a short-lived
presigned URL after the check and the count, as the staff player does.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe

from staffroom.kiosk.models import Screen
from staffroom.kiosk.queries import find_screen, screen_video
from staffroom.kiosk.services import record_screen_play
from staffroom.media.models import Caption, Video, VideoRendition
from staffroom.media.ranges import Unsatisfiable, parse_range
from staffroom.media.views.serve import RangeFile

# Larger than any file: lets a Range header be read before the file's size is known.
_ANY_SIZE = 2**62
# The poster and captions have ?v=<version> in their addresses: the TV may keep them.
KEEP_SECONDS = 3600
# Safari first asks for "bytes=0-1" to learn the size, then for the video: only a request
# for more than this many bytes from the start counts as a play.
PROBE_BYTES = 2


def _screen_and_video(secret: str, video_id: int) -> tuple[Screen, Video]:
    screen = find_screen(secret)
    if screen is None or screen.is_switched_off:
        raise Http404
    video = screen_video(screen, video_id)
    if video is None:
        raise Http404
    return screen, video


def _file_headers(response: HttpResponseBase, *, keep: bool = False) -> None:
    """Kept by the TV's own browser only. The rendition is asked for again each time
    (no-cache with an ETag: an unchanged file is a 304, not a download, and each play
    reaches the server to be counted); the poster and captions for an hour."""
    if keep:
        patch_cache_control(response, private=True, max_age=KEEP_SECONDS)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Content-Type-Options"] = "nosniff"
    # A stored file is never a page: nothing in it may run, even opened on its own.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"


def _is_play(request: HttpRequest, range_header: str | None) -> bool:
    """A GET from the file's first byte (no Range, or one from 0 asking for more than a
    size probe). Decided on the header alone, before the file's size is known."""
    if request.method != "GET":
        return False
    try:
        asked = parse_range(range_header, _ANY_SIZE)
    except Unsatisfiable:
        return False
    return asked is None or (asked.start == 0 and asked.length > PROBE_BYTES)


@require_safe
def rendition(request: HttpRequest, secret: str, video_id: int, quality: str) -> HttpResponseBase:
    if quality not in VideoRendition.Quality.values:
        raise Http404
    _screen, video = _screen_and_video(secret, video_id)
    file = (
        VideoRendition.objects.filter(video=video, quality=quality)
        .values_list("file", flat=True)
        .first()
    )
    if not file:
        raise Http404
    etag = quote_etag(f"{video.pk}-{video.version}-{quality}")
    # A Range request whose If-Range names another version of the file gets the whole file.
    if_range = request.headers.get("If-Range")
    header = request.headers.get("Range") if not if_range or if_range == etag else None
    if _is_play(request, header):
        record_screen_play(video=video)
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        _file_headers(not_modified)
        return not_modified
    if settings.VIDEO_SERVE_REDIRECT:
        url = default_storage.url(file)
        if url.startswith(("https://", "http://")):
            redirect = HttpResponseRedirect(url)
            _file_headers(redirect)
            redirect["Cache-Control"] = "private, no-store"  # the presigned address expires
            return redirect
    try:
        size = default_storage.size(file)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    try:
        byte_range = parse_range(header, size)
    except Unsatisfiable:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        _file_headers(refused)
        return refused
    start, length = (byte_range.start, byte_range.length) if byte_range else (0, size)
    response: HttpResponseBase
    if request.method == "HEAD":
        response = HttpResponse(content_type="video/mp4")
    else:
        try:
            handle = default_storage.open(file, "rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        # D's block reader (media.views.serve): bounded memory, closed with the response.
        response = StreamingHttpResponse(
            RangeFile(handle, start=start, length=length), content_type="video/mp4"
        )
    response.status_code = 206 if byte_range else 200
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    if byte_range is not None:
        response["Content-Range"] = byte_range.content_range
    _file_headers(response)
    return response


@require_safe
def poster(request: HttpRequest, secret: str, video_id: int) -> HttpResponse:
    _screen, video = _screen_and_video(secret, video_id)
    if not video.poster:
        raise Http404
    name = video.poster.name
    etag = quote_etag(f"{video.pk}-{video.version}-{name}")
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is None:
        try:
            with default_storage.open(name, "rb") as file:
                data = file.read()
        except (FileNotFoundError, OSError):
            raise Http404 from None
        response = HttpResponse(data, content_type="image/jpeg")
        response["ETag"] = etag
    else:
        response = not_modified
    _file_headers(response, keep=True)
    return response


@require_safe
def caption(request: HttpRequest, secret: str, video_id: int, caption_id: int) -> HttpResponse:
    _screen, video = _screen_and_video(secret, video_id)
    found = Caption.objects.filter(pk=caption_id, video=video).values_list("vtt", "updated_at")
    row = found.first()
    if row is None:
        raise Http404
    vtt, updated_at = row
    etag = quote_etag(f"{video.pk}-{caption_id}-{updated_at.timestamp()}")
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is None:
        response = HttpResponse(vtt, content_type="text/vtt; charset=utf-8")
        response["ETag"] = etag
    else:
        response = not_modified
    _file_headers(response, keep=True)
    return response
