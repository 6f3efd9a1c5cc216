"""Proposing an idea: the form, similar ideas while typing, and the author's edits.

Any active member of staff may propose (login_required; suspended people are kept read-only
by the moderation middleware); the service checks what a person may attach an idea to (a
campaign that is open and asks them). Only the author edits, until a reviewer answers
(`check_edit_idea`). Without JavaScript, "Check for similar ideas" sends the form back with
the list and nothing saved; with htmx the list follows the typing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from staffroom.core.http import AuthenticatedRequest
from staffroom.core.models import Visibility
from staffroom.core.ratelimit import rate_limit
from staffroom.ideas.forms import IdeaEditForm, IdeaForm, id_from_text
from staffroom.ideas.models import Campaign, Idea, Vote
from staffroom.ideas.permissions import can_see_idea, check_edit_idea
from staffroom.ideas.services.proposing import create_idea, edit_idea
from staffroom.ideas.services.voting import VoteRefusedError, check_votes_open
from staffroom.ideas.similar import similar_ideas

SIMILAR_SHOWN = 5
# Typed text read for the lookup: the title and the start of the problem say what it is about.
SIMILAR_TEXT_CHARS = 600


def similar_context(
    person: Any, *, title: str, problem: str, exclude_id: int | None = None
) -> dict[str, Any]:
    """What `ideas/_similar.html` shows: up to SIMILAR_SHOWN ideas like the typed words, which
    of them the person voted for, and why votes are closed on the others (two queries more)."""
    title, problem = title.strip()[:SIMILAR_TEXT_CHARS], problem.strip()[:SIMILAR_TEXT_CHARS]
    searched = bool(title or problem)
    found = (
        similar_ideas(
            text=f"{title}\n{problem}", title=title, limit=SIMILAR_SHOWN, exclude_id=exclude_id
        )
        if searched
        else []
    )
    voted = set(
        Vote.objects.filter(person_id=person.pk, idea_id__in=[i.pk for i in found]).values_list(
            "idea_id", flat=True
        )
        if found
        else []
    )
    closed: dict[int, str] = {}
    for idea in found:
        try:
            check_votes_open(idea)
        except VoteRefusedError as refused:
            closed[idea.pk] = str(refused)
    rows = [{"idea": i, "voted": i.pk in voted, "closed": closed.get(i.pk, "")} for i in found]
    return {"similar": rows, "searched": searched}


def _similar_attrs(form: IdeaForm | IdeaEditForm, exclude_id: int | None) -> None:
    """htmx on the title and problem: ask for similar ideas after a pause in typing."""
    from django.urls import reverse

    for name, other in (("title", "problem"), ("problem", "title")):
        attrs = form.fields[name].widget.attrs
        attrs.update(
            {
                "hx-get": reverse("ideas:similar"),
                "hx-trigger": "input changed delay:500ms",
                "hx-include": f"#id_{other}",
                "hx-target": "#similar-ideas",
                "hx-swap": "innerHTML",
                "hx-sync": "#similar-ideas:replace",
                "aria-controls": "similar-ideas",
            }
        )
        if exclude_id is not None:
            attrs["hx-vals"] = f'{{"exclude": {int(exclude_id)}}}'


def _campaign_from_address(request: AuthenticatedRequest, form: IdeaForm) -> str:
    """`?campaign=<slug>` preselects an open campaign that asks the person; for any other,
    a notice saying why it can't be chosen (returned, shown above the form)."""
    slug = request.GET.get("campaign", "")
    if not slug:
        return ""
    chosen = next((c for c in form.open_campaigns if c.slug == slug), None)
    if chosen is not None:
        form.initial["campaign"] = str(chosen.pk)
        return ""
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        return _("That campaign doesn't exist; you can still propose your idea on its own.")
    if campaign.has_closed():
        return _(
            "The campaign “%(title)s” closed on %(date)s and takes no more ideas; you can "
            "still propose yours on its own."
        ) % {
            "title": campaign.title,
            "date": timezone.localtime(campaign.closes_at).strftime("%d %b %Y"),
        }
    if not campaign.is_open():
        return _("The campaign “%(title)s” opens on %(date)s.") % {
            "title": campaign.title,
            "date": timezone.localtime(campaign.opens_at).strftime("%d %b %Y"),
        }
    return _("The campaign “%(title)s” asks other staff; you can propose your idea on its own.") % {
        "title": campaign.title
    }


def _kept_words(data: QueryDict) -> dict[str, Any]:
    """What was typed, as the initial values of a fresh form (no errors shown)."""
    fields = ("title", "problem", "proposal", "category", "department", "unit", "campaign")
    kept: dict[str, Any] = {name: data.get(name, "") for name in fields}
    kept.update(
        {
            "initiative": data.get("initiative", ""),
            "photo_alt_text": data.get("photo_alt_text", ""),
            "is_anonymous": data.get("is_anonymous") in ("on", "true", "1"),
        }
    )
    if data.get("submission_key"):
        kept["submission_key"] = data["submission_key"]
    return kept


def _told(request: AuthenticatedRequest, idea: Idea) -> None:
    if idea.visibility == Visibility.HELD:
        messages.warning(
            request,
            _(
                "Your idea is saved but held for privacy review: it may contain patient "
                "information. Only you and the privacy officers can see it. Edit the "
                "highlighted words out, or send it for review."
            ),
        )
        return
    days = settings.IDEAS_FIRST_RESPONSE_DAYS
    text = _(
        "Thank you: your idea is on the board. A reviewer will answer it within %(days)d days."
    ) % {"days": days}
    if idea.is_anonymous:
        text += " " + _("Your name is hidden from everyone.")
    messages.success(request, text)


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("post", when=lambda request: request.POST.get("check") != "similar")
def propose(request: AuthenticatedRequest) -> HttpResponse:
    me = request.user
    checking = request.method == "POST" and request.POST.get("check") == "similar"
    if checking:
        # "Check for similar ideas" (without JavaScript): the same words back, with the
        # list; nothing is saved and no errors are shown yet.
        form = IdeaForm(person=me, initial=_kept_words(request.POST))
    else:
        form = IdeaForm(request.POST or None, request.FILES or None, person=me)
    notice = _campaign_from_address(request, form) if request.method == "GET" else ""
    if request.method == "POST" and not checking and form.is_valid():
        try:
            idea = create_idea(author=me, **form.idea_fields())
        except ValidationError as error:
            form.apply_error(error)
        else:
            _told(request, idea)
            return redirect(idea)
    _similar_attrs(form, None)
    context: dict[str, Any] = {
        "form": form,
        "campaign_notice": notice,
        "files_dropped": form.files_dropped() or (checking and bool(request.FILES)),
        "response_days": settings.IDEAS_FIRST_RESPONSE_DAYS,
        **similar_context(
            me,
            title=request.POST.get("title", "") if checking else "",
            problem=request.POST.get("problem", "") if checking else "",
        ),
    }
    failed = request.method == "POST" and not checking
    return render(request, "ideas/propose.html", context, status=400 if failed else 200)


@login_required
@require_GET
@rate_limit("search", methods=["GET"])
def similar(request: AuthenticatedRequest) -> HttpResponse:
    """The similar ideas for the typed `title` and `problem`: the `_similar.html` fragment
    (htmx asks for it while the person types). `exclude` leaves out the idea being edited."""
    context = similar_context(
        request.user,
        title=request.GET.get("title", ""),
        problem=request.GET.get("problem", ""),
        exclude_id=id_from_text(request.GET.get("exclude")),
    )
    return render(request, "ideas/_similar.html", {**context, "out_of_band": True})


def _own_idea_or_404(person: Any, pk: int) -> Idea:
    idea = Idea.objects.select_related("category", "department", "unit").filter(pk=pk).first()
    if idea is None or not can_see_idea(person, idea):
        raise Http404
    return idea


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("post")
def edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The author changes their idea until a reviewer answers it. A held idea edited clean is
    published; an edit that brings in patient information holds it (the service decides)."""
    me = request.user
    idea = _own_idea_or_404(me, pk)
    check_edit_idea(me, idea)
    form = IdeaEditForm(request.POST or None, idea=idea)
    if request.method == "POST" and form.is_valid():
        try:
            idea = edit_idea(idea=idea, editor=me, **form.edit_fields())
        except ValidationError as error:
            form.apply_error(error)
        else:
            if idea.visibility == Visibility.HELD:
                messages.warning(
                    request,
                    _(
                        "Your changes are saved, but the idea is held for privacy review: it "
                        "may contain patient information. Only you and the privacy officers "
                        "can see it."
                    ),
                )
            else:
                messages.success(request, _("Your changes are saved."))
            return redirect(idea)
    _similar_attrs(form, idea.pk)
    context = {
        "form": form,
        "idea": idea,
        "similar": [],
        "searched": False,
        "files_dropped": False,
    }
    return render(
        request, "ideas/edit.html", context, status=400 if request.method == "POST" else 200
    )
