"""A person's notifications: the list, opening one, marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from staffroom.core.http import AuthenticatedRequest
from staffroom.notifications import queries
from staffroom.notifications.services import mark_read as mark_notifications_read

TEMPLATE = "notifications/notification_list.html"


@login_required
@require_GET
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    cursor = request.GET.get("cursor")
    page = queries.notification_page(viewer=request.user, cursor=cursor)
    if request.htmx and cursor:
        return render(request, f"{TEMPLATE}#rows", {"page": page})
    return render(request, TEMPLATE, {"page": page})


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
                return HttpResponse("")
            return render(request, f"{TEMPLATE}#item", {"item": page.items[0]})
        return render(request, f"{TEMPLATE}#list", {"page": page})
    if notification_id is None:
        messages.success(request, _("All your notifications are marked as read."))
    else:
        messages.success(request, _("The notification is marked as read."))
    return redirect("notifications:list")
