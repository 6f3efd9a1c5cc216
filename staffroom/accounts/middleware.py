"""Request-wide account behaviour: idle sign-out and each person's language."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

LAST_SEEN_KEY = "staffroom_last_seen"
SIGNED_IN_AT_KEY = "staffroom_signed_in_at"
SHARED_DEVICE_KEY = "staffroom_shared_device"
# Sent by requests a page makes on its own, on a timer (notifications/bell.html).
BACKGROUND_HEADER = "X-Staffroom-Poll"
# Refresh the stored timestamp at most this often, so most requests don't write the session.
_TOUCH_EVERY_SECONDS = 60


def idle_limit_seconds(request: HttpRequest) -> int:
    minutes = (
        settings.SHARED_DEVICE_IDLE_MINUTES
        if request.session.get(SHARED_DEVICE_KEY)
        else settings.SESSION_IDLE_MINUTES
    )
    return int(minutes) * 60


# Sent with every sign-out: the browser's cache and the service worker's storage (posts kept
# for offline reading, decision 25) must not outlive the session on a shared ward computer.
CLEAR_SITE_DATA = '"cache", "storage"'


def _sign_out(request: HttpRequest, message: str) -> HttpResponse:
    logout(request)
    messages.info(request, message)
    login_url = redirect_to_login(request.get_full_path()).url
    # The header, not request.htmx: HtmxMiddleware runs after this one (config/settings.py).
    response: HttpResponse = (
        HttpResponseClientRedirect(login_url)
        if request.headers.get("HX-Request") == "true"
        else redirect(login_url)
    )
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


class IdleTimeoutMiddleware:
    """Sign a person out after a period without requests (shorter on shared computers),
    and in any case once a session is SESSION_MAX_AGE_HOURS old, however active."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            signed_in_at = request.session.get(SIGNED_IN_AT_KEY)
            if isinstance(last_seen, int) and now - last_seen > idle_limit_seconds(request):
                minutes = idle_limit_seconds(request) // 60
                return _sign_out(
                    request,
                    _("You were signed out after %(minutes)d minutes without activity.")
                    % {"minutes": minutes},
                )
            if isinstance(signed_in_at, int) and now - signed_in_at > settings.SESSION_COOKIE_AGE:
                hours = settings.SESSION_COOKIE_AGE // 3600
                return _sign_out(
                    request,
                    _("For safety, sessions end after %(hours)d hours. Please sign in again.")
                    % {"hours": hours},
                )
            # A page asking by itself (the notification bell's refresh) is not activity.
            background = request.headers.get(BACKGROUND_HEADER) == "1"
            if not background and (
                not isinstance(last_seen, int) or now - last_seen >= _TOUCH_EVERY_SECONDS
            ):
                request.session[LAST_SEEN_KEY] = now
        response = self.get_response(request)
        # Stamp the session when it is first signed in (the sign-in view has just run).
        if request.user.is_authenticated and SIGNED_IN_AT_KEY not in request.session:
            request.session[SIGNED_IN_AT_KEY] = int(time.time())
        return response


class PreferredLanguageMiddleware:
    """Show the interface in the signed-in person's language (English or Spanish)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and getattr(user, "preferred_language", None):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
