"""Events pages, the .ics download and the personal calendar feed.

Every view checks who may act (events.permissions) before calling a service; a refused form
comes back with what was typed and nothing changed. The calendar feed is the one address
here that answers without signing in: the secret in it (the person's feed token, shared with
their Atom feeds) picks whose calendar is shown.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from staffroom.channels.syndication import feed_owner_or_404
from staffroom.core.http import AuthenticatedRequest
from staffroom.events import ics, queries
from staffroom.events.forms import EventForm
from staffroom.events.models import Event
from staffroom.events.permissions import (
    can_manage_events,
    check_manage_events,
    get_visible_event_or_404,
)
from staffroom.events.services import cancel_event, save_event


@login_required
@require_GET
def event_list(request: AuthenticatedRequest) -> HttpResponse:
    cursor = request.GET.get("cursor") or None
    page = queries.upcoming_events(viewer=request.user, cursor=cursor)
    context = {"page": page, "can_manage": can_manage_events(request.user)}
    if request.htmx and not request.htmx.history_restore_request and cursor:
        response = render(request, "events/event_list.html#event-rows", context)
    else:
        response = render(request, "events/event_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def event_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    event = get_visible_event_or_404(request.user, pk)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "can_manage": can_manage_events(request.user),
            "time_zone": timezone.get_current_timezone_name(),
        },
    )


def _apply_error(form: EventForm, error: ValidationError) -> None:
    """A service's refusal onto the form: per field where the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _event_form(request: AuthenticatedRequest, event: Event | None) -> HttpResponse:
    form = EventForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_event(editor=request.user, event=event, **form.event_fields())
        except ValidationError as error:
            _apply_error(form, error)
        else:
            messages.success(
                request,
                _("The event is saved. Calendars that have it will update.")
                if event
                else _("The event is set up."),
            )
            return redirect(saved)
    return render(
        request,
        "events/event_form.html",
        {"form": form, "event": event},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: AuthenticatedRequest) -> HttpResponse:
    check_manage_events(request.user)
    return _event_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    event = get_visible_event_or_404(request.user, pk)
    check_manage_events(request.user)
    if event.is_cancelled:
        messages.error(request, _("This event was cancelled: it can't be changed any more."))
        return redirect(event)
    return _event_form(request, event)


@login_required
@require_POST
def event_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    event = get_visible_event_or_404(request.user, pk)
    check_manage_events(request.user)
    cancel_event(editor=request.user, event=event)
    messages.success(
        request, _("The event is cancelled. Calendars that have it will show it as cancelled.")
    )
    return redirect(event)


def _calendar_response(body: bytes, *, disposition: str) -> HttpResponse:
    response = HttpResponse(body, content_type=ics.CONTENT_TYPE)
    response["Content-Disposition"] = disposition
    # What one person may see: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_safe
def event_download(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The event as a .ics file, to open in any calendar app."""
    event = get_visible_event_or_404(request.user, pk)
    return _calendar_response(
        ics.event_ics(event), disposition=f'attachment; filename="{event.ics_filename()}"'
    )


@never_cache
@require_safe  # some calendar apps ask with HEAD first
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's calendar, for calendar apps that subscribe (they can't sign in).

    404 with nothing more for an unknown or revoked token and for a leaver's."""
    owner = feed_owner_or_404(token)
    contents = queries.calendar_contents(owner=owner)
    body = ics.personal_calendar_ics(
        events=contents.events, campaigns=contents.campaigns, initiatives=contents.initiatives
    )
    return _calendar_response(body, disposition='inline; filename="staffroom.ics"')
