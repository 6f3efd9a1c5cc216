"""Things people write, as the safety layer sees them: one interface for every kind.

The PHI guard (privacy), flags and moderation (moderation), exposure reports and purges, and
erasure all act on "an item someone wrote" without knowing whether it is a post, a comment
or (later) an idea. Each app that owns such a model registers an `ItemKind` in its
AppConfig.ready(); the safety apps find it with `kind_of(obj)` or `kind_named(key)`.

Every item model has a `visibility` field (core.models.Visibility). Changing it goes through
`ItemKind.set_visibility`, which keeps everything that depends on it true at once: stored
counts, cached fragments, the search index and the notifications that wait for an item to be
seen. Nothing else writes `visibility`.

A kind whose items may be posted anonymously (ideas, issue 5) says so with `is_anonymous(obj)`:
the author's name is then hidden from everyone, and only a privacy officer can learn it,
through the audited reveal (privacy/reveal.py; decision 18). It defaults to "never", so kinds
that are never anonymous leave it out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise


@dataclass(frozen=True)
class Sighting:
    """Someone who saw (or was sent) an item: for the exposure report."""

    person_id: int
    at: datetime
    # "page view", "feed", "notification", "email", "digest" (translated where shown).
    how: str


@dataclass(frozen=True)
class ItemKind:
    # Short stable name used in URLs and stored references: "post", "comment".
    key: str
    model: type[models.Model]
    verbose_name: Promise
    # Every piece of text written in it, labelled: {"Title": "...", "Body": "..."}.
    # Includes file names and image descriptions. The PHI guard scans exactly these.
    texts: Callable[[Any], dict[str, str]]
    # The person who wrote it (its author id).
    author_id: Callable[[Any], int]
    # Where it is shown in context (a page URL with an anchor), for reviewers.
    url: Callable[[Any], str]
    # A short label that carries no written text ("Comment 12 on post 40"): safe for lists,
    # audit entries and logs.
    label: Callable[[Any], str]
    # (obj, new visibility) -> None: the one way to change `visibility` (see module doc).
    set_visibility: Callable[[Any, str], None]
    # Everyone who could see it while it was visible (its audience), as a Person queryset.
    audience: Callable[[Any], QuerySet[Any]]
    # Those who did see it or were sent it, with when and how (exposure report).
    sightings: Callable[[Any], list[Sighting]]
    # Remove its words and files from everywhere they are stored (see privacy purge).
    purge: Callable[[Any], None]
    # True when this item was posted anonymously: its author is hidden from everyone, and
    # privacy.reveal.reveal_author is the one way to learn who wrote it. Last, with a default,
    # so kinds that are never anonymous don't mention it.
    is_anonymous: Callable[[Any], bool] = lambda obj: False


_kinds: dict[str, ItemKind] = {}
_by_model: dict[type[models.Model], ItemKind] = {}


def register_item_kind(kind: ItemKind) -> None:
    _kinds[kind.key] = kind
    _by_model[kind.model] = kind


def kind_named(key: str) -> ItemKind:
    """The kind registered under `key`; KeyError if none (views turn that into a 404)."""
    return _kinds[key]


def kind_of(obj: models.Model) -> ItemKind:
    return _by_model[type(obj)]


def item_kinds() -> list[ItemKind]:
    return list(_kinds.values())


def get_item(key: str, pk: int) -> Any:
    """The item of kind `key` with id `pk`; LookupError (KeyError/DoesNotExist) if none."""
    kind = kind_named(key)
    return kind.model._default_manager.get(pk=pk)
