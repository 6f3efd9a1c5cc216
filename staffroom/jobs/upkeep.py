"""The organisation's routine upkeep, run by the workers' clock instead of cron.

Each job runs the management command an operator would run by hand, so there is one way to
do each thing. A command that fails (verify_audit finding a broken chain) fails its task,
which /system/jobs/ lists for administrators. Only `purge_audit` stays with cron: it needs
the database owner's role (docs/deploy.md).
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django_tasks import task

from staffroom.jobs import schedule

# 07:00 UTC: the small hours in the Americas, early morning in Europe.
NIGHT = timedelta(hours=7)
DAILY_COMMANDS = (
    "purge_directory_imports",
    "recount_people",
    "recount_channel_posts",
    "recount_ideas",
    "verify_audit",
)


def _run(name: str) -> str:
    output = StringIO()
    call_command(name, stdout=output)
    return output.getvalue().strip()[-500:]


@schedule.every(timedelta(minutes=1), name="publish_scheduled_posts")
@task()
def publish_scheduled_posts() -> str:
    """Mark scheduled posts whose time has come as published (their mentions are told)."""
    return _run("publish_scheduled_posts")


@schedule.every(timedelta(days=1), name="daily_upkeep", offset=NIGHT)
@task()
def daily_upkeep() -> dict[str, str]:
    """Delete HR files never applied, repair stored counts, verify the audit trail."""
    return {name: _run(name) for name in DAILY_COMMANDS}
