"""Background jobs of the idea box."""

from __future__ import annotations

from django_tasks import task

from staffroom.ideas import tally
from staffroom.jobs import schedule


@schedule.every(tally.FOLD_EVERY, name="fold_votes")
@task()
def fold_votes() -> int:
    """Move the votes counted in tally rows into the ideas' stored counts (decision 0029).
    Returns how many ideas were folded."""
    return tally.fold_votes()
