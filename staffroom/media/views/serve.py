"""A video's files for signed-in staff, with HTTP range requests."""

from django.http import Http404, HttpRequest, HttpResponse


def rendition(
    request: HttpRequest, video_id: int, quality: str
) -> HttpResponse:  # placeholder until its owner lands it
    raise Http404


def poster(
    request: HttpRequest, video_id: int
) -> HttpResponse:  # placeholder until its owner lands it
    raise Http404


def caption(
    request: HttpRequest, video_id: int, caption_id: int
) -> HttpResponse:  # placeholder until its owner lands it
    raise Http404
