"""`manage.py seed_demo --size demo|large [--seed N]`: build or top up the demo hospital."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from staffroom.demo.hospital import DEFAULT_SEED, ORGANISATION_NAME, SIZES
from staffroom.demo.plan import demo_logins
from staffroom.demo.services import DemoDataError, DemoReport, build_demo_hospital


class Command(BaseCommand):
    help = (
        f"Build the {ORGANISATION_NAME} demo hospital, or add what is missing from it. "
        "Only in demo mode (DEBUG on); running it again adds nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size",
            choices=list(SIZES),
            default="demo",
            help="demo: about 400 people, for trying Staffroom; large: 80,000, for benchmarks.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help="The same seed gives the same people (default %(default)s).",
        )

    def handle(self, *args: Any, size: str, seed: int, **options: Any) -> None:
        try:
            report = build_demo_hospital(size=SIZES[size], seed=seed)
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(_summary(report))


def _summary(report: DemoReport) -> str:
    heading = f"{ORGANISATION_NAME} demo, size {report.size.name}, seed {report.seed}"
    if report.already_built:
        lines = [f"{heading}: already built, nothing to add ({report.seconds:.1f} s)."]
    else:
        added = ", ".join(f"{n:,} {what}" for what, n in report.created.items() if n)
        lines = [f"{heading}: built in {report.seconds:.1f} s.", f"Added {added}."]
    lines.append(" · ".join(f"{n:,} {what}" for what, n in report.totals.items()))
    lines.extend(report.notes)
    logins = demo_logins()
    lines.append(f'Demo logins (password "{logins[0].password}", demo mode only):')
    width = max(len(login.username) for login in logins)
    role_width = max(len(login.role) for login in logins)
    lines.extend(
        f"  {login.username:<{width}}  {login.role:<{role_width}}  {login.name}, {login.job}"
        for login in logins
    )
    return "\n".join(lines)
