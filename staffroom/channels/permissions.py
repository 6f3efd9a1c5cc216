"""Who may do what with channels and posts. Views call a check_* before any service.

- Communications admins (organisation-wide) and administrators edit every channel and
  create topic channels.
- A channel editor grant for a department (or its site) edits that department's channel.
- A ChannelEditor row makes someone an editor of one channel (Let's Talk's authors, a topic
  channel's team).
Editors post, edit any post of their channel, pin, archive and moderate its discussion.
Everyone else reads what is live and meant for them: anything else is a 404, not a 403, so a
post you may not see does not exist for you.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person, Role
from staffroom.accounts.permissions import has_organisation_wide_role, has_role, may_see_withheld
from staffroom.channels.audience import person_in_audience
from staffroom.channels.models import Channel, ChannelEditor, Post
from staffroom.core.models import Visibility


def _edited_channel_ids(person: Person) -> set[int]:
    """The channels `person` is a named editor of, read once per request."""
    cached: set[int] | None = getattr(person, "_edited_channel_ids", None)
    if cached is None:
        cached = set(
            ChannelEditor.objects.filter(person=person).values_list("channel_id", flat=True)
        )
        person._edited_channel_ids = cached  # type: ignore[attr-defined]  # per-request memo
    return cached


def can_manage_channels(person: Person) -> bool:
    """Create topic channels, name editors, mark channels mandatory."""
    return has_organisation_wide_role(person, Role.COMMUNICATIONS_ADMIN)


def can_edit_channel(person: Any, channel: Channel) -> bool:
    """Post in, edit, pin and archive posts of, and moderate the discussion in `channel`."""
    if not getattr(person, "is_authenticated", False) or not person.is_active:
        return False
    if can_manage_channels(person):
        return True
    if channel.kind == Channel.Kind.DEPARTMENT and channel.department_id is not None:
        department = channel.department
        if department is not None and has_role(person, Role.CHANNEL_EDITOR, department=department):
            return True
    return channel.pk in _edited_channel_ids(person)


def check_post_in_channel(person: Person, channel: Channel) -> None:
    if channel.is_archived:
        raise PermissionDenied(_("This channel is archived: nothing new can be posted in it."))
    if not can_edit_channel(person, channel):
        raise PermissionDenied(
            _("Only the editors of %(channel)s can post in it.") % {"channel": channel.name}
        )


def check_edit_post(person: Person, post: Post) -> None:
    if not can_edit_channel(person, post.channel):
        raise PermissionDenied(
            _("Only the editors of %(channel)s can change its posts.")
            % {"channel": post.channel.name}
        )


def check_manage_channels(person: Person) -> None:
    if not can_manage_channels(person):
        raise PermissionDenied(_("Only communications admins can create and set up channels."))


def can_see_post(person: Any, post: Post) -> bool:
    """Live and meant for `person`; or `person` edits its channel (drafts included)."""
    if not getattr(person, "is_authenticated", False) or not person.is_active:
        return False
    if post.visibility != Visibility.VISIBLE:
        # Held, hidden or removed: its author, and those who review such items; nobody else,
        # not even the channel's editors.
        return post.author_id == person.pk or may_see_withheld(person, post.visibility)
    if can_edit_channel(person, post.channel):
        return True
    return post.is_live and person_in_audience(person, post)


def get_visible_post_or_404(person: Any, pk: int) -> Post:
    """The post, for someone allowed to see it; a 404 for everyone else."""
    try:
        post = Post.objects.select_related(
            "channel", "channel__department", "author", "thread", "video"
        ).get(pk=pk)
    except Post.DoesNotExist:
        raise Http404 from None
    if not can_see_post(person, post):
        raise Http404
    return post
