"""Writing the plan happens here, in the Django admin: plans, pillars, initiatives.

Saves go through the services, so the Markdown is rendered the same way as everywhere else
and each new initiative gets its discussion thread.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from staffroom.accounts.forms import refuse_patient_information
from staffroom.strategy.models import Initiative, Pillar, Plan
from staffroom.strategy.services import create_initiative, save_plan, update_initiative


def _refuse_patient_information(form: forms.ModelForm[Any], fields: tuple[str, ...]) -> None:
    """The plan's words are shown to everyone: changed text with possible patient
    information is refused with an error on its field (accounts.forms)."""
    refuse_patient_information(
        {
            name: str(form.cleaned_data.get(name) or "")
            for name in fields
            if name in form.changed_data
        }
    )


class PillarAdminForm(forms.ModelForm[Pillar]):
    class Meta:
        model = Pillar
        fields = ["plan", "title", "summary", "position"]  # the inline leaves out "plan"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _refuse_patient_information(self, ("title", "summary"))
        return cleaned


class PillarInline(admin.TabularInline[Pillar, Plan]):
    model = Pillar
    form = PillarAdminForm
    fields = ["title", "summary", "position"]
    extra = 0


class PlanAdminForm(forms.ModelForm[Plan]):
    class Meta:
        model = Plan
        fields = ["title", "slug", "summary", "body", "starts_on", "ends_on", "is_current"]

    def _get_validation_exclusions(self) -> set[str]:
        # Ticking "current plan" while another plan is current is allowed: save_plan makes
        # this one the only current plan, so the one-current-plan constraint holds on save.
        exclusions: set[str] = super()._get_validation_exclusions()  # type: ignore[misc]  # private in the stubs, stable in Django
        return exclusions | {"is_current"}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _refuse_patient_information(self, ("title", "summary", "body"))
        return cleaned


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin[Plan]):
    form = PlanAdminForm
    list_display = ["title", "slug", "is_current", "starts_on", "ends_on"]
    list_filter = ["is_current"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PillarInline]

    def save_model(self, request: HttpRequest, obj: Plan, form: Any, change: bool) -> None:
        save_plan(plan=obj)


@admin.register(Pillar)
class PillarAdmin(admin.ModelAdmin[Pillar]):
    form = PillarAdminForm
    list_display = ["title", "plan", "position"]
    list_filter = ["plan"]
    search_fields = ["title", "plan__title"]
    list_select_related = ["plan"]


class InitiativeAdminForm(forms.ModelForm[Initiative]):
    class Meta:
        model = Initiative
        fields = [
            "pillar",
            "title",
            "slug",
            "summary",
            "goal",
            "body",
            "owner",
            "status",
            "target_date",
            "position",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _refuse_patient_information(self, ("title", "summary", "goal", "body"))
        return cleaned

    def clean_owner(self) -> Any:
        owner = self.cleaned_data["owner"]
        if owner is not None and not owner.is_active:
            raise forms.ValidationError(_("The owner must be someone who works here now."))
        return owner


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin[Initiative]):
    form = InitiativeAdminForm
    list_display = ["title", "pillar", "owner", "status", "target_date", "response_count"]
    list_filter = ["status", "pillar__plan"]
    search_fields = ["title", "slug", "goal"]
    list_select_related = ["pillar", "owner"]
    autocomplete_fields = ["owner", "pillar"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["response_count"]

    def save_model(self, request: HttpRequest, obj: Initiative, form: Any, change: bool) -> None:
        if change:
            update_initiative(initiative=obj)
            return
        data = form.cleaned_data
        created = create_initiative(
            pillar=data["pillar"],
            title=data["title"],
            slug=data["slug"],
            goal=data["goal"],
            owner=data["owner"],
            summary=data["summary"],
            body=data["body"],
            status=data["status"],
            target_date=data["target_date"],
            position=data["position"],
        )
        # The admin goes on with its own instance (log entry, redirect): make it the saved one.
        obj.pk = created.pk
        obj.thread = created.thread
        obj.body_html = created.body_html
        obj._state.adding = False
        obj._state.db = created._state.db
