"""Rebuild every post's reach counters from the record of who opened it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from staffroom.channels.models import Post
from staffroom.channels.services.reading import recount_post_reach


class Command(BaseCommand):
    help = "Recount Post.reach_count and the per-department PostReach rows from PostView."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--post", type=int, help="Only this post (its id).")

    def handle(self, *args: Any, **options: Any) -> None:
        post = None
        if options.get("post"):
            post = Post.objects.filter(pk=options["post"]).first()
            if post is None:
                self.stderr.write(f"There is no post {options['post']}.")
                return
        recounted = recount_post_reach(post=post)
        self.stdout.write(f"Posts recounted: {recounted}")
