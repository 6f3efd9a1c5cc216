"""`manage.py recount_discussion`: rebuild the stored comment, reply and reaction counters."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from staffroom.discussion.services import recount_discussion


class Command(BaseCommand):
    help = "Rebuild every discussion's stored comment, reply and reaction counts from the rows."

    def handle(self, *args: Any, **options: Any) -> None:
        done = recount_discussion()
        self.stdout.write(f"Recounted {done} discussion(s).")
