"""Screens in the technical admin: read-only. Adding one, changing its address and switching
it off go through the communications team's pages (/screens/), which show the secret once
and audit each change."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from staffroom.kiosk.models import Screen


@admin.register(Screen)
class ScreenAdmin(admin.ModelAdmin[Screen]):
    list_display = ["name", "site", "department", "last_seen_at", "revoked_at"]
    list_select_related = ["site", "department__site"]
    readonly_fields = ["name", "site", "department", "language", "last_seen_at", "revoked_at"]
    exclude = ["token_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
