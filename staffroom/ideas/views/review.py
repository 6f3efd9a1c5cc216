"""The review part of the idea box: the reviewers' queue, answering an idea (with or without
a new status), merging a duplicate, and leadership's response times.

Every view checks who may act (ideas.permissions) before it reads or writes anything: an
idea the person may not see is a 404, one outside their review scope a 403 with the reason.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form, NumberInput
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from staffroom.core.http import AuthenticatedRequest
from staffroom.ideas import queries_review as queries
from staffroom.ideas.forms_review import MergeForm, MergeSearchForm, ResponseForm
from staffroom.ideas.models import Idea
from staffroom.ideas.permissions import (
    can_see_idea,
    can_see_idea_stats,
    check_review_idea,
    check_reviewer,
    check_see_idea_stats,
)
from staffroom.ideas.services.reviewing import merge_ideas, respond
from staffroom.ideas.tally import attach_live_counts

TEMPLATE = "ideas/review.html"
# The merge form shares the page with the response form: its fields get their own ids.
MERGE_PREFIX = "merge"

TAB_LABELS = {
    queries.QueueTab.WAITING: gettext_lazy("Waiting for a first response"),
    queries.QueueTab.OVERDUE: gettext_lazy("Overdue"),
    queries.QueueTab.OPEN: gettext_lazy("Answered, still open"),
}


@login_required
@require_GET
def review_queue(request: AuthenticatedRequest) -> HttpResponse:
    check_reviewer(request.user)
    cursor = request.GET.get("cursor") or None
    page = queries.review_queue(viewer=request.user, tab=request.GET.get("tab", ""), cursor=cursor)
    attach_live_counts(row.idea for row in page.rows)  # reviewers see every vote, folded or not
    context = {
        "page": page,
        "tabs": [(tab, TAB_LABELS[tab]) for tab in queries.QueueTab.ALL],
        "counted_up_to": queries.COUNTED_UP_TO,
        "promise_days": settings.IDEAS_FIRST_RESPONSE_DAYS,
        "can_see_stats": can_see_idea_stats(request.user),
    }
    if request.htmx and cursor:
        response = render(request, "ideas/review_queue.html#rows", context)
    else:
        response = render(request, "ideas/review_queue.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _idea_to_review(request: AuthenticatedRequest, pk: int) -> Idea:
    """The idea, if the person may see it (else 404) and review it (else 403)."""
    idea = (
        Idea.objects.select_related(
            "department__site", "category", "campaign", "thread", "author", "merged_into"
        )
        .filter(pk=pk)
        .first()
    )
    if idea is None or not can_see_idea(request.user, idea):
        raise Http404
    check_review_idea(request.user, idea)
    return idea


def _add_service_error(form: Form, error: ValidationError) -> None:
    """Put a service's refusal on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _page(
    request: AuthenticatedRequest,
    idea: Idea,
    *,
    response_form: ResponseForm | None = None,
    search_form: MergeSearchForm | None = None,
    merge_form: MergeForm | None = None,
    survivor: Idea | None = None,
) -> dict[str, Any]:
    if search_form is None:
        search_form = MergeSearchForm(request.GET or None)
    candidates: list[Idea] = []
    if search_form.is_bound and search_form.is_valid():
        candidates = queries.merge_candidates(
            viewer=request.user, duplicate=idea, words=search_form.cleaned_data["q"]
        )
    attach_live_counts([idea, *candidates, *([survivor] if survivor else [])])
    return {
        "idea": idea,
        "responses": queries.timeline(idea),
        "response_form": response_form or ResponseForm(idea=idea),
        "search_form": search_form,
        "searched": bool(search_form.is_bound and search_form.data.get("q", "").strip()),
        "candidates": candidates,
        "survivor": survivor,
        "merge_form": merge_form,
        "can_answer": idea.is_shown,
    }


@login_required
@require_http_methods(["GET", "POST"])
def review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The review page; a POST answers the idea (and may change its status)."""
    idea = _idea_to_review(request, pk)
    if idea.merged_into_id is not None and request.method == "GET":
        messages.info(request, _("This idea was merged into another: review that one instead."))
        return redirect("ideas:review", pk=idea.merged_into_id)
    form = ResponseForm(request.POST or None, idea=idea)
    if request.method == "POST" and form.is_valid():
        status = form.cleaned_data["status"] or None
        try:
            respond(
                idea=idea,
                reviewer=request.user,
                message=form.cleaned_data["message"],
                status=status,
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            idea.refresh_from_db()
            if status:
                messages.success(
                    request,
                    _("Your response is on the idea, and its status is now “%(status)s”.")
                    % {"status": idea.get_status_display()},
                )
            else:
                messages.success(request, _("Your response is on the idea's timeline."))
            if request.htmx:
                return HttpResponseClientRedirect(idea.get_absolute_url())
            return redirect(idea)
    context = _page(request, idea, response_form=form)
    if request.htmx and request.method == "POST":
        return render(request, f"{TEMPLATE}#respond-form", context)
    return render(request, TEMPLATE, context)


def _survivor_id(raw: str | None) -> int | None:
    """An idea's number as typed, or None. ASCII digits only: `str.isdigit` also accepts
    "²", which `int` refuses."""
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None


def _merged_message(duplicate: Idea) -> str:
    return _(
        "“%(duplicate)s” is merged into this idea: its votes, followers and comments are here now."
    ) % {"duplicate": duplicate.title}


@login_required
@require_http_methods(["GET", "POST"])
def merge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Merge this idea into the one it repeats: find it (GET `q`), confirm both side by side
    (GET `survivor`), then POST `survivor` and a note."""
    idea = _idea_to_review(request, pk)
    wanted = _survivor_id(
        request.POST.get(f"{MERGE_PREFIX}-survivor")
        if request.method == "POST"
        else request.GET.get("survivor")
    )
    if idea.merged_into_id is not None:
        if request.method == "POST" and wanted == idea.merged_into_id:
            # The same merge sent twice: it is done, as the first request said.
            messages.success(request, _merged_message(idea))
            target = reverse("ideas:idea", kwargs={"pk": idea.merged_into_id})
            return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
        messages.info(request, _("This idea has already been merged into another."))
        return redirect("ideas:review", pk=idea.merged_into_id)
    survivor = (
        queries.merge_target(viewer=request.user, duplicate=idea, survivor_id=wanted)
        if wanted is not None
        else None
    )
    merge_form = MergeForm(
        request.POST or None,
        initial={"survivor": survivor.pk if survivor else None},
        prefix=MERGE_PREFIX,
    )
    if request.method == "POST" and merge_form.is_valid():
        if survivor is None:
            merge_form.add_error(
                "survivor",
                _(
                    "That idea can't be chosen: it isn't shown, is this idea itself, or isn't "
                    "in your review scope. Give the number of another idea, or search below."
                ),
            )
        else:
            try:
                merge_ideas(
                    duplicate=idea,
                    survivor=survivor,
                    reviewer=request.user,
                    message=merge_form.cleaned_data["message"],
                )
            except ValidationError as error:
                _add_service_error(merge_form, error)
            else:
                messages.success(request, _merged_message(idea))
                if request.htmx:
                    return HttpResponseClientRedirect(survivor.get_absolute_url())
                return redirect(survivor)
    elif wanted is not None and survivor is None:
        messages.error(
            request,
            _(
                "Idea %(number)s can't be chosen: it isn't shown, is this idea itself, or "
                "isn't in your review scope."
            )
            % {"number": wanted},
        )
    if survivor is None and merge_form.is_bound:
        # No idea to show beside the note: ask for its number, the note kept as typed.
        merge_form.fields["survivor"].widget = NumberInput()
    search_form = MergeSearchForm(request.GET if "q" in request.GET else None)
    context = _page(
        request,
        idea,
        search_form=search_form,
        merge_form=merge_form if survivor is not None or merge_form.is_bound else None,
        survivor=survivor,
    )
    if request.htmx:
        return render(request, f"{TEMPLATE}#merge-section", context)
    return render(request, TEMPLATE, context)


@login_required
@require_GET
def response_times(request: AuthenticatedRequest) -> HttpResponse:
    check_see_idea_stats(request.user)
    return render(
        request,
        "ideas/response_times.html",
        {"times": queries.response_times(), "queue_url": reverse("ideas:review_queue")},
    )
