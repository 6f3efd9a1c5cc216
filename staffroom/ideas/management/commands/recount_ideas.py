"""Rebuild the idea box's stored counters: each idea's votes and trending score, and each
department's and campaign's idea counts (after a bulk load, or to check the stored ones)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from staffroom.ideas.services.voting import recount_votes
from staffroom.ideas.stats import recount_ideas


class Command(BaseCommand):
    help = (
        "Recount Idea.vote_count and trending_score from the votes, and the per-department "
        "and per-campaign idea counters from the ideas."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            votes_corrected = recount_votes()
            departments = recount_ideas()
        self.stdout.write(f"Ideas with corrected votes: {votes_corrected}")
        self.stdout.write(f"Departments counted: {departments}")
