"""HTTP range requests (RFC 9110, section 14): which bytes of a file a request asks for.

Browsers play a video by asking for parts of it (`Range: bytes=0-`, then `bytes=123456-` when
someone skips ahead). Only single byte ranges are honoured:

- ``bytes=500-999`` (the end is clamped to the file), ``bytes=500-`` (to the end) and
  ``bytes=-500`` (the last 500 bytes) give a `ByteRange`, answered with 206 Partial Content.
- A request for several ranges (``bytes=0-99,200-299``) gets the whole file with 200. The RFC
  lets a server ignore a Range header; players never send several ranges, and a single part
  labelled as one of several would mislead the client. Multipart answers are not worth their
  code here.
- Anything malformed, or in another unit, is ignored the same way: the whole file, 200.
- A well-formed range that starts past the end of the file (or asks for the last 0 bytes,
  or any bytes of an empty file) raises `Unsatisfiable`: 416 with ``Content-Range: bytes */size``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPEC = re.compile(r"^\s*(\d*)\s*-\s*(\d*)\s*$")


class Unsatisfiable(Exception):  # noqa: N818  # named after the HTTP status it leads to
    """The range is well formed but no byte of the file is in it (answer 416)."""


@dataclass(frozen=True)
class ByteRange:
    """Bytes `start` to `end` of a file of `size` bytes, both ends included (as HTTP counts)."""

    start: int
    end: int
    size: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    @property
    def content_range(self) -> str:
        return f"bytes {self.start}-{self.end}/{self.size}"


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The single range `header` asks for in a file of `size` bytes, or None for "send the
    whole file" (no header, several ranges, or one the RFC says to ignore).

    Raises `Unsatisfiable` when the range is valid but holds no byte of the file.
    """
    spec = _single_spec(header)
    if spec is None:
        return None
    first, last = spec
    if first is None:
        # A suffix: the last N bytes (all of them when the file is shorter).
        last = last or 0
        if last == 0 or size == 0:
            raise Unsatisfiable
        return ByteRange(start=max(0, size - last), end=size - 1, size=size)
    if last is not None and last < first:
        return None  # invalid: the RFC says to ignore it
    if first >= size:
        raise Unsatisfiable
    end = size - 1 if last is None else min(last, size - 1)
    return ByteRange(start=first, end=end, size=size)


def _single_spec(header: str | None) -> tuple[int | None, int | None] | None:
    """(first, last) of a header naming exactly one byte range, either end possibly
    missing (never both); None for anything else."""
    unit, separator, ranges = (header or "").partition("=")
    if not separator or unit.strip().lower() != "bytes" or "," in ranges:
        return None
    match = _SPEC.match(ranges)
    if match is None or not any(match.groups()):
        return None
    first, last = (int(value) if value else None for value in match.groups())
    return first, last
