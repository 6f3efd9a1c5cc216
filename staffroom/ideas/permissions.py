"""Who may do what with ideas, asked on the server for every view and action.

Reviewing is scoped (decision 0019): an idea is in a reviewer's scope when
- they hold the idea reviewer role for its department (or its site, or organisation-wide), or
- they are named a reviewer of its category (a specialist, e.g. the patient safety lead), or
- they are named a reviewer of the campaign it was submitted to.
Administrators review everything. Nobody reviews outside their scope, whatever the page.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person, Role
from staffroom.accounts.permissions import (
    has_organisation_wide_role,
    has_role,
    is_administrator,
    roles_cache,
)
from staffroom.ideas.models import Idea


def _active(person: Any) -> bool:
    return bool(getattr(person, "is_authenticated", False) and person.is_active)


def is_any_reviewer(person: Any) -> bool:
    """Does `person` review ideas anywhere (shows them the reviewers' queue)?"""
    if not _active(person):
        return False
    if has_role(person, Role.IDEA_REVIEWER):
        return True
    return bool(person.idea_categories_reviewed.exists() or person.idea_campaigns_reviewed.exists())


def reviewer_scope(person: Person) -> Q:
    """A filter on Idea: the ideas `person` may review (empty for non-reviewers)."""
    if not _active(person):
        return Q(pk__in=[])
    if has_organisation_wide_role(person, Role.IDEA_REVIEWER):
        return Q()
    sites: set[int] = set()
    departments: set[int] = set()
    for role, site_id, department_id in roles_cache(person):
        if role != Role.IDEA_REVIEWER:
            continue
        if site_id is not None:
            sites.add(site_id)
        if department_id is not None:
            departments.add(department_id)
    scope = Q(pk__in=[])
    if departments:
        scope |= Q(department_id__in=sorted(departments))
    if sites:
        scope |= Q(department__site_id__in=sorted(sites))
    # Subqueries, not joins: a join through a category's or campaign's reviewers would repeat
    # an idea once per reviewer, and a queue would list it several times.
    from staffroom.ideas.models import Campaign, Category

    scope |= Q(
        category_id__in=Category.reviewers.through.objects.filter(person_id=person.pk).values(
            "category_id"
        )
    ) | Q(
        campaign_id__in=Campaign.reviewers.through.objects.filter(person_id=person.pk).values(
            "campaign_id"
        )
    )
    return scope


def can_review_idea(person: Any, idea: Idea) -> bool:
    if not _active(person):
        return False
    if has_role(person, Role.IDEA_REVIEWER, department=idea.department):
        return True
    if idea.category.reviewers.filter(pk=person.pk).exists():
        return True
    campaign = idea.campaign
    return campaign is not None and campaign.reviewers.filter(pk=person.pk).exists()


def check_review_idea(person: Person, idea: Idea) -> None:
    if not can_review_idea(person, idea):
        raise PermissionDenied(
            _(
                "This idea isn't in your review scope. It is reviewed by the reviewers of "
                "its department, its category or its campaign."
            )
        )


def check_reviewer(person: Person) -> None:
    if not is_any_reviewer(person):
        raise PermissionDenied(_("Only idea reviewers can open the review queue."))


def can_see_idea_stats(person: Any) -> bool:
    """Response times and backlog per department: leadership (analysts, communications
    admins), organisation-wide reviewers and administrators."""
    if not _active(person):
        return False
    return any(
        has_organisation_wide_role(person, role)
        for role in (Role.ANALYST, Role.COMMUNICATIONS_ADMIN, Role.IDEA_REVIEWER)
    )


def check_see_idea_stats(person: Person) -> None:
    if not can_see_idea_stats(person):
        raise PermissionDenied(
            _("Response times are for leadership, analysts and organisation-wide reviewers.")
        )


def can_manage_campaigns(person: Any) -> bool:
    """Posing a challenge is leadership's: communications admins and administrators."""
    return _active(person) and has_organisation_wide_role(person, Role.COMMUNICATIONS_ADMIN)


def check_manage_campaigns(person: Person) -> None:
    if not can_manage_campaigns(person):
        raise PermissionDenied(_("Only communications admins can set up campaigns."))


def can_edit_idea(person: Any, idea: Idea) -> bool:
    """Authors edit their own idea until a reviewer has answered it; after that, the words
    people voted for stay as they were. A held idea can be edited (to take the patient
    information out); a hidden or removed one waits for a moderator or privacy officer, as
    a hidden comment does."""
    from staffroom.core.models import Visibility

    return (
        _active(person)
        and idea.author_id == person.pk
        and idea.visibility in (Visibility.VISIBLE, Visibility.HELD)
        and idea.first_response_at is None
        and idea.merged_into_id is None
    )


def check_edit_idea(person: Person, idea: Idea) -> None:
    if not can_edit_idea(person, idea):
        from staffroom.core.models import Visibility

        if idea.visibility in (Visibility.HIDDEN, Visibility.REMOVED):
            raise PermissionDenied(
                _("This idea was taken down by a moderator, so it can't be changed now.")
            )
        raise PermissionDenied(_("You can change your idea only until a reviewer has answered it."))


def can_see_idea(person: Any, idea: Idea) -> bool:
    """Shown ideas: everyone signed in. Withheld ones (held, hidden, removed): their author,
    as for posts (they must see what happened to their words), and the people who review
    them: privacy officers, and moderators for hidden ones (may_see_withheld)."""
    from staffroom.accounts.permissions import may_see_withheld
    from staffroom.core.models import Visibility

    if not _active(person):
        return False
    if idea.visibility == Visibility.VISIBLE:
        return True
    if idea.author_id == person.pk:
        return True
    return may_see_withheld(person, idea.visibility) or is_administrator(person)
