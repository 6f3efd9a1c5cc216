from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from staffroom.accounts.forms import PersonChangeForm, PersonCreationForm
from staffroom.accounts.models import Person, RoleGrant
from staffroom.audit.models import AuditAction  # audit trail (issue 4)
from staffroom.audit.services import record_audit  # audit trail (issue 4)
from staffroom.organisation.services import recount_people


class RoleGrantInline(admin.TabularInline[RoleGrant, Person]):
    model = RoleGrant
    fk_name = "person"
    extra = 0
    autocomplete_fields = ["site", "department"]
    readonly_fields = ["granted_by"]


def _audit_role(request: HttpRequest, grant: RoleGrant, action: AuditAction, *, new: bool) -> None:
    """Audit trail (issue 4): every role change made in the technical admin."""
    scope = (
        f"department {grant.department_id}"
        if grant.department_id
        else f"site {grant.site_id}"
        if grant.site_id
        else "whole organisation"
    )
    verb = "revoked" if action == AuditAction.ROLE_REVOKED else "granted" if new else "changed"
    record_audit(
        actor=request.user if isinstance(request.user, Person) else None,
        action=action,
        target=("accounts.person", grant.person_id),
        summary=f"Role {grant.role} {verb} for person {grant.person_id} ({scope})",
        data={
            "grant": grant.pk,
            "role": grant.role,
            "site": grant.site_id,
            "department": grant.department_id,
        },
        request=request,
    )


@admin.register(Person)
class PersonAdmin(UserAdmin):  # type: ignore[type-arg]  # UserAdmin is generic only in stubs
    form = PersonChangeForm
    add_form = PersonCreationForm
    list_display = ["username", "display_name", "employee_id", "job_title", "unit", "is_active"]
    list_filter = ["is_active", "job_family", "department__site"]
    search_fields = ["username", "employee_id", "first_name", "last_name", "email"]
    ordering = ["sort_name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit", "manager", "job_family"]
    inlines = [RoleGrantInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            "Person",
            {
                "fields": (
                    "first_name",
                    "last_name",
                    "preferred_name",
                    "email",
                    "employee_id",
                    "job_title",
                    "job_family",
                    "unit",
                    "manager",
                    "shift_pattern",
                    "preferred_language",
                    "photo",
                )
            },
        ),
        ("Status", {"fields": ("is_active", "left_on", "is_staff", "is_superuser")}),
    )

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # A person joining, leaving or moving changes the stored counts on unit pages.
        if {"is_active", "unit"} & set(form.changed_data) or not change:
            recount_people()

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Record who granted each new role (the technical admin is one place roles change)."""
        grants = formset.save(commit=False)
        for grant in grants:
            is_new = grant.pk is None
            if isinstance(grant, RoleGrant) and grant.pk is None:
                grant.granted_by = request.user
            grant.save()
            if isinstance(grant, RoleGrant):
                _audit_role(request, grant, AuditAction.ROLE_GRANTED, new=is_new)
        for removed in formset.deleted_objects:
            if isinstance(removed, RoleGrant):
                _audit_role(request, removed, AuditAction.ROLE_REVOKED, new=False)
            removed.delete()
        formset.save_m2m()

    add_fieldsets = (
        (None, {"fields": ("username", "first_name", "last_name", "password1", "password2")}),
    )
