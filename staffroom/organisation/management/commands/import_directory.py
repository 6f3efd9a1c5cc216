"""`manage.py import_directory PATH [--dry-run] [--partial]`: the HR directory from the shell.

For scheduled imports (cron, a systemd timer) of the file the HR system exports. The rules are
the same as the upload page's; see docs/directory-import.md. A real run (not --dry-run) is kept
in the upload page's history, "by the import_directory command".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from staffroom.organisation.services.directory_import import (
    DirectoryFileError,
    ImportPlan,
    check_directory_file,
    import_directory_file,
)

# In a dry run, how many of each kind of change to list before "and N more".
LISTED = 50


class Command(BaseCommand):
    help = "Import the staff directory from an HR CSV export (see docs/directory-import.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The CSV file (UTF-8) exported by the HR system.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and list what would change, without changing anything.",
        )
        parser.add_argument(
            "--partial",
            action="store_true",
            help=(
                "The file lists only some people: create and update them, and deactivate "
                "nobody for being missing."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Can't read %(path)s: %(reason)s") % {"path": path, "reason": exc.strerror}
            ) from exc
        full_snapshot = not options["partial"]

        if options["dry_run"]:
            plan = check_directory_file(data=data, full_snapshot=full_snapshot)
            self._fail_on_errors(plan)
            self._list_changes(plan, every=options["verbosity"] > 1)
            self.stdout.write(
                _(
                    "Dry run, nothing changed. Would create %(created)d, change %(changed)d "
                    "and deactivate %(deactivated)d; %(unchanged)d unchanged."
                )
                % {
                    "created": len(plan.creates),
                    "changed": len(plan.changes),
                    "deactivated": len(plan.deactivations),
                    "unchanged": plan.unchanged_count,
                }
            )
            return

        try:
            record = import_directory_file(
                file_name=path.name, data=data, full_snapshot=full_snapshot
            )
        except DirectoryFileError as exc:
            self._fail_on_errors(exc.plan)
            raise  # not reached: a rejected file always has errors
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Directory imported in %(seconds).1f s: %(created)d created, %(changed)d "
                    "changed, %(deactivated)d deactivated, %(unchanged)d unchanged."
                )
                % {
                    "seconds": record.duration_ms / 1000,
                    "created": record.created_count,
                    "changed": record.changed_count,
                    "deactivated": record.deactivated_count,
                    "unchanged": record.unchanged_count,
                }
            )
        )

    def _fail_on_errors(self, plan: ImportPlan) -> None:
        if not plan.errors:
            return
        for error in plan.errors:
            if error.employee_id:
                line = _("line %(line)d (%(employee_id)s): %(message)s")
            else:
                line = _("line %(line)d: %(message)s")
            self.stderr.write(line % error.as_dict())
        raise CommandError(
            _("%(count)d problems found; nothing was changed.") % {"count": len(plan.errors)}
        )

    def _list_changes(self, plan: ImportPlan, *, every: bool) -> None:
        """What a dry run would do: the first few of each kind, or all with --verbosity 2."""
        limit = None if every else LISTED
        for create in plan.creates[:limit]:
            self.stdout.write(
                _("create %(employee_id)s %(name)s")
                % {"employee_id": create.employee_id, "name": create.name}
            )
        for change in plan.changes[:limit]:
            fields = "; ".join(f"{f.column}: “{f.old}” → “{f.new}”" for f in change.fields)
            self.stdout.write(
                _("change %(employee_id)s %(name)s: %(fields)s")
                % {"employee_id": change.employee_id, "name": change.name, "fields": fields}
            )
        for leaver in plan.deactivations[:limit]:
            self.stdout.write(
                _("deactivate %(employee_id)s %(name)s")
                % {"employee_id": leaver.employee_id, "name": leaver.name}
            )
        hidden = sum(
            max(0, len(items) - LISTED)
            for items in (plan.creates, plan.changes, plan.deactivations)
        )
        if hidden and not every:
            self.stdout.write(
                _("… and %(count)d more; add --verbosity 2 to list them all.") % {"count": hidden}
            )
