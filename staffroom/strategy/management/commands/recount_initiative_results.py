"""Rebuild every initiative's stored answer counters from the answers themselves."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from staffroom.strategy.models import Initiative
from staffroom.strategy.services import recount_initiative_results


class Command(BaseCommand):
    help = "Rebuild the stored results (answer counts by group) of initiatives from their answers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "slugs", nargs="*", help="Addresses of the initiatives to recount (default: all)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        initiatives = Initiative.objects.order_by("pk")
        if options["slugs"]:
            initiatives = initiatives.filter(slug__in=options["slugs"])
        count = 0
        for initiative in initiatives.iterator():
            recount_initiative_results(initiative=initiative)
            count += 1
        self.stdout.write(f"Recounted the results of {count} initiative(s).")
