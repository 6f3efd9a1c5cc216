from __future__ import annotations

from collections.abc import Iterator

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from staffroom.accounts.models import Person


class SignInForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or employee ID"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "autofocus": True}
        ),
    )
    shared_device = forms.BooleanField(
        label=_("This is a shared computer"),
        help_text=_("Signs you out sooner when nobody is using it."),
        required=False,
    )

    error_messages = {
        "invalid_login": _(
            "That username and password don't match. Check them and try again; after several "
            "failed attempts the account is locked for a few minutes."
        ),
        "inactive": _("This account is no longer active. Ask your manager or IT team."),
    }


class SetOrResetPasswordForm(PasswordResetForm):
    """Password reset that also lets directory-imported staff set a first password.

    Django's form skips people without a usable password; on a site that uses local
    accounts those are exactly the people who need a first password.
    """

    def get_users(self, email: str) -> Iterator[Person]:
        yield from Person.objects.filter(email__iexact=email, is_active=True, is_demo=False)
