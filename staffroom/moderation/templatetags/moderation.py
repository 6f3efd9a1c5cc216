"""{% safety_links obj %}: Flag, Moderate and Mark as patient information for one item, as
the signed-in viewer may use them."""

from __future__ import annotations

from typing import Any

from django import template

from staffroom.core.items import kind_of
from staffroom.core.models import Visibility
from staffroom.moderation import links
from staffroom.moderation.permissions import is_moderator, is_privacy_officer, is_published_item

register = template.Library()


@register.inclusion_tag("moderation/_safety_links.html", takes_context=True)
def safety_links(context: template.Context, obj: Any) -> dict[str, Any]:
    request = context.get("request")
    viewer = getattr(request, "user", None)
    if viewer is None or not viewer.is_authenticated:
        return {}
    kind = kind_of(obj)
    own = kind.author_id(obj) == viewer.pk
    visible = getattr(obj, "visibility", Visibility.VISIBLE) == Visibility.VISIBLE
    privacy = is_privacy_officer(viewer) and visible
    # Drafts and scheduled posts (shown to their channel's editors) are not moderated.
    published = is_published_item(obj)
    moderate = is_moderator(viewer) and published
    return {
        "verbose_name": kind.verbose_name,
        "flag_url": links.flag_url(kind.key, obj.pk) if visible and published and not own else None,
        "moderate_url": links.moderate_url(kind.key, obj.pk) if moderate else None,
        "mark_phi_url": links.mark_phi_url(kind.key, obj.pk) if privacy else None,
    }


@register.simple_tag(takes_context=True)
def viewer_suspension(context: template.Context) -> Any:
    """The signed-in viewer's suspension in force, or None (read once per request): pages
    show a notice instead of a form they would refuse anyway."""
    from staffroom.moderation.queries import request_suspension

    request = context.get("request")
    return request_suspension(request) if request is not None else None
