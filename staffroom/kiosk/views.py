"""Break-room screens: the communications team's pages (list, add, new address, switch off)
and the screen itself, which anyone with its address may open without signing in.

The secret of a new address is shown in the answer to the POST that made it, not after a
redirect: it is stored nowhere (not even in a session), so it can only be shown once, like
an API key. Those answers must not be cached.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from staffroom.core.http import AuthenticatedRequest
from staffroom.kiosk import queries
from staffroom.kiosk.forms import ScreenForm
from staffroom.kiosk.models import Screen
from staffroom.kiosk.permissions import check_manage_screens
from staffroom.kiosk.services import (
    change_screen_address,
    create_screen,
    note_screen_seen,
    switch_off_screen,
)

# How the screen moves on: a slide every ROTATE_SECONDS (with JavaScript; a video slide
# when its video ends, at most queries.VIDEO_PLAY_SECONDS), new content fetched every
# REFRESH_SECONDS, and RETRY_SECONDS after a failed fetch. Without JavaScript the page
# reloads itself to the next slide every NOSCRIPT_SECONDS (a video slide shows its poster).
ROTATE_SECONDS = 12
REFRESH_SECONDS = 180
RETRY_SECONDS = 30
NOSCRIPT_SECONDS = 15


# --- The communications team's pages ----------------------------------------------------------


@login_required
@require_GET
def screen_list(request: AuthenticatedRequest) -> HttpResponse:
    check_manage_screens(request.user)
    return render(request, "kiosk/screen_list.html", {"screens": queries.screen_list()})


def _address_page(request: HttpRequest, screen: Screen, secret: str, *, new: bool) -> HttpResponse:
    path = reverse("kiosk:screen", kwargs={"secret": secret})
    response = render(
        request,
        "kiosk/screen_address.html",
        {
            "screen": screen,
            "address": queries.absolute_url(path),
            "path": path,
            "new": new,
        },
    )
    # The only time the secret is ever sent: nothing may keep a copy.
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def screen_new(request: AuthenticatedRequest) -> HttpResponse:
    check_manage_screens(request.user)
    form = ScreenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        site, department = form.cleaned_data["place"]
        try:
            screen, secret = create_screen(
                creator=request.user,
                name=form.cleaned_data["name"],
                site=site,
                department=department,
                language=form.cleaned_data["language"],
                request=request,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return _address_page(request, screen, secret, new=True)
    status = 400 if request.method == "POST" else 200
    return render(request, "kiosk/screen_form.html", {"form": form}, status=status)


def _confirm_or_act(
    request: AuthenticatedRequest, pk: int, *, template: str
) -> tuple[Screen, HttpResponse | None]:
    check_manage_screens(request.user)
    screen = queries.get_screen_or_404(pk)
    if screen.is_switched_off:
        messages.error(
            request,
            _("“%(name)s” is switched off. Add a new screen to show news there again.")
            % {"name": screen.name},
        )
        return screen, redirect("kiosk:screen_list")
    if request.method == "GET":
        return screen, render(request, template, {"screen": screen})
    return screen, None


@login_required
@require_http_methods(["GET", "POST"])
def screen_new_address(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    screen, response = _confirm_or_act(request, pk, template="kiosk/screen_confirm_address.html")
    if response is not None:
        return response
    try:
        screen, secret = change_screen_address(screen=screen, editor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("kiosk:screen_list")
    return _address_page(request, screen, secret, new=False)


@login_required
@require_http_methods(["GET", "POST"])
def screen_switch_off(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    screen, response = _confirm_or_act(request, pk, template="kiosk/screen_confirm_off.html")
    if response is not None:
        return response
    try:
        switch_off_screen(screen=screen, editor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("“%(name)s” is switched off. Its TV now says so and asks for a new address.")
            % {"name": screen.name},
        )
    return redirect("kiosk:screen_list")


# --- The screen -------------------------------------------------------------------------------


def _screen_headers(response: HttpResponse) -> HttpResponse:
    # Internal news on a secret address: no search engine, no shared cache, no referrer.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    add_never_cache_headers(response)
    return response


def _switched_off(request: HttpRequest, screen: Screen | None) -> HttpResponse:
    """The same words for an unknown and a switched-off address, and nothing else: 410 when
    the screen existed and was switched off, 404 when there is no such address."""
    if screen is not None:
        note_screen_seen(screen)
    language = screen.language if screen is not None and screen.language else None
    with translation.override(language or settings.LANGUAGE_CODE):
        response = render(
            request,
            "kiosk/screen_off.html",
            {"organisation_name": settings.ORGANISATION_NAME},
            status=410 if screen is not None else 404,
        )
    return _screen_headers(response)


def _slide_number(request: HttpRequest, count: int) -> int:
    raw = request.GET.get("slide", "")
    if not raw.isdigit() or not count:
        return 0
    return int(raw[:6]) % count


@require_GET
def screen(request: HttpRequest, secret: str) -> HttpResponse:
    """The screen: every slide in the page, one shown. kiosk.js rotates them and fetches new
    ones; without JavaScript the page reloads itself to the next slide."""
    found = queries.find_screen(secret)
    if found is None or found.is_switched_off:
        return _switched_off(request, found)
    note_screen_seen(found)
    with translation.override(found.language or settings.LANGUAGE_CODE):
        slides = queries.screen_slides(found)
        current = _slide_number(request, len(slides))
        response = render(
            request,
            "kiosk/screen.html",
            {
                "screen": found,
                "secret": secret,
                "organisation_name": settings.ORGANISATION_NAME,
                "slides": slides,
                "current": current,
                "next_slide": (current + 1) % len(slides) if slides else 0,
                "slides_url": reverse("kiosk:screen_slides", kwargs={"secret": secret}),
                "rotate_seconds": ROTATE_SECONDS,
                "refresh_seconds": REFRESH_SECONDS,
                "retry_seconds": RETRY_SECONDS,
                "noscript_seconds": NOSCRIPT_SECONDS if len(slides) > 1 else REFRESH_SECONDS,
            },
        )
    return _screen_headers(response)


@require_GET
def screen_slides(request: HttpRequest, secret: str) -> HttpResponse:
    """The slides alone, for kiosk.js to swap in: the same partial as the page's."""
    found = queries.find_screen(secret)
    if found is None or found.is_switched_off:
        return _switched_off(request, found)
    note_screen_seen(found)
    with translation.override(found.language or settings.LANGUAGE_CODE):
        response = render(
            request,
            "kiosk/screen.html#slides",
            {
                "screen": found,
                "secret": secret,
                "slides": queries.screen_slides(found),
                "current": 0,
            },
        )
    return _screen_headers(response)
