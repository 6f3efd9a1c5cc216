"""Request types for views, so mypy knows what middleware has attached."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from staffroom.accounts.models import Person


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedRequest(HtmxRequest):
    """A request behind @login_required: its user is a Person, never anonymous."""

    user: Person  # narrower than HttpRequest's union, on purpose
