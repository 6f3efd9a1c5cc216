"""Who has opened which idea (first and latest time): the exposure report's "who saw it"
(ideas.exposure.idea_sightings), kept the way channels keeps PostView."""

from __future__ import annotations

from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.ideas.models import Idea, IdeaView


def record_idea_view(*, idea: Idea, person: Person) -> bool:
    """Note that `person` opened `idea`; return True the first time.

    Only shown ideas count (an author re-reading a held idea, or a privacy officer reviewing
    one, is audited by the safety layer instead). A repeat view moves `last_viewed_at`: one
    query. The unique (person, idea) row decides who was first, so two first views at the
    same moment leave one row.
    """
    if not idea.is_shown:
        return False
    now = timezone.now()
    if IdeaView.objects.filter(person_id=person.pk, idea_id=idea.pk).update(last_viewed_at=now):
        return False
    IdeaView.objects.bulk_create(
        [IdeaView(person_id=person.pk, idea_id=idea.pk, viewed_at=now, last_viewed_at=now)],
        ignore_conflicts=True,
    )
    return True
