"""Sign-in, sign-out and password reset.

Django's own authentication views do the work; these subclasses add the shared-computer
choice and Staffroom's templates.
"""

from __future__ import annotations

from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from staffroom.accounts.data_export import build_personal_data_export, export_filename, sections
from staffroom.accounts.erasure import erase_person
from staffroom.accounts.forms import ErasePersonForm, SetOrResetPasswordForm, SignInForm
from staffroom.accounts.middleware import CLEAR_SITE_DATA, SHARED_DEVICE_KEY
from staffroom.accounts.models import Person
from staffroom.accounts.permissions import check_erase_person
from staffroom.audit.models import AuditAction
from staffroom.audit.services import record_audit
from staffroom.core.http import AuthenticatedRequest
from staffroom.core.ratelimit import rate_limit

SHARED_DEVICE_COOKIE = "staffroom_shared_device"
_ONE_YEAR = 60 * 60 * 24 * 365


@method_decorator(rate_limit("sign_in"), name="dispatch")  # before any password is hashed
class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        initial["shared_device"] = self.request.COOKIES.get(SHARED_DEVICE_COOKIE) == "1"
        return initial

    def form_valid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]  # narrower form type
        response = super().form_valid(form)
        shared = bool(form.cleaned_data.get("shared_device"))
        self.request.session[SHARED_DEVICE_KEY] = shared
        # Remember the choice on this device so the next person finds the box ticked.
        if shared:
            response.set_cookie(
                SHARED_DEVICE_COOKIE, "1", max_age=_ONE_YEAR, httponly=True, samesite="Lax"
            )
        else:
            response.delete_cookie(SHARED_DEVICE_COOKIE)
        return response


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: object = None
) -> HttpResponse:
    """What django-axes shows instead of signing in while an account is locked (HTTP 429)."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You're signed out."))
        # Shared ward computers: drop posts kept for offline reading (decision 0025).
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = SetOrResetPasswordForm

    @property
    def extra_email_context(self) -> dict[str, str]:
        # Links in email use the configured public address, never the request's Host header.
        return {"site_url": settings.SITE_URL.rstrip("/")}

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    html_email_template_name = "accounts/email/password_reset.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm[Person]) -> HttpResponse:
        response = super().form_valid(form)
        # Whoever proved they own the mailbox may sign in again at once: lift any lockout.
        axes_reset(username=form.user.username)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


# rate_limit's View type is bound to HttpResponse, and a FileResponse is a streaming response.
@login_required  # type: ignore[type-var]
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("export")
def my_data(request: AuthenticatedRequest) -> HttpResponseBase:
    """Your own data: GET explains what is included, POST downloads it as a ZIP.

    Only ever the signed-in person's own data; there is no way to name someone else.
    """
    if request.method != "POST":
        return render(request, "accounts/my_data.html", {"sections": sections()})
    person = request.user
    archive = build_personal_data_export(person=person)
    with transaction.atomic():
        record_audit(
            actor=person,
            action=AuditAction.EXPORTED,
            target=person,
            summary="personal data export",
            request=request,
        )
    response = FileResponse(
        archive,
        as_attachment=True,
        filename=export_filename(person=person),
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def erase_person_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """An administrator erases a person: GET explains what happens, POST does it."""
    check_erase_person(request.user)
    person = get_object_or_404(Person, pk=pk)
    form = ErasePersonForm(request.POST or None, person=person)
    if person.is_erased:
        # Nothing left to erase: say so, and don't offer the form again.
        return render(
            request,
            "accounts/person_erase.html",
            {"person": person, "form": None},
            status=400 if request.method == "POST" else 200,
        )
    if request.method == "POST" and form.is_valid():
        try:
            erase_person(person=person, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Their personal data is erased. What they wrote now shows “Former employee”."),
            )
            return redirect("organisation:directory")
    return render(
        request,
        "accounts/person_erase.html",
        {"person": person, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )
