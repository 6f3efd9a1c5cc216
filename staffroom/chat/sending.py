"""One POST of a card to a webhook, with the standard library: no redirects, a short timeout,
and every answer turned into the outbox's verdicts (`TryLater`, `GiveUp`) with a message an
editor understands.

- 2xx: delivered.
- 429, 5xx, a timeout, a refused or broken connection: try later (429's and 503's
  `Retry-After` is honoured, as `RetryAt`).
- 401, 403, 404, 410: the address is gone or revoked (`AddressGone`): give up, and the hook is
  paused at once.
- Any other 4xx or 3xx: give up this card.

TLS certificates are checked against the system's authorities, or the bundle named by the
`CHAT_WEBHOOK_CA_BUNDLE` setting (a self-hosted chat server with an internal authority; the
tests' local receiver).
"""

from __future__ import annotations

import json
import socket
import ssl
import urllib.error
import urllib.request
from datetime import timedelta
from email.message import Message
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from staffroom.jobs.outbox import GiveUp, TryLater

TIMEOUT_SECONDS = 5
# A Retry-After longer than this is not waited for: the card would be stale.
LONGEST_RETRY_AFTER = timedelta(hours=1)
GONE_STATUSES = frozenset({401, 403, 404, 410})


class RetryAt(TryLater):  # a verdict, like TryLater
    """The service asked to wait (429/503 with Retry-After)."""

    def __init__(self, message: str, *, wait: timedelta) -> None:
        super().__init__(message)
        self.wait = wait


class AddressGone(GiveUp):
    """The webhook no longer exists or was revoked: nothing sent to it will arrive."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A webhook that redirects is refused, never followed (the host was checked, not the
    place it redirects to)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _tls_context() -> ssl.SSLContext:
    bundle = getattr(settings, "CHAT_WEBHOOK_CA_BUNDLE", "") or None
    return ssl.create_default_context(cafile=bundle)


def _retry_after(headers: Message | None) -> timedelta | None:
    value = (headers.get("Retry-After") if headers is not None else None) or ""
    if value.strip().isdigit():
        return min(timedelta(seconds=int(value.strip())), LONGEST_RETRY_AFTER)
    return None


def _said(body: bytes) -> str:
    """The first words of the service's answer (Slack answers "no_service", "invalid_token"):
    short, single-line, for the editor and the administrators' list."""
    text = body[:200].decode("utf-8", errors="replace")
    return " ".join(text.split())[:100]


def post_json(url: str, payload: dict[str, Any], *, service: str) -> None:
    """POST `payload` to `url`. Returns when the service accepted it; raises TryLater, RetryAt,
    GiveUp or AddressGone otherwise. `service` names it in messages ("Slack")."""
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310  # the scheme is checked: https only
        url,
        data=data,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Staffroom chat webhooks",
        },
    )
    opener = urllib.request.build_opener(
        _NoRedirects(), urllib.request.HTTPSHandler(context=_tls_context())
    )
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            response.read(1000)
            return
    except urllib.error.HTTPError as error:
        status = error.code
        said = _said(error.read() if error.fp is not None else b"")
        retry_after = _retry_after(error.headers)
    except TimeoutError as error:
        raise TryLater(
            _("%(service)s didn't answer within %(seconds)d seconds.")
            % {"service": service, "seconds": TIMEOUT_SECONDS},
            session_broken=True,
        ) from error
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, ssl.SSLCertVerificationError):
            raise GiveUp(
                _("%(service)s's certificate could not be verified (%(detail)s).")
                % {"service": service, "detail": reason.verify_message or reason}
            ) from error
        if isinstance(reason, TimeoutError | socket.timeout):
            raise TryLater(
                _("%(service)s didn't answer within %(seconds)d seconds.")
                % {"service": service, "seconds": TIMEOUT_SECONDS},
                session_broken=True,
            ) from error
        raise TryLater(
            _("Couldn't reach %(service)s (%(detail)s).") % {"service": service, "detail": reason},
            session_broken=True,
        ) from error
    except OSError as error:  # a connection reset mid-answer, and the like
        raise TryLater(
            _("The connection to %(service)s broke (%(detail)s).")
            % {"service": service, "detail": error},
            session_broken=True,
        ) from error
    _judge(status, said, retry_after, service)


def _judge(status: int, said: str, retry_after: timedelta | None, service: str) -> None:
    words = {"service": service, "status": status, "said": said or "-"}
    if status == 429 or status >= 500:
        message = _("%(service)s answered %(status)d (%(said)s); trying again later.") % words
        if retry_after is not None:
            raise RetryAt(message, wait=retry_after)
        raise TryLater(message)
    if status in GONE_STATUSES:
        raise AddressGone(
            _(
                "%(service)s says this webhook address no longer exists or was revoked "
                "(%(status)d, %(said)s). Create a new incoming webhook and connect it again."
            )
            % words
        )
    if 300 <= status < 400:
        raise GiveUp(
            _(
                "%(service)s answered with a redirect (%(status)d); webhook addresses that "
                "redirect are not followed. Check the address."
            )
            % words
        )
    raise GiveUp(_("%(service)s refused the card (%(status)d, %(said)s).") % words)
