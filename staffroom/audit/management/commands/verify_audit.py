from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from staffroom.audit.services import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chain; exit non-zero at the first broken entry."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit trail broken after {report.checked} good entries: {report.problem}."
            )
        self.stdout.write(f"Audit trail intact: {report.checked} entries verified.")
