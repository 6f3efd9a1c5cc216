"""Who may comment, edit, remove and react. Views call a check_* before any service.

Seeing the subject is the first condition of everything here, and is settled before these
are asked: views get the subject with subjects.get_visible_subject_or_404 (a 404 for anyone
outside its audience). Moderators of a subject are whoever its subject type says (for a
post: the editors of its channel).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from staffroom.core.models import Visibility
from staffroom.discussion import subjects
from staffroom.discussion.models import Comment
from staffroom.discussion.subjects import Subject


def _is_active_person(person: Any) -> bool:
    return bool(getattr(person, "is_authenticated", False) and person.is_active)


def can_moderate(person: Any, subject: Subject) -> bool:
    """Remove anyone's comment in this discussion."""
    if not _is_active_person(person):
        return False
    try:
        subject_type = subjects.subject_type(subject.thread.kind)
    except KeyError:
        return False
    return bool(subject_type.can_moderate(person, subject))


def _subject_is_shown(subject: Subject) -> bool:
    """A held, hidden or removed subject (its author and reviewers can open it) takes no
    comments or reactions: nobody else could read them."""
    return getattr(subject.obj, "visibility", Visibility.VISIBLE) == Visibility.VISIBLE


def can_comment(person: Any, subject: Subject) -> bool:
    return _is_active_person(person) and not subject.thread.is_locked and _subject_is_shown(subject)


def check_comment(person: Any, subject: Subject) -> None:
    if subject.thread.is_locked:
        raise PermissionDenied(_("This discussion is closed: no new comments can be added."))
    if not _subject_is_shown(subject):
        raise PermissionDenied(_("Only visible items can be discussed."))
    if not can_comment(person, subject):
        raise PermissionDenied(_("You can't comment here."))


def can_edit_comment(person: Any, comment: Comment) -> bool:
    return _is_active_person(person) and comment.author_id == person.pk and not comment.is_deleted


def check_edit_comment(person: Any, comment: Comment) -> None:
    if comment.is_deleted:
        raise PermissionDenied(_("This comment was removed, so it can't be changed."))
    if not can_edit_comment(person, comment):
        raise PermissionDenied(_("Only the person who wrote a comment can change it."))


def can_delete_comment(person: Any, comment: Comment, subject: Subject) -> bool:
    if not _is_active_person(person) or comment.is_deleted:
        return False
    return comment.author_id == person.pk or can_moderate(person, subject)


def check_delete_comment(person: Any, comment: Comment, subject: Subject) -> None:
    if comment.is_deleted:
        raise PermissionDenied(_("This comment was already removed."))
    if not can_delete_comment(person, comment, subject):
        raise PermissionDenied(
            _("Only the person who wrote a comment, or a moderator, can remove it.")
        )


def can_react(person: Any, subject: Subject, comment: Comment | None = None) -> bool:
    if not _is_active_person(person) or subject.thread.is_locked:
        return False
    if not _subject_is_shown(subject):
        return False
    return comment is None or not comment.is_deleted


def check_react(person: Any, subject: Subject, comment: Comment | None = None) -> None:
    if subject.thread.is_locked:
        raise PermissionDenied(_("This discussion is closed: reactions can't be changed."))
    if not can_react(person, subject, comment):
        raise PermissionDenied(_("You can't react to this."))
