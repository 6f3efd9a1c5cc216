"""What every email template receives, and rendering an email's two parts.

A renderer (staffroom.mail.rendering) calls `render_parts("mail/notification", email=…,
scope=…, context={…})`: it renders `mail/notification.txt` and `mail/notification.html`, both
extending the base templates that add the footer (the unsubscribe link for `scope` and the
link to the person's email settings). Call it inside the recipient's language
(`OutboundEmail.deliver` does).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from staffroom.mail.unsubscribe import absolute, unsubscribe_url

if TYPE_CHECKING:
    from staffroom.mail.models import OutboundEmail


def preferences_url() -> str:
    return absolute(reverse("notifications:settings"))


def base_context(email: OutboundEmail, *, scope: str) -> dict[str, Any]:
    return {
        "person": email.recipient,
        "site_url": settings.SITE_URL.rstrip("/"),
        "unsubscribe_url": unsubscribe_url(email.recipient_id, scope),
        "preferences_url": preferences_url(),
    }


def render_parts(
    name: str, *, email: OutboundEmail, scope: str, context: dict[str, Any]
) -> tuple[str, str]:
    """(plain text, HTML) of the templates `<name>.txt` and `<name>.html`."""
    full = {**base_context(email, scope=scope), **context}
    text = render_to_string(f"{name}.txt", full)
    html = render_to_string(f"{name}.html", full)
    return _tidy_text(text), html


def _tidy_text(text: str) -> str:
    """Template tags leave blank lines behind: keep at most one in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept) + "\n"
