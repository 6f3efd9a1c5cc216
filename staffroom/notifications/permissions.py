"""Who is offered what on the notification settings page. Everyone manages their own
settings only (the views read and write `request.user`'s, never another person's)."""

from __future__ import annotations

from staffroom.accounts.models import Person


def can_choose_review_emails(person: Person) -> bool:
    """Only people who review ideas somewhere are offered "Ideas waiting for my review"."""
    from staffroom.ideas.permissions import is_any_reviewer

    return is_any_reviewer(person)
