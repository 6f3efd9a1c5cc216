"""`manage.py purge_directory_imports [--days N]`: delete stored HR files never applied.

A checked upload keeps a copy of the HR export (everyone's names and emails) until it is
applied. The workers' clock runs it daily (staffroom.jobs.upkeep), so that a copy nobody
applied is deleted after DIRECTORY_IMPORT_KEEP_DAYS days (7 unless the setting says
otherwise).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from staffroom.organisation.services.directory_import import purge_stale_directory_files


class Command(BaseCommand):
    help = "Delete the stored copies of directory files checked but never applied."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Delete files checked more than this many days ago (default: "
            "DIRECTORY_IMPORT_KEEP_DAYS, 7).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is None:
            days = getattr(settings, "DIRECTORY_IMPORT_KEEP_DAYS", 7)
        if days < 0:
            raise CommandError(_("--days must be 0 or more."))
        count = purge_stale_directory_files(older_than_days=days)
        self.stdout.write(
            ngettext(
                "Deleted %(count)d directory file not applied within %(days)d days.",
                "Deleted %(count)d directory files not applied within %(days)d days.",
                count,
            )
            % {"count": count, "days": days}
        )
