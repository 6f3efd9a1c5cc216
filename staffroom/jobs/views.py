"""/system/jobs/: the background work as administrators see it, and retrying a failure."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from staffroom.core.http import AuthenticatedRequest
from staffroom.jobs import queries
from staffroom.jobs.permissions import check_retry_delivery, check_view_jobs
from staffroom.jobs.services import retry_all_failed, retry_delivery


@login_required
@require_GET
def overview(request: AuthenticatedRequest) -> HttpResponse:
    check_view_jobs(request.user)
    return render(request, "jobs/overview.html", {"overview": queries.jobs_overview()})


@login_required
@require_POST
def retry(request: AuthenticatedRequest) -> HttpResponse:
    check_retry_delivery(request.user)
    if request.POST.get("all"):
        try:
            count = retry_all_failed(model_label=request.POST.get("kind", ""), actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("jobs:overview")
        messages.success(request, _("%(count)d deliveries will be tried again.") % {"count": count})
        return redirect("jobs:overview")
    raw_pk = request.POST.get("pk", "")
    if not raw_pk.isdigit():
        messages.error(request, _("Choose a delivery to retry."))
        return redirect("jobs:overview")
    try:
        item = retry_delivery(
            model_label=request.POST.get("kind", ""), pk=int(raw_pk), actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("jobs:overview")
    retried = _("%(delivery)s will be tried again.") % {"delivery": item.describe()}
    messages.success(request, retried)
    return redirect("jobs:overview")
