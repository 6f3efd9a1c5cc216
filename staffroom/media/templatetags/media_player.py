"""The video player for templates: `{% video_player video as player %}` and durations.

`media/_player.html` is included with a `video` (`{% include "media/_player.html" with
video=post.video %}`); a view that already built the `player` (media.queries.player) puts it
in the context and the tag reuses it, otherwise the tag builds it for the signed-in reader.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils import translation

from staffroom.media import queries
from staffroom.media.models import Video

register = template.Library()


@register.simple_tag(takes_context=True)
def video_player(context: template.Context, video: Video | None) -> queries.Player | None:
    """The Player of `video` for the person the page is for (None: nothing to play yet)."""
    if video is None:
        return None
    built = context.get("player")
    if isinstance(built, queries.Player) and built.video_id == video.pk:
        return built
    request = context.get("request")
    viewer = getattr(request, "user", None)
    language = translation.get_language() or settings.LANGUAGE_CODE
    return queries.player(video, viewer=viewer, language=language)


@register.filter
def video_duration(seconds: Any) -> str:
    """1:12 (or 1:02:03) from a number of seconds."""
    return queries.duration_text(float(seconds)) if seconds is not None else ""


@register.filter
def video_duration_iso(seconds: Any) -> str:
    """PT1M12S, for <time datetime>."""
    return queries.duration_iso(float(seconds)) if seconds is not None else ""


@register.filter
def video_poster_url(video: Video | None) -> str:
    """The poster's (versioned) address, or "" when there is none."""
    return queries.poster_url(video) if video is not None else ""
