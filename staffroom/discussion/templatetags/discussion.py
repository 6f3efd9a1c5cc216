"""{{ discussion.comment_list|for_viewer:csrf_token }}: the cached comment list, as this
viewer sees it (see discussion.rendering)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from staffroom.discussion.rendering import PersonalList

register = template.Library()


@register.filter
def for_viewer(comment_list: PersonalList | None, csrf_token: Any) -> SafeString | str:
    if comment_list is None:
        return ""
    return comment_list.as_html(csrf_token)
