"""Template tags of events: the calendar feed's addresses for the feed settings page."""

from __future__ import annotations

from django import template

from staffroom.channels.models import FeedToken
from staffroom.events.ics import calendar_feed_url, webcal_url

register = template.Library()


@register.simple_tag
def calendar_addresses(token: FeedToken | None) -> dict[str, str]:
    """The https and webcal:// addresses of the calendar feed behind `token` (none: {})."""
    if token is None:
        return {}
    return {"https": calendar_feed_url(token.token), "webcal": webcal_url(token.token)}
