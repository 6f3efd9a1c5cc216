"""Writes of the PHI guard: holding an item, the author's answers, the privacy officer's decision.

A hold names its item by kind and id (core.items); every change of the item's visibility goes
through its ItemKind.set_visibility, which keeps counts, caches, search and notifications
right. The held words are never copied: audit entries and notifications carry ids, finding
kinds and the notes people wrote to each other (never the item's text).

Two officers acting on one hold at once: the hold row is locked (select_for_update) and its
status checked after the lock, so the second gets a clear error instead of a second decision.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person
from staffroom.audit.models import AuditAction
from staffroom.audit.services import record_audit
from staffroom.core.items import ItemKind, kind_named, kind_of
from staffroom.core.models import Visibility
from staffroom.notifications.models import Notification
from staffroom.privacy.guard import FieldFinding, scan_texts
from staffroom.privacy.models import PrivacyHold
from staffroom.privacy.permissions import can_review_holds

NOTE_MAX_LENGTH = 1000


def _open_hold(kind: ItemKind, obj: Any, *, lock: bool = True) -> PrivacyHold | None:
    holds = PrivacyHold.objects.filter(
        item_kind=kind.key, item_id=obj.pk, status__in=PrivacyHold.OPEN
    )
    if lock:
        holds = holds.select_for_update()
    return holds.first()


def _audit(
    *,
    actor: Person | None,
    action: AuditAction,
    hold: PrivacyHold,
    kind: ItemKind,
    obj: Any,
    what: str,
    request: HttpRequest | None = None,
    **data: Any,
) -> None:
    record_audit(  # ids, kinds and statuses only: never the item's words nor anyone's note
        actor=actor,
        action=action,
        target=hold,
        summary=f"Hold {hold.pk} ({kind.label(obj)}): {what}",
        data={"hold": hold.pk, "kind": kind.key, "item": obj.pk, **data},
        request=request,
    )


def _finding_kinds(findings: list[FieldFinding]) -> list[str]:
    return sorted({f.kind for f in findings})


@transaction.atomic
def hold_item(*, obj: Any, author: Person, findings: list[FieldFinding]) -> PrivacyHold:
    """Open a hold on `obj` (or update the findings of its open one).

    Precondition: `obj` is saved and HELD (created so, or set with
    kind_of(obj).set_visibility(obj, Visibility.HELD)).
    """
    kind = kind_of(obj)
    if obj.visibility != Visibility.HELD:
        raise ValueError("hold_item needs an item that is already held")
    stored = [f.as_json() for f in findings]
    hold = _open_hold(kind, obj)
    if hold is not None:
        hold.findings = stored
        hold.save(update_fields=["findings", "updated_at"])
        return hold
    hold = PrivacyHold.objects.create(
        item_kind=kind.key, item_id=obj.pk, author=author, findings=stored
    )
    _audit(
        actor=author,
        action=AuditAction.HELD,
        hold=hold,
        kind=kind,
        obj=obj,
        what="held for privacy review",
        findings=_finding_kinds(findings),
    )
    return hold


@transaction.atomic
def recheck_after_edit(*, obj: Any, editor: Person) -> PrivacyHold | None:
    """Scan `obj` again after its words were saved, and hold or publish it accordingly.

    Visible + PHI: held, with a new hold. Held + PHI: the open hold's findings are updated.
    Held + clean: the hold is withdrawn and the item published. Returns the open hold, if any.
    """
    kind = kind_of(obj)
    findings = scan_texts(kind.texts(obj))
    if obj.visibility == Visibility.VISIBLE:
        if not findings:
            return None
        kind.set_visibility(obj, Visibility.HELD)
        return hold_item(obj=obj, author=editor, findings=findings)
    if obj.visibility != Visibility.HELD:
        return None  # hidden or removed: a moderator or privacy officer decides, not the guard
    if findings:
        return hold_item(obj=obj, author=editor, findings=findings)
    hold = _open_hold(kind, obj)
    if hold is not None:
        hold.status = PrivacyHold.Status.WITHDRAWN
        hold.findings = []
        hold.save(update_fields=["status", "findings", "updated_at"])
        _audit(
            actor=editor,
            action=AuditAction.HOLD_WITHDRAWN,
            hold=hold,
            kind=kind,
            obj=obj,
            what="edited out by the author",
            reason="edited",
        )
    kind.set_visibility(obj, Visibility.VISIBLE)
    return None


@transaction.atomic
def withdraw_hold(*, obj: Any, by: Person) -> None:
    """The author deleted a held item: its open hold closes (the item stays held)."""
    kind = kind_of(obj)
    hold = _open_hold(kind, obj)
    if hold is None:
        return
    hold.status = PrivacyHold.Status.WITHDRAWN
    hold.save(update_fields=["status", "updated_at"])
    _audit(
        actor=by,
        action=AuditAction.HOLD_WITHDRAWN,
        hold=hold,
        kind=kind,
        obj=obj,
        what="deleted by the author",
        reason="deleted",
    )


def _clean_note(note: str) -> str:
    text = (note or "").strip()
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            _("A note can be at most %(limit)s characters long.") % {"limit": NOTE_MAX_LENGTH}
        )
    return text


def _locked(hold: PrivacyHold) -> PrivacyHold:
    return PrivacyHold.objects.select_for_update().get(pk=hold.pk)


@transaction.atomic
def send_for_review(*, hold: PrivacyHold, author: Person, note: str) -> PrivacyHold:
    """The author asks a privacy officer to look: "this is not patient information because…"."""
    text = _clean_note(note)
    locked = _locked(hold)
    if locked.author_id != author.pk:
        raise PermissionDenied(_("Only the person who wrote it can send it for review."))
    if not locked.is_open:
        raise ValidationError(_("This is no longer held, so there is nothing to review."))
    locked.status = PrivacyHold.Status.IN_REVIEW
    locked.author_note = text
    locked.sent_for_review_at = timezone.now()
    locked.save(update_fields=["status", "author_note", "sent_for_review_at", "updated_at"])
    kind = kind_named(locked.item_kind)
    obj = kind.model._default_manager.get(pk=locked.item_id)
    _audit(
        actor=author,
        action=AuditAction.SENT_FOR_REVIEW,
        hold=locked,
        kind=kind,
        obj=obj,
        what="sent for privacy review",
    )
    return locked


def _decide(
    *,
    hold: PrivacyHold,
    officer: Person,
    note: str,
    status: PrivacyHold.Status,
    visibility: Visibility,
    action: AuditAction,
) -> PrivacyHold:
    if not can_review_holds(officer):
        raise PermissionDenied(_("Only privacy officers can decide on held items."))
    text = _clean_note(note)
    locked = _locked(hold)
    if not locked.is_open:
        raise ValidationError(
            _("Someone already decided on this (it is now: %(status)s).")
            % {"status": locked.get_status_display()}
        )
    kind = kind_named(locked.item_kind)
    # The latest version of the item, read under its own lock inside set_visibility.
    obj: Any = kind.model._default_manager.get(pk=locked.item_id)
    if obj.visibility != Visibility.HELD:
        raise ValidationError(_("This item is no longer held."))
    kind.set_visibility(obj, visibility)
    locked.status = status
    locked.decided_by = officer
    locked.decided_at = timezone.now()
    locked.decision_note = text
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    Notification.objects.create(
        recipient_id=locked.author_id,
        kind=Notification.Kind.PRIVACY,
        actor=officer,
        thread_id=getattr(obj, "thread_id", None),
        comment=obj if kind.key == "comment" else None,
        message=text,
    )
    _audit(
        actor=officer,
        action=action,
        hold=locked,
        kind=kind,
        obj=obj,
        what=str(status.label).lower(),
        author=locked.author_id,
    )
    return locked


@transaction.atomic
def release_hold(*, hold: PrivacyHold, officer: Person, note: str) -> PrivacyHold:
    """Not patient information after all: the latest version is published, the author told."""
    return _decide(
        hold=hold,
        officer=officer,
        note=note,
        status=PrivacyHold.Status.RELEASED,
        visibility=Visibility.VISIBLE,
        action=AuditAction.RELEASED,
    )


@transaction.atomic
def remove_held_item(*, hold: PrivacyHold, officer: Person, note: str) -> PrivacyHold:
    """Patient information: the item is removed for good (its author can still read it until
    a purge, privacy.exposure), the author told why."""
    return _decide(
        hold=hold,
        officer=officer,
        note=note,
        status=PrivacyHold.Status.REMOVED,
        visibility=Visibility.REMOVED,
        action=AuditAction.REMOVED,
    )


@transaction.atomic
def record_hold_viewed(
    *, hold: PrivacyHold, officer: Person, request: HttpRequest | None = None
) -> None:
    """Every time a privacy officer reads a held item's words, the trail says so."""
    kind = kind_named(hold.item_kind)
    obj = kind.model._default_manager.get(pk=hold.item_id)
    _audit(
        actor=officer,
        action=AuditAction.HELD_CONTENT_VIEWED,
        hold=hold,
        kind=kind,
        obj=obj,
        what="held words viewed",
        request=request,
    )
