"""Administrators' pages for the HR directory import: upload and check, preview, apply.

Nothing changes on upload: the file is checked and the outcome shown; a second POST applies
it. Each view checks the administrator role before doing anything else.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from staffroom.accounts.models import Person
from staffroom.accounts.permissions import check_manage_directory
from staffroom.organisation.forms import DirectoryUploadForm
from staffroom.organisation.models import DirectoryImport
from staffroom.organisation.services.directory_import import (
    DirectoryFileError,
    apply_directory_import,
    create_directory_import,
)

HISTORY_LENGTH = 20


def _administrator(request: HttpRequest) -> Person:
    """The signed-in administrator, or PermissionDenied (403) for anyone else."""
    user = request.user
    if not isinstance(user, Person):
        raise PermissionDenied
    check_manage_directory(user)
    return user


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    """The upload form and the latest imports. A valid upload is checked, never applied."""
    me = _administrator(request)
    if request.method == "POST":
        form = DirectoryUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            record = create_directory_import(
                file_name=upload.name or "directory.csv",
                data=upload.read(),
                full_snapshot=form.cleaned_data["full_snapshot"],
                uploaded_by=me,
            )
            return redirect("organisation:import_detail", pk=record.pk)
    else:
        form = DirectoryUploadForm()
    history = DirectoryImport.objects.select_related("uploaded_by", "applied_by").order_by(
        "-created_at", "-id"
    )
    return render(
        request,
        "organisation/directoryimport_list.html",
        {"form": form, "history": history[:HISTORY_LENGTH]},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET"])
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What a file would do (or did): counts, every kept error, and a sample of changes."""
    _administrator(request)
    record = get_object_or_404(
        DirectoryImport.objects.select_related("uploaded_by", "applied_by"), pk=pk
    )
    preview = record.preview or {}
    error_count = preview.get("error_count", len(record.errors))
    creates = preview.get("creates", [])
    changes = preview.get("changes", [])
    deactivations = preview.get("deactivations", [])
    return render(
        request,
        "organisation/directoryimport_detail.html",
        {
            "record": record,
            "errors": record.errors,
            "error_count": error_count,
            "errors_not_shown": max(0, error_count - len(record.errors)),
            "creates": creates,
            "creates_not_shown": max(0, record.created_count - len(creates)),
            "changes": changes,
            "changes_not_shown": max(0, record.changed_count - len(changes)),
            "deactivations": deactivations,
            "deactivations_not_shown": max(0, record.deactivated_count - len(deactivations)),
            "can_apply": record.status == DirectoryImport.Status.PREVIEWED,
        },
    )


@login_required
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply a checked file, then show the import again with what happened."""
    me = _administrator(request)
    record = get_object_or_404(DirectoryImport, pk=pk)
    try:
        record = apply_directory_import(directory_import=record, actor=me)
    except DirectoryFileError:
        messages.error(
            request,
            _(
                "The file no longer passes the check (the directory changed since it was "
                "uploaded, or it would mark you as having left). Nothing was changed; the "
                "problems are listed below."
            ),
        )
    except ValidationError as exc:
        # Already applied (a double submit), superseded, expired: nothing changed, say why.
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "The staff directory is updated: %(created)d added, %(changed)d changed, "
                "%(deactivated)d marked as left."
            )
            % {
                "created": record.created_count,
                "changed": record.changed_count,
                "deactivated": record.deactivated_count,
            },
        )
    return redirect("organisation:import_detail", pk=pk)
