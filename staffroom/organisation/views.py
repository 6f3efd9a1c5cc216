"""The people directory, departments, units and profiles."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from staffroom.accounts.permissions import is_administrator
from staffroom.core.http import AuthenticatedRequest
from staffroom.organisation import queries
from staffroom.organisation.forms import DirectorySearchForm, ProfileSettingsForm
from staffroom.organisation.services import update_profile_settings


def _render_list(
    request: AuthenticatedRequest, template: str, context: dict[str, object]
) -> HttpResponse:
    """Render the whole page, or only the next rows for htmx's "Show more"."""
    if request.htmx and request.GET.get("cursor"):
        # Focus the first new person, so keyboard users continue where the list grew.
        return render(request, "components/people_rows.html", {**context, "focus_first": True})
    return render(request, template, context)


@login_required
def directory(request: AuthenticatedRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET or None, departments=queries.department_choices())
    search = form.search() if form.is_valid() else queries.DirectorySearch()
    page = queries.directory_page(search=search, cursor=request.GET.get("cursor"))
    context = {"form": form, "page": page, "query_string": form.query_string()}
    if request.htmx and not request.GET.get("cursor"):
        # Live search: replace only the results.
        return render(request, "organisation/person_list.html#results", context)
    return _render_list(request, "organisation/person_list.html", context)


@login_required
def department_index(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "organisation/department_list.html",
        {"sites": queries.sites_with_departments()},
    )


@login_required
def department_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    department = queries.get_department_or_404(code)
    context = {
        "department": department,
        "units": queries.department_units(department),
        "page": queries.department_people(department, cursor=request.GET.get("cursor")),
    }
    return _render_list(request, "organisation/department_detail.html", context)


@login_required
def unit_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    unit = queries.get_unit_or_404(code)
    context = {
        "unit": unit,
        "page": queries.unit_people(unit, cursor=request.GET.get("cursor")),
    }
    return _render_list(request, "organisation/unit_detail.html", context)


@login_required
def person_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = queries.get_person_or_404(pk)
    return render(
        request,
        "organisation/person_detail.html",
        {
            "person": person,
            "reports": queries.direct_reports(person),
            "idea_credits": queries.idea_credits(person),
            "is_me": person.pk == request.user.pk,
            "show_employee_id": person.pk == request.user.pk or is_administrator(request.user),
            "can_erase": person.pk != request.user.pk and is_administrator(request.user),
        },
    )


@login_required
def person_photo(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """A person's photo, only to signed-in staff: uploads are never served as public files."""
    person = queries.get_person_or_404(pk)
    if not person.photo:
        raise Http404(_("This person has no photo."))
    response = FileResponse(person.photo.open("rb"), content_type=_photo_type(person.photo.name))
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _photo_type(name: str) -> str:
    guessed, _encoding = mimetypes.guess_type(name)
    # Only image types: a stored file must never be served as HTML or script.
    return guessed if guessed in {"image/jpeg", "image/png", "image/webp"} else "image/jpeg"


@login_required
def my_profile(request: AuthenticatedRequest) -> HttpResponse:
    """Your own page, with the few settings a person controls themselves."""
    me = request.user
    form = ProfileSettingsForm(
        request.POST or None,
        initial={"preferred_name": me.preferred_name, "preferred_language": me.preferred_language},
    )
    if request.method == "POST" and form.is_valid():
        update_profile_settings(
            person=me,
            preferred_name=form.cleaned_data["preferred_name"],
            preferred_language=form.cleaned_data["preferred_language"],
        )
        messages.success(request, _("Your settings are saved."))
        return redirect("organisation:me")
    return render(
        request,
        "organisation/profile_settings.html",
        {"form": form, "person": queries.get_person_or_404(me.pk)},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
