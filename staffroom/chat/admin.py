"""Administrators see hooks and their state, never their secret addresses."""

from __future__ import annotations

from django.contrib import admin

from staffroom.chat.models import ChatHook


@admin.register(ChatHook)
class ChatHookAdmin(admin.ModelAdmin[ChatHook]):
    list_display = ("name", "kind", "channel", "paused_at", "consecutive_failures")
    list_filter = ("kind",)
    exclude = ("url",)
    readonly_fields = (
        "channel",
        "kind",
        "created_by",
        "paused_at",
        "paused_reason",
        "consecutive_failures",
        "last_delivered_at",
        "last_error",
        "last_error_at",
    )

    def has_add_permission(self, request: object) -> bool:
        return False  # connected from the channel's page, where the address is checked
