from django.contrib import admin

from staffroom.events.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    """Read-only: events are set up and cancelled through Staffroom's own pages, where the
    service keeps the sequence and the audit trail right."""

    list_display = ("title", "kind", "starts_at", "ends_at", "cancelled_at", "sequence")
    list_filter = ("kind",)
    search_fields = ("title",)
    date_hierarchy = "starts_at"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
