"""Abuse limits: how often one person, and one address, may do an action.

A fixed-window counter in the shared cache (Redis in production, the database cache
otherwise), so every app server process counts the same attempts. Apply it to a view with
one line::

    @login_required
    @require_POST
    @rate_limit("vote")
    def vote(request, idea_id): ...

The action's limits come from ``settings.RATE_LIMITS[action]`` (``per_person`` and
``per_ip``, each like ``"30/10m"``, or ``"off"``); docs/decisions/0013-rate-limits.md says why
it works this way and docs/deploy.md lists the variables that set them.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import math
import re
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger(__name__)

View = TypeVar("View", bound=Callable[..., HttpResponse])

SCOPES = ("per_person", "per_ip")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_OFF = {"", "off", "none", "0"}


@dataclass(frozen=True)
class Rate:
    """At most ``limit`` attempts in each window of ``seconds``."""

    limit: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.limit}/{self.seconds}s"


@functools.lru_cache(maxsize=128)
def parse_rate(text: str | None) -> Rate | None:
    """Read ``"30/10m"`` (30 per 10 minutes), ``"5/m"``, ``"100/h"``, ``"1000/d"``, or "off"."""
    if text is None or text.strip().lower() in _OFF:
        return None
    match = _RATE.match(text)
    if match is None:
        raise ImproperlyConfigured(
            f"Rate limit {text!r} is not like '30/10m' (a count, a slash, an optional "
            "number and one of s, m, h, d), or 'off'."
        )
    count, multiple, unit = match.groups()
    seconds = int(multiple or 1) * _UNITS[unit]
    if int(count) < 1 or seconds < 1:
        raise ImproperlyConfigured(f"Rate limit {text!r} must allow at least one attempt.")
    return Rate(limit=int(count), seconds=seconds)


def rates_for(action: str) -> dict[str, Rate]:
    """The configured limits of an action by scope; an unknown action is a programming error."""
    configured: dict[str, dict[str, str]] = settings.RATE_LIMITS
    if action not in configured:
        raise ImproperlyConfigured(f"RATE_LIMITS has no entry for the action {action!r}.")
    rates = {}
    for scope, text in configured[action].items():
        if scope not in SCOPES:
            raise ImproperlyConfigured(f"RATE_LIMITS[{action!r}] has an unknown scope {scope!r}.")
        rate = parse_rate(text)
        if rate is not None:
            rates[scope] = rate
    return rates


def _valid_ip(text: object) -> str | None:
    try:
        return str(ipaddress.ip_address(str(text).strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address limits count against, and django-axes records (AXES_CLIENT_IP_CALLABLE).

    Behind ``TRUSTED_PROXY_COUNT`` proxies, each appends the address it received from to
    X-Forwarded-For, so the client is that many entries from the end; anything further left
    was written by the client and is ignored. With no trusted proxy the header is ignored
    and REMOTE_ADDR counts, so nobody picks a fresh address per request by writing it.
    None when there is no valid address (axes stores it in an address column).
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR"))
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies < 1:
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
    if len(forwarded) < proxies:
        return remote  # not the path through the proxies we were told about
    return _valid_ip(forwarded[-proxies]) or remote


@dataclass(frozen=True)
class Limited:
    """A refused attempt: which action and scope, and how many seconds until it's allowed."""

    action: str
    scope: str
    retry_after: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def _cache() -> BaseCache:
    return caches[getattr(settings, "RATE_LIMIT_CACHE", "default")]


def _count(cache: BaseCache, timeouts: dict[str, int]) -> dict[str, int]:
    """Add one to each key's count and return the counts; a key lives its ``timeout`` seconds.

    Redis: one round trip for every key (a MULTI/EXEC transaction: create the key with its
    window's lifetime when it is new, then INCR), atomic across app servers. The in-process
    cache: ``add`` then ``incr``, atomic too. Caches without a native ``incr`` (the database
    cache) would rewrite the entry with the default timeout, so there the counts are read in
    one query and written back with the window's own timeout: simultaneous attempts may be
    counted once (see the decision record).
    """
    if isinstance(cache, RedisCache):
        return _count_redis(cache, timeouts)
    if type(cache).incr is BaseCache.incr:
        known = cache.get_many(list(timeouts))
        counts = {}
        for key, timeout in timeouts.items():
            if key not in known and cache.add(key, 1, timeout):
                counts[key] = 1
                continue
            counts[key] = int(known.get(key) or cache.get(key) or 0) + 1
            cache.set(key, counts[key], timeout)
        return counts
    return {key: _incr(cache, key, timeout) for key, timeout in timeouts.items()}


def _incr(cache: BaseCache, key: str, timeout: int) -> int:
    if cache.add(key, 1, timeout):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # the entry expired between add and incr
        cache.add(key, 1, timeout)
        return 1


def _count_redis(cache: RedisCache, timeouts: dict[str, int]) -> dict[str, int]:
    names = {key: cache.make_and_validate_key(key) for key in timeouts}
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]  # the client
    with client.pipeline(transaction=True) as pipe:
        for key, timeout in timeouts.items():
            pipe.set(names[key], 0, ex=timeout, nx=True)
            pipe.incr(names[key])
        replies = pipe.execute()
    # Stored as a plain integer, as the cache's own add()/incr() store one.
    return {key: int(replies[2 * i + 1]) for i, key in enumerate(timeouts)}


def _identities(request: HttpRequest) -> dict[str, str]:
    found = {"per_ip": client_ip(request) or "unknown"}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        found["per_person"] = str(user.pk)
    return found


def hit(request: HttpRequest, action: str, *, now: float | None = None) -> Limited | None:
    """Count one attempt at ``action``; say how long to wait when a limit is passed.

    Every scope that applies (the person when signed in, the address always) is counted,
    and the longest wait wins.
    """
    if not getattr(settings, "RATE_LIMITS_ENABLED", True):
        return None
    now = time.time() if now is None else now
    identities = _identities(request)
    windows: dict[str, tuple[str, Rate, int]] = {}  # key → scope, rate, end of its window
    for scope, rate in rates_for(action).items():
        identity = identities.get(scope)
        if identity is None:
            continue
        window = int(now // rate.seconds)
        ends = (window + 1) * rate.seconds
        key = f"ratelimit:{action}:{scope}:{identity}:{rate.seconds}:{window}"
        windows[key] = (scope, rate, ends)
    if not windows:
        return None
    counts = _count(
        _cache(), {key: math.ceil(end - now) + 1 for key, (_s, _r, end) in windows.items()}
    )
    refused: Limited | None = None
    for key, (scope, rate, end) in windows.items():
        if counts[key] > rate.limit:
            wait = max(1, math.ceil(end - now))
            if refused is None or wait > refused.retry_after:
                refused = Limited(action=action, scope=scope, retry_after=wait)
    if refused is not None:
        logger.info("Rate limit reached: %s %s", refused.action, refused.scope)
    return refused


def _back_url(request: HttpRequest) -> str:
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return "/"


def too_many_requests(request: HttpRequest, limited: Limited) -> HttpResponse:
    """HTTP 429 with Retry-After: a page without JavaScript, a notice for htmx.

    htmx requests get a small notice placed at the top of the main area (HX-Retarget and
    HX-Reswap; staffroom.js lets htmx swap a 429), so the form and its text stay as they were.
    """
    context = {"minutes": limited.minutes, "back_url": _back_url(request)}
    if request.headers.get("HX-Request") == "true":
        response = render(request, "429.html#notice", context, status=429)
        response["HX-Retarget"] = "#main"
        response["HX-Reswap"] = "afterbegin"
    else:
        response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(limited.retry_after)
    return response


def rate_limit(
    action: str,
    *,
    methods: Collection[str] = ("POST",),
    when: Callable[[HttpRequest], bool] | None = None,
) -> Callable[[View], View]:
    """Refuse a view with HTTP 429 once ``action``'s limits are passed.

    Only requests whose method is in ``methods`` (and, if given, for which ``when(request)``
    is true) count: opening a form is free, sending it is an attempt. The check runs before
    the view, so nothing the view does (hashing a password, writing a post) happens once limited.
    Put it below ``@login_required`` so attempts count against the signed-in person.
    For a class-based view: ``@method_decorator(rate_limit("sign_in"), name="dispatch")``.
    """
    rates_for(action)  # an unknown action fails at import, not on the first request
    allowed = {method.upper() for method in methods}

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in allowed and (when is None or when(request)):
                limited = hit(request, action)
                if limited is not None:
                    return too_many_requests(request, limited)
            return view(request, *args, **kwargs)

        return cast(View, wrapped)

    return decorator
