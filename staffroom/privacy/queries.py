"""Reads of the PHI guard: the privacy officers' queue, one hold in full, a person's own holds.

The queue shows no written words (kind, author, when, what kinds of finding): one query per
page whatever its length. Held words are read only for one hold at a time (officers, audited
by the view) or for the author's own items (one query per kind of item).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from staffroom.accounts.models import Person
from staffroom.core.items import ItemKind, kind_named
from staffroom.core.pagination import KeysetPage, keyset_page
from staffroom.privacy.guard import FieldFinding, FieldView, field_views, kind_label
from staffroom.privacy.models import PrivacyHold

PAGE_SIZE = 30

# Tab key → (statuses, ordering, label). Waiting tabs: oldest first (first come, first seen).
TABS: dict[str, tuple[tuple[str, ...], tuple[str, ...], Any]] = {
    "review": (
        (PrivacyHold.Status.IN_REVIEW,),
        ("created_at", "id"),
        _("Waiting for review"),
    ),
    "author": (
        (PrivacyHold.Status.AWAITING_AUTHOR,),
        ("created_at", "id"),
        _("Waiting for author"),
    ),
    "decided": (
        (PrivacyHold.Status.RELEASED, PrivacyHold.Status.REMOVED),
        ("-created_at", "-id"),
        _("Decided"),
    ),
}
DEFAULT_TAB = "review"


# Kind key -> a function turning a field key of its `texts` ("Problem") into words for the
# reader ("The problem"). Kinds whose keys are already fit to show leave it out.
_field_labels: dict[str, Callable[[str], str]] = {}


def register_field_labels(kind_key: str, label: Callable[[str], str]) -> None:
    """Called from an item app's ready(), beside register_item_kind."""
    _field_labels[kind_key] = label


def field_label(kind_key: str, field: str) -> str:
    label = _field_labels.get(kind_key)
    return label(field) if label is not None else field


@dataclass(frozen=True)
class QueueRow:
    hold: PrivacyHold
    kind_name: str
    finding_kinds: list[str]
    # Posted anonymously: the queue shows no author (only the audited reveal names them).
    is_anonymous: bool = False


def finding_objects(hold: PrivacyHold) -> list[FieldFinding]:
    return [FieldFinding.from_json(f) for f in (hold.findings or []) if isinstance(f, dict)]


def finding_kinds(hold: PrivacyHold) -> list[str]:
    return sorted({kind_label(f.kind) for f in finding_objects(hold)})


def _kind_name(key: str) -> str:
    try:
        return str(kind_named(key).verbose_name)
    except KeyError:
        return key


def hold_queue(
    *, tab: str = DEFAULT_TAB, cursor: str | None = None, limit: int = PAGE_SIZE
) -> tuple[KeysetPage[PrivacyHold], list[QueueRow]]:
    statuses, ordering, _label = TABS.get(tab, TABS[DEFAULT_TAB])
    holds = PrivacyHold.objects.filter(status__in=statuses).select_related("author")
    page = keyset_page(holds, ordering=ordering, cursor=cursor, limit=limit)
    objects = _items_by_kind(page.items)  # one query per kind of item on the page
    rows = [
        QueueRow(
            hold=hold,
            kind_name=_kind_name(hold.item_kind),
            finding_kinds=finding_kinds(hold),
            is_anonymous=_is_anonymous(hold.item_kind, objects.get((hold.item_kind, hold.item_id))),
        )
        for hold in page.items
    ]
    return page, rows


def _is_anonymous(kind_key: str, obj: Any) -> bool:
    if obj is None:
        return False
    try:
        return bool(kind_named(kind_key).is_anonymous(obj))
    except KeyError:
        return False


def get_hold_or_404(hold_id: int) -> PrivacyHold:
    hold = PrivacyHold.objects.select_related("author", "decided_by").filter(pk=hold_id).first()
    if hold is None:
        raise Http404
    return hold


@dataclass(frozen=True)
class HeldItem:
    """A held item as its author or a privacy officer sees it: its latest words highlighted."""

    hold: PrivacyHold
    obj: Any
    kind: ItemKind
    fields: list[FieldView]
    # Actions the author has, where the kind offers them (comments: edit and delete here).
    edit_url: str | None
    delete_url: str | None
    # Purged: the words are gone (privacy.exposure).
    is_gone: bool = False

    @property
    def kind_name(self) -> str:
        return str(self.kind.verbose_name)

    @property
    def label(self) -> str:
        return self.kind.label(self.obj)

    @property
    def is_open(self) -> bool:
        return self.hold.is_open

    @property
    def dom_id(self) -> str:
        return f"held-{self.kind.key}-{self.obj.pk}"

    @property
    def is_anonymous(self) -> bool:
        """Posted anonymously: pages show no author (only the audited reveal names them)."""
        return bool(self.kind.is_anonymous(self.obj))


def _author_actions(kind: ItemKind, obj: Any, hold: PrivacyHold) -> tuple[str | None, str | None]:
    if kind.key == "comment":
        return (
            reverse("discussion:comment_edit", kwargs={"comment_id": obj.pk}),
            reverse("discussion:comment_delete", kwargs={"comment_id": obj.pk}),
        )
    if kind.key == "idea":
        return (
            _reverse_or_none("ideas:edit", pk=obj.pk),
            reverse("privacy:delete_held", kwargs={"hold_id": hold.pk}),
        )
    return None, None


def _reverse_or_none(name: str, **kwargs: Any) -> str | None:
    from django.urls import NoReverseMatch

    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def held_item(hold: PrivacyHold, obj: Any) -> HeldItem:
    kind = kind_named(hold.item_kind)
    texts = kind.texts(obj)
    edit_url, delete_url = _author_actions(kind, obj, hold)
    return HeldItem(
        hold=hold,
        obj=obj,
        kind=kind,
        fields=[
            replace(view, label=field_label(kind.key, view.label))
            for view in field_views(texts, finding_objects(hold))
        ],
        edit_url=edit_url,
        delete_url=delete_url,
        is_gone=not any((t or "").strip() for t in texts.values()),
    )


def hold_detail(hold: PrivacyHold) -> HeldItem | None:
    """The hold's item, re-read now: an officer always reviews the latest version."""
    try:
        kind = kind_named(hold.item_kind)
    except KeyError:
        return None
    obj = kind.model._default_manager.filter(pk=hold.item_id).first()
    if obj is None:
        return None
    return held_item(hold, obj)


def _items_by_kind(holds: Iterable[PrivacyHold]) -> dict[tuple[str, int], Any]:
    """The items of `holds`: one query per kind."""
    wanted: dict[str, set[int]] = {}
    for hold in holds:
        wanted.setdefault(hold.item_kind, set()).add(hold.item_id)
    found: dict[tuple[str, int], Any] = {}
    for key, ids in wanted.items():
        try:
            kind = kind_named(key)
        except KeyError:
            continue
        for obj in kind.model._default_manager.filter(pk__in=ids):
            found[(key, obj.pk)] = obj
    return found


def held_items(holds: list[PrivacyHold]) -> list[HeldItem]:
    objects = _items_by_kind(holds)
    return [
        held_item(hold, objects[(hold.item_kind, hold.item_id)])
        for hold in holds
        if (hold.item_kind, hold.item_id) in objects
    ]


def my_holds(
    *, person: Person, cursor: str | None = None, limit: int = PAGE_SIZE
) -> tuple[list[HeldItem], KeysetPage[PrivacyHold]]:
    """The person's holds, newest first, with their items' words (theirs to read)."""
    holds: QuerySet[PrivacyHold] = PrivacyHold.objects.filter(author=person)
    page = keyset_page(holds, ordering=("-created_at", "-id"), cursor=cursor, limit=limit)
    return held_items(page.items), page


def open_holds_for(*, author: Person, kind_key: str, objects: list[Any]) -> list[HeldItem]:
    """The author's open holds on these items (already loaded), oldest first: one query."""
    if not objects:
        return []
    by_id = {obj.pk: obj for obj in objects}
    holds = PrivacyHold.objects.filter(
        author=author,
        item_kind=kind_key,
        item_id__in=list(by_id),
        status__in=PrivacyHold.OPEN,
    ).order_by("created_at", "id")
    return [held_item(hold, by_id[hold.item_id]) for hold in holds]
