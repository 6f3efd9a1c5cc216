"""Moderation records in the technical admin: readable, changed only through the pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from staffroom.moderation.models import Flag, FlaggedItem, ModerationAction, Suspension


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]  # shared by four models
    """Every change goes through moderation.services, so it is audited and told."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FlaggedItem)
class FlaggedItemAdmin(_ReadOnly):
    list_display = ["item_kind", "item_id", "state", "open_flags", "privacy_flags", "opened_at"]
    list_filter = ["state", "item_kind"]


@admin.register(Flag)
class FlagAdmin(_ReadOnly):
    list_display = ["item_kind", "item_id", "flagged_by", "reason", "status", "created_at"]
    list_filter = ["status", "reason"]
    list_select_related = ["flagged_by"]


@admin.register(ModerationAction)
class ModerationActionAdmin(_ReadOnly):
    list_display = ["action", "subject", "moderator", "item_kind", "item_id", "created_at"]
    list_filter = ["action"]
    list_select_related = ["subject", "moderator"]


@admin.register(Suspension)
class SuspensionAdmin(_ReadOnly):
    list_display = ["person", "starts", "ends", "lifted_at", "by"]
    list_select_related = ["person", "by"]
