"""Rebuild every channel's stored post count from its posts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from staffroom.channels.services.posts import recount_channel_posts


class Command(BaseCommand):
    help = "Recount Channel.post_count: published or scheduled posts everyone can see."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = recount_channel_posts()
        self.stdout.write(f"Channels corrected: {changed}")
