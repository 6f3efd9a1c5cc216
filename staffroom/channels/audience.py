"""Who a post is for: the one rule every list, page, feed, search result and count obeys.

A post with no audience is for everyone. Otherwise each audience list that is set narrows it:
a person must match one of the listed sites AND one of the listed departments AND one of the
listed job families (lists left empty don't narrow). "Nurses at Northgate" is sites=[Northgate],
job families=[Nursing].

People who may edit a post's channel see it whatever its audience: they must be able to check
what they published.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q

if TYPE_CHECKING:
    from staffroom.accounts.models import Person


def _person_site_id(person: Person) -> int | None:
    department = person.department if person.department_id else None
    return department.site_id if department is not None else None


def audience_includes(person: Any) -> Q:
    """A filter on Post: the posts whose audience includes `person`."""
    from staffroom.channels.models import Post

    if not getattr(person, "is_authenticated", False) or not person.is_active:
        return Q(pk__in=[])
    unrestricted = Q(audience_restricted=False)
    site_id = _person_site_id(person)
    conditions = []
    for relation, value in (
        ("audience_sites", site_id),
        ("audience_departments", person.department_id),
        ("audience_job_families", person.job_family_id),
    ):
        through = getattr(Post, relation).through
        target = through._meta.get_field(_target_column(through)).attname
        listed = through.objects.filter(post_id=OuterRef("pk"))
        lists_anything = Exists(listed)
        includes_person = (
            Exists(listed.filter(**{target: value})) if value is not None else Q(pk__in=[])
        )
        conditions.append(~lists_anything | includes_person)
    restricted_match = Q(audience_restricted=True)
    for condition in conditions:
        restricted_match &= condition
    return unrestricted | restricted_match


def _target_column(through: Any) -> str:
    """The name of the through model's foreign key that isn't the post."""
    for field in through._meta.get_fields():
        if getattr(field, "many_to_one", False) and field.name != "post":
            return str(field.name)
    raise LookupError(through)


def person_in_audience(person: Person, post: Any) -> bool:
    """The same rule for one post in memory (its audience lists prefetched or queried)."""
    if not post.audience_restricted:
        return True
    sites = {s.pk for s in post.audience_sites.all()}
    departments = {d.pk for d in post.audience_departments.all()}
    families = {f.pk for f in post.audience_job_families.all()}
    site_id = _person_site_id(person)
    return (
        (not sites or site_id in sites)
        and (not departments or person.department_id in departments)
        and (not families or person.job_family_id in families)
    )
