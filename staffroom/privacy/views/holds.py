"""Held items: the author's own (/privacy/mine/), the privacy officers' queue and decisions.

Anyone but a privacy officer gets a 404 from the queue and a hold's page: not even the
existence of a hold is shown. Every view of a hold's words is recorded in the audit trail.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from staffroom.core.http import AuthenticatedRequest
from staffroom.privacy import queries
from staffroom.privacy.forms import DecisionForm, ReviewRequestForm
from staffroom.privacy.models import PrivacyHold
from staffroom.privacy.permissions import check_review_holds
from staffroom.privacy.services import (
    delete_held_item,
    record_hold_viewed,
    release_hold,
    remove_held_item,
    send_for_review,
    texts_version,
)


@login_required
@require_GET
def queue(request: AuthenticatedRequest) -> HttpResponse:
    check_review_holds(request.user)
    tab = request.GET.get("tab", queries.DEFAULT_TAB)
    if tab not in queries.TABS:
        tab = queries.DEFAULT_TAB
    cursor = request.GET.get("cursor")
    page, rows = queries.hold_queue(tab=tab, cursor=cursor)
    context = {
        "page": page,
        "rows": rows,
        "tab": tab,
        "tabs": [(key, label) for key, (_s, _o, label) in queries.TABS.items()],
    }
    if request.htmx and cursor:
        return render(request, "privacy/hold_queue.html#rows", context)
    return render(request, "privacy/hold_queue.html", context)


def _hold_page(
    request: AuthenticatedRequest,
    hold: PrivacyHold,
    *,
    form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    held = queries.hold_detail(hold)
    # Every reading of held words is on the trail, whoever reads them and however often.
    record_hold_viewed(hold=hold, officer=request.user, request=request)
    return render(
        request,
        "privacy/hold_detail.html",
        {
            "hold": hold,
            "held": held,
            "context_url": held.kind.url(held.obj) if held else None,
            "form": form or DecisionForm(),
            # The version shown now, always (also after a refused decision): the decision
            # form sends it back, and a decision about other words is refused.
            "seen": texts_version(held.obj) if held else "",
        },
        status=status,
    )


@login_required
@require_GET
def hold(request: AuthenticatedRequest, hold_id: int) -> HttpResponse:
    check_review_holds(request.user)
    return _hold_page(request, queries.get_hold_or_404(hold_id))


def _decide(request: AuthenticatedRequest, hold_id: int, *, release: bool) -> HttpResponse:
    check_review_holds(request.user)
    hold_ = queries.get_hold_or_404(hold_id)
    form = DecisionForm(request.POST)
    status = 400
    if form.is_valid():
        service = release_hold if release else remove_held_item
        try:
            service(
                hold=hold_,
                officer=request.user,
                note=form.cleaned_data["note"],
                # Always checked from the page: a form without it was not about these words.
                seen=form.cleaned_data["seen"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            if getattr(error, "code", None) == "stale":
                status = 409
        else:
            if release:
                messages.success(request, _("Released: it is published and its author is told."))
            else:
                messages.success(
                    request, _("Removed: nobody else will see it. Its author is told.")
                )
            return redirect(reverse("privacy:queue"))
    hold_.refresh_from_db()
    return _hold_page(request, hold_, form=form, status=status)


@login_required
@require_POST
def release(request: AuthenticatedRequest, hold_id: int) -> HttpResponse:
    return _decide(request, hold_id, release=True)


@login_required
@require_POST
def remove(request: AuthenticatedRequest, hold_id: int) -> HttpResponse:
    return _decide(request, hold_id, release=False)


def _own_hold_or_404(request: AuthenticatedRequest, hold_id: int) -> PrivacyHold:
    hold_ = queries.get_hold_or_404(hold_id)
    if hold_.author_id != request.user.pk:
        raise Http404
    return hold_


@login_required
@require_POST
def send(request: AuthenticatedRequest, hold_id: int) -> HttpResponse:
    """The author sends their held item to a privacy officer, with a note."""
    hold_ = _own_hold_or_404(request, hold_id)
    form = ReviewRequestForm(request.POST)
    next_url = _safe_next(request) or reverse("privacy:my_holds")
    if not form.is_valid():
        messages.error(request, _("Your note is too long: keep it under 1,000 characters."))
        return redirect(next_url)
    try:
        send_for_review(hold=hold_, author=request.user, note=form.cleaned_data["note"])
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect(next_url)
    if request.htmx:
        hold_.refresh_from_db()
        held = queries.hold_detail(hold_)
        if held is None:
            raise Http404
        return render(request, "privacy/held_panel.html", {"held": held, "next": next_url})
    messages.success(request, _("Sent for privacy review. You will be told the decision."))
    return redirect(next_url)


@login_required
@require_POST
def delete(request: AuthenticatedRequest, hold_id: int) -> HttpResponse:
    """The author deletes their held item (an idea, from its page's banner)."""
    hold_ = _own_hold_or_404(request, hold_id)
    try:
        delete_held_item(hold=hold_, author=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect(_safe_next(request) or reverse("privacy:my_holds"))
    messages.success(request, _("Deleted. Nobody else ever saw it."))
    return redirect(reverse("privacy:my_holds"))


def _safe_next(request: AuthenticatedRequest) -> str | None:
    from django.utils.http import url_has_allowed_host_and_scheme

    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


@login_required
@require_GET
def my_holds(request: AuthenticatedRequest) -> HttpResponse:
    items, page = queries.my_holds(person=request.user, cursor=request.GET.get("cursor"))
    return render(
        request,
        "privacy/my_holds.html",
        {
            "open_items": [i for i in items if i.is_open],
            "past_items": [i for i in items if not i.is_open],
            "page": page,
            "next": reverse("privacy:my_holds"),
        },
    )
