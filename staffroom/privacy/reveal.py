"""Who wrote an anonymous item: the audited reveal (issue 4, item 3; decision 18).

An anonymous item (its kind's `is_anonymous(obj)`, e.g. an idea posted anonymously) hides
its author from everyone. Moderation may still need to know who wrote it, so a privacy
officer can reveal it — never silently: a reason is required (and read by the PHI guard, as
every officer's note), the reveal is kept as a row (`AuthorReveal`, listed for all privacy
officers), audited with ids only, and told to every other privacy officer at once.

Nothing here writes the author's name anywhere: not in the audit entry, the reveal row or
the notifications. Only the officer who revealed it sees it, on the page that answers the
reveal.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person, Role
from staffroom.audit.models import AuditAction
from staffroom.audit.services import record_audit
from staffroom.core.items import kind_of
from staffroom.notifications.models import Notification
from staffroom.privacy.exposure import refuse_patient_information
from staffroom.privacy.models import AuthorReveal
from staffroom.privacy.permissions import check_review_holds

REASON_MIN_LENGTH = 20
REASON_MAX_LENGTH = 2000
# Notification.message holds 1,000 characters: a longer reason is shortened there (the
# list of reveals has it whole).
MESSAGE_MAX_LENGTH = 1000


def is_anonymous(obj: Any) -> bool:
    """Whether `obj` was posted anonymously (False for any kind that never is)."""
    try:
        kind = kind_of(obj)
    except KeyError:
        return False
    return bool(kind.is_anonymous(obj))


def clean_reveal_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": _(
                    "Say why you need to know who wrote this, in at least %(min)d characters: "
                    "the other privacy officers will read your reason."
                )
                % {"min": REASON_MIN_LENGTH}
            },
            code="too_short",
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("Keep the reason under %(max)d characters.") % {"max": REASON_MAX_LENGTH}},
            code="too_long",
        )
    refuse_patient_information(reason, field="reason")
    return reason


def privacy_officers() -> QuerySet[Person]:
    """Active people with an organisation-wide privacy officer or administrator grant (a
    site or department grant doesn't make someone a privacy officer: permissions)."""
    grants = Q(role_grants__site__isnull=True, role_grants__department__isnull=True)
    roles = Q(role_grants__role__in=[Role.PRIVACY_OFFICER, Role.ADMINISTRATOR])
    return Person.objects.filter(grants & roles, is_active=True).distinct()


def _message(officer: Person, label: str, reason: str) -> str:
    text = _("%(officer)s revealed who wrote %(item)s. Their reason: %(reason)s") % {
        "officer": officer.display_name,
        "item": label,
        "reason": "",
    }
    room = MESSAGE_MAX_LENGTH - len(text)
    if len(reason) > room:
        reason = reason[: max(room - 1, 0)].rstrip() + "…"
    return text + reason


@transaction.atomic
def reveal_author(
    *, obj: Any, officer: Person, reason: str, request: HttpRequest | None = None
) -> Person:
    """The author of the anonymous item `obj`, for the privacy officer `officer`.

    Records the reveal, audits it and tells every other privacy officer who revealed which
    item's author and why. Raises Http404 for anyone but a privacy officer, ValidationError
    for an item that isn't anonymous or a reason that is too short, too long or looks like
    patient information (nothing is written then).
    """
    check_review_holds(officer)
    if not is_anonymous(obj):
        raise ValidationError(_("This was not posted anonymously: its author is already shown."))
    reason = clean_reveal_reason(reason)
    kind = kind_of(obj)
    author = Person.objects.get(pk=kind.author_id(obj))
    label = str(kind.label(obj))
    reveal = AuthorReveal.objects.create(
        item_kind=kind.key,
        item_id=obj.pk,
        item_label=label[:200],
        revealed_by=officer,
        reason=reason,
    )
    record_audit(  # ids only: never the author's name, nor the reason's words
        actor=officer,
        action=AuditAction.REVEALED_AUTHOR,
        target=obj,
        summary=f"Author of {kind.key} {obj.pk} revealed (reveal {reveal.pk})",
        data={"reveal": reveal.pk, "kind": kind.key, "item": obj.pk},
        request=request,
    )
    message = _message(officer, label, reason)
    Notification.objects.bulk_create(
        Notification(
            recipient=person,
            kind=Notification.Kind.REVEAL,
            actor=officer,
            message=message,
        )
        for person in privacy_officers().exclude(pk=officer.pk)
    )
    return author
