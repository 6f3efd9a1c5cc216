"""{% held_comments discussion.thread %}: the viewer's own comments held by the PHI guard in
this discussion, each in a panel only they see (one query when there are none)."""

from __future__ import annotations

from typing import Any

from django import template

from staffroom.core.models import Visibility
from staffroom.discussion.models import Comment, Thread
from staffroom.privacy.queries import HeldItem, open_holds_for

register = template.Library()


def own_held_comments(viewer: Any, thread: Thread) -> list[HeldItem]:
    if not getattr(viewer, "is_authenticated", False) or thread is None:
        return []
    comments = list(
        Comment.objects.filter(
            thread=thread, author=viewer, visibility=Visibility.HELD, deleted_at__isnull=True
        ).order_by("created_at", "id")
    )
    return open_holds_for(author=viewer, kind_key="comment", objects=comments)


@register.inclusion_tag("discussion/held_comments.html", takes_context=True)
def held_comments(context: template.Context, thread: Thread, next_url: str = "") -> dict[str, Any]:
    request = context.get("request")
    viewer = getattr(request, "user", None)
    return {
        "held_items": own_held_comments(viewer, thread),
        "next": f"{next_url}#held-comments" if next_url else "",
        "csrf_token": context.get("csrf_token"),
    }
