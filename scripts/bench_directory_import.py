"""Time the HR directory import at the size of a large health system (80,000 people).

    DEBUG=true .venv/bin/python scripts/bench_directory_import.py            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dir \\
        .venv/bin/python scripts/bench_directory_import.py                   # PostgreSQL

Without DATABASE_URL it builds a throwaway SQLite database in a temporary directory. With
DATABASE_URL it needs an empty database made for the purpose (it migrates it and fills it).
It generates sites, departments, units and job families, then an 80,000-row CSV with a
five-level management chain, and times three imports: the first (everyone created), the same
file again (nothing to do), and a third with 5% of people changed and 1% missing. The figures
replace this database's part of the "Directory import" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Directory import"

SITES = 4
DEPARTMENTS_PER_SITE = 25
UNITS_PER_DEPARTMENT = 8
JOB_FAMILIES = {
    "nursing": "Nursing",
    "physicians": "Physicians",
    "allied-health": "Allied health",
    "support-services": "Support services",
    "administration": "Administration",
}
FIRST_NAMES = (
    "Ana",
    "Maria",
    "José",
    "Luis",
    "Carmen",
    "Chidi",
    "Ngozi",
    "Wei",
    "Mei",
    "Priya",
    "Arjun",
    "Fatima",
    "Omar",
    "Sarah",
    "David",
    "Emily",
    "James",
    "Olivia",
    "Noah",
    "Grace",
    "Daniel",
    "Sofia",
    "Lucas",
    "Aisha",
    "Kwame",
    "Hana",
    "Yuki",
    "Ivan",
    "Elena",
    "Tomás",
    "Zoe",
    "Liam",
)
LAST_NAMES = (
    "Garcia",
    "Smith",
    "Okafor",
    "Chen",
    "Patel",
    "Khan",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Nguyen",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Lee",
    "Kim",
    "Müller",
    "Rossi",
    "Silva",
    "Santos",
    "Haddad",
    "Mensah",
    "O'Brien",
    "Kowalski",
)
TITLES = (
    "Registered Nurse",
    "Nursing Assistant",
    "Physician",
    "Physical Therapist",
    "Environmental Services Associate",
    "Patient Transporter",
    "Unit Clerk",
    "Pharmacist",
)
SHIFTS = ("days", "nights", "rotating", "weekdays", "on_call")
COLUMNS = (
    "employee_id",
    "first_name",
    "last_name",
    "preferred_name",
    "email",
    "job_title",
    "job_family",
    "unit",
    "manager_employee_id",
    "shift_pattern",
    "preferred_language",
    "status",
    "left_on",
    "username",
)

T = TypeVar("T")


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def setup_django() -> str:
    """Point Django at a throwaway data directory (and SQLite database unless told otherwise)."""
    data_dir = tempfile.mkdtemp(prefix="staffroom-bench-")
    os.environ["STAFFROOM_DATA_DIR"] = data_dir
    os.environ["DEBUG"] = "true"  # a generated secret key in the throwaway data directory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    # DEBUG keeps a log of every SQL statement, and on SQLite formats each one with an extra
    # query; production runs without it, so the timings should too.
    settings.DEBUG = False
    return data_dir


@dataclass(frozen=True)
class Organisation:
    units: list[str]  # unit codes; every UNITS_PER_DEPARTMENT make a department


def build_organisation() -> Organisation:
    from staffroom.organisation.models import Department, JobFamily, Site, Unit

    JobFamily.objects.bulk_create(JobFamily(code=c, name=n) for c, n in JOB_FAMILIES.items())
    sites = Site.objects.bulk_create(
        Site(code=f"site-{s}", name=f"Riverside Site {s}") for s in range(SITES)
    )
    departments = Department.objects.bulk_create(
        Department(site=site, code=f"{site.code}-d{d}", name=f"Department {d}")
        for site in sites
        for d in range(DEPARTMENTS_PER_SITE)
    )
    units = Unit.objects.bulk_create(
        Unit(department=department, code=f"{department.code}-u{u}", name=f"Unit {u}")
        for department in departments
        for u in range(UNITS_PER_DEPARTMENT)
    )
    return Organisation(units=[unit.code for unit in units])


def generate_rows(organisation: Organisation, count: int, seed: int) -> list[dict[str, str]]:
    """A health system's staff: a chief executive, site and department heads, unit managers,
    and everyone else spread over the units, each reporting up that chain."""
    rng = random.Random(seed)  # noqa: S311  # repeatable test data, not secrets
    rows: list[dict[str, str]] = []

    def person(unit: str, manager: str, title: str) -> str:
        n = len(rows)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        employee_id = f"E{n:06d}"
        rows.append(
            {
                "employee_id": employee_id,
                "first_name": first,
                "last_name": last,
                "preferred_name": "",
                "email": re.sub(r"[^a-z0-9.]", "", f"{first}.{last}.{n}".lower())
                + "@riverside.example",
                "job_title": title,
                "job_family": rng.choice(list(JOB_FAMILIES)),
                "unit": unit,
                "manager_employee_id": manager,
                "shift_pattern": rng.choice(SHIFTS),
                "preferred_language": "es" if rng.random() < 0.15 else "en",
                "status": "active",
                "left_on": "",
                "username": "",
            }
        )
        return employee_id

    units = organisation.units
    chief = person(units[0], "", "Chief Executive")
    unit_managers: list[str] = []
    per_site = DEPARTMENTS_PER_SITE * UNITS_PER_DEPARTMENT
    for s in range(SITES):
        site_head = person(units[s * per_site], chief, "Site Director")
        for d in range(DEPARTMENTS_PER_SITE):
            first_unit = s * per_site + d * UNITS_PER_DEPARTMENT
            head = person(units[first_unit], site_head, "Department Head")
            for u in range(UNITS_PER_DEPARTMENT):
                unit = units[first_unit + u]
                unit_managers.append(person(unit, head, "Unit Manager"))
    while len(rows) < count:
        u = len(rows) % len(units)
        person(units[u], unit_managers[u], rng.choice(TITLES))
    # HR exports are sorted by name or department, not by rank: managers often come later.
    rng.shuffle(rows)
    return rows


def to_csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def churn(rows: list[dict[str, str]], seed: int, units: list[str]) -> list[dict[str, str]]:
    """5% of people change job title or unit; 1% of front-line staff are gone."""
    rng = random.Random(seed)  # noqa: S311  # repeatable test data, not secrets
    managers = {r["manager_employee_id"] for r in rows}
    kept = []
    for r in rows:
        roll = rng.random()
        if roll < 0.01 and r["employee_id"] not in managers:
            continue
        if roll < 0.035:
            kept.append({**r, "job_title": f"Senior {r['job_title']}"})
        elif roll < 0.06:
            kept.append({**r, "unit": rng.choice(units)})
        else:
            kept.append(r)
    return kept


def timed(action: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    value = action()
    return value, time.perf_counter() - started


@dataclass(frozen=True)
class Run:
    name: str
    check_s: float
    apply_s: float
    created: int
    changed: int
    deactivated: int
    unchanged: int


def run(name: str, data: bytes) -> Run:
    from staffroom.organisation.services.directory_import import (
        apply_directory_file,
        check_directory_file,
    )

    plan, check_s = timed(lambda: check_directory_file(data=data, full_snapshot=True))
    if plan.errors:
        raise SystemExit("\n".join(f"line {e.line}: {e.message}" for e in plan.errors[:10]))
    result, apply_s = timed(lambda: apply_directory_file(data=data, full_snapshot=True, actor=None))
    say(
        f"  {name}: check {check_s:.1f} s, apply {apply_s:.1f} s — {result.created} created, "
        f"{result.changed} changed, {result.deactivated} deactivated, "
        f"{result.unchanged} unchanged"
    )
    return Run(
        name,
        check_s,
        apply_s,
        result.created,
        result.changed,
        result.deactivated,
        result.unchanged,
    )


def import_memory(data: bytes) -> float:
    """Peak memory allocated while re-importing `data`, in MB (untimed: tracing is slow)."""
    from staffroom.organisation.services.directory_import import apply_directory_file

    tracemalloc.start()
    try:
        apply_directory_file(data=data, full_snapshot=True, actor=None)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def machine() -> tuple[str, str]:
    """A description of this machine and the database, and the database's short name."""
    import django
    from django.db import connection

    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else cpu
    nproc = shutil.which("nproc")
    cores = (
        subprocess.run([nproc], capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603  # a fixed system tool, no input
        if nproc
        else str(os.cpu_count())
    )
    if connection.vendor == "sqlite":
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version}"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    described = (
        f"{cores} cores ({cpu}), Python {platform.python_version()}, "
        f"Django {django.get_version()}, {database}"
    )
    return described, database.split()[0]


def write_section(database: str, text: str) -> None:
    """Replace this database's part of the "Directory import" section, keeping the rest."""
    document = BENCHMARKS.read_text() if BENCHMARKS.exists() else "# Benchmarks\n"
    intro = (
        f"{SECTION}\n\n"
        + textwrap.fill(
            "`scripts/bench_directory_import.py` (`make bench`) imports a generated HR file of "
            "80,000 people (a chief executive, 4 site directors, 100 department heads, 800 unit "
            "managers and their staff, in shuffled order) into an empty database, three times: "
            "the first import creates everyone, the same file again must change nothing, and a "
            "third file has 5% of people changed and 1% missing. *Check* is the dry run "
            "(`--dry-run`, or the preview page); *apply* checks again and writes, in one "
            "transaction. Times are wall-clock seconds, with nothing else running.",
            width=95,
        )
        + "\n"
    )
    start = document.find(SECTION)
    if start == -1:
        before, section, after = document.rstrip("\n") + "\n\n", intro, ""
    else:
        following = document.find("\n## ", start + len(SECTION))
        end = len(document) if following == -1 else following + 1
        before, section, after = document[:start], document[start:end], document[end:]
    parts = re.split(r"(?m)^(?=### )", section)
    kept = [p for p in parts[1:] if not p.startswith(f"### {database}")]
    body = "".join(p.rstrip("\n") + "\n\n" for p in sorted([*kept, text]))
    section = intro + "\n" + body
    BENCHMARKS.write_text(before + section.rstrip("\n") + "\n" + ("\n" + after if after else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=80_000)
    parser.add_argument("--no-write", action="store_true", help="Don't update the document.")
    options = parser.parse_args()

    data_dir = setup_django()
    try:
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        organisation = build_organisation()
        rows = generate_rows(organisation, options.rows, seed=1)
        first = to_csv(rows)
        third = to_csv(churn(rows, seed=2, units=organisation.units))
        described, database = machine()
        say(f"{options.rows:,} people, {len(first) / 1e6:.1f} MB of CSV, on {described}")

        runs = [
            run("first import", first),
            run("same file again", first),
            run("5% changed, 1% missing", third),
        ]
        import_mb = import_memory(first)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        say(f"  the import's own peak memory {import_mb:.0f} MB; whole process {rss_mb:.0f} MB")

        command = (
            "DEBUG=true .venv/bin/python scripts/bench_directory_import.py"
            if connection.vendor == "sqlite"
            else "DATABASE_URL=postgres://…/<empty database> "
            ".venv/bin/python scripts/bench_directory_import.py"
        )
        table = "\n".join(
            f"| {r.name} | {r.check_s:.1f} | {r.apply_s:.1f} | {r.created:,} | {r.changed:,} "
            f"| {r.deactivated:,} | {r.unchanged:,} |"
            for r in runs
        )
        about = textwrap.fill(
            f"{options.rows:,} rows ({len(first) / 1e6:.1f} MB), measured "
            f"{time.strftime('%Y-%m-%d')} on {described}. Memory: the import itself peaks at "
            f"{import_mb:.0f} MB (re-importing the file over 80,000 existing people, measured "
            "with tracemalloc in an extra untimed run); the whole benchmark process, generated "
            f"data included, at {rss_mb:.0f} MB.",
            width=95,
        )
        text = (
            f"### {database}\n\n{about}\n\n"
            f"Command: `{command}`\n\n"
            "| import | check (s) | apply (s) | created | changed | deactivated | unchanged |\n"
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
            f"{table}\n"
        )
        if not options.no_write and options.rows == 80_000:
            write_section(database, text)
            say(f"Updated {BENCHMARKS.relative_to(ROOT)}")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
