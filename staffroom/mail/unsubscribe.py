"""One-click unsubscribe links: who and what, signed, so they work without signing in.

The token is the person's id and a scope (staffroom.notifications.preferences: "digest", a
Notification.Kind, or "all"), signed with the secret key and a salt of its own. It carries no
expiry: RFC 8058 expects an unsubscribe link to work as long as the email is read, and all it
can do is turn emails off. Rotating SECRET_KEY (with SECRET_KEY_FALLBACKS) keeps old links
working until the fallback is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from staffroom.notifications.models import Notification
from staffroom.notifications.preferences import UNSUBSCRIBE_ALL, UNSUBSCRIBE_DIGEST

SALT = "staffroom.mail.unsubscribe"


@dataclass(frozen=True)
class Unsubscribe:
    person_id: int
    scope: str


def is_scope(scope: str) -> bool:
    return scope in (UNSUBSCRIBE_DIGEST, UNSUBSCRIBE_ALL) or scope in Notification.Kind.values


def make_token(person_id: int, scope: str) -> str:
    if not is_scope(scope):
        raise ValueError(f"Unknown unsubscribe scope {scope!r}")
    return signing.Signer(salt=SALT).sign_object([person_id, scope])


def read_token(token: str) -> Unsubscribe | None:
    """The link's person and scope, or None when the token is forged, damaged or unknown."""
    try:
        value = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError, UnicodeDecodeError):
        return None
    if not (isinstance(value, list) and len(value) == 2):
        return None
    person_id, scope = value
    if not isinstance(person_id, int) or not isinstance(scope, str) or not is_scope(scope):
        return None
    return Unsubscribe(person_id=person_id, scope=scope)


def unsubscribe_url(person_id: int, scope: str) -> str:
    path = reverse("mail:unsubscribe", kwargs={"token": make_token(person_id, scope)})
    return absolute(path)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def kind_labels() -> dict[str, str]:
    """What a link for each kind of notification turns off, in the current language. Every
    Notification.Kind needs one (a test holds it to that)."""
    return {
        Notification.Kind.MENTION: _("mentions of you"),
        Notification.Kind.REPLY: _("replies to you"),
        Notification.Kind.REACTION: _("reactions to what you wrote"),
        Notification.Kind.MODERATION: _("moderators' decisions about what you wrote"),
        Notification.Kind.PRIVACY: _("privacy reviews of what you wrote"),
        Notification.Kind.REVEAL: _("revealed anonymous authors"),
        Notification.Kind.IDEA_UPDATE: _("updates on ideas you proposed, voted for or follow"),
        Notification.Kind.IDEA_TO_REVIEW: _("new ideas waiting for your review"),
        Notification.Kind.CHANNEL_POST: _("new posts in channels you follow"),
        Notification.Kind.CHAT_HOOK_PAUSED: _("chat rooms you look after that stop working"),
    }


def scope_label(scope: str) -> str:
    """What the link turns off, for "Stop emails about …?" (in the current language)."""
    if scope == UNSUBSCRIBE_DIGEST:
        return _("your daily or weekly digest")
    if scope == UNSUBSCRIBE_ALL:
        return _("anything: no digest and no immediate emails")
    label = kind_labels().get(scope)
    if label is None and scope in Notification.Kind.values:
        # A kind added without a label above: its own name reads better than its code.
        label = str(Notification.Kind(scope).label)
    return str(label if label is not None else scope)
