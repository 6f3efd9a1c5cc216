"""Ideas as items of the safety layer (core.items): what the PHI guard scans in an idea, a
label without its words, the one way its visibility changes, and its anonymity.

The field labels are stable English keys (a hold's findings name them); `field_label`
turns one into words for the page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from staffroom.core.items import ItemKind, register_item_kind
from staffroom.core.models import Visibility
from staffroom.ideas.exposure import idea_audience, idea_sightings, purge_idea
from staffroom.ideas.models import Idea
from staffroom.ideas.services.proposing import (
    FILE_NAME,
    PHOTO_DESCRIPTION,
    PROBLEM,
    PROPOSAL,
    TITLE,
)
from staffroom.privacy.models import PrivacyHold

if TYPE_CHECKING:
    from django.http import HttpRequest

    from staffroom.accounts.models import Person
    from staffroom.privacy.guard import FieldView

IDEA_KIND = "idea"


def idea_texts(idea: Idea) -> dict[str, str]:
    """Every piece of text written in an idea, labelled: the PHI guard scans exactly these."""
    texts = {TITLE: idea.title, PROBLEM: idea.problem, PROPOSAL: idea.proposal}
    if idea.photo_alt_text:
        texts[PHOTO_DESCRIPTION] = idea.photo_alt_text
    if idea.attachment_name:
        texts[FILE_NAME] = idea.attachment_name
    return texts


def field_label(key: str) -> str:
    return {
        TITLE: _("Title"),
        PROBLEM: _("The problem"),
        PROPOSAL: _("The proposed change"),
        PHOTO_DESCRIPTION: _("Photo description"),
        FILE_NAME: _("File name"),
    }.get(key, key)


def idea_label(idea: Idea) -> str:
    # Never the title (it may hold what the guard stopped), never the author (anonymity).
    return f"Idea {idea.pk} in department {idea.department_id}"


def idea_url(idea: Idea) -> str:
    return idea.get_absolute_url()


def set_idea_visibility(idea: Idea, visibility: str) -> None:
    from staffroom.ideas.services.proposing import set_idea_visibility as change

    change(idea=idea, visibility=visibility)


IDEA_ITEM_KIND = ItemKind(
    key=IDEA_KIND,
    model=Idea,
    verbose_name=gettext_lazy("idea"),
    texts=idea_texts,
    author_id=lambda idea: idea.author_id,
    url=idea_url,
    label=idea_label,
    set_visibility=set_idea_visibility,
    audience=idea_audience,
    sightings=idea_sightings,
    purge=purge_idea,
    is_anonymous=lambda idea: bool(idea.is_anonymous),
)


def register_idea_item_kind() -> None:
    register_item_kind(IDEA_ITEM_KIND)
    register_idea_field_labels()


def register_idea_field_labels() -> None:
    from staffroom.privacy.queries import register_field_labels

    register_field_labels(IDEA_KIND, field_label)


@dataclass(frozen=True)
class HeldIdea:
    """A held idea as its author or a privacy officer sees it on the idea page."""

    hold: PrivacyHold
    # Only the fields in which the guard found something, labelled for the reader.
    fields: list[FieldView]
    is_author: bool
    can_edit: bool


def held_idea_for(*, idea: Idea, viewer: Person, request: HttpRequest | None) -> HeldIdea | None:
    """The findings of a HELD idea with an open hold, for its author or a privacy officer
    (whose reading of held words is audited, as on every held item); None otherwise."""
    from staffroom.ideas.permissions import can_edit_idea
    from staffroom.privacy.guard import FieldFinding, field_views
    from staffroom.privacy.permissions import can_review_holds
    from staffroom.privacy.services import record_hold_viewed

    if idea.visibility != Visibility.HELD:
        return None
    is_author = idea.author_id == viewer.pk
    if not is_author and not can_review_holds(viewer):
        return None
    hold = (
        PrivacyHold.objects.filter(
            item_kind=IDEA_KIND, item_id=idea.pk, status__in=PrivacyHold.OPEN
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if hold is None:
        return None
    if not is_author:
        record_hold_viewed(hold=hold, officer=viewer, request=request)
    findings = [FieldFinding.from_json(f) for f in hold.findings or [] if isinstance(f, dict)]
    fields = [
        replace(view, label=field_label(view.label))
        for view in field_views(idea_texts(idea), findings)
        if view.kinds
    ]
    return HeldIdea(
        hold=hold, fields=fields, is_author=is_author, can_edit=can_edit_idea(viewer, idea)
    )
