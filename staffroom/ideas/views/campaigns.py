"""Campaigns (leadership's challenges, their boards and results) and the measured impact of
implemented ideas.

Every view checks who may act (ideas.permissions) before calling a service; a refused form
comes back with what was typed, and nothing is changed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from staffroom.core.http import AuthenticatedRequest
from staffroom.ideas import queries
from staffroom.ideas import queries_campaigns as campaign_queries
from staffroom.ideas.campaigns import campaign_invites
from staffroom.ideas.forms_campaigns import CampaignForm, ImpactForm
from staffroom.ideas.models import Campaign, Contributor, Idea, Impact, Status
from staffroom.ideas.permissions import (
    can_manage_campaigns,
    check_manage_campaigns,
    check_review_idea,
)
from staffroom.ideas.queries import SORTS, BoardFilters
from staffroom.ideas.services.campaigns import save_campaign
from staffroom.ideas.services.impact import record_impact
from staffroom.ideas.tally import attach_live_counts
from staffroom.ideas.views.board import SORT_LABELS

ROWS = "ideas/_idea_rows.html"


def _apply_error(form: Form, error: ValidationError) -> None:
    """A service's refusal onto the form: per field where the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Campaigns ----------------------------------------------------------------------------------


@login_required
def campaign_list(request: AuthenticatedRequest) -> HttpResponse:
    cursor = request.GET.get("cursor") or None
    lists = campaign_queries.campaign_list(viewer=request.user, cursor=cursor)
    context = {"lists": lists, "can_manage": can_manage_campaigns(request.user)}
    if request.htmx and not request.htmx.history_restore_request and cursor:
        response = render(request, "ideas/campaign_list.html#closed-rows", context)
    else:
        response = render(request, "ideas/campaign_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _render_campaign_form(
    request: AuthenticatedRequest, form: CampaignForm, campaign: Campaign | None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "ideas/campaign_form.html",
        {"form": form, "campaign": campaign},
        status=status,
    )


def _save_campaign_form(request: AuthenticatedRequest, campaign: Campaign | None) -> HttpResponse:
    form = CampaignForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_campaign(editor=request.user, campaign=campaign, **form.campaign_fields())
        except ValidationError as error:
            _apply_error(form, error)
        else:
            messages.success(
                request,
                _("The campaign is saved.") if campaign else _("The campaign is set up."),
            )
            return redirect(saved)
    return _render_campaign_form(
        request, form, campaign, status=400 if request.method == "POST" else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: AuthenticatedRequest) -> HttpResponse:
    check_manage_campaigns(request.user)
    return _save_campaign_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    campaign = campaign_queries.get_campaign_or_404(slug)
    check_manage_campaigns(request.user)
    return _save_campaign_form(request, campaign)


@login_required
def campaign_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    me = request.user
    campaign = campaign_queries.get_campaign_or_404(slug)
    sort = request.GET.get("sort", "")
    sort = sort if sort in SORTS else "top"
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    cursor = request.GET.get("cursor") or None
    page = queries.board_page(
        viewer=me,
        sort=sort,
        filters=BoardFilters(campaign_id=campaign.pk, status=status),
        cursor=cursor,
    )
    attach_live_counts(page.items)  # exact at once, votes not yet folded included
    params = {"status": status} if status else {}
    context: dict[str, Any] = {
        "campaign": campaign,
        "page": page,
        "voted_ids": queries.voted_ids(me, page.items),
        "sort": sort,
        "status": status,
        "status_label": Status(status).label if status else "",
        "sorts": [(key, SORT_LABELS[key], urlencode({**params, "sort": key})) for key in SORTS],
        "query_string": urlencode({**params, "sort": sort}),
        "next": request.get_full_path(),
    }
    if request.htmx and not request.htmx.history_restore_request and cursor:
        response = render(request, ROWS, {**context, "focus_first": True})
    else:
        is_open = campaign.is_open()
        context.update(
            {
                "is_open": is_open,
                "invites_me": is_open and campaign_invites(campaign, me),
                "audience": campaign_queries.campaign_audience(campaign),
                "can_manage": can_manage_campaigns(me),
            }
        )
        response = render(request, "ideas/campaign_detail.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def campaign_results(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    campaign = campaign_queries.get_campaign_or_404(slug)
    closed = campaign.has_closed()
    # Before it closes the page says when the results come, and shows none.
    groups = campaign_queries.campaign_results(campaign=campaign) if closed else []
    # The last votes may not be folded yet (decision 0029): the counts shown are live.
    attach_live_counts(idea for group in groups for idea in group.ideas)
    return render(
        request,
        "ideas/campaign_results.html",
        {
            "campaign": campaign,
            "closed": closed,
            "groups": groups,
            "can_manage": can_manage_campaigns(request.user),
        },
    )


# --- Impact -------------------------------------------------------------------------------------


def _impact_context(idea: Idea) -> tuple[Impact | None, list[Contributor]]:
    impact = Impact.objects.filter(idea_id=idea.pk).first()
    contributors = list(
        Contributor.objects.filter(idea_id=idea.pk).select_related("person").order_by("id")
    )
    return impact, contributors


@login_required
@require_http_methods(["GET", "POST"])
def impact(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record (or correct) what an implemented idea changed, measured, and who is credited."""
    me = request.user
    idea = queries.get_idea_or_404(me, pk)
    check_review_idea(me, idea)
    implemented = idea.status == Status.IMPLEMENTED and idea.merged_into_id is None
    current, contributors = _impact_context(idea)
    if not implemented:
        # Nothing to record yet: the page says why, and a sent form changes nothing.
        return render(
            request,
            "ideas/impact_form.html",
            {"idea": idea, "implemented": False, "impact": current},
            status=409 if request.method == "POST" else 200,
        )
    if request.method == "POST":
        form = ImpactForm(request.POST)
        if form.is_valid():
            try:
                record_impact(idea=idea, recorder=me, **form.impact_fields())
            except ValidationError as error:
                _apply_error(form, error)
            else:
                messages.success(
                    request,
                    _("The impact is recorded. The author and everyone credited are told."),
                )
                return redirect(f"{idea.get_absolute_url()}#impact")
    else:
        form = ImpactForm(impact=current, contributors=contributors)
    return render(
        request,
        "ideas/impact_form.html",
        {"idea": idea, "implemented": True, "impact": current, "form": form},
        status=400 if form.is_bound else 200,
    )
