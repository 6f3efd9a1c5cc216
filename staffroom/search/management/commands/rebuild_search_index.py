"""Refill the search index from posts, comments, initiatives and ideas."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from staffroom.search.services import rebuild_search_index


class Command(BaseCommand):
    help = "Empty the search index and fill it again from posts, comments, initiatives and ideas."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args: Any, **options: Any) -> None:
        count = rebuild_search_index(using=options["database"])
        self.stdout.write(f"Search index rebuilt: {count} documents.")
