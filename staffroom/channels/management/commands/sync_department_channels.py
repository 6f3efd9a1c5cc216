"""Give every department its channel and keep channel names in step with the directory."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from staffroom.channels.services.channels import ensure_lets_talk, sync_department_channels


class Command(BaseCommand):
    help = "Create Let's Talk and a channel for each department; rename channels that drifted."

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_lets_talk()
        changed = sync_department_channels()
        self.stdout.write(f"Department channels created or renamed: {changed}")
