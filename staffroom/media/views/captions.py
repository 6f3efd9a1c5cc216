"""Captions, transcript, and the administrators' captions rule."""

from django.http import Http404, HttpRequest, HttpResponse


def add(
    request: HttpRequest, video_id: int
) -> HttpResponse:  # placeholder until its owner lands it
    raise Http404


def remove(
    request: HttpRequest, video_id: int, caption_id: int
) -> HttpResponse:  # placeholder until its owner lands it
    raise Http404


def transcript(
    request: HttpRequest, video_id: int
) -> HttpResponse:  # placeholder until its owner lands it
    raise Http404


def policy(request: HttpRequest) -> HttpResponse:  # placeholder until its owner lands it
    raise Http404
