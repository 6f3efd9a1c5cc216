"""Reading caption files: WebVTT and SRT in, checked, normalised WebVTT out."""

from __future__ import annotations

import codecs
import os

import pytest
import webvtt
from django.core.exceptions import ValidationError

from staffroom.media.captions import MAX_BYTES, MAX_CUES, parse_captions, read_stored_vtt

GOOD_VTT = """WEBVTT - ward 7 update

NOTE written by the comms team

intro
00:00:00.500 --> 00:00:02.000 line:0 align:start
<v Dr Okafor>Welcome to ward 7.</v>

00:00:02.000 --> 00:00:03.500
We moved the <i>medication room</i> & the linen store.
"""

GOOD_SRT = """1
00:00:00,500 --> 00:00:02,000
Welcome to ward 7.

2
00:00:02,000 --> 00:00:03,500
<font color="#ffff00">Thank you</font> all
for <b>your</b> help {\\an8}
"""


def _problems(data: bytes, filename: str = "captions.srt", **kwargs: float) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        parse_captions(data, filename, **kwargs)
    return caught.value.messages


def _is_valid_webvtt(text: str) -> int:
    """How many cues a standard reader finds, reading strictly."""
    return len(webvtt.from_string(text, strict=True).captions)


def test_a_good_webvtt_file_is_read_and_normalised() -> None:
    parsed = parse_captions(GOOD_VTT.encode(), "update.vtt")
    assert parsed.original_format == "vtt"
    assert parsed.cue_count == 2
    assert parsed.vtt.startswith("WEBVTT\n")
    assert "00:00:00.500 --> 00:00:02.000 line:0 align:start" in parsed.vtt
    assert "<v Dr Okafor>Welcome to ward 7.</v>" in parsed.vtt
    assert "<i>medication room</i> &amp; the linen store." in parsed.vtt
    assert "NOTE" not in parsed.vtt  # comments are not kept
    assert [(c.start, c.end) for c in parsed.cues] == [(0.5, 2.0), (2.0, 3.5)]
    assert parsed.cues[0].text == "Dr Okafor: Welcome to ward 7."
    assert parsed.cues[1].text == "We moved the medication room & the linen store."
    assert _is_valid_webvtt(parsed.vtt) == 2


def test_a_good_srt_file_is_converted_to_valid_webvtt() -> None:
    parsed = parse_captions(GOOD_SRT.encode(), "update.srt")
    assert parsed.original_format == "srt"
    assert parsed.cue_count == 2
    assert parsed.vtt.startswith("WEBVTT\n")
    assert "00:00:00.500 --> 00:00:02.000" in parsed.vtt  # "." before the milliseconds
    assert "," not in parsed.vtt.split("\n\n", 1)[1].split("\n")[0]
    assert "<font" not in parsed.vtt
    assert "{\\an8}" not in parsed.vtt
    assert "Thank you all\nfor <b>your</b> help" in parsed.vtt
    assert parsed.cues[1].text == "Thank you all\nfor your help"
    assert _is_valid_webvtt(parsed.vtt) == 2


def test_the_content_decides_the_format_not_the_name() -> None:
    assert parse_captions(GOOD_SRT.encode(), "captions.vtt").original_format == "srt"
    assert parse_captions(GOOD_VTT.encode(), "captions.srt").original_format == "vtt"
    assert parse_captions(GOOD_VTT.encode(), "captions.txt").cue_count == 2


def test_a_byte_order_mark_and_windows_line_endings_are_read() -> None:
    data = codecs.BOM_UTF8 + GOOD_SRT.replace("\n", "\r\n").encode()
    parsed = parse_captions(data, "captions.srt")
    assert parsed.cue_count == 2
    assert "\r" not in parsed.vtt
    data = codecs.BOM_UTF8 + GOOD_VTT.replace("\n", "\r\n").encode()
    assert parse_captions(data, "captions.vtt").cue_count == 2


def test_utf16_with_its_mark_and_windows_1252_are_read() -> None:
    assert parse_captions(GOOD_VTT.encode("utf-16"), "captions.vtt").cue_count == 2
    srt = "1\n00:00:01,000 --> 00:00:02,000\nJosé said “año”\n"
    parsed = parse_captions(srt.encode("cp1252"), "captions.srt")
    assert parsed.cues[0].text == "José said “año”"


def test_a_missing_empty_line_between_cues_is_forgiven() -> None:
    srt = "1\n00:00:01,000 --> 00:00:02,000\nFirst\n2\n00:00:02,000 --> 00:00:03,000\nSecond\n"
    parsed = parse_captions(srt.encode(), "captions.srt")
    assert [c.text for c in parsed.cues] == ["First", "Second"]


def test_overlapping_cues_are_fine_and_come_out_in_order_of_time() -> None:
    srt = (
        "1\n00:00:03,000 --> 00:00:05,000\nLater\n\n"
        "2\n00:00:01,000 --> 00:00:04,000\nEarlier, overlapping\n"
    )
    parsed = parse_captions(srt.encode(), "captions.srt")
    assert [c.text for c in parsed.cues] == ["Earlier, overlapping", "Later"]


def test_a_cue_ending_before_it_starts_is_reported_with_its_line() -> None:
    srt = "1\n00:00:01,000 --> 00:00:02,000\nFine\n\n2\n00:00:05,000 --> 00:00:03,000\nBackwards\n"
    assert _problems(srt.encode()) == [
        "Line 6: the cue ends (00:00:03,000) before it starts (00:00:05,000)."
    ]


def test_malformed_times_are_reported_each_with_its_line() -> None:
    srt = (
        "1\n00:00:1,000 --> 00:00:02,000\nShort seconds\n\n"
        "2\n00:00:02,000 --> 00:00:03\nNo milliseconds\n\n"
        "3\n00:61:00,000 --> 00:62:00,000\nMinutes past 59\n\n"
        "4\n00:00:04,000 --> 00:00:05,000\nFine\n"
    )
    problems = _problems(srt.encode())
    assert len(problems) == 4  # both times on line 10 are wrong
    assert problems[0].startswith("Line 2: “00:00:1,000” isn't a time")
    assert "like 00:01:02,500" in problems[0]
    assert problems[1].startswith("Line 6: “00:00:03” isn't a time")
    assert problems[2].startswith("Line 10: “00:61:00,000” isn't a time")
    assert problems[3].startswith("Line 10: “00:62:00,000” isn't a time")


def test_webvtt_times_need_a_dot_and_three_digit_milliseconds() -> None:
    vtt = "WEBVTT\n\n00:00:01,000 --> 00:00:02.000\nComma\n\n0:0:3.5 --> 00:00:04.000\nShort\n"
    problems = _problems(vtt.encode(), "captions.vtt")
    assert problems[0].startswith("Line 3: “00:00:01,000” isn't a time")
    assert "like 00:01:02.500" in problems[0]
    assert problems[1].startswith("Line 6: “0:0:3.5” isn't a time")


def test_a_cue_without_words_or_without_length_is_refused() -> None:
    srt = "1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:03,000 --> 00:00:03,000\nNever shown\n"
    problems = _problems(srt.encode())
    assert problems[0].startswith("Line 2: the cue at 00:00:01,000 has no words")
    assert problems[1].startswith("Line 5: the cue starts and ends at the same time")


def test_text_outside_any_cue_is_reported() -> None:
    vtt = "WEBVTT\n\nThis line has no times\n\n00:00:01.000 --> 00:00:02.000\nFine\n"
    problems = _problems(vtt.encode(), "captions.vtt")
    assert problems == [
        (
            "Line 3: this text isn't part of a caption. Each caption starts with its times, like "
            "“00:00:01.000 --> 00:00:04.000”, with an empty line between captions."
        )
    ]


def test_an_empty_file_is_refused() -> None:
    assert _problems(b"") == ["The caption file is empty. Choose the file with the captions in it."]
    assert _problems(codecs.BOM_UTF8 + b"  \r\n\r\n") == [
        "The caption file is empty. Choose the file with the captions in it."
    ]
    assert "no captions" in _problems(b"WEBVTT\n\n", "captions.vtt")[0]


def test_binary_junk_is_refused_as_not_a_caption_file() -> None:
    junk = os.urandom(4096)
    assert _problems(junk, "captions.srt") == [
        (
            "This isn't a caption file: it doesn't contain text. Upload a WebVTT (.vtt) or "
            "SubRip (.srt) file."
        )
    ]
    # A video renamed .vtt: its first bytes are an MP4 box, NUL bytes included.
    assert "isn't a caption file" in _problems(b"\x00\x00\x00\x20ftypisom" + junk, "a.vtt")[0]


def test_plain_text_without_times_is_not_a_caption_file() -> None:
    assert "has no captions" in _problems(b"Meeting notes\nNothing timed here\n")[0]


def test_a_webvtt_file_named_so_but_missing_its_header_is_told_what_to_add() -> None:
    problems = _problems(b"00:01.000 --> 00:02.000\nHello\n", "captions.vtt")
    assert problems == [
        (
            "Line 1: a WebVTT file starts with the line “WEBVTT”. Add it at the top of the file, "
            "then upload it again."
        )
    ]


def test_too_many_cues_are_refused() -> None:
    cues = "".join(
        f"{n}\n00:00:{n % 60:02d},000 --> 00:00:{n % 60:02d},500\nWord {n}\n\n"
        for n in range(1, MAX_CUES + 2)
    )
    problems = _problems(cues.encode())
    assert any(f"more than {MAX_CUES:,} captions" in problem for problem in problems)


def test_a_file_over_the_size_limit_is_refused_before_reading() -> None:
    problems = _problems(b"1\n" + b"x" * (MAX_BYTES + 1))
    assert problems[0].startswith("The caption file is 1.0 MB; caption files are at most 1 MB.")


def test_cues_beyond_the_videos_end_are_refused_when_the_duration_is_known() -> None:
    srt = (
        "1\n00:00:01,000 --> 00:00:03,900\nJust after the end is fine\n\n"
        "2\n00:00:05,000 --> 00:00:09,000\nFar beyond\n"
    )
    problems = _problems(srt.encode(), duration_seconds=3.0)
    assert len(problems) == 1
    assert problems[0].startswith("Line 6: the cue ends at 00:00:09,000, after the video ends")
    assert parse_captions(srt.encode(), "captions.srt").cue_count == 2  # duration unknown


def test_many_problems_are_listed_up_to_ten_then_counted() -> None:
    srt = "".join(f"{n}\n00:00:09,000 --> 00:00:01,000\nBackwards\n\n" for n in range(1, 16))
    problems = _problems(srt.encode())
    assert len(problems) == 11
    assert problems[-1] == "…and 5 more problems like these."


def test_markup_in_cue_text_is_escaped_or_dropped() -> None:
    srt = (
        '1\n00:00:01,000 --> 00:00:02,000\n<script>alert("x")</script> 5 < 6 &amp; <c.loud>ok</c>\n'
    )
    parsed = parse_captions(srt.encode(), "captions.srt")
    assert "<script" not in parsed.vtt
    assert "<c" not in parsed.vtt
    assert 'alert("x") 5 &lt; 6 &amp; ok' in parsed.vtt
    assert parsed.cues[0].text == 'alert("x") 5 < 6 & ok'


def test_stored_webvtt_reads_back_to_the_same_cues() -> None:
    parsed = parse_captions(GOOD_SRT.encode(), "captions.srt")
    assert read_stored_vtt(parsed.vtt) == parsed.cues
