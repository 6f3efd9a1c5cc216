"""Hooks for `make bench` (scripts/bench_http.py), off unless the benchmark switches them on.

- The framework floor: `/bench/floor/<name>` answers a signed-in person with the bytes of a
  page captured earlier (`BENCH_FLOOR_DIR/<name>.html`), through every middleware a real page
  goes through (session, authentication, CSRF, CSP, language…). A page's requests per second
  divided by its floor's is the share of the server's time the page's own work leaves.
- `X-Queries`: how many SQL statements a response ran, so the benchmark reads a page's query
  count from the production server itself.

Neither exists in production: the URL is only routed, and the middleware only installed,
when the benchmark's environment variables are set.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

_NAME = re.compile(r"^[a-z0-9-]{1,60}$")


@cache
def _floor_bytes(name: str) -> bytes | None:
    path = Path(settings.BENCH_FLOOR_DIR) / f"{name}.html"
    try:
        return path.read_bytes()
    except OSError:
        return None


@require_safe
@login_required
def floor(request: HttpRequest, name: str) -> HttpResponse:
    """The same bytes as the page `name`, as a constant: no queries of its own, no template."""
    content = _floor_bytes(name) if _NAME.match(name) else None
    if content is None:
        raise Http404
    # The person is loaded, as every page loads them (session and user lookups count).
    request.user.get_username()
    return HttpResponse(content, content_type="text/html; charset=utf-8")


class QueryCountHeaderMiddleware:
    """Adds `X-Queries: <n>` to every response (installed only for the benchmark)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counter(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connections["default"].execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Queries"] = str(count)
        return response
