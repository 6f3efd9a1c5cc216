from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordResetForm,
    UserChangeForm,
    UserCreationForm,
    UsernameField,
)
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from staffroom.accounts.erasure import ErasureReason
from staffroom.accounts.models import Person, normalise_username

# Findings named in one error; more would make the message harder to act on, not easier.
FINDINGS_NAMED = 5


def refuse_patient_information(values: Mapping[str, str]) -> None:
    """Raise a ValidationError on each field whose text may hold patient information.

    For what people type that is not an item of the safety layer (core.items) and so has no
    privacy review: a profile's preferred name, a channel's name and description, the words
    of the strategic plan. There is nothing to hold there (a name is shown at once,
    everywhere), so the PHI guard refuses it instead, and the error names what was found and
    in which field. Field names are the keys of `values`; the person's text stays in the form.
    """
    from staffroom.privacy.guard import kind_label, scan_texts

    findings = scan_texts({name: value or "" for name, value in values.items()})
    errors: dict[str, str] = {}
    for name, value in values.items():
        own = [f for f in findings if f.field == name]
        if not own:
            continue
        found = "; ".join(
            f"“{value[f.start : f.end]}” ({kind_label(f.kind)})" for f in own[:FINDINGS_NAMED]
        )
        errors[name] = gettext(
            "This may be patient information, so it can't be saved here: %(found)s. Take it "
            "out and save again."
        ) % {"found": found}
    if errors:
        raise ValidationError(errors)


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

    def send_mail(  # noqa: PLR0917  # Django calls it with this positional signature
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        # In the recipient's language, not the language of whoever asked for the link.
        with translation.override(context["user"].preferred_language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


def _clean_username(form: forms.ModelForm[Person]) -> str:
    username = normalise_username(form.cleaned_data.get("username", ""))
    taken = Person.objects.filter(username__iexact=username)
    if form.instance.pk:
        taken = taken.exclude(pk=form.instance.pk)
    if taken.exists():
        raise forms.ValidationError(_("Someone already has that username."))
    return username


class PersonCreationForm(UserCreationForm[Person]):
    """The technical admin's "add person" form, with usernames stored as sign-in finds them."""

    class Meta:
        model = Person
        fields = ("username", "first_name", "last_name")
        field_classes = {"username": UsernameField}

    def clean_username(self) -> str:
        return _clean_username(self)


class PersonChangeForm(UserChangeForm[Person]):
    class Meta:
        model = Person
        fields = "__all__"
        field_classes = {"username": UsernameField}

    def clean_username(self) -> str:
        return _clean_username(self)


class ErasePersonForm(forms.Form):
    """The administrator picks why and types the username, so nobody is erased by a slip."""

    reason = forms.ChoiceField(
        label=_("Why is this person being erased?"),
        choices=ErasureReason.choices,
        widget=forms.RadioSelect,
    )
    confirm_username = forms.CharField(
        label=_("Type their username to confirm"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_confirm_username(self) -> str:
        typed = normalise_username(self.cleaned_data["confirm_username"])
        if typed != self.person.username:
            raise forms.ValidationError(
                _("That isn't their username. Type “%(username)s” exactly; nothing was changed.")
                % {"username": self.person.username},
                code="mismatch",
            )
        return typed
