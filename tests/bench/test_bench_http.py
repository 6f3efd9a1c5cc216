"""The HTTP benchmark's harness (scripts/bench_http.py, `make bench`): the judgements and the
report it writes, and one real quick run on a fresh demo database.

The real run needs wrk and nginx (Debian packages; `make install-bench-tools`): without them it
fails, it is not skipped, since `make bench` would be broken.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from scripts.bench_http import (
    SECTION,
    BenchError,
    check_run,
    database_report,
    growth,
    growth_verdict,
    page_table,
    replace_section,
    rss_line,
    target_verdict,
    votes_text,
)
from scripts.stack import PYTHON, ROOT, WrkResult, need

# --- Judgements --------------------------------------------------------------------------------


def test_a_page_at_half_its_floor_with_a_short_p99_meets_the_target():
    assert target_verdict(0.5, 50.0) == "met"
    assert target_verdict(0.93, 12.0) == "met"


def test_a_missed_target_says_by_how_much():
    assert target_verdict(0.31, 20.0) == "**missed**: ratio 0.31, 0.19 under 0.50"
    assert target_verdict(0.8, 72.5) == "**missed**: p99 72.5 ms, 22.5 ms over"
    assert target_verdict(0.4, 60.0) == (
        "**missed**: ratio 0.40, 0.10 under 0.50; p99 60.0 ms, 10.0 ms over"
    )


def test_large_may_be_at_most_fifteen_percent_under_demo():
    change, ok = growth(0.45, 0.5)
    assert round(change, 2) == -0.10
    assert ok
    assert growth(0.425, 0.5)[1]  # exactly 15% lower
    assert not growth(0.42, 0.5)[1]
    assert growth(0.7, 0.5)[1]  # cheaper on large costs nothing
    assert not growth(0.5, 0.0)[1]  # no demo ratio: nothing to compare with
    assert growth_verdict(0.45, 0.5) == "-10%, met"
    assert growth_verdict(0.3, 0.5) == "-40%, **missed** by 25.0 points"


def wrk_result(**changes: Any) -> WrkResult:
    values: dict[str, Any] = {
        "requests": 100,
        "seconds": 2.0,
        "errors": 0,
        "non_2xx": 0,
        "p50_ms": 5.0,
        "p99_ms": 9.0,
        "mean_ms": 5.5,
        "max_ms": 12.0,
        "bytes": 100 * 21_000,
    }
    values.update(changes)
    return WrkResult(**values)


def test_a_run_served_the_page_passes():
    check_run(wrk_result(), url="/", body_bytes=20_000)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"errors": 3}, "3 socket errors"),
        ({"non_2xx": 40}, "40 non-2xx"),
        ({"requests": 0, "bytes": 0}, "no request"),
        # 302s to the sign-in page are not errors for wrk, but they are not the page.
        ({"bytes": 100 * 400}, "not the page"),
    ],
)
def test_a_run_not_served_the_page_stops_the_benchmark(changes, message):
    with pytest.raises(BenchError, match=message):
        check_run(wrk_result(**changes), url="/", body_bytes=20_000)


# --- The report ----------------------------------------------------------------------------------


def page(key: str, label: str, *, queries: int, page_rps: float, floor_rps: float, p99: float):
    return {
        "key": key,
        "label": label,
        "path": f"/{key}/",
        "note": "",
        "queries": queries,
        "floor_queries": 2,
        "page16": {"rps": page_rps, "p50_ms": p99 / 2, "p99_ms": p99},
        "page1": {"rps": 200.0, "p50_ms": 4.0, "p99_ms": 6.5},
        "floor16": {"rps": floor_rps},
        "static16": {"rps": 20_000.0},
        "ratio": page_rps / floor_rps,
    }


def run(size: str, pages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "database": "SQLite",
        "size": size,
        "pages": pages,
        "workers": 2,
        "cache": "database cache, db sessions",
        "person": "Jasmine Brooks (`nurse`)",
        "worker_rss_mb": [120.0, 131.5],
        "load_before": [1.0, 1.0, 1.0],
        "load_after": [1.5, 1.0, 1.0],
        **extra,
    }


DEMO = run(
    "demo",
    [
        page("feed", "Home feed", queries=9, page_rps=300, floor_rps=500, p99=40),
        page("idea", "Idea page", queries=12, page_rps=250, floor_rps=500, p99=45),
    ],
)
LARGE = run(
    "large",
    [
        page("feed", "Home feed", queries=9, page_rps=290, floor_rps=500, p99=44),
        page("idea", "Idea page", queries=14, page_rps=100, floor_rps=500, p99=80),
    ],
)


def rows(table: str) -> dict[str, list[str]]:
    found = {}
    for line in table.splitlines():
        if line.startswith("| ") and not line.startswith(("| page", "| ---")):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            found[cells[0]] = cells
    return found


def test_the_table_puts_large_beside_demo():
    table = page_table([DEMO, LARGE])
    header = table.splitlines()[0]
    assert "queries (demo)" in header
    assert "demo page / floor" in header
    assert "nginx static req/s" in header
    feed, idea = rows(table)["Home feed"], rows(table)["Idea page"]
    assert feed[1:8] == ["9 (9)", "290", "22.0 / 44.0", "4.0 / 6.5", "500", "0.58", "0.60"]
    assert feed[8] == "-3%, met"
    assert feed[-1] == "met"
    assert idea[1] == "14 (12)"  # the query count grew with the data: visible
    assert idea[6:8] == ["0.20", "0.50"]
    assert idea[8] == "-60%, **missed** by 45.0 points"
    assert idea[-1] == "**missed**: ratio 0.20, 0.30 under 0.50; p99 80.0 ms, 30.0 ms over"
    assert "1 of 2 pages meet the target; 1 of 2 keep their ratio within 15%" in table


def test_a_quick_run_has_one_size_and_no_comparison():
    table = page_table([DEMO])
    assert "demo page / floor" not in table
    assert rows(table)["Home feed"][1:3] == ["9", "300"]
    assert "On `demo`, 2 of 2 pages meet the target." in table


def test_worker_memory_over_the_limit_is_reported():
    assert "(target < 250 MB: met)" in rss_line(LARGE)
    assert "**missed** by 20 MB" in rss_line(run("large", [], worker_rss_mb=[270.0, 100.0]))


def test_the_vote_burst_is_reported_or_said_missing():
    postgres = {"database": "PostgreSQL", "size": "large"}
    assert "was not measured" in votes_text({**postgres, "votes": {"missing": True}})
    met = {
        "votes_per_s": 1840.2,
        "seconds": 10.0,
        "votes": 18402,
        "final_count": 18402,
        "vote_rows": 18402,
        "exact": True,
        "processes": 8,
    }
    assert "**1,840 votes/s**" in votes_text({**postgres, "votes": met})
    assert votes_text({**postgres, "votes": met}).endswith("met.")
    slow = {**met, "votes_per_s": 700.0, "exact": False}
    text = votes_text({**postgres, "votes": slow})
    assert "**missed** (300 votes/s short) (the final count is not exact)" in text
    assert votes_text({"database": "SQLite", "size": "large"}) == ""


def test_the_database_report_names_the_machine_versions_and_commands():
    about = {
        "date": "2026-11-25",
        "machine": {"cpu": "AMD EPYC", "cores": 2, "memory_gb": 24.0},
        "versions": {
            "Python": "3.11.7",
            "Django": "5.2.19",
            "gunicorn": "23.0.0",
            "nginx": "1.22.1",
            "wrk": "4.1.0",
            "SQLite": "3.40.1",
            "PostgreSQL": "15.20",
            "Redis": "7.0.15",
        },
    }
    text = database_report([DEMO, LARGE], about=about, commands=["make bench"])
    assert text.startswith("### SQLite\n")
    assert "2 cores (AMD EPYC)" in text
    assert "wrk 4.1.0" in text
    versions = text.split("\n\n")[1]
    assert "SQLite 3.40.1" in versions
    assert "PostgreSQL" not in versions  # not a part of this database's run
    assert "Redis" not in versions
    assert "demo 1.00 → 1.50" in text
    assert "\n    make bench\n" in text


# --- Writing the document ------------------------------------------------------------------------

OTHER = "# Benchmarks\n\n## Directory import\n\nSome numbers.\n"
LATER = "## Video\n\nMore numbers.\n"


def test_the_section_is_added_at_the_end_the_first_time():
    document = replace_section(OTHER, "SQLite", "### SQLite\n\nTable one.\n")
    assert document.startswith(OTHER)
    assert document.count(SECTION) == 1
    assert document.endswith("### SQLite\n\nTable one.\n")


def test_one_database_is_replaced_and_everything_else_kept():
    document = replace_section(OTHER, "SQLite", "### SQLite\n\nOld SQLite.\n")
    document += "\n" + LATER
    document = replace_section(document, "PostgreSQL", "### PostgreSQL\n\nPostgreSQL table.\n")
    document = replace_section(document, "SQLite", "### SQLite\n\nNew SQLite.\n")
    assert "Old SQLite" not in document
    assert document.count("New SQLite.") == 1
    assert document.count("PostgreSQL table.") == 1
    assert document.index("### PostgreSQL") < document.index("### SQLite")
    assert document.startswith(OTHER)  # sections before it untouched
    assert document.endswith("\n\n" + LATER)  # and after it
    assert document.count(SECTION) == 1
    # Writing the same results again changes nothing.
    assert replace_section(document, "SQLite", "### SQLite\n\nNew SQLite.\n") == document


def test_a_database_name_that_starts_like_another_is_not_replaced():
    document = replace_section(OTHER, "SQLite", "### SQLite\n\nA.\n")
    document = replace_section(document, "SQLite WAL", "### SQLite WAL\n\nB.\n")
    assert "\nA.\n" in document
    assert "\nB.\n" in document


# --- One real quick run --------------------------------------------------------------------------


def test_a_quick_run_measures_a_page_against_its_floor_and_nginx(tmp_path: Path):
    # The tools are part of the benchmark: missing, the test fails (StackError says what to
    # install).
    need("wrk", "wrk")
    need("nginx", "nginx")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "DJANGO_", "PYTEST"))
    }
    env["DEMO_VIDEOS"] = "false"  # no ffmpeg runs while the demo data is built
    command = [
        str(PYTHON),
        str(ROOT / "scripts" / "bench_http.py"),
        "--quick",
        "--databases=sqlite",
        "--pages=feed",
        "--workers=1",
        "--seconds=1",
        "--seconds-one=1",
        "--warmup=0",
        "--static-seconds=1",
        "--nginx",
        f"--data-dir={tmp_path / 'data'}",
        f"--results-dir={tmp_path / 'results'}",
    ]
    done = subprocess.run(  # our own script
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    feed = rows(done.stdout)["Home feed"]
    queries, page_rps, floor_rps, ratio, static_rps = (
        feed[1],
        feed[2],
        feed[5],
        feed[6],
        feed[7],
    )
    assert int(queries) > 0
    assert float(ratio) > 0
    assert int(page_rps.replace(",", "")) > 0
    assert int(floor_rps.replace(",", "")) > 0
    assert int(static_rps.replace(",", "")) > 0
    assert "the session and the person" in done.stdout  # the floor's own queries
    results = list((tmp_path / "results").glob("sqlite-*.json"))
    assert len(results) == 1
    measured = json.loads(results[0].read_text())["runs"][0]["pages"][0]
    assert measured["key"] == "feed"
    assert measured["page16"]["requests"] > 0
    assert measured["floor16"]["requests"] > 0
    assert measured["ratio"] == pytest.approx(
        measured["page16"]["rps"] / measured["floor16"]["rps"], rel=1e-3
    )
