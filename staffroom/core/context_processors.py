"""Template context every page needs: the main navigation, with only live links."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
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


def navigation(request: HttpRequest) -> dict[str, object]:
    base: dict[str, object] = {
        "organisation_name": settings.ORGANISATION_NAME or _("our organisation")
    }
    if not request.user.is_authenticated:
        return {**base, "nav_items": []}
    # Capabilities appear here as they are built; nothing links to a page that doesn't exist.
    items = [
        NavItem(_("Home"), reverse("channels:feed")),
        NavItem(_("Channels"), reverse("channels:channel_list"), also=("/posts/", "/tags/")),
        NavItem(_("Plan"), reverse("strategy:plan_current"), also=("/initiatives/",)),
        NavItem(_("Ideas"), reverse("ideas:board")),
        NavItem(_("Events"), reverse("events:list")),
        NavItem(_("People"), reverse("organisation:directory")),
        NavItem(_("Departments"), reverse("organisation:department_index"), also=("/units/",)),
    ]
    if is_administrator(request.user):
        items.append(
            NavItem(_("Administration"), reverse("organisation:import_list"), also=("/system/",))
        )
    if can_review_holds(request.user):  # PHI guard (issue 4): privacy officers and admins
        items.append(NavItem(_("Privacy review"), reverse("privacy:queue")))
    if can_view_audit(request.user):  # audit trail (issue 4): privacy officers and admins
        items.append(NavItem(_("Audit trail"), reverse("audit:list")))
    if can_manage_screens(request.user):  # break-room screens (issue 6): communications
        items.append(NavItem(_("Screens"), reverse("kiosk:screen_list")))
    current = next((item for item in items if item.is_current(request.path)), None)
    return {**base, "nav_items": items, "nav_current": current}
