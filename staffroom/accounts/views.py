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
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from staffroom.accounts.forms import SetOrResetPasswordForm, SignInForm
from staffroom.accounts.middleware import SHARED_DEVICE_KEY
from staffroom.accounts.models import Person
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
