"""Sign-ins, failed sign-ins and sign-outs, from Django's auth signals.

Failed sign-ins never record the password (Django hides it anyway) nor the text typed as the
username: people sometimes type their password into that box. If the text names an existing
account, the entry points at that person instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import connections
from django.db.backends.signals import connection_created
from django.http import HttpRequest

from staffroom.accounts.models import Person
from staffroom.audit import guard
from staffroom.audit.models import AuditAction
from staffroom.audit.services import record_audit


def _signed_in(sender: Any, request: HttpRequest | None, user: Person, **kwargs: Any) -> None:
    record_audit(actor=user, action=AuditAction.SIGNED_IN, target=user, request=request)


def _signed_out(
    sender: Any, request: HttpRequest | None, user: Person | None, **kwargs: Any
) -> None:
    if user is None or not user.is_authenticated:
        return
    record_audit(actor=user, action=AuditAction.SIGNED_OUT, target=user, request=request)


def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    from staffroom.accounts.backends import find_person_signing_in

    person = find_person_signing_in(str(credentials.get("username") or ""))
    record_audit(
        actor=None,
        action=AuditAction.SIGN_IN_FAILED,
        target=person,
        summary="Failed sign-in to a known account" if person else "Failed sign-in",
        data={"known_account": person is not None},
        request=request,
    )


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="audit_signed_in")
    user_logged_out.connect(_signed_out, dispatch_uid="audit_signed_out")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="audit_sign_in_failed")
    connection_created.connect(guard.register_sqlite_function, dispatch_uid="audit_sqlite_fn")
    for alias in connections:
        wrapper = connections[alias]
        if wrapper.connection is not None:
            guard.register_sqlite_function(None, wrapper)
