"""A video's files for a break-room screen, by its secret address."""

from django.http import Http404, HttpRequest, HttpResponse


def rendition(
    request: HttpRequest, secret: str, video_id: int, quality: str
) -> HttpResponse:  # placeholder until its owner lands it
    raise Http404


def poster(
    request: HttpRequest, secret: str, video_id: int
) -> HttpResponse:  # placeholder until its owner lands it
    raise Http404


def caption(
    request: HttpRequest, secret: str, video_id: int, caption_id: int
) -> HttpResponse:  # placeholder until its owner lands it
    raise Http404
