"""How discussion finds an initiative from its thread (registered in StrategyConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from staffroom.discussion.models import Thread
from staffroom.discussion.subjects import Subject, SubjectType
from staffroom.strategy.models import Initiative
from staffroom.strategy.permissions import can_moderate_initiative_discussion


def _is_active_person(viewer: Any) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and viewer.is_active)


def resolve(viewer: Any, thread: Thread) -> Subject:
    """Initiatives are for every active, signed-in person; anyone else gets a 404."""
    if not _is_active_person(viewer):
        raise Http404(_("There is no initiative at that address."))
    initiative = Initiative.objects.select_related("owner").filter(thread=thread).first()
    if initiative is None:
        raise Http404(_("There is no initiative at that address."))
    return subject_for(initiative)


def can_moderate(person: Any, subject: Subject) -> bool:
    return can_moderate_initiative_discussion(person, subject.obj)


def visible_thread_ids(viewer: Any, threads: list[Thread]) -> set[int]:
    if not _is_active_person(viewer):
        return set()
    return {thread.pk for thread in threads}


INITIATIVE_SUBJECT = SubjectType(
    kind=Thread.Kind.INITIATIVE,
    resolve=resolve,
    can_moderate=can_moderate,
    visible_thread_ids=visible_thread_ids,
)


def subject_for(initiative: Initiative) -> Subject:
    """The discussion subject of an initiative already loaded (and visible to the viewer)."""
    return Subject(
        thread=initiative.thread,
        obj=initiative,
        title=initiative.title,
        url=initiative.get_absolute_url(),
    )
