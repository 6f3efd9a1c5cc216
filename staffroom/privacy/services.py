"""Writes of the PHI guard: holding an item, the author's answers, the privacy officer's decision.

A hold names its item by kind and id (core.items); every change of the item's visibility goes
through its ItemKind.set_visibility, which keeps counts, caches, search and notifications
right. The held words are never copied: audit entries and notifications carry ids, finding
kinds and the notes people wrote to each other (never the item's text).

Locks, always in one order: the item's row first, then its hold's. Edits lock the item and
then (re)open its hold; a decision, and the author's "send for review", do the same, so an
officer deciding while the author edits waits instead of deadlocking. Two officers acting on
one hold at once: the second finds the hold closed after the locks and gets a clear error.

A decision is about the words the officer read: the page carries `texts_version(obj)` (a
hash of the item's texts), and a release or removal of anything else is refused.

A hold belongs to the item's author (ItemKind.author_id), whoever's edit caused it: a
moderator's or channel editor's edit that carries patient information opens a hold for the
author to answer; the audit entry names the editor as the actor.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
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


def texts_version(obj: Any) -> str:
    """A hash of the item's texts as they are now: what a privacy officer's page showed."""
    texts = kind_of(obj).texts(obj)
    canonical = json.dumps(texts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _lock_item(kind: ItemKind, obj: Any) -> None:
    """Lock the item's row before its hold's (the module's lock order). Cheap when the caller
    already holds it; needed where it doesn't (a post's image added without locking it)."""
    kind.model._default_manager.select_for_update().filter(pk=obj.pk).values_list("pk").first()


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
    if kind.is_anonymous(obj):
        # Posted anonymously: the trail (which auditors read and export) must not name the
        # author either, as actor or in its data; only the audited reveal does (decision 18).
        data.pop("author", None)
        if actor is not None and actor.pk == kind.author_id(obj):
            actor = None
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
def hold_item(
    *,
    obj: Any,
    findings: list[FieldFinding],
    author: Person | None = None,
    actor: Person | None = None,
    previous_visibility: str = Visibility.VISIBLE,
) -> PrivacyHold:
    """Open a hold on `obj` (or update the findings of its open one).

    Precondition: `obj` is saved and HELD (created so, or set with
    kind_of(obj).set_visibility(obj, Visibility.HELD)). Its row is locked before the hold's
    (the module's lock order).

    The hold is always the item's author's (`kind.author_id(obj)`); `actor` (or `author`, as
    the creation flow passes it) is who caused it, for the audit trail: None for the guard
    itself (an item about to be shown again, see `guard_before_showing`).
    """
    kind = kind_of(obj)
    if obj.visibility != Visibility.HELD:
        raise ValueError("hold_item needs an item that is already held")
    stored = [f.as_json() for f in findings]
    _lock_item(kind, obj)
    hold = _open_hold(kind, obj)
    if hold is not None:
        hold.findings = stored
        hold.save(update_fields=["findings", "updated_at"])
        return hold
    author_id = kind.author_id(obj)
    hold = PrivacyHold.objects.create(
        item_kind=kind.key,
        item_id=obj.pk,
        author_id=author_id,
        findings=stored,
        previous_visibility=previous_visibility,
    )
    by = actor or author
    _audit(
        actor=by,
        action=AuditAction.HELD,
        hold=hold,
        kind=kind,
        obj=obj,
        what="held for privacy review",
        findings=_finding_kinds(findings),
        author=author_id,
    )
    return hold


def guard_before_showing(obj: Any) -> list[FieldFinding]:
    """The findings in `obj` about to become VISIBLE from hidden or removed (a moderator's
    restore, an edit that shows it again): its words may have changed while nobody could
    see them. The kinds' set_visibility call this and hold the item instead of showing it
    when anything is found. Not for HELD -> VISIBLE: the guard (an edit scanned clean) or a
    privacy officer (a release) already decided."""
    return scan_texts(kind_of(obj).texts(obj))


@transaction.atomic
def recheck_after_edit(*, obj: Any, editor: Person) -> PrivacyHold | None:
    """Scan `obj` again after its words were saved, and hold or publish it accordingly.

    Visible or hidden + PHI: held, with a new hold (hidden too: moderators read hidden items,
    and a hidden item edited while nobody watched must not be restored unscanned). Held +
    PHI: the open hold's findings are updated. Held + clean: the hold is withdrawn and the
    item published. Removed: a privacy officer decided, nothing changes. Returns the open
    hold, if any. The hold is the author's; `editor` is the audit trail's actor.

    The item's row is locked first (if the caller hasn't already): the module's lock order.
    """
    kind = kind_of(obj)
    _lock_item(kind, obj)
    findings = scan_texts(kind.texts(obj))
    if obj.visibility in (Visibility.VISIBLE, Visibility.HIDDEN):
        if not findings:
            return None
        previous = obj.visibility
        kind.set_visibility(obj, Visibility.HELD)
        return hold_item(obj=obj, actor=editor, findings=findings, previous_visibility=previous)
    if obj.visibility != Visibility.HELD:
        return None  # removed: a privacy officer decided, not the guard
    if findings:
        return hold_item(obj=obj, actor=editor, findings=findings)
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
    kind.set_visibility(obj, _after_hold(hold))
    return None


def _after_hold(hold: PrivacyHold | None) -> Visibility:
    """Where a held item goes when the guard lets it go: back to hidden if a moderator had
    hidden it before it was held, else visible."""
    if hold is not None and hold.previous_visibility == Visibility.HIDDEN:
        return Visibility.HIDDEN
    return Visibility.VISIBLE


@transaction.atomic
def withdraw_hold(*, obj: Any, by: Person) -> None:
    """The author deleted a held item: its open hold closes (the item stays held)."""
    kind = kind_of(obj)
    _lock_item(kind, obj)
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


@transaction.atomic
def delete_held_item(*, hold: PrivacyHold, author: Person) -> None:
    """The author deletes their held item from its banner (any kind): the hold closes, the
    item is removed and its words purged (kind.purge), so nothing held stays behind."""
    try:
        kind, obj = _locked_item(hold)
    except ObjectDoesNotExist:
        raise ValidationError(_("This is no longer held: there is nothing to delete.")) from None
    locked = _locked(hold)
    if locked.author_id != author.pk:
        raise PermissionDenied(_("Only the person who wrote it can delete it."))
    if not locked.is_open or obj.visibility != Visibility.HELD:
        raise ValidationError(_("This is no longer held: there is nothing to delete."))
    locked.status = PrivacyHold.Status.WITHDRAWN
    locked.findings = []
    locked.save(update_fields=["status", "findings", "updated_at"])
    _audit(
        actor=author,
        action=AuditAction.HOLD_WITHDRAWN,
        hold=locked,
        kind=kind,
        obj=obj,
        what="deleted by the author",
        reason="deleted",
    )
    kind.set_visibility(obj, Visibility.REMOVED)
    kind.purge(obj)


def _refuse_patient_information_in_note(text: str) -> None:
    """The officer's note goes to the author's notifications: the guard reads it too."""
    from staffroom.privacy.guard import kind_label

    findings = scan_texts({"Note": text}) if text else []
    if findings:
        what = ", ".join(sorted({str(kind_label(f.kind)) for f in findings}))
        raise ValidationError(
            _(
                "Your note to the author looks like it contains patient information "
                "(%(what)s). Describe what to change without repeating it."
            )
            % {"what": what},
            code="phi",
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


def _locked_item(hold: PrivacyHold) -> tuple[ItemKind, Any]:
    """The hold's item, its row locked: always before the hold's (the module's lock order).
    DoesNotExist if it is gone."""
    kind = kind_named(hold.item_kind)
    obj = kind.model._default_manager.select_for_update().get(pk=hold.item_id)
    return kind, obj


@transaction.atomic
def send_for_review(*, hold: PrivacyHold, author: Person, note: str) -> PrivacyHold:
    """The author asks a privacy officer to look: "this is not patient information because…"."""
    text = _clean_note(note)
    try:
        kind, obj = _locked_item(hold)
    except ObjectDoesNotExist:
        raise ValidationError(_("This is no longer held, so there is nothing to review.")) from None
    locked = _locked(hold)
    if locked.author_id != author.pk:
        raise PermissionDenied(_("Only the person who wrote it can send it for review."))
    if not locked.is_open:
        raise ValidationError(_("This is no longer held, so there is nothing to review."))
    locked.status = PrivacyHold.Status.IN_REVIEW
    locked.author_note = text
    locked.sent_for_review_at = timezone.now()
    locked.save(update_fields=["status", "author_note", "sent_for_review_at", "updated_at"])
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
    seen: str | None,
) -> PrivacyHold:
    if not can_review_holds(officer):
        raise PermissionDenied(_("Only privacy officers can decide on held items."))
    text = _clean_note(note)
    _refuse_patient_information_in_note(text)
    # The item first, then the hold (the module's lock order): the author's edit can't slip
    # in between the check below and the decision.
    try:
        kind, obj = _locked_item(hold)
    except ObjectDoesNotExist:
        raise ValidationError(_("This item no longer exists.")) from None
    locked = _locked(hold)
    if not locked.is_open:
        raise ValidationError(
            _("Someone already decided on this (it is now: %(status)s).")
            % {"status": locked.get_status_display()}
        )
    if obj.visibility != Visibility.HELD:
        raise ValidationError(_("This item is no longer held."))
    if seen is not None and seen != texts_version(obj):
        raise ValidationError(
            _("It was changed since you opened it: review the latest version."), code="stale"
        )
    if visibility == Visibility.VISIBLE:
        visibility = _after_hold(locked)
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
def release_hold(
    *, hold: PrivacyHold, officer: Person, note: str, seen: str | None = None
) -> PrivacyHold:
    """Not patient information after all: the latest version is published, the author told.

    `seen`: the `texts_version` the officer's page showed; if the words changed since, the
    release is refused (ValidationError, code "stale") and nothing changes. None: no check
    (scripts, the demo)."""
    return _decide(
        hold=hold,
        officer=officer,
        note=note,
        seen=seen,
        status=PrivacyHold.Status.RELEASED,
        visibility=Visibility.VISIBLE,
        action=AuditAction.RELEASED,
    )


@transaction.atomic
def remove_held_item(
    *, hold: PrivacyHold, officer: Person, note: str, seen: str | None = None
) -> PrivacyHold:
    """Patient information: the item is removed for good (its author can still read it until
    a purge, privacy.exposure), the author told why. `seen` as for `release_hold`."""
    return _decide(
        hold=hold,
        officer=officer,
        note=note,
        seen=seen,
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
