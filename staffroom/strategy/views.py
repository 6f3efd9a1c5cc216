"""The strategic plan: the plan, its initiatives, staff answers and leadership's results."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from staffroom.core.http import AuthenticatedRequest
from staffroom.discussion.queries import thread_context
from staffroom.media.queries import player as video_player
from staffroom.strategy import queries
from staffroom.strategy.forms import InitiativeAnswerForm, InitiativeStatusForm
from staffroom.strategy.models import Initiative, InitiativeResponse, Plan
from staffroom.strategy.permissions import (
    can_update_initiative_status,
    can_view_initiative_results,
    can_view_plan_results,
    check_answer_initiative,
    check_update_initiative_status,
    check_view_initiative_results,
    check_view_plan_results,
)
from staffroom.strategy.services import answer_initiative, update_initiative_status
from staffroom.strategy.subjects import subject_for


def _render_plan(request: AuthenticatedRequest, plan: Plan | None) -> HttpResponse:
    context: dict[str, Any] = {
        "plan": plan,
        "can_view_results": can_view_plan_results(request.user),
    }
    if plan is not None:
        context["sections"] = queries.plan_page(plan=plan, viewer=request.user)
    return render(request, "strategy/plan_detail.html", context)


@login_required
def plan_current(request: AuthenticatedRequest) -> HttpResponse:
    return _render_plan(request, queries.get_current_plan())


@login_required
def plan_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    return _render_plan(request, queries.get_plan_or_404(slug))


@login_required
def plan_results(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    plan = queries.get_plan_or_404(slug)
    check_view_plan_results(request.user)
    return render(
        request,
        "strategy/plan_results.html",
        {
            "plan": plan,
            "sections": queries.plan_results(plan=plan),
            "min_group_size": queries.min_group_size(),
        },
    )


def _answer_box(
    initiative: Initiative,
    response: InitiativeResponse | None,
    form: InitiativeAnswerForm | None = None,
) -> dict[str, Any]:
    """What the answer box shows: the form (the current answer chosen) and the answer itself."""
    if form is None:
        initial = (
            {"understanding": response.understanding, "support": response.support}
            if response
            else {}
        )
        form = InitiativeAnswerForm(initial=initial)
    return {"initiative": initiative, "answer_form": form, "my_response": response}


def _discussion(request: AuthenticatedRequest, initiative: Initiative) -> dict[str, Any]:
    return thread_context(
        viewer=request.user,
        thread=initiative.thread,
        subject=subject_for(initiative),
        cursor=request.GET.get("cursor"),
    )


def _render_initiative(
    request: AuthenticatedRequest,
    initiative: Initiative,
    *,
    answer_form: InitiativeAnswerForm | None = None,
    status_form: InitiativeStatusForm | None = None,
    status: int = 200,
) -> HttpResponse:
    viewer = request.user
    response = queries.viewer_response(initiative=initiative, viewer=viewer)
    updates = queries.progress_updates(initiative=initiative, viewer=viewer)
    # The newest of these updates that has a ready video gets a player above them.
    video_update = next((p for p in updates if p.video is not None and p.video.is_ready), None)
    context = {
        **_answer_box(initiative, response, answer_form),
        "status_form": status_form or InitiativeStatusForm(initial={"status": initiative.status}),
        "can_update_status": can_update_initiative_status(viewer, initiative),
        "can_view_results": can_view_initiative_results(viewer, initiative),
        "updates": updates,
        "video_update": video_update,
        "player": video_player(video_update.video, viewer=viewer, language=get_language())
        if video_update is not None
        else None,
        "staff_ideas": queries.initiative_ideas(initiative=initiative),
        "discussion": _discussion(request, initiative),
    }
    return render(request, "strategy/initiative_detail.html", context, status=status)


@login_required
def initiative_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    return _render_initiative(request, queries.get_initiative_or_404(slug))


@login_required
@require_POST
def initiative_answer(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    initiative = queries.get_initiative_or_404(slug)
    check_answer_initiative(request.user, initiative)
    form = InitiativeAnswerForm(request.POST)
    if form.is_valid():
        try:
            response = answer_initiative(
                initiative=initiative,
                person=request.user,
                understanding=form.cleaned_data["understanding"],
                support=form.cleaned_data["support"],
            )
        except ValidationError as error:
            form.add_error(None, error)
    if not form.is_valid():
        if request.htmx:
            # 200 so that htmx swaps the box in: the errors are in it. Nothing was stored.
            previous = queries.viewer_response(initiative=initiative, viewer=request.user)
            return render(
                request,
                "strategy/initiative_detail.html#answer-box",
                _answer_box(initiative, previous, form),
            )
        return _render_initiative(request, initiative, answer_form=form, status=400)
    if request.htmx:
        return render(
            request,
            "strategy/initiative_detail.html#answer-box",
            {**_answer_box(initiative, response), "just_saved": True},
        )
    messages.success(request, _("Thank you. Your answer is saved."))
    return redirect(f"{initiative.get_absolute_url()}#answer-box")


@login_required
@require_POST
def initiative_status(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    initiative = queries.get_initiative_or_404(slug)
    check_update_initiative_status(request.user, initiative)
    form = InitiativeStatusForm(request.POST)
    if form.is_valid():
        update_initiative_status(
            initiative=initiative, by=request.user, status=form.cleaned_data["status"]
        )
        if request.htmx:
            return render(
                request,
                "strategy/initiative_detail.html#status-box",
                {
                    "initiative": initiative,
                    "status_form": InitiativeStatusForm(initial={"status": initiative.status}),
                    "can_update_status": True,
                    "status_saved": True,
                },
            )
        messages.success(
            request,
            _("The status is now “%(status)s”.") % {"status": initiative.get_status_display()},
        )
        return redirect(initiative)
    if request.htmx:
        return render(
            request,
            "strategy/initiative_detail.html#status-box",
            {"initiative": initiative, "status_form": form, "can_update_status": True},
        )
    return _render_initiative(request, initiative, status_form=form, status=400)


@login_required
def initiative_results(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    initiative = queries.get_initiative_or_404(slug)
    check_view_initiative_results(request.user, initiative)
    results = queries.initiative_results(initiative=initiative)
    overall_questions = (
        []
        if results.overall.is_hidden
        else [
            (_("I understand what this initiative is for"), results.overall.understanding),
            (_("I support it"), results.overall.support),
        ]
    )
    return render(
        request,
        "strategy/initiative_results.html",
        {
            "initiative": initiative,
            "results": results,
            "overall_questions": overall_questions,
            "can_view_plan_results": can_view_plan_results(request.user),
        },
    )
