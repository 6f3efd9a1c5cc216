"""The search page."""

from __future__ import annotations

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from staffroom.channels.models import Channel
from staffroom.core.http import AuthenticatedRequest
from staffroom.core.ratelimit import rate_limit
from staffroom.search import queries
from staffroom.search.forms import SearchForm

TEMPLATE = "search/search_results.html"
# Bump when the form's template changes, so no server shows a form cached before a deploy.
FORM_CACHE_VERSION = 1
FORM_CACHE_SECONDS = 60 * 60


@login_required
@rate_limit("search", methods=["GET"], when=lambda request: bool(request.GET.get("q")))
def search(request: AuthenticatedRequest) -> HttpResponse:
    channels = queries.channel_choices()
    form = SearchForm(request.GET or None, channels=channels)
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
    if not context["has_errors"]:
        context["form_html"] = _form_html(form, channels)
    return render(request, TEMPLATE, context, status=400 if context["has_errors"] else 200)


def _form_html(form: SearchForm, channels: list[Channel]) -> SafeString:
    """The search form as HTML, cached: rendering its widgets (a choice of every channel)
    costs more than the search. It shows nothing about the person, only what was asked, the
    channels and the language, and those are the key, so a renamed or new channel, another
    language or other words are another entry (never a stale form). Only for a form without
    errors: errors are rendered in the page as usual."""
    asked = tuple(str(form.data.get(name, "")) for name in form.fields) if form.is_bound else ()
    state = (FORM_CACHE_VERSION, get_language(), asked, [(c.pk, c.name) for c in channels])
    key = "search:form:" + hashlib.sha256(repr(state).encode()).hexdigest()
    html: str | None = cache.get(key)
    if html is None:
        html = render_to_string(f"{TEMPLATE}#search-form", {"form": form, "has_errors": False})
        cache.set(key, html, FORM_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308  # rendered by our template, which escapes its input
