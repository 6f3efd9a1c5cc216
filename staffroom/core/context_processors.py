"""Template context every page needs: the main navigation, with only live links, and the
addresses the layout links to (worked out once per process: reverse() on every page was a
good share of what the layout cost)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from staffroom.accounts.permissions import is_administrator
from staffroom.audit.permissions import can_view_audit
from staffroom.kiosk.permissions import can_manage_screens
from staffroom.privacy.permissions import can_review_holds


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    # Other address prefixes that belong to this section (a unit page is under Departments).
    also: tuple[str, ...] = ()

    def is_current(self, path: str) -> bool:
        if self.url == "/":
            return path == "/"
        return any(path.startswith(prefix) for prefix in (self.url, *self.also))


# What the header, footer and bell link to, by URL name: {{ layout_urls.channels__feed }}.
LAYOUT_URL_NAMES = (
    "channels:feed",
    "accounts:logout",
    "search:search",
    "organisation:me",
    "notifications:list",
    "notifications:bell",
)


@functools.cache
def _urls(where: tuple[str, object]) -> dict[str, str]:
    """The layout's addresses (fixed for a process, given the script prefix and URLconf)."""
    del where  # the cache key (script prefix, URLconf): reverse() reads them itself
    return {name.replace(":", "__"): reverse(name) for name in LAYOUT_URL_NAMES}


@functools.cache
def _everyone_items(where: tuple[str, object]) -> tuple[NavItem, ...]:
    """The sections every signed-in person sees (labels translate when rendered)."""
    del where
    # Capabilities appear here as they are built; nothing links to a page that doesn't exist.
    return (
        NavItem(_("Home"), reverse("channels:feed")),
        NavItem(_("Channels"), reverse("channels:channel_list"), also=("/posts/", "/tags/")),
        NavItem(_("Plan"), reverse("strategy:plan_current"), also=("/initiatives/",)),
        NavItem(_("Ideas"), reverse("ideas:board")),
        NavItem(_("Events"), reverse("events:list")),
        NavItem(_("People"), reverse("organisation:directory")),
        NavItem(_("Departments"), reverse("organisation:department_index"), also=("/units/",)),
    )


@functools.cache
def _role_items(where: tuple[str, object]) -> dict[str, NavItem]:
    del where
    return {
        "admin": NavItem(
            _("Administration"), reverse("organisation:import_list"), also=("/system/",)
        ),
        "privacy": NavItem(_("Privacy review"), reverse("privacy:queue")),
        "audit": NavItem(_("Audit trail"), reverse("audit:list")),
        "screens": NavItem(_("Screens"), reverse("kiosk:screen_list")),
    }


def navigation(request: HttpRequest) -> dict[str, object]:
    where = (get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    base: dict[str, object] = {
        "organisation_name": settings.ORGANISATION_NAME or _("our organisation"),
        "layout_urls": _urls(where),
    }
    if not request.user.is_authenticated:
        return {**base, "nav_items": []}
    items = list(_everyone_items(where))
    by_role = _role_items(where)
    if is_administrator(request.user):
        items.append(by_role["admin"])
    if can_review_holds(request.user):  # PHI guard (issue 4): privacy officers and admins
        items.append(by_role["privacy"])
    if can_view_audit(request.user):  # audit trail (issue 4): privacy officers and admins
        items.append(by_role["audit"])
    if can_manage_screens(request.user):  # break-room screens (issue 6): communications
        items.append(by_role["screens"])
    current = next((item for item in items if item.is_current(request.path)), None)
    return {**base, "nav_items": items, "nav_current": current}
