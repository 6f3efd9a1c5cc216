"""The board's template helpers: {{ idea|votes_closed_reason }} says why votes on an idea are
closed ("" when they are open), with the voting service's own words, so a page never offers
a button the service would refuse; {{ value|plain_number }} writes a measured value plainly."""

from __future__ import annotations

from decimal import Decimal

from django import template

from staffroom.ideas.models import Idea
from staffroom.ideas.services.voting import VoteRefusedError, check_votes_open

register = template.Library()


@register.filter
def votes_closed_reason(idea: Idea) -> str:
    """No query when the idea's campaign is already loaded (the board and page join it)."""
    try:
        check_votes_open(idea)
    except VoteRefusedError as refused:
        return str(refused)
    return ""


@register.filter
def plain_number(value: Decimal | None) -> str:
    """6.50 → "6.5", 100.00 → "100": a measured value as people write it."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")
