"""The search page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from staffroom.core.http import AuthenticatedRequest
from staffroom.core.ratelimit import rate_limit
from staffroom.search import queries
from staffroom.search.forms import SearchForm


@login_required
@rate_limit("search", methods=["GET"], when=lambda request: bool(request.GET.get("q")))
def search(request: AuthenticatedRequest) -> HttpResponse:
    form = SearchForm(request.GET or None, channels=queries.channel_choices())
    results = None
    if form.is_bound and form.is_valid() and form.text():
        results = queries.search(
            viewer=request.user,
            text=form.text(),
            filters=form.filters(),
            cursor=request.GET.get("cursor"),
        )
    context = {
        "form": form,
        "results": results,
        "query_string": form.query_string(),
        "search_query": request.GET.get("q", "")[:200],
        "has_errors": form.is_bound and not form.is_valid(),
    }
    if request.htmx and request.GET.get("cursor"):
        # "More results": only the next hits, focus on the first new one.
        return render(request, "search/search_results.html#more", {**context, "focus_first": True})
    if request.htmx:
        return render(request, "search/search_results.html#results", context)
    return render(
        request,
        "search/search_results.html",
        context,
        status=400 if context["has_errors"] else 200,
    )
