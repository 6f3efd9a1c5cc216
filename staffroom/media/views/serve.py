"""A video's files for signed-in staff: the MP4s with HTTP range requests, the poster and
the captions. Each request checks the post's permission (media.permissions: 404 for anyone
who may not see it; the sign-in page for anyone signed out, like a post's other files).

Renditions are streamed from the default storage a block at a time (a 2 GB file never sits
in memory), or, with `VIDEO_SERVE_REDIRECT` (S3-compatible storage), answered with a
redirect to the storage's short-lived presigned address, where the object store serves the
ranges itself. A request for a rendition's first byte (no Range, or one starting at 0) is
someone pressing play: it counts them in the video's reach (media.services.reach).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, TypeVar

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods

from staffroom.core.http import AuthenticatedRequest
from staffroom.media import storage
from staffroom.media.models import Caption, Video, VideoRendition
from staffroom.media.permissions import get_watchable_video_or_404, post_of
from staffroom.media.ranges import ByteRange, Unsatisfiable, parse_range
from staffroom.media.services.reach import record_play

# Read and sent this much at a time: small enough to keep memory flat, big enough for speed.
BLOCK_BYTES = 256 * 1024
QUALITIES = frozenset(VideoRendition.Quality.values)
# What a person may see can change (a post restricted, a video replaced): only their own
# browser keeps a copy, for an hour. Addresses carry ?v=<version>, so changes show at once.
CACHE_CONTROL = "private, max-age=3600"
_Response = TypeVar("_Response", bound=HttpResponseBase)
_FIRST_BYTE = re.compile(r"^\s*bytes\s*=\s*0*0\s*-", re.IGNORECASE)


class RangeFile:
    """Bytes `start` to `start + length - 1` of an open file, in bounded blocks; the file is
    closed when the bytes are sent, or when the response is closed before that."""

    def __init__(self, handle: IO[bytes], *, start: int, length: int) -> None:
        self._handle = handle
        self._start = start
        self._length = length

    def __iter__(self) -> Iterator[bytes]:
        try:
            self._handle.seek(self._start)
            remaining = self._length
            while remaining > 0:
                block = self._handle.read(min(BLOCK_BYTES, remaining))
                if not block:
                    break
                remaining -= len(block)
                yield block
        finally:
            self.close()

    def close(self) -> None:
        self._handle.close()


@login_required
@require_http_methods(["GET", "HEAD"])
def rendition(request: AuthenticatedRequest, video_id: int, quality: str) -> HttpResponseBase:
    """One of the video's MP4s: 200 whole, 206 for a range, 416 for a range past the end."""
    if quality not in QUALITIES:
        raise Http404
    video = get_watchable_video_or_404(request.user, video_id)
    made = VideoRendition.objects.filter(video=video, quality=quality).only("file").first()
    if made is None:
        raise Http404
    name = made.file.name or storage.rendition_name(video, quality)
    range_header = request.headers.get("Range")
    plays = request.method == "GET" and _starts_playing(range_header)
    redirect = _redirect_to_storage(name) if settings.VIDEO_SERVE_REDIRECT else None
    if redirect is not None:
        if plays:
            _record_play(request, video)
        return redirect
    try:
        size = default_storage.size(name)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    if plays:
        _record_play(request, video)
    etag = f'"{video.pk}-{video.version}-{quality}"'
    if _not_modified(request, etag):
        return _with_file_headers(HttpResponse(status=304), etag=etag, ranges=True)
    if request.headers.get("If-Range", etag) != etag:
        range_header = None  # the file changed since the client's copy: send all of it
    try:
        wanted = parse_range(range_header, size)
    except Unsatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _with_file_headers(response, etag=etag, ranges=True)
    return _send(request, name, wanted, size=size, etag=etag, ranges=True)


@login_required
@require_http_methods(["GET", "HEAD"])
def poster(request: AuthenticatedRequest, video_id: int) -> HttpResponseBase:
    """The poster frame (JPEG) the player and the post cards show."""
    video = get_watchable_video_or_404(request.user, video_id)
    if not video.poster:
        raise Http404
    etag = f'"{video.pk}-{video.version}-poster"'
    if _not_modified(request, etag):
        return _with_file_headers(HttpResponse(status=304), etag=etag)
    _record_withheld_viewed(request, video)
    name = video.poster.name
    try:
        size = default_storage.size(name)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return _send(request, name, None, size=size, etag=etag, content_type="image/jpeg")


@login_required
@require_http_methods(["GET", "HEAD"])
def caption(request: AuthenticatedRequest, video_id: int, caption_id: int) -> HttpResponse:
    """One language's captions, as the WebVTT the player's <track> reads."""
    video = get_watchable_video_or_404(request.user, video_id)
    captions = get_object_or_404(
        Caption.objects.only("vtt", "updated_at"), pk=caption_id, video=video
    )
    etag = f'"{video.pk}-{video.version}-{captions.pk}-{captions.updated_at.timestamp()}"'
    if _not_modified(request, etag):
        return _with_file_headers(HttpResponse(status=304), etag=etag)
    _record_withheld_viewed(request, video)
    body = captions.vtt.encode("utf-8")
    response = HttpResponse(
        body if request.method == "GET" else b"", content_type="text/vtt; charset=utf-8"
    )
    response["Content-Length"] = str(len(body))
    return _with_file_headers(response, etag=etag)


# --- Helpers ----------------------------------------------------------------------------------


def _starts_playing(range_header: str | None) -> bool:
    """No Range, or a range from byte 0: the player's first request for the file."""
    return range_header is None or bool(_FIRST_BYTE.match(range_header))


def _record_play(request: AuthenticatedRequest, video: Video) -> None:
    record_play(video=video, person=request.user)
    _record_withheld_viewed(request, video)


def _record_withheld_viewed(request: AuthenticatedRequest, video: Video) -> None:
    """A held or removed post's video is its content too: a reviewer watching it is
    audited (nothing happens for its author, or for a visible post)."""
    post = post_of(video)
    if post is None:
        return
    from staffroom.privacy.exposure import record_withheld_viewed

    record_withheld_viewed(obj=post, viewer=request.user, request=request)


def _redirect_to_storage(name: str) -> HttpResponseRedirect | None:
    """A redirect to the storage's own (presigned) address; None when the storage has no
    such address (local disk's /media/ URLs aren't served: stream the file instead)."""
    url = default_storage.url(name)
    if not url.startswith(("https://", "http://")):
        return None
    response = HttpResponseRedirect(url)
    # The address expires: never keep the redirect itself.
    response["Cache-Control"] = "private, no-store"
    return response


def _not_modified(request: AuthenticatedRequest, etag: str) -> bool:
    wanted = request.headers.get("If-None-Match")
    if not wanted or "Range" in request.headers:
        return False
    return wanted.strip() == "*" or etag in [tag.strip() for tag in wanted.split(",")]


def _send(
    request: AuthenticatedRequest,
    name: str,
    wanted: ByteRange | None,
    *,
    size: int,
    etag: str,
    content_type: str = "video/mp4",
    ranges: bool = False,
) -> HttpResponseBase:
    start, length = (wanted.start, wanted.length) if wanted is not None else (0, size)
    response: HttpResponseBase
    if request.method == "HEAD":
        # Nothing to send: the file isn't even opened.
        response = HttpResponse(content_type=content_type)
    else:
        try:
            handle = default_storage.open(name, "rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        response = StreamingHttpResponse(
            RangeFile(handle, start=start, length=length), content_type=content_type
        )
    if wanted is not None:
        response.status_code = 206
        response["Content-Range"] = wanted.content_range
    response["Content-Length"] = str(length)
    return _with_file_headers(response, etag=etag, ranges=ranges)


def _with_file_headers(response: _Response, *, etag: str, ranges: bool = False) -> _Response:
    if ranges:
        response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    # A stored file is never a page: nothing in it may run, even opened on its own.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
