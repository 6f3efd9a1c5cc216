from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from staffroom.audit.services import purge_audit


class Command(BaseCommand):
    help = (
        "Remove audit entries older than AUDIT_RETENTION_DAYS (oldest first) and record a "
        "checkpoint so the rest of the chain still verifies."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Keep this many days instead of AUDIT_RETENTION_DAYS "
            f"({settings.AUDIT_RETENTION_DAYS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = purge_audit(older_than_days=options["days"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        if result.removed == 0:
            self.stdout.write("Nothing older than the retention period.")
            return
        assert result.checkpoint is not None
        self.stdout.write(
            f"Removed {result.removed} audit entries; checkpoint #{result.checkpoint.seq}."
        )
