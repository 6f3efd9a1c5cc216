"""The editor's page of a post's video: status, retry, poster, delete."""

from django.http import Http404, HttpRequest, HttpResponse


def post_video(
    request: HttpRequest, pk: int
) -> HttpResponse:  # placeholder until its owner lands it
    raise Http404


def status(
    request: HttpRequest, video_id: int
) -> HttpResponse:  # placeholder until its owner lands it
    raise Http404


def retry(
    request: HttpRequest, video_id: int
) -> HttpResponse:  # placeholder until its owner lands it
    raise Http404


def poster(
    request: HttpRequest, video_id: int
) -> HttpResponse:  # placeholder until its owner lands it
    raise Http404


def delete(
    request: HttpRequest, video_id: int
) -> HttpResponse:  # placeholder until its owner lands it
    raise Http404
