"""The safety layer on the idea page: {% held_idea idea as held %} (the PHI guard's banner on
a held idea, for its author and privacy officers) and {% idea_reveal_url idea as url %} (the
audited reveal of an anonymous idea's author, for privacy officers)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from staffroom.ideas.items import HeldIdea, held_idea_for
from staffroom.ideas.models import Idea
from staffroom.privacy.permissions import can_review_holds

register = template.Library()


def _viewer(context: template.Context) -> Any:
    request = context.get("request")
    viewer = getattr(request, "user", None)
    if viewer is None or not viewer.is_authenticated:
        return None
    return viewer


@register.simple_tag(takes_context=True)
def held_idea(context: template.Context, idea: Idea) -> HeldIdea | None:
    """What the viewer may see of a held idea's findings: None unless the idea is held and
    the viewer is its author or a privacy officer (whose reading is audited)."""
    viewer = _viewer(context)
    if viewer is None:
        return None
    return held_idea_for(idea=idea, viewer=viewer, request=context.get("request"))


@register.simple_tag(takes_context=True)
def idea_reveal_url(context: template.Context, idea: Idea) -> str:
    """The reveal page of an anonymous idea, for privacy officers; "" for anyone else."""
    viewer = _viewer(context)
    if viewer is None or not idea.is_anonymous or not can_review_holds(viewer):
        return ""
    return reverse("privacy:reveal", kwargs={"kind": "idea", "item_id": idea.pk})
