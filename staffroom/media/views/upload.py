"""The chunked, resumable upload and its plain-form fallback."""

from django.http import Http404, HttpRequest, HttpResponse


def start(request: HttpRequest, pk: int) -> HttpResponse:  # placeholder until its owner lands it
    raise Http404


def chunk(
    request: HttpRequest, video_id: int
) -> HttpResponse:  # placeholder until its owner lands it
    raise Http404
