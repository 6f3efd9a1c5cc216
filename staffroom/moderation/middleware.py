"""Suspended people can read but not write.

Every state-changing request (POST, PUT, PATCH, DELETE) from a person with a suspension in
force is refused with a 403 page saying until when and why, before the view runs — so no
view needs to remember. A few requests stay allowed: those that only look after the
person's own session and settings, or hand them their own data (ALLOWED_URL_NAMES).

The check runs in process_view, after the CSRF check (CsrfViewMiddleware is earlier in
MIDDLEWARE), so a forged request is still refused as forged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from staffroom.moderation.queries import request_suspension

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# From staffroom/core/tests/test_url_safety.py's list: signing in and out, passwords,
# language, marking notifications read, downloading one's own data.
ALLOWED_URL_NAMES = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "accounts:password_change",
        "accounts:password_change_done",
        "accounts:my_data",
        "set_language",
        "notifications:mark_read",
        "notifications:open",
        # Turning emails off is never refused, signed in or from an email's link.
        "notifications:settings",
        "mail:unsubscribe",
    }
)
TEMPLATE = "moderation/suspended.html"


class SuspensionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if request.method not in WRITE_METHODS:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ALLOWED_URL_NAMES:
            return None
        suspension = request_suspension(request)
        if suspension is None:
            return None
        response = render(request, TEMPLATE, {"suspension": suspension}, status=403)
        if request.headers.get("HX-Request") == "true":
            # htmx doesn't swap a 403: send the page itself to the explanation instead.
            response["HX-Redirect"] = reverse("moderation:suspended")
        return response
