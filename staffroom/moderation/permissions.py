"""Who may flag, who moderates, and who sees what in the moderation queue.

Moderators are people with the MODERATOR role granted organisation-wide, and organisation-wide
administrators. A department-scoped moderator grant does not make someone a moderator here:
hidden items are readable only by organisation-wide moderators
(accounts.permissions.may_see_withheld), and a moderator must be able to read what they
decide about. (Department moderators still remove comments in their department's channels,
through discussion.)

Privacy officers see the flagged items whose flags give "privacy" as a reason, so they can
mark them as patient information; the moderation actions stay with moderators.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from staffroom.accounts.models import Role
from staffroom.accounts.permissions import has_organisation_wide_role
from staffroom.core.models import Visibility


def _active(person: Any) -> bool:
    return bool(getattr(person, "is_authenticated", False) and person.is_active)


def is_moderator(person: Any) -> bool:
    return _active(person) and has_organisation_wide_role(person, Role.MODERATOR)


def is_privacy_officer(person: Any) -> bool:
    return _active(person) and has_organisation_wide_role(person, Role.PRIVACY_OFFICER)


def can_view_queue(person: Any) -> bool:
    return is_moderator(person) or is_privacy_officer(person)


def check_view_queue(person: Any) -> None:
    if not can_view_queue(person):
        raise PermissionDenied(_("Only moderators and privacy officers can open the queue."))


def check_moderate(person: Any) -> None:
    if not is_moderator(person):
        raise PermissionDenied(_("Only moderators can do this."))


def check_view_flagged_item(person: Any, *, privacy_flags: int) -> None:
    """Moderators see every flagged item; privacy officers those flagged for privacy."""
    if is_moderator(person):
        return
    if is_privacy_officer(person) and privacy_flags > 0:
        return
    raise PermissionDenied(_("Only moderators can look at this item."))


def is_published_item(obj: Any) -> bool:
    """Drafts, scheduled and archived posts belong to their channel's editors, never to the
    moderation pages: a moderator's role must not open what the channel hasn't published."""
    from staffroom.channels.models import Post

    return not isinstance(obj, Post) or obj.is_live


def check_open_item(person: Any, obj: Any, *, flagged: Any | None) -> None:
    """May `person` open (and, if a moderator, act on) the moderation page of `obj`?

    Only items that reached moderation (flagged, or hidden), or that the moderator can see
    where they are shown (the "Moderate" link next to each item), and never unpublished
    posts: the page shows every word, so an id typed into the address must not open a draft
    or a post meant for other people. Held and removed items are the privacy officers'.
    404 for anything the person may not know exists.
    """
    if not is_published_item(obj):
        raise Http404
    visibility = getattr(obj, "visibility", Visibility.VISIBLE)
    if visibility in (Visibility.HELD, Visibility.REMOVED) and not is_privacy_officer(person):
        raise Http404  # with the privacy officers: moderators don't see it
    if is_moderator(person):
        reached = flagged is not None or visibility == Visibility.HIDDEN
        if not reached and not can_see_item(person, obj):
            raise Http404
        return
    check_view_flagged_item(person, privacy_flags=flagged.privacy_flags if flagged else 0)


def can_see_item(person: Any, obj: Any) -> bool:
    """Can `person` see `obj` where it is shown (and so flag it)?"""
    if not _active(person):
        return False
    from staffroom.channels.models import Post
    from staffroom.discussion.models import Comment

    if isinstance(obj, Post):
        from staffroom.channels.permissions import can_see_post

        return bool(can_see_post(person, obj))
    from staffroom.ideas.models import Idea

    if isinstance(obj, Idea):
        from staffroom.ideas.permissions import can_see_idea

        return can_see_idea(person, obj)
    if isinstance(obj, Comment):
        return _can_see_comment(person, obj)
    return False


def _can_see_comment(person: Any, comment: Any) -> bool:
    if comment.visibility != Visibility.VISIBLE or comment.deleted_at is not None:
        return bool(comment.author_id == person.pk)
    from staffroom.discussion.subjects import get_visible_subject_or_404

    try:
        get_visible_subject_or_404(person, comment.thread)
    except Http404:
        return False
    return True


def can_flag(person: Any, obj: Any, *, author_id: int) -> bool:
    return (
        _active(person)
        and author_id != person.pk
        and getattr(obj, "visibility", Visibility.VISIBLE) == Visibility.VISIBLE
        and is_published_item(obj)  # a draft is its editors' to fix, not the moderators'
        and can_see_item(person, obj)
    )


def check_flag(person: Any, obj: Any, *, author_id: int) -> None:
    """404 for an item the person can't see; 403 for their own."""
    if not can_see_item(person, obj):
        raise Http404
    if author_id == person.pk:
        raise PermissionDenied(_("You can't flag something you wrote. Edit or remove it instead."))
    if not can_flag(person, obj, author_id=author_id):
        raise PermissionDenied(_("This can't be flagged: it is already being looked at."))
