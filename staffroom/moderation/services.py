"""Writes of moderation: flagging, and what moderators do about flags and people.

Every action is audited (ids only), recorded as a ModerationAction, and — when it changes
something for the author — told to the author with the moderator's reason as a MODERATION
notification. Visibility changes go through the item registry
(core.items.kind_of(obj).set_visibility), the one way that keeps counts, caches and search
right. Held and removed items belong to privacy officers: moderation never touches them.

Preconditions: views checked the actor with moderation.permissions (check_flag,
check_moderate) before calling these.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person
from staffroom.audit.models import AuditAction
from staffroom.audit.services import record_audit
from staffroom.core.items import ItemKind, kind_of
from staffroom.core.models import Visibility
from staffroom.moderation.models import (
    Flag,
    FlaggedItem,
    FlagReason,
    ModerationAction,
    Suspension,
)
from staffroom.notifications.models import Notification
from staffroom.privacy.guard import kind_label, scan_texts
from staffroom.privacy.services import recheck_after_edit

NOTE_MAX_LENGTH = 500
REASON_MAX_LENGTH = 1000
SUSPENSION_DAYS = (1, 3, 7, 30)


def auto_hide_threshold() -> int:
    return max(1, int(getattr(settings, "MODERATION_AUTO_HIDE_FLAGS", 3)))


def _clean_reason(reason: str, *, required: bool = True) -> str:
    text = " ".join((reason or "").split())
    if required and not text:
        raise ValidationError(_("Write the reason: the author is told it."), code="reason")
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError(
            _("Keep the reason under %(limit)s characters.") % {"limit": REASON_MAX_LENGTH},
            code="reason",
        )
    _check_no_phi(text)
    return text


def _check_no_phi(text: str) -> None:
    """Notes and reasons are words people write too: the PHI guard reads them. They are
    refused rather than held: the item itself is there for anyone who must see the details."""
    findings = scan_texts({"Note": text}) if text else []
    if findings:
        what = ", ".join(sorted({kind_label(f.kind) for f in findings}))
        raise ValidationError(
            _(
                "This looks like it contains patient information (%(what)s). Leave it out: "
                "the moderator can see the item itself."
            )
            % {"what": what},
            code="phi",
        )


def _locked_item(obj: Any) -> Any:
    """The item re-read under a row lock: its visibility is decided on the latest value."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def _where(kind: ItemKind, obj: Any) -> dict[str, Any]:
    """Notification links for an item: its thread, and the comment when it is one."""
    from staffroom.channels.models import Post
    from staffroom.discussion.models import Comment

    if isinstance(obj, Comment):
        return {"thread_id": obj.thread_id, "comment_id": obj.pk}
    if isinstance(obj, Post):
        return {"thread_id": obj.thread_id}
    return {}


def _tell(*, recipient_id: int, actor: Person | None, message: str, where: dict[str, Any]) -> None:
    Notification.objects.create(
        recipient_id=recipient_id,
        kind=Notification.Kind.MODERATION,
        actor=actor,
        message=message[:1000],
        **where,
    )


def _record(
    *,
    action: str,
    subject_id: int,
    moderator: Person | None,
    note: str,
    kind: ItemKind | None = None,
    obj: Any = None,
) -> ModerationAction:
    return ModerationAction.objects.create(
        item_kind=kind.key if kind else "",
        item_id=obj.pk if obj is not None else None,
        subject_id=subject_id,
        moderator=moderator,
        action=action,
        note=note,
    )


def _flagged_item(kind: ItemKind, obj: Any) -> FlaggedItem | None:
    return (
        FlaggedItem.objects.select_for_update().filter(item_kind=kind.key, item_id=obj.pk).first()
    )


def _resolve_flags(kind: ItemKind, obj: Any) -> int:
    """Close the item's open flags (a moderator decided); returns how many were open."""
    flagged = _flagged_item(kind, obj)
    if flagged is None:
        return 0
    closed = Flag.objects.filter(flagged_item=flagged, status=Flag.Status.OPEN).update(
        status=Flag.Status.RESOLVED, resolved_at=timezone.now()
    )
    flagged.state = FlaggedItem.State.RESOLVED
    flagged.open_flags = 0
    flagged.privacy_flags = 0
    flagged.auto_hidden = False
    flagged.save(
        update_fields=["state", "open_flags", "privacy_flags", "auto_hidden", "updated_at"]
    )
    return closed


# --- Flags -----------------------------------------------------------------------------------


@transaction.atomic
def flag_item(*, obj: Any, by: Person, reason: str, note: str = "") -> Flag:
    """`by` flags `obj`. At MODERATION_AUTO_HIDE_FLAGS distinct people it is hidden.

    Precondition: permissions.check_flag(by, obj) passed (they can see it, it isn't theirs).
    A person flags an item once; flagging it again after a moderator dealt with their
    earlier flag opens that flag again.
    """
    if reason not in FlagReason.values:
        raise ValidationError(_("Choose why you are flagging this."), code="reason")
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            _("Keep the note under %(limit)s characters.") % {"limit": NOTE_MAX_LENGTH},
            code="note",
        )
    _check_no_phi(note)
    kind = kind_of(obj)
    author_id = kind.author_id(obj)
    if author_id == by.pk:
        raise ValidationError(_("You can't flag something you wrote."), code="own")
    locked = _locked_item(obj)
    if locked.visibility != Visibility.VISIBLE:
        raise ValidationError(_("This is already being looked at."), code="not_visible")
    now = timezone.now()
    flagged, _created = FlaggedItem.objects.select_for_update().get_or_create(
        item_kind=kind.key,
        item_id=obj.pk,
        defaults={"author_id": author_id, "opened_at": now, "last_flagged_at": now},
    )
    flag = Flag.objects.filter(item_kind=kind.key, item_id=obj.pk, flagged_by=by).first()
    if flag is not None and flag.status == Flag.Status.OPEN:
        raise ValidationError(
            _("You already flagged this. A moderator will look at it."), code="again"
        )
    if flagged.state == FlaggedItem.State.RESOLVED:
        flagged.state = FlaggedItem.State.OPEN
        flagged.opened_at = now
    if flag is None:
        flag = Flag.objects.create(
            flagged_item=flagged,
            item_kind=kind.key,
            item_id=obj.pk,
            flagged_by=by,
            reason=reason,
            note=note,
        )
    else:
        flag.reason, flag.note, flag.status, flag.resolved_at = reason, note, Flag.Status.OPEN, None
        flag.save(update_fields=["reason", "note", "status", "resolved_at", "updated_at"])
    flagged.open_flags = F("open_flags") + 1
    if reason == FlagReason.PRIVACY:
        flagged.privacy_flags = F("privacy_flags") + 1
    flagged.last_flagged_at = now
    flagged.save(
        update_fields=[
            "state",
            "opened_at",
            "open_flags",
            "privacy_flags",
            "last_flagged_at",
            "updated_at",
        ]
    )
    flagged.refresh_from_db(fields=["open_flags", "privacy_flags"])
    record_audit(
        actor=by,
        action=AuditAction.FLAGGED,
        target=obj,
        summary=f"Flag {flag.pk} on {kind.label(obj)}: {reason}",
        data={"kind": kind.key, "id": obj.pk, "reason": reason, "open_flags": flagged.open_flags},
    )
    if flagged.open_flags >= auto_hide_threshold():
        _auto_hide(kind=kind, obj=locked, flagged=flagged)
    return flag


def _auto_hide(*, kind: ItemKind, obj: Any, flagged: FlaggedItem) -> None:
    """Enough people flagged it: hidden until a moderator looks (only if still visible)."""
    if obj.visibility != Visibility.VISIBLE:
        return
    kind.set_visibility(obj, Visibility.HIDDEN)
    flagged.auto_hidden = True
    flagged.save(update_fields=["auto_hidden", "updated_at"])
    author_id = kind.author_id(obj)
    message = _(
        "Several colleagues flagged what you wrote, so it is hidden until a moderator looks "
        "at it. You will be told what they decide."
    )
    _record(
        action=ModerationAction.Kind.HIDE,
        subject_id=author_id,
        moderator=None,
        note=message,
        kind=kind,
        obj=obj,
    )
    record_audit(
        actor=None,
        action=AuditAction.HIDDEN,
        target=obj,
        summary=f"{kind.label(obj)} hidden pending review: {flagged.open_flags} flags",
        data={"kind": kind.key, "id": obj.pk, "flags": flagged.open_flags, "automatic": True},
    )
    _tell(recipient_id=author_id, actor=None, message=message, where=_where(kind, obj))


@transaction.atomic
def dismiss_flags(*, obj: Any, moderator: Person, reason: str = "") -> int:
    """The flags were unfounded: close them. The item stays as it is (restore it
    separately if it was hidden); the author isn't told, as nothing happened to it."""
    kind = kind_of(obj)
    reason = _clean_reason(reason, required=False)
    closed = _resolve_flags(kind, obj)
    _record(
        action=ModerationAction.Kind.DISMISS,
        subject_id=kind.author_id(obj),
        moderator=moderator,
        note=reason,
        kind=kind,
        obj=obj,
    )
    record_audit(
        actor=moderator,
        action=AuditAction.FLAGS_DISMISSED,
        target=obj,
        summary=f"{closed} flags on {kind.label(obj)} dismissed",
        data={"kind": kind.key, "id": obj.pk, "flags": closed},
    )
    return closed


# --- Items ------------------------------------------------------------------------------------


def _not_for_moderators(obj: Any) -> None:
    if obj.visibility in (Visibility.HELD, Visibility.REMOVED):
        raise ValidationError(
            _("This is with the privacy officers, so moderators can't change it."),
            code="privacy",
        )


@transaction.atomic
def hide_item(*, obj: Any, moderator: Person, reason: str) -> ModerationAction:
    """Hide a visible item (or confirm the hiding of one hidden by flags); flags close."""
    kind = kind_of(obj)
    reason = _clean_reason(reason)
    locked = _locked_item(obj)
    _not_for_moderators(locked)
    if locked.visibility == Visibility.VISIBLE:
        kind.set_visibility(locked, Visibility.HIDDEN)
    closed = _resolve_flags(kind, locked)
    author_id = kind.author_id(locked)
    action = _record(
        action=ModerationAction.Kind.HIDE,
        subject_id=author_id,
        moderator=moderator,
        note=reason,
        kind=kind,
        obj=locked,
    )
    record_audit(
        actor=moderator,
        action=AuditAction.HIDDEN,
        target=locked,
        summary=f"{kind.label(locked)} hidden by a moderator",
        data={"kind": kind.key, "id": locked.pk, "flags": closed},
    )
    _tell(
        recipient_id=author_id,
        actor=moderator,
        message=_("A moderator hid what you wrote. Reason: %(reason)s") % {"reason": reason},
        where=_where(kind, locked),
    )
    return action


@transaction.atomic
def restore_item(*, obj: Any, moderator: Person, reason: str = "") -> ModerationAction:
    """Show a hidden item again; its flags close."""
    kind = kind_of(obj)
    reason = _clean_reason(reason, required=False)
    locked = _locked_item(obj)
    if locked.visibility != Visibility.HIDDEN:
        raise ValidationError(_("Only a hidden item can be restored."), code="not_hidden")
    kind.set_visibility(locked, Visibility.VISIBLE)
    closed = _resolve_flags(kind, locked)
    author_id = kind.author_id(locked)
    action = _record(
        action=ModerationAction.Kind.RESTORE,
        subject_id=author_id,
        moderator=moderator,
        note=reason,
        kind=kind,
        obj=locked,
    )
    record_audit(
        actor=moderator,
        action=AuditAction.RESTORED,
        target=locked,
        summary=f"{kind.label(locked)} restored by a moderator",
        data={"kind": kind.key, "id": locked.pk, "flags": closed},
    )
    message = _("A moderator looked at what you wrote and restored it: everyone can see it again.")
    if reason:
        message = f"{message} {reason}"
    _tell(recipient_id=author_id, actor=moderator, message=message, where=_where(kind, locked))
    return action


@transaction.atomic
def edit_item_as_moderator(
    *,
    obj: Any,
    moderator: Person,
    note: str,
    body: str,
    title: str | None = None,
    summary: str | None = None,
) -> Any:
    """Change an item's words, with a note shown beside it ("edited by a moderator: why").

    The owning app's edit service keeps the earlier words as a revision. A hidden item is
    shown again (the edit is the fix); its flags close. Returns the item as saved.
    """
    from staffroom.channels.models import Post
    from staffroom.discussion.models import Comment

    kind = kind_of(obj)
    note = _clean_reason(note)
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            _("Keep the note under %(limit)s characters.") % {"limit": NOTE_MAX_LENGTH},
            code="note",
        )
    locked = _locked_item(obj)
    _not_for_moderators(locked)
    if isinstance(locked, Post):
        saved = _edit_post(locked, moderator, note=note, title=title, summary=summary, body=body)
    elif isinstance(locked, Comment):
        saved = _edit_comment(locked, moderator, note=note, body=body)
    else:
        raise ValidationError(_("This kind of item can't be edited here."), code="kind")
    if saved.visibility == Visibility.HIDDEN:
        kind.set_visibility(saved, Visibility.VISIBLE)
    # The moderator's words pass the PHI guard like anyone's (held if they carry any).
    recheck_after_edit(obj=saved, editor=moderator)
    closed = _resolve_flags(kind, saved)
    author_id = kind.author_id(saved)
    _record(
        action=ModerationAction.Kind.EDIT,
        subject_id=author_id,
        moderator=moderator,
        note=note,
        kind=kind,
        obj=saved,
    )
    record_audit(
        actor=moderator,
        action=AuditAction.EDITED_BY_MODERATOR,
        target=saved,
        summary=f"{kind.label(saved)} edited by a moderator",
        data={"kind": kind.key, "id": saved.pk, "flags": closed},
    )
    _tell(
        recipient_id=author_id,
        actor=moderator,
        message=_("A moderator edited what you wrote. Reason: %(reason)s") % {"reason": note},
        where=_where(kind, saved),
    )
    return saved


def _edit_post(
    post: Any, moderator: Person, *, note: str, title: str | None, summary: str | None, body: str
) -> Any:
    from staffroom.channels.services.posts import edit_post

    type(post)._default_manager.filter(pk=post.pk).update(moderation_note=note)
    # The post's whole state goes back unchanged except its words (edit_post replaces tags,
    # audience and initiative with what it is given).
    return edit_post(
        post=post,
        editor=moderator,
        title=post.title if title is None else title,
        summary=post.summary if summary is None else summary,
        body=body,
        tags=[tag.name for tag in post.tags.all()],
        audience_sites=list(post.audience_sites.all()),
        audience_departments=list(post.audience_departments.all()),
        audience_job_families=list(post.audience_job_families.all()),
        initiative=post.initiative,
    )


def _edit_comment(comment: Any, moderator: Person, *, note: str, body: str) -> Any:
    """discussion.services.edit_comment is the author's own edit (it refuses anyone else and
    hidden comments), so the moderator's edit does the same steps here: keep the old words
    as a revision by the moderator, render, save, bump the thread's version."""
    from staffroom.discussion import services as discussion
    from staffroom.discussion.models import CommentRevision, Thread

    text = discussion.clean_comment_body(body)
    if text != comment.body:
        CommentRevision.objects.create(comment=comment, body=comment.body, editor=moderator)
        html, _mentioned, _paths = discussion._render(text)  # the app's own renderer
        comment.body = text
        comment.body_html = html
        comment.edited_at = timezone.now()
    comment.moderation_note = note
    comment.save(update_fields=["body", "body_html", "edited_at", "moderation_note", "updated_at"])
    Thread.objects.filter(pk=comment.thread_id).update(version=F("version") + 1)
    return comment


# --- People -----------------------------------------------------------------------------------


@transaction.atomic
def warn_person(
    *, person: Person, moderator: Person, reason: str, obj: Any = None
) -> ModerationAction:
    """Tell `person` a moderator is concerned (about `obj`, when given)."""
    reason = _clean_reason(reason)
    kind = kind_of(obj) if obj is not None else None
    action = _record(
        action=ModerationAction.Kind.WARN,
        subject_id=person.pk,
        moderator=moderator,
        note=reason,
        kind=kind,
        obj=obj,
    )
    # About an anonymous item: the trail names the person warned, so it must not name the
    # item too (that pair would say who wrote it); only the audited reveal does.
    about = kind if kind is not None and not kind.is_anonymous(obj) else None
    record_audit(
        actor=moderator,
        action=AuditAction.WARNED,
        target=person,
        summary=f"Person {person.pk} warned"
        + (f" about {about.label(obj)}" if about is not None else ""),
        data={
            "person": person.pk,
            "kind": about.key if about else "",
            "id": obj.pk if about is not None else None,
        },
    )
    _tell(
        recipient_id=person.pk,
        actor=moderator,
        message=_("A moderator sent you a warning: %(reason)s") % {"reason": reason},
        where=_where(kind, obj) if kind is not None else {},
    )
    return action


@transaction.atomic
def suspend_person(
    *, person: Person, moderator: Person, until: datetime, reason: str, obj: Any = None
) -> Suspension:
    """`person` may read but not write until `until` (see middleware.SuspensionMiddleware)."""
    reason = _clean_reason(reason)
    now = timezone.now()
    if until <= now:
        raise ValidationError(_("A suspension must end in the future."), code="until")
    if until > now + timedelta(days=366):
        raise ValidationError(_("A suspension can last at most a year."), code="until")
    if person.pk == moderator.pk:
        raise ValidationError(_("You can't suspend yourself."), code="self")
    suspension = Suspension.objects.create(
        person=person, starts=now, ends=until, reason=reason, by=moderator
    )
    kind = kind_of(obj) if obj is not None else None
    _record(
        action=ModerationAction.Kind.SUSPEND,
        subject_id=person.pk,
        moderator=moderator,
        note=reason,
        kind=kind,
        obj=obj,
    )
    record_audit(
        actor=moderator,
        action=AuditAction.SUSPENDED,
        target=person,
        summary=f"Person {person.pk} suspended until {until.isoformat()} (suspension "
        f"{suspension.pk})",
        data={"person": person.pk, "suspension": suspension.pk, "until": until.isoformat()},
    )
    _tell(
        recipient_id=person.pk,
        actor=moderator,
        message=_(
            "A moderator suspended you until %(until)s: you can read but not write. "
            "Reason: %(reason)s"
        )
        % {"until": timezone.localtime(until).strftime("%Y-%m-%d %H:%M"), "reason": reason},
        where=_where(kind, obj) if kind is not None else {},
    )
    return suspension


@transaction.atomic
def lift_suspension(*, person: Person, moderator: Person, reason: str = "") -> int:
    """End `person`'s suspensions now; returns how many were in force."""
    reason = _clean_reason(reason, required=False)
    lifted = (
        Suspension.objects.in_force()
        .filter(person=person)
        .update(lifted_at=timezone.now(), lifted_by=moderator, updated_at=timezone.now())
    )
    if not lifted:
        raise ValidationError(_("This person isn't suspended."), code="not_suspended")
    _record(
        action=ModerationAction.Kind.LIFT,
        subject_id=person.pk,
        moderator=moderator,
        note=reason,
    )
    record_audit(
        actor=moderator,
        action=AuditAction.SUSPENSION_LIFTED,
        target=person,
        summary=f"Suspension of person {person.pk} lifted",
        data={"person": person.pk, "suspensions": lifted},
    )
    message = _("A moderator lifted your suspension: you can write again.")
    if reason:
        message = f"{message} {reason}"
    _tell(recipient_id=person.pk, actor=moderator, message=message, where={})
    return lifted
