"""What the service worker may keep on a device.

A copy kept for reading offline stays on the phone or ward computer after the page is gone, so
only what the person could read anyway, and only what everyone in the post's audience sees: a
post held for privacy review, hidden by a moderator, or still a draft is never kept, even for
the editor or privacy officer who may open it.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from staffroom.accounts.models import Person
from staffroom.channels.models import Post


def can_keep_offline_copy(person: Person | AnonymousUser, post: Post) -> bool:
    """Whether the page of `post`, as `person` sees it, may be kept in the offline cache.

    Precondition: `person` may read `post` (the post page checked that before rendering).
    """
    return bool(person.is_authenticated and post.is_shown)
