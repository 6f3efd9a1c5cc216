"""Time `manage.py phi_scan` on 10,000 lines, Django start-up included (target: < 10 s).

    .venv/bin/python scripts/bench_phi_scan.py            # 10,000 lines, 3 runs
    .venv/bin/python scripts/bench_phi_scan.py --lines 50000 --runs 1

The lines are staff posts built from templates (half with PHI, half without, 40-400
characters, a few long ones), fed to a real `manage.py phi_scan` process through a pipe,
the way an outside checker runs it. It prints the wall time of each run and the best and
median, for the "PHI scan" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_FIRST = ["Ana", "John", "Lucía", "Kevin", "Anjali", "Tomás", "Grace", "Omar", "Lucy", "Wei"]
_LAST = ["Ruiz", "Adebayo", "Moreau", "Brennan", "Iyer", "Vidal", "Lindqvist", "Haddad", "Chen"]
_PHI = [
    "pt {first} {last} (MRN {n7}) needs her insulin checked before transfer.",
    "Mr. {last} came in with chest pain and waited four hours on 5 East.",
    "The patient born {mm}/{dd}/19{yy} on 6 North has the wrong allergy list.",
    "His daughter left her number 612-555-{n4} at the desk, wants an update on the chemo.",
    "Family of the patient in room {room} asked for the discharge papers by email.",
    "Account #{n8} for the dialysis patient still shows unpaid.",
    "Our 9{d}-year-old patient in bed {d} is going home today!",
    "We admitted {first} {last} on {mm}/{dd} for a GI bleed and his wife is upset.",
]
_CLEAN = [
    "Kudos to {first} {last} on 6 North for covering three extra shifts this month!",
    "Call the IT service desk at 507-555-{n4} if your badge stops working.",
    "Our town hall is on {mm}/{dd}/2026 at 2pm in conference room {room}.",
    "We discharged {n4} patients last month with an average stay of 4.{d} days.",
    "Falls are down {d}0% on the medical-surgical units since the new alarms.",
    "Dr. {last}'s talk on sepsis care is at grand rounds on Friday.",
    "Proposal: more size-small gloves in the supply room on {d} South, please.",
    "The cafeteria on level {d} now stays open until 11pm for night staff.",
]


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def make_lines(count: int, seed: int = 4) -> list[str]:
    rng = random.Random(seed)  # noqa: S311  # repeatable test data, not secrets
    lines = []
    for i in range(count):
        template = rng.choice(_PHI if i % 2 else _CLEAN)
        text = template.format(
            first=rng.choice(_FIRST),
            last=rng.choice(_LAST),
            n4=f"{rng.randrange(10_000):04d}",
            n7=rng.randrange(10**6, 10**7),
            n8=rng.randrange(10**7, 10**8),
            mm=rng.randrange(1, 13),
            dd=rng.randrange(1, 29),
            yy=rng.randrange(30, 99),
            room=rng.randrange(100, 999),
            d=rng.randrange(1, 10),
        )
        if i % 500 == 0:
            text = " ".join([text] * 20)  # an occasional long post (~2-8 KB)
        lines.append(json.dumps({"text": text}))
    return lines


def run_once(stdin: bytes) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "DEBUG": "true", "STAFFROOM_DATA_DIR": data_dir}
        env.pop("DATABASE_URL", None)
        began = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "manage.py", "phi_scan"],
            input=stdin,
            capture_output=True,
            cwd=ROOT,
            env=env,
            check=True,
        )
        elapsed = time.perf_counter() - began
    answers = result.stdout.decode().splitlines()
    return elapsed, sum(1 for line in answers if json.loads(line)["phi"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    lines = make_lines(args.lines)
    stdin = ("\n".join(lines) + "\n").encode()
    say(f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs")
    say(f"{args.lines:,} lines, {len(stdin) / 1e6:.1f} MB")
    times = []
    for run in range(1, args.runs + 1):
        elapsed, flagged = run_once(stdin)
        times.append(elapsed)
        say(f"run {run}: {elapsed:.2f} s ({flagged:,} lines with PHI)")
    say(f"best {min(times):.2f} s, median {statistics.median(times):.2f} s")
    # Start-up alone, for context: the same command on one line.
    startup, _ = run_once(b'{"text": "ok"}\n')
    say(f"start-up (one line): {startup:.2f} s")


if __name__ == "__main__":
    main()
