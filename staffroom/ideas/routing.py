"""Where a new idea goes: the reviewers of its department, of its category and of its
campaign (ideas.permissions.reviewer_scope is the same rule seen from the reviewer)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from staffroom.accounts.models import Person, Role, RoleGrant
from staffroom.ideas.models import Idea
from staffroom.notifications.models import Notification


def reviewers_for(idea: Idea) -> QuerySet[Person]:
    """Active people who may review `idea`, administrators left out (they can, but a new
    idea is routed to the people whose job it is)."""
    department = idea.department
    grants = RoleGrant.objects.filter(role=Role.IDEA_REVIEWER).filter(
        Q(site__isnull=True, department__isnull=True)
        | Q(department_id=department.pk)
        | Q(site_id=department.site_id)
    )
    scope = Q(pk__in=grants.values("person_id")) | Q(idea_categories_reviewed=idea.category_id)
    if idea.campaign_id is not None:
        scope |= Q(idea_campaigns_reviewed=idea.campaign_id)
    return Person.objects.active().filter(scope).distinct()


def tell_reviewers_once(idea: Idea) -> int:
    """Notify the idea's reviewers that it waits for them, once per reviewer (an idea shown
    again after a hold or a hide doesn't notify twice). No actor: the idea may be anonymous,
    and the reviewers find its author on the page when it isn't. Returns how many were told."""
    told = set(
        Notification.objects.filter(
            thread_id=idea.thread_id, kind=Notification.Kind.IDEA_TO_REVIEW
        ).values_list("recipient_id", flat=True)
    )
    new = [
        Notification(
            recipient_id=person_id,
            kind=Notification.Kind.IDEA_TO_REVIEW,
            thread_id=idea.thread_id,
        )
        for person_id in reviewers_for(idea).values_list("pk", flat=True)
        if person_id not in told and person_id != idea.author_id
    ]
    Notification.objects.bulk_create(new)
    return len(new)
