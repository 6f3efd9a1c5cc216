"""{% unread_notifications as count %} for the header: one indexed query and one cache read
per page (notifications.queries.cached_unread_count)."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from staffroom.notifications.queries import UNREAD_SHOWN_UP_TO, cached_unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: Any) -> str:
    """The signed-in person's unread count as shown: "", "3" or "99+". Memoised per request."""
    return shown_unread_count(context.get("request"))


def shown_unread_count(request: HttpRequest | None) -> str:
    """unread_notifications for a request: worked out the first time, remembered after."""
    user = getattr(request, "user", None)
    if request is None or not getattr(user, "is_authenticated", False):
        return ""
    shown: str | None = getattr(request, "_unread_notifications", None)
    if shown is None:
        count = cached_unread_count(user)  # type: ignore[arg-type]  # signed in: a Person
        shown = (
            ""
            if not count
            else f"{UNREAD_SHOWN_UP_TO}+"
            if count > UNREAD_SHOWN_UP_TO
            else str(count)
        )
        request._unread_notifications = shown  # type: ignore[attr-defined]  # per-request memo
    return shown
