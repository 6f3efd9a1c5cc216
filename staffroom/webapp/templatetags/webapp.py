"""`{% webapp_head %}`: the installable app's lines in the <head> of every signed-in page."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from staffroom.channels.models import Post
from staffroom.webapp.manifest import APPLE_TOUCH_ICON, THEME_COLOR
from staffroom.webapp.offline import viewer_key
from staffroom.webapp.permissions import can_keep_offline_copy

register = template.Library()


@register.inclusion_tag("webapp/head.html", takes_context=True)
def webapp_head(context: template.Context) -> dict[str, Any]:
    """The manifest link, theme colour and icon; and, for the service worker, who is signed in
    and whether this page may be kept for reading offline (only a post page the person reads).

    Pages rendered without a request (the plain error pages) say nothing about the viewer, so
    the worker neither keeps nor forgets anything because of them.
    """
    request: HttpRequest | None = context.get("request")
    viewer: str | None = None
    keep = False
    if request is not None:
        user = request.user
        viewer = viewer_key(user) if user.is_authenticated else ""
        match = request.resolver_match
        post = context.get("post")
        keep = bool(
            viewer
            and match is not None
            and match.view_name == "channels:post"
            and isinstance(post, Post)
            and can_keep_offline_copy(user, post)
        )
    return {
        "theme_color": THEME_COLOR,
        "apple_touch_icon": APPLE_TOUCH_ICON.path,
        "viewer": viewer,
        "keep_offline": keep,
    }
