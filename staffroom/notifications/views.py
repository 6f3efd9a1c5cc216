"""A person's notifications: the list, opening one, marking them read, the header's bell,
and the settings page (what they are told and emailed)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from staffroom.core.http import AuthenticatedRequest, HtmxRequest
from staffroom.notifications import queries
from staffroom.notifications.forms import DeliverySettingsForm
from staffroom.notifications.permissions import can_choose_review_emails
from staffroom.notifications.preferences import settings_for, update_delivery_settings
from staffroom.notifications.services import mark_read as mark_notifications_read
from staffroom.notifications.templatetags.notifications import shown_unread_count

TEMPLATE = "notifications/notification_list.html"
# htmx stops polling when an answer has this status (the person signed out meanwhile).
HTMX_STOP_POLLING = 286


@login_required
@require_GET
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    cursor = request.GET.get("cursor")
    page = queries.notification_page(viewer=request.user, cursor=cursor)
    if request.htmx and cursor:
        return render(request, f"{TEMPLATE}#rows", {"page": page})
    return render(request, TEMPLATE, {"page": page})


@require_GET
@never_cache
def bell(request: HtmxRequest) -> HttpResponse:
    """The header's bell alone, asked for by htmx every minute: 204 (nothing to swap) when
    the count shown (`shown`) is still right. Never cached: the count is per person and now.

    Signed out meanwhile: htmx is told to stop asking (without htmx: the sign-in page).
    Without htmx (someone followed the address): the notifications page."""
    if not request.user.is_authenticated:
        if request.htmx:
            return HttpResponse(status=HTMX_STOP_POLLING)
        return redirect_to_login(request.get_full_path())
    if not request.htmx:
        return redirect("notifications:list")
    shown = shown_unread_count(request)
    if request.GET.get("shown") == shown:
        return HttpResponse(status=204)
    current_url = request.htmx.current_url_abs_path or ""
    on_list = current_url.split("?")[0] == reverse("notifications:list")
    return render(request, "notifications/bell.html", {"bell_on_list": on_list})


@login_required
@require_http_methods(["GET", "POST"])
def open_notification(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Follow a notification to what it is about; a POST (the list's button) marks it read.

    A GET only redirects: no state changes on GET, so a link planted elsewhere can't mark
    anyone's notifications read.
    """
    page = queries.notification_page(viewer=request.user, limit=1, cursor=None, only_id=pk)
    if not page.items:
        raise Http404
    if request.method == "POST":
        mark_notifications_read(person=request.user, notification_id=pk)
    return redirect(page.items[0].url)


@login_required
@require_POST
def mark_read(request: AuthenticatedRequest) -> HttpResponse:
    """Mark one notification (`notification` = its id) or all of them (`all`) as read."""
    raw_id = request.POST.get("notification", "")
    notification_id = int(raw_id) if raw_id.isdigit() else None
    if notification_id is None and not request.POST.get("all"):
        messages.error(request, _("Choose a notification to mark as read."))
        return redirect("notifications:list")
    mark_notifications_read(person=request.user, notification_id=notification_id)
    if request.htmx:
        page = (
            queries.notification_page(viewer=request.user, only_id=notification_id)
            if notification_id
            else queries.notification_page(viewer=request.user)
        )
        if notification_id is not None:
            if not page.items:
                return _with_bell(request, HttpResponse(""))
            return _with_bell(request, render(request, f"{TEMPLATE}#item", {"item": page.items[0]}))
        return _with_bell(request, render(request, f"{TEMPLATE}#list", {"page": page}))
    if notification_id is None:
        messages.success(request, _("All your notifications are marked as read."))
    else:
        messages.success(request, _("The notification is marked as read."))
    return redirect("notifications:list")


def _with_bell(request: AuthenticatedRequest, response: HttpResponse) -> HttpResponse:
    """Add the header's bell, swapped out of band, so its count drops at once."""
    bell = render_to_string(
        "notifications/bell.html", {"oob": True, "bell_on_list": True}, request=request
    )
    response.content = response.content + bell.encode()
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delivery_settings(request: AuthenticatedRequest) -> HttpResponse:
    """ "Notifications and email": the signed-in person's own DeliverySettings."""
    me = request.user
    reviewer = can_choose_review_emails(me)
    delivery = settings_for(me)
    form = DeliverySettingsForm(
        request.POST or None, reviewer=reviewer, initial=DeliverySettingsForm.initial_for(delivery)
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_delivery_settings(
                person=me,
                channel_posts=form.cleaned_data["channel_posts"],
                emailed=form.emailed_kinds(),
                offered=form.offered_kinds(),
                digest=form.cleaned_data["digest"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your notification and email settings are saved."))
            return redirect("notifications:settings")
    return render(
        request,
        "notifications/deliverysettings_form.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )
