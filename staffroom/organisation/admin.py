from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from staffroom.organisation.models import Department, DirectoryImport, JobFamily, Site, Unit
from staffroom.organisation.services import move_unit


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin[Site]):
    list_display = ["name", "code", "city"]
    search_fields = ["name", "code"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ["name", "code", "site", "people_count"]
    list_filter = ["site"]
    search_fields = ["name", "code"]
    list_select_related = ["site"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ["name", "code", "department", "people_count"]
    autocomplete_fields = ["department"]

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        if change and "department" in form.changed_data:
            move_unit(unit=obj, department=obj.department)
        else:
            super().save_model(request, obj, form, change)

    list_filter = ["department__site"]
    search_fields = ["name", "code"]
    list_select_related = ["department__site"]


@admin.register(JobFamily)
class JobFamilyAdmin(admin.ModelAdmin[JobFamily]):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(DirectoryImport)
class DirectoryImportAdmin(admin.ModelAdmin[DirectoryImport]):
    list_display = ["file_name", "status", "uploaded_by", "created_at", "row_count"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in DirectoryImport._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
