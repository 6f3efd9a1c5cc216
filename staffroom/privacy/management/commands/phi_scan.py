"""Scan text for PHI from the command line: JSON Lines in, JSON Lines out.

    echo '{"text": "pt John Smith, MRN 1234567"}' | python manage.py phi_scan

Each input line is one JSON object with a "text" string. Each output line, in the same order:
    {"phi": true, "findings": [{"kind": "mrn", "start": 19, "end": 26, "text": "1234567"}]}
Offsets count Unicode code points (Python string indices) into "text".

A line that can't be read (not UTF-8, not JSON, no "text" string) gets
    {"phi": false, "findings": [], "error": "<why>"}
and the scan carries on with the next line: one bad record never stops a batch. The exit
status is 0 unless the input itself can't be read. Input is read line by line (a stream of any
length works) and each answer is flushed as it is written.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import IO, Any

from django.core.management.base import BaseCommand

from staffroom.privacy.detector import Scan, scan_text, warm_up


class Command(BaseCommand):
    help = "Scan JSON Lines ({'text': ...} per line) from stdin for PHI; write one JSON line each."
    stealth_options = ("stdin",)  # call_command(..., stdin=StringIO(...)) in tests

    def handle(self, *args: Any, **options: Any) -> None:
        stream = options.get("stdin") or sys.stdin
        out = self.stdout
        warm_up()
        for line in _lines(stream):
            out.write(answer(line))
            out.flush()


def _lines(stream: IO[Any]) -> Iterator[bytes | str]:
    """Yield raw lines without their line ending; bytes when the stream has them."""
    source = getattr(stream, "buffer", stream)
    for line in source:
        yield line.rstrip(b"\r\n") if isinstance(line, bytes) else line.rstrip("\r\n")


def answer(line: bytes | str) -> str:
    """The JSON answer for one input line (never raises)."""
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as error:
            return _error(f"line is not valid UTF-8 (byte {error.start})")
    line = line.removeprefix("\ufeff")  # a byte-order mark on the first line
    if not line.strip():
        return _error("empty line")
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as error:
        return _error(f"not valid JSON: {getattr(error, 'msg', 'too deeply nested')}")
    if not isinstance(record, dict):
        return _error('expected a JSON object like {"text": "..."}')
    text = record.get("text")
    if not isinstance(text, str):
        return _error('missing "text" string')
    return _dump(scan_text(text))


def _dump(scan: Scan) -> str:
    return json.dumps(
        {
            "phi": scan.phi,
            "findings": [
                {"kind": f.kind, "start": f.start, "end": f.end, "text": f.text}
                for f in scan.findings
            ],
        }
    )


def _error(message: str) -> str:
    return json.dumps({"phi": False, "findings": [], "error": message})
