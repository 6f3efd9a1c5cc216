"""Turning an OutboundEmail row into words, at delivery time.

Each EmailKind registers one renderer. It returns the subject, plain-text and HTML bodies and
what one-click unsubscribe turns off; or None when there is nothing to say any more (the
notification's subject was hidden, the digest is empty), and the row is cancelled, not sent.

Templates extend `mail/base.html` (blocks: `title`, `preheader`, `content`) and
`mail/base.txt` (block: `content`); the base templates add the footer with the unsubscribe
and preferences links, so every email has them. Context every template receives:
`person`, `site_url`, `unsubscribe_url`, `preferences_url`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from staffroom.mail.models import OutboundEmail


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    # A staffroom.notifications.preferences scope: "digest", a Notification.Kind, or "all".
    unsubscribe_scope: str


Renderer = Callable[["OutboundEmail"], RenderedEmail | None]
RENDERERS: dict[str, Renderer] = {}


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    def register(function: Renderer) -> Renderer:
        RENDERERS[kind] = function
        return function

    return register
