"""Idea categories in the technical admin: administrators only (issue 5: "administrators can
edit the list").

A category in use is never deleted — old ideas keep theirs — so deleting is off for
everyone: untick "offered for new ideas" to retire one. Names and descriptions are shown to
everyone, so the PHI guard refuses patient information in them. Django's admin log keeps who
changed what; the audit trail has no category action (see the report of issue 5).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from staffroom.accounts.forms import refuse_patient_information
from staffroom.accounts.permissions import is_administrator
from staffroom.ideas.models import Category


class CategoryAdminForm(forms.ModelForm[Category]):
    class Meta:
        model = Category
        fields = ["name", "slug", "description", "position", "is_active", "reviewers"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        refuse_patient_information(
            {
                name: str(cleaned.get(name) or "")
                for name in ("name", "description")
                if name in self.changed_data
            }
        )
        return cleaned


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    form = CategoryAdminForm
    list_display = ["name", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ["reviewers"]
    ordering = ["position", "name"]

    # Administrators of the whole organisation only, whatever Django permissions say.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user)  # type: ignore[arg-type]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user)  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user)  # type: ignore[arg-type]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user)  # type: ignore[arg-type]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Retire a category (untick "offered for new ideas"); ideas keep theirs.
        return False
