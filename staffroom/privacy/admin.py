"""Organisation identifier patterns in the technical admin: administrators only, audited.

A pattern runs on every text people write, so the form refuses regexes that could backtrack
badly (detector.unsafe_reason) as well as invalid ones. Holds are not here: they are worked
from the privacy queue, where every view is audited.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from staffroom.accounts.models import Person
from staffroom.accounts.permissions import is_administrator
from staffroom.audit.models import AuditAction
from staffroom.audit.services import record_audit
from staffroom.privacy.detector import unsafe_reason
from staffroom.privacy.detector.org import KIND_SHAPE
from staffroom.privacy.models import PrivacyPattern


class PrivacyPatternForm(forms.ModelForm[PrivacyPattern]):
    class Meta:
        model = PrivacyPattern
        fields = ["name", "kind", "pattern", "is_active"]

    def clean_kind(self) -> str:
        kind = str(self.cleaned_data["kind"]).strip()
        if not KIND_SHAPE.fullmatch(kind):
            raise forms.ValidationError(
                _("Use lower-case letters, digits and underscores, starting with a letter.")
            )
        return kind

    def clean_pattern(self) -> str:
        pattern = str(self.cleaned_data["pattern"])
        reason = unsafe_reason(pattern)
        if reason:
            raise forms.ValidationError(
                _("This pattern can't be used: %(reason)s."), params={"reason": reason}
            )
        return pattern


def _actor(request: HttpRequest) -> Person | None:
    return request.user if isinstance(request.user, Person) else None


def _audit(request: HttpRequest, pattern_id: int, verb: str, *, active: bool) -> None:
    record_audit(
        actor=_actor(request),
        action=AuditAction.PATTERN_CHANGED,
        target=("privacy.privacypattern", pattern_id),
        summary=f"Organisation pattern {pattern_id} {verb}",
        data={"pattern": pattern_id, "change": verb, "active": active},
        request=request,
    )


@admin.register(PrivacyPattern)
class PrivacyPatternAdmin(admin.ModelAdmin[PrivacyPattern]):
    form = PrivacyPatternForm
    list_display = ["name", "kind", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    readonly_fields = ["created_by", "created_at", "updated_at"]

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
        return is_administrator(request.user)  # type: ignore[arg-type]

    @transaction.atomic
    def save_model(
        self, request: HttpRequest, obj: PrivacyPattern, form: Any, change: bool
    ) -> None:
        if not change:
            obj.created_by = _actor(request)
        super().save_model(request, obj, form, change)
        _audit(request, obj.pk, "changed" if change else "created", active=obj.is_active)

    @transaction.atomic
    def delete_model(self, request: HttpRequest, obj: PrivacyPattern) -> None:
        pattern_id, active = obj.pk, obj.is_active
        super().delete_model(request, obj)
        _audit(request, pattern_id, "deleted", active=active)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[PrivacyPattern]) -> None:
        deleted = list(queryset.values_list("pk", "is_active"))
        super().delete_queryset(request, queryset)
        for pattern_id, active in deleted:
            _audit(request, pattern_id, "deleted", active=active)
