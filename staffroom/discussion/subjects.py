"""What a thread is about, found without this app importing the apps that own subjects.

Each app that has discussable things (channels for posts, strategy for initiatives, later
ideas) registers a `SubjectType` in its AppConfig.ready(). Discussion views ask the registry
for the subject of a thread, checking that the viewer may see it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import Http404

from staffroom.discussion.models import Thread


@dataclass(frozen=True)
class Subject:
    """A thread's subject as discussion needs it: a title, a link, who moderates it."""

    thread: Thread
    obj: Any
    title: str
    url: str


@dataclass(frozen=True)
class SubjectType:
    kind: str
    # (viewer, thread) -> Subject; raises Http404 when the viewer may not see the subject.
    resolve: Callable[[Any, Thread], Subject]
    # (person, subject) -> may this person moderate (hide any comment in) this discussion?
    can_moderate: Callable[[Any, Subject], bool]
    # (viewer, threads) -> the ids of those threads whose subjects the viewer may see.
    visible_thread_ids: Callable[[Any, list[Thread]], set[int]]


_registry: dict[str, SubjectType] = {}


def register_subject(subject_type: SubjectType) -> None:
    _registry[subject_type.kind] = subject_type


def subject_type(kind: str) -> SubjectType:
    return _registry[kind]


def get_visible_subject_or_404(viewer: Any, thread: Thread) -> Subject:
    try:
        subject_type_ = _registry[thread.kind]
    except KeyError:
        raise Http404 from None
    return subject_type_.resolve(viewer, thread)


def registered_kinds() -> list[str]:
    return list(_registry)


def visible_thread_ids(viewer: Any, threads: list[Thread]) -> set[int]:
    """The ids of `threads` whose subjects `viewer` may see: one call per subject kind."""
    by_kind: dict[str, list[Thread]] = {}
    for thread in threads:
        by_kind.setdefault(thread.kind, []).append(thread)
    visible: set[int] = set()
    for kind, same_kind in by_kind.items():
        subject_type_ = _registry.get(kind)
        if subject_type_ is not None:
            visible |= subject_type_.visible_thread_ids(viewer, same_kind)
    return visible


def subject_relations(prefix: str = "") -> list[str]:
    """select_related paths from a Thread (at `prefix`) to each registered subject.

    Every subject model points at its Thread with a OneToOneField whose related_name is the
    subject kind ("post", "initiative"), so a list of threads of mixed kinds loads its
    subjects' titles and addresses in the same query, without importing their apps.
    """
    return [f"{prefix}{kind}" for kind in _registry]


def subject_summary(thread: Thread) -> tuple[str, str] | None:
    """(title, url) of a thread's subject, from the select_related subject_relations()."""
    obj = getattr(thread, thread.kind, None)
    if obj is None:
        return None
    return str(obj), str(obj.get_absolute_url())


# Which internal addresses name a discussable item, for backlinks: URL name → (the URL's
# keyword argument, the Thread lookup it fills). Strings only, so no app is imported.
_link_targets: dict[str, tuple[str, str]] = {
    "channels:post": ("pk", "post__pk"),
    "strategy:initiative": ("slug", "initiative__slug"),
}


def register_link_target(url_name: str, *, kwarg: str, thread_lookup: str) -> None:
    _link_targets[url_name] = (kwarg, thread_lookup)


def link_target(url_name: str) -> tuple[str, str] | None:
    return _link_targets.get(url_name)
