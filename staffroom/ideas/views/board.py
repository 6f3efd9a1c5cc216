"""The board, the idea page, voting and following, and the implemented wall.

Every page works without JavaScript (links, GET forms, POST then redirect); with htmx the
board swaps its results, "Show more" appends, and the vote and follow buttons swap in place.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from staffroom.core.http import AuthenticatedRequest
from staffroom.core.models import Visibility
from staffroom.core.ratelimit import rate_limit
from staffroom.discussion import queries as discussion_queries
from staffroom.ideas import queries
from staffroom.ideas.models import Idea, Status
from staffroom.ideas.permissions import can_edit_idea, can_review_idea, can_see_idea
from staffroom.ideas.queries import SORTS, BoardFilters
from staffroom.ideas.services import voting
from staffroom.ideas.services.reading import record_idea_view
from staffroom.ideas.subjects import subject_for
from staffroom.ideas.tally import attach_live_counts

SORT_LABELS = {
    "top": gettext_lazy("Most votes"),
    "trending": gettext_lazy("Trending"),
    "newest": gettext_lazy("Newest"),
    "updated": gettext_lazy("Recently updated"),
}


class BoardFilterForm(forms.Form):
    """The board's filters, read from the address. Anything unknown is ignored (the board
    shows everything) rather than refused: these are links people share."""

    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *Status.choices],
    )
    category = forms.TypedChoiceField(
        label=gettext_lazy("Category"), required=False, coerce=int, empty_value=None
    )
    department = forms.TypedChoiceField(
        label=gettext_lazy("Department"), required=False, coerce=int, empty_value=None
    )
    campaign = forms.TypedChoiceField(
        label=gettext_lazy("Campaign"), required=False, coerce=int, empty_value=None
    )
    mine = forms.BooleanField(label=gettext_lazy("Only my ideas"), required=False)
    following = forms.BooleanField(
        label=gettext_lazy("Only ideas I follow or voted for"), required=False
    )

    def __init__(self, *args: Any, choices: queries.BoardChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("category", _("Any category"), choices.categories)
        self._choices("department", _("Any department"), choices.departments)
        self._choices("campaign", _("Any campaign"), choices.campaigns)

    def _choices(self, name: str, empty: str, options: list[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.TypedChoiceField)
        pairs = [o if isinstance(o, tuple) else (o.pk, str(o)) for o in options]
        field.choices = [("", empty), *((str(pk), label) for pk, label in pairs)]

    def filters(self) -> BoardFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return BoardFilters(
            status=data.get("status") or "",
            category_id=data.get("category"),
            department_id=data.get("department"),
            campaign_id=data.get("campaign"),
            mine=bool(data.get("mine")),
            following=bool(data.get("following")),
        )


def _sort(request: AuthenticatedRequest) -> str:
    sort = request.GET.get("sort", "")
    return sort if sort in SORTS else "top"


def _filter_params(form: BoardFilterForm) -> dict[str, str]:
    """The valid filters, as address parameters (for sort links and "Show more")."""
    if not form.is_valid():
        return {}
    params: dict[str, str] = {}
    for name, value in form.cleaned_data.items():
        if value is True:
            params[name] = "on"
        elif value not in (None, "", False):
            params[name] = str(value)
    return params


ROWS = "ideas/_idea_rows.html"
FILTERS = "ideas/board.html#filters"


def _raw_filters(request: AuthenticatedRequest) -> dict[str, list[str]]:
    """What the filter form shows depends on: its fields' values and the sort, as given."""
    names = [*BoardFilterForm.base_fields, "sort"]
    return {name: request.GET.getlist(name) for name in names if name in request.GET}


@login_required
def board(request: AuthenticatedRequest) -> HttpResponse:
    me = request.user
    choices, filters_key, filters_html = queries.board_filters(_raw_filters(request))
    form = BoardFilterForm(request.GET, choices=choices)
    sort = _sort(request)
    cursor = request.GET.get("cursor") or None
    page = queries.board_page(viewer=me, sort=sort, filters=form.filters(), cursor=cursor)
    attach_live_counts(page.items)  # exact at once, votes not yet folded included
    params = _filter_params(form)
    context: dict[str, Any] = {
        "form": form,
        "sort": sort,
        "sorts": [(key, SORT_LABELS[key], urlencode({**params, "sort": key})) for key in SORTS],
        "page": page,
        "voted_ids": queries.voted_ids(me, page.items),
        "query_string": urlencode({**params, "sort": sort}),
        "filtered": bool(params),
        "next": request.get_full_path(),
    }
    htmx = request.htmx
    if htmx and not htmx.history_restore_request and cursor:
        response = render(request, ROWS, {**context, "focus_first": True})
    elif htmx and not htmx.history_restore_request and htmx.target == "idea-results":
        response = render(request, "ideas/board.html#results", {**context, "fragment": True})
    else:
        if filters_html is None:
            filters_html = render_to_string(FILTERS, context, request)
            queries.store_board_filters(filters_key, filters_html)
        context["filters_html"] = mark_safe(filters_html)  # noqa: S308  # our template's output
        response = render(request, "ideas/board.html", context)
    # The same address answers a page or a fragment: caches must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def implemented(request: AuthenticatedRequest) -> HttpResponse:
    cursor = request.GET.get("cursor") or None
    page = queries.implemented_wall(cursor)
    attach_live_counts(page.items)
    context = {"page": page, "voted_ids": set(), "query_string": ""}
    if request.htmx and not request.htmx.history_restore_request and cursor:
        response = render(request, ROWS, {**context, "focus_first": True, "wall": True})
    else:
        response = render(request, "ideas/implemented.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _discussion(request: AuthenticatedRequest, idea: Idea) -> dict[str, Any]:
    """The idea's discussion, exactly as posts and initiatives show theirs."""
    return {
        "discussion": discussion_queries.thread_context(
            viewer=request.user,
            thread=idea.thread,
            subject=subject_for(idea),
            cursor=request.GET.get("cursor"),
        ),
        "backlinks": discussion_queries.backlinks_for(viewer=request.user, thread=idea.thread),
    }


def _record_withheld_page_viewed(request: AuthenticatedRequest, idea: Idea) -> None:
    """The page shows the idea's words: someone other than its author reading those of a
    removed (or held) idea is audited, as for posts and the idea's files. A privacy officer
    on a held idea with an open hold is audited once, by the held banner
    (ideas/_held_idea.html, items.held_idea_for), not twice."""
    from staffroom.ideas.items import IDEA_KIND
    from staffroom.privacy.exposure import record_withheld_viewed
    from staffroom.privacy.models import PrivacyHold
    from staffroom.privacy.permissions import can_review_holds

    me = request.user
    if idea.visibility == Visibility.VISIBLE or idea.author_id == me.pk:
        return
    if (
        idea.visibility == Visibility.HELD
        and can_review_holds(me)
        and PrivacyHold.objects.filter(
            item_kind=IDEA_KIND, item_id=idea.pk, status__in=PrivacyHold.OPEN
        ).exists()
    ):
        return
    record_withheld_viewed(obj=idea, viewer=me, request=request)


@login_required
def idea_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    me = request.user
    idea = queries.get_idea_or_404(me, pk)
    if idea.merged_into_id is not None:
        survivor = voting.surviving_idea(idea)
        return redirect(f"{survivor.get_absolute_url()}#merged-{idea.pk}")
    record_idea_view(idea=idea, person=me)
    _record_withheld_page_viewed(request, idea)
    extra = queries.idea_page(viewer=me, idea=idea)
    attach_live_counts([idea])
    context: dict[str, Any] = {
        "idea": idea,
        "responses": extra.responses,
        "impact": extra.impact,
        "contributors": extra.contributors,
        "merged_ideas": extra.merged_ideas,
        "has_voted": extra.has_voted,
        "following": extra.follows,
        "can_review": can_review_idea(me, idea),
        "can_edit": can_edit_idea(me, idea),
        "is_author": idea.author_id == me.pk,
    }
    if idea.is_shown:
        # An idea nobody else sees has no discussion yet.
        context.update(_discussion(request, idea))
    return render(request, "ideas/idea_detail.html", context)


def _safe_next(request: AuthenticatedRequest) -> str | None:
    wanted = request.POST.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return None


@login_required
@require_POST
@rate_limit("vote")
def vote(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Vote (`action=vote`) or take it back (`action=withdraw`). A merged idea's vote goes to
    the idea that absorbed it; a refused vote says why and changes nothing."""
    me = request.user
    idea = queries.get_idea_or_404(me, pk)
    action = request.POST.get("action")
    if action not in ("vote", "withdraw"):
        return HttpResponseBadRequest(_("Choose to vote or to take your vote back."))
    error = ""
    fallback = ""
    try:
        if action == "vote":
            idea = voting.vote(idea=idea, person=me)
        else:
            idea = voting.withdraw_vote(idea=idea, person=me)
    except voting.VoteRefusedError as refused:
        error = str(refused)
        survivor = voting.surviving_idea(idea)
        # The idea a merged duplicate lives on in, if this person may see it; if not (held,
        # say), the button of the idea they asked about: never one they can't see.
        if can_see_idea(me, survivor):
            idea = survivor
        elif survivor.pk != idea.pk:
            fallback = reverse("ideas:board")  # the duplicate's page leads to the survivor
        attach_live_counts([idea])  # a counted vote's idea comes back with its live count
    has_voted = voting.has_voted(me, idea)
    if request.htmx:
        context = {
            "idea": idea,
            "has_voted": has_voted,
            "vote_error": error,
            "vote_done": "" if error else action,
        }
        return render(request, "ideas/_vote_button.html", context)
    if error:
        messages.error(request, error)
    elif action == "vote":
        messages.success(request, _("Thank you: your vote is counted."))
    else:
        messages.success(request, _("Your vote is taken back."))
    return redirect(_safe_next(request) or fallback or idea.get_absolute_url())


@login_required
@require_POST
def follow(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Follow (`action=follow`) or stop (`action=unfollow`): told of every response."""
    me = request.user
    idea = queries.get_idea_or_404(me, pk)
    action = request.POST.get("action")
    if action not in ("follow", "unfollow"):
        return HttpResponseBadRequest(_("Choose to follow or to stop following."))
    error = ""
    if action == "follow" and not voting.surviving_idea(idea).is_shown:
        error = _("You can follow this idea once it is on the board.")
    elif action == "follow":
        voting.follow_idea(idea=idea, person=me)
    else:
        voting.unfollow_idea(idea=idea, person=me)
    idea = voting.surviving_idea(idea)
    following = idea.follows.filter(person_id=me.pk).exists()
    if request.htmx:
        context = {
            "idea": idea,
            "following": following,
            "follow_error": error,
            "follow_done": "" if error else action,
        }
        return render(request, "ideas/_follow_button.html", context)
    if error:
        messages.error(request, error)
    elif action == "follow":
        messages.success(request, _("You follow this idea: you'll hear of every answer."))
    else:
        messages.success(request, _("You no longer follow this idea."))
    return redirect(_safe_next(request) or idea.get_absolute_url())


# --- The idea's files, served privately --------------------------------------------------


def _serve(name: str, content_type: str, disposition: str) -> FileResponse:
    from django.core.files.storage import default_storage

    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    # Only this person's browser may keep it: what they may see can change.
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _record_withheld_file_viewed(request: AuthenticatedRequest, idea: Idea) -> None:
    """A held or removed idea's files are its words too: someone other than its author
    opening one is audited (as channels does for posts)."""
    from staffroom.privacy.exposure import record_withheld_viewed

    record_withheld_viewed(obj=idea, viewer=request.user, request=request)


@login_required
def photo(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """The idea's photo, to people who may see the idea (404 for everyone else)."""
    idea = queries.get_idea_or_404(request.user, pk)
    if not idea.photo:
        raise Http404
    _record_withheld_file_viewed(request, idea)
    # Only image types: a stored file must never be served as HTML or script.
    extension = idea.photo.name.rsplit(".", 1)[-1].lower()
    content_type = {"png": "image/png", "webp": "image/webp"}.get(extension, "image/jpeg")
    return _serve(idea.photo.name, content_type, "inline")


@login_required
def attachment(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """The idea's attached file, to people who may see the idea, always as a download."""
    idea = queries.get_idea_or_404(request.user, pk)
    if not idea.attachment:
        raise Http404
    _record_withheld_file_viewed(request, idea)
    response = _serve(
        idea.attachment.name,
        idea.attachment_content_type or "application/octet-stream",
        "attachment",
    )
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=idea.attachment_name or "file")
        or "attachment"
    )
    return response
