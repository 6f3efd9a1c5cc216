from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from staffroom.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ["id", "recipient", "kind", "actor", "thread", "created_at", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient", "actor"]
    raw_id_fields = ["recipient", "actor", "thread", "comment"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
