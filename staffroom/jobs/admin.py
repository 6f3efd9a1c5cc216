from django.contrib import admin

from staffroom.jobs.models import PeriodicRun


@admin.register(PeriodicRun)
class PeriodicRunAdmin(admin.ModelAdmin[PeriodicRun]):
    list_display = ("name", "slot", "enqueued_at")
    list_filter = ("name",)
    ordering = ("-slot",)
