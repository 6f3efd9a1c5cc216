"""`manage.py phi_scan`: JSON Lines in, one JSON answer per line out, in order."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command


def run(stdin: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    call_command("phi_scan", stdin=io.StringIO(stdin), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_each_line_gets_an_answer_in_order():
    lines = [
        {"text": "pt Ana Ruiz (MRN 5512345) needs labs."},
        {"text": "The cafeteria opens at 7."},
        {"text": "Patient SSN 123-45-6789 was printed."},
    ]
    answers = run("".join(json.dumps(line) + "\n" for line in lines))
    assert [a["phi"] for a in answers] == [True, False, True]
    assert answers[1] == {"phi": False, "findings": []}
    assert {"kind": "mrn", "start": 17, "end": 24, "text": "5512345"} in answers[0]["findings"]


def test_offsets_count_characters_of_the_text_not_bytes():
    text = "Señora Núñez 😀 — MRN 7730215"
    [answer] = run(json.dumps({"text": text}, ensure_ascii=False) + "\n")
    assert [f["kind"] for f in answer["findings"]] == ["patient_name", "mrn"]
    for finding in answer["findings"]:
        assert text[finding["start"] : finding["end"]] == finding["text"]
    assert answer["findings"][1]["text"] == "7730215"


def test_a_malformed_line_gets_an_error_and_the_scan_carries_on():
    stdin = "\n".join(
        [
            "not json",
            "[1, 2]",
            '{"body": "no text key"}',
            '{"text": 42}',
            "",
            '{"text": "MRN 7730215"}',
        ]
    )
    answers = run(stdin + "\n")
    assert len(answers) == 6
    for answer in answers[:5]:
        assert answer["phi"] is False
        assert answer["findings"] == []
        assert answer["error"]
    assert answers[5]["phi"] is True
    assert "error" not in answers[5]


def test_a_line_that_is_not_utf8_gets_an_error():
    from staffroom.privacy.management.commands.phi_scan import answer

    assert "UTF-8" in json.loads(answer(b'{"text": "\xff\xfe"}'))["error"]
    assert json.loads(answer(b'{"text": "ok"}')) == {"phi": False, "findings": []}


def test_the_command_runs_as_a_real_process_on_a_fresh_data_directory():
    lines = [json.dumps({"text": "Mrs. Okoye's daughter called, her chemo is delayed."})] * 3
    lines.append("garbage")
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "DEBUG": "true",
            "STAFFROOM_DATA_DIR": data_dir,
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        env.pop("DATABASE_URL", None)
        result = subprocess.run(
            [sys.executable, "manage.py", "phi_scan"],
            input="\n".join(lines) + "\n",
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=Path(settings.BASE_DIR),
            env=env,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["phi"] for a in answers] == [True, True, True, False]
    assert answers[0]["findings"][0]["kind"] == "patient_name"
    assert "error" in answers[3]
