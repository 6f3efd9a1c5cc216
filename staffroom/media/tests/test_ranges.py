"""Reading a `Range: bytes=…` header (RFC 9110, section 14)."""

from __future__ import annotations

import pytest

from staffroom.media.ranges import ByteRange, Unsatisfiable, parse_range

SIZE = 1000


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-", 0, 999),
        ("bytes=0-0", 0, 0),
        ("bytes=100-199", 100, 199),
        ("bytes=500-", 500, 999),
        ("bytes=990-5000", 990, 999),  # the end is clamped to the file
        ("bytes=-100", 900, 999),  # the last 100 bytes
        ("bytes=-5000", 0, 999),  # more than the file: all of it
        ("bytes=999-999", 999, 999),
        ("Bytes = 10 - 19", 10, 19),  # case and spaces are forgiven
    ],
)
def test_a_single_range_gives_the_bytes_it_names(header: str, start: int, end: int) -> None:
    assert parse_range(header, SIZE) == ByteRange(start=start, end=end, size=SIZE)


def test_a_range_knows_its_length_and_content_range() -> None:
    wanted = parse_range("bytes=100-199", SIZE)
    assert wanted is not None
    assert wanted.length == 100
    assert wanted.content_range == "bytes 100-199/1000"


def test_a_2_gb_file_is_only_numbers() -> None:
    size = 2 * 1024**3
    wanted = parse_range("bytes=2147483000-", size)
    assert wanted == ByteRange(start=2147483000, end=size - 1, size=size)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "bytes=",
        "bytes=-",
        "bytes=abc-def",
        "bytes=5-1",  # the end before the start: invalid, so ignored
        "bytes=1.5-2",
        "bytes=+1-2",
        "items=0-10",  # another unit
        "0-10",
        "bytes=0-99,200-299",  # several ranges: the whole file
        "bytes=0-,-10",
    ],
)
def test_anything_else_means_the_whole_file(header: str | None) -> None:
    assert parse_range(header, SIZE) is None


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_a_range_past_the_end_is_unsatisfiable(header: str) -> None:
    with pytest.raises(Unsatisfiable):
        parse_range(header, SIZE)


def test_no_range_of_an_empty_file_is_satisfiable() -> None:
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=-10", 0)
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=0-", 0)
    assert parse_range(None, 0) is None
