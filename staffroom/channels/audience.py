"""Who a post is for: the one rule every list, page, feed, search result and count obeys
(staffroom.organisation.audience, shared with campaigns and events).

People who may edit a post's channel see it whatever its audience: they must be able to check
what they published.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from staffroom.organisation.audience import audience_filter, in_audience

if TYPE_CHECKING:
    from staffroom.accounts.models import Person


def audience_includes(person: Any) -> Q:
    """A filter on Post: the posts whose audience includes `person`."""
    from staffroom.channels.models import Post

    return audience_filter(Post, person)


def person_in_audience(person: Person, post: Any) -> bool:
    """The same rule for one post in memory (its audience lists prefetched or queried)."""
    if not post.audience_restricted:
        return True
    return in_audience(
        person,
        restricted=True,
        sites={s.pk for s in post.audience_sites.all()},
        departments={d.pk for d in post.audience_departments.all()},
        job_families={f.pk for f in post.audience_job_families.all()},
    )
