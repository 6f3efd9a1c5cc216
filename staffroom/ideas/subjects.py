"""Ideas as a discussion subject: how discussion finds, shows and guards an idea's thread."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from staffroom.accounts.models import Role
from staffroom.accounts.permissions import has_role
from staffroom.core.models import Visibility
from staffroom.discussion.models import Thread
from staffroom.discussion.subjects import (
    Subject,
    SubjectType,
    register_link_target,
    register_subject,
)
from staffroom.ideas.models import Idea
from staffroom.ideas.permissions import can_review_idea, can_see_idea


def subject_for(idea: Idea) -> Subject:
    return Subject(thread=idea.thread, obj=idea, title=idea.title, url=idea.get_absolute_url())


def resolve_idea(viewer: Any, thread: Thread) -> Subject:
    idea = (
        Idea.objects.select_related("thread", "department", "category", "campaign")
        .filter(thread=thread)
        .first()
    )
    if idea is None or not can_see_idea(viewer, idea):
        raise Http404
    return subject_for(idea)


def can_moderate_idea(person: Any, subject: Subject) -> bool:
    """The idea's reviewers and the department's moderators may hide comments on it."""
    if not getattr(person, "is_authenticated", False) or not person.is_active:
        return False
    idea = subject.obj
    return can_review_idea(person, idea) or has_role(
        person, Role.MODERATOR, department=idea.department
    )


def visible_idea_thread_ids(viewer: Any, threads: list[Thread]) -> set[int]:
    ids = [thread.pk for thread in threads]
    if not ids or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return set()
    # Merged ideas' threads stay readable: their comments moved to the survivor, and a
    # notification about them still leads (through the redirect) somewhere true.
    return set(
        Idea.objects.filter(thread_id__in=ids, visibility=Visibility.VISIBLE).values_list(
            "thread_id", flat=True
        )
    )


def register_idea_subject() -> None:
    register_subject(
        SubjectType(
            kind=Thread.Kind.IDEA,
            resolve=resolve_idea,
            can_moderate=can_moderate_idea,
            visible_thread_ids=visible_idea_thread_ids,
        )
    )
    register_link_target("ideas:idea", kwarg="pk", thread_lookup="idea__pk")
