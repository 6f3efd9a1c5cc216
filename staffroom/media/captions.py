"""Caption files: read WebVTT or SRT, check every cue, and write normalised WebVTT.

What a file *is* comes from its content, never its name: a first line ``WEBVTT`` makes it
WebVTT; anything else is read as SRT (SubRip). Problems are reported together, each with its
line number and a plain message (``Line 14: the cue ends (00:00:03,000) before it starts
(00:00:05,000).``), so an editor can fix the file in one go.

Why our own reading and not only webvtt-py's: the library is lenient on purpose (it plays what
it can). It silently drops a cue whose times it can't read, keeps a cue that ends before it
starts or has no words, accepts times like ``0:0:1.5``, and reports nothing with a line number.
An editor would then publish captions with holes and never know. So the cues are read and
checked here, line by line; webvtt-py writes the normalised WebVTT, and reads it back
strictly, so what is stored is what a standard reader understands.

The stored WebVTT keeps only what players understand and nothing that could surprise them:
the cue times, the cue settings browsers support (position, line, size, align, vertical),
bold/italic/underline and voice (``<v Name>``) tags; every other tag is dropped (its words
kept), ``{\\an8}``-style SRT positioning codes are dropped, and ``&``, ``<`` and ``>`` in
the words are escaped. Comments, styles and regions are not kept. Files are served as
``text/vtt``, which browsers read as captions, never as a page.
"""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import webvtt
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

__all__ = [
    "CAPTION_LANGUAGES",
    "MAX_BYTES",
    "MAX_CUES",
    "Cue",
    "ParsedCaptions",
    "language_name",
    "parse_captions",
    "read_stored_vtt",
]

MAX_BYTES = 1_000_000  # a two-hour film's captions are ~150 KB
MAX_CUES = 5_000
MAX_REPORTED = 10  # problems listed; the rest are counted
DURATION_GRACE_MS = 1_000  # a cue may end a little after the video does

# Languages captions can be in: the site's own first, then those most spoken among hospital
# staff and patients. Each is named in itself (what the player's menu shows), with its name in
# the reader's language beside it in the upload form.
CAPTION_LANGUAGES: list[tuple[str, str, str | Promise]] = [
    ("en", "English", gettext_lazy("English")),
    ("es", "Español", gettext_lazy("Spanish")),
    ("zh-Hans", "简体中文", gettext_lazy("Chinese (Simplified)")),
    ("zh-Hant", "繁體中文", gettext_lazy("Chinese (Traditional)")),
    ("vi", "Tiếng Việt", gettext_lazy("Vietnamese")),
    ("fil", "Filipino", gettext_lazy("Filipino (Tagalog)")),
    ("ko", "한국어", gettext_lazy("Korean")),
    ("ht", "Kreyòl ayisyen", gettext_lazy("Haitian Creole")),
    ("ru", "Русский", gettext_lazy("Russian")),
    ("ar", "العربية", gettext_lazy("Arabic")),
    ("fr", "Français", gettext_lazy("French")),
    ("pt", "Português", gettext_lazy("Portuguese")),
    ("pl", "Polski", gettext_lazy("Polish")),
    ("hi", "हिन्दी", gettext_lazy("Hindi")),
    ("bn", "বাংলা", gettext_lazy("Bengali")),
    ("ur", "اردو", gettext_lazy("Urdu")),
    ("so", "Soomaali", gettext_lazy("Somali")),
]
_NATIVE_NAMES = {code: native for code, native, _name in CAPTION_LANGUAGES}

_SETTINGS_KEPT = ("vertical", "line", "position", "size", "align")

_VTT_TIME = re.compile(r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})")
_SRT_TIME = re.compile(r"(\d{1,3}):([0-5]\d):([0-5]\d)[,.](\d{3})")
_VTT_HEADER = re.compile(r"WEBVTT(?:[ \t].*)?")
_TAG = re.compile(r"<([^<>\n]*)>")
_STYLE_TAG = re.compile(r"(/?)([biu])(?:\.[\w-]+)*")
_VOICE_TAG = re.compile(r"v(?:\.[\w-]+)*[ \t]+(.+)")
_SRT_POSITION = re.compile(r"\{\\[^{}]*\}")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

_FORMAT_EXAMPLE = {"vtt": "00:01:02.500", "srt": "00:01:02,500"}


@dataclass(frozen=True)
class Cue:
    """One caption: its times in seconds and its words as plain text (tags removed)."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class ParsedCaptions:
    vtt: str  # normalised WebVTT, ready to store and serve as text/vtt
    cue_count: int
    original_format: str  # "vtt" or "srt": what the file was
    cues: list[Cue]


def language_name(code: str) -> str:
    """The language's name in itself ("Español"), or the code when it isn't one we list."""
    return _NATIVE_NAMES.get(code, code)


def parse_captions(
    data: bytes, filename: str = "", *, duration_seconds: float | None = None
) -> ParsedCaptions:
    """Read and check a caption file; raise ValidationError listing every problem found.

    `filename` only improves a message (a ``.vtt`` file without its ``WEBVTT`` line is told
    so); the content decides the format. When `duration_seconds` is known, a cue ending more
    than a second after the video does is refused: the file is probably for another video.
    """
    text = _decode(data)
    lines = _LINE_BREAK.split(text)
    first = lines[0] if lines else ""
    if first.startswith("WEBVTT"):
        if not _VTT_HEADER.fullmatch(first):
            raise ValidationError(
                _(
                    "Line 1: a WebVTT file starts with the line “WEBVTT” on its own (or "
                    "followed by a space and a title)."
                ),
                code="bad_header",
            )
        fmt = "vtt"
    else:
        fmt = "srt"
        if "-->" not in text:
            raise ValidationError(
                _(
                    "This file has no captions: a caption file has lines of times like "
                    "“00:00:01.000 --> 00:00:04.000”. Upload a WebVTT (.vtt) or SubRip (.srt) "
                    "file."
                ),
                code="no_cues",
            )
    reader = _Reader(fmt, duration_seconds)
    cues = reader.read(lines)
    if reader.problems:
        if fmt == "srt" and filename.lower().endswith(".vtt"):
            raise ValidationError(
                _(
                    "Line 1: a WebVTT file starts with the line “WEBVTT”. Add it at the top of "
                    "the file, then upload it again."
                ),
                code="bad_header",
            )
        raise ValidationError(_summarise(reader.problems, reader.more), code="bad_cues")
    if not cues:
        raise ValidationError(
            _(
                "This file has no captions: no cue has times like “00:00:01.000 --> "
                "00:00:04.000” followed by its words."
            ),
            code="no_cues",
        )
    cues.sort(key=lambda cue: (cue.start_ms, cue.end_ms))
    vtt = _write(cues)
    return ParsedCaptions(
        vtt=vtt,
        cue_count=len(cues),
        original_format=fmt,
        cues=[Cue(c.start_ms / 1000, c.end_ms / 1000, c.plain) for c in cues],
    )


def read_stored_vtt(vtt: str) -> list[Cue]:
    """The cues of WebVTT this module wrote (a stored Caption), in order of time."""
    reader = _Reader("vtt", None)
    return [
        Cue(c.start_ms / 1000, c.end_ms / 1000, c.plain)
        for c in reader.read(_LINE_BREAK.split(vtt))
    ]


# --- Bytes to text ---------------------------------------------------------------------------


_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _decode(data: bytes) -> str:
    """Text from UTF-8 (with or without a byte-order mark), UTF-16 with its mark, or, for
    files saved by older Windows tools, Windows-1252. Anything else isn't a caption file."""
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _(
                "The caption file is %(size)s MB; caption files are at most %(max)s MB. Check "
                "that it is a caption file and not a video."
            )
            % {"size": f"{len(data) / 1_000_000:.1f}", "max": f"{MAX_BYTES / 1_000_000:g}"},
            code="too_large",
        )
    not_text = ValidationError(
        _(
            "This isn't a caption file: it doesn't contain text. Upload a WebVTT (.vtt) or "
            "SubRip (.srt) file."
        ),
        code="not_text",
    )
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                raise not_text from None
            break
    else:
        if b"\x00" in data:
            raise not_text
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise not_text from None
    text = text.lstrip("\ufeff").rstrip("\x1a")  # a second mark; DOS's end-of-file mark
    if not text.strip():
        raise ValidationError(
            _("The caption file is empty. Choose the file with the captions in it."),
            code="empty",
        )
    if any(unicodedata.category(char) == "Cc" and char not in "\t\n\r\x0c" for char in text):
        raise not_text
    return text


# --- Reading cues -----------------------------------------------------------------------------


@dataclass
class _RawCue:
    line: int  # of its times
    start_ms: int
    end_ms: int
    settings: str
    lines: list[str]  # sanitised WebVTT cue text
    plain: str


class _Reader:
    """Reads the cues of one file, collecting problems with their line numbers."""

    def __init__(self, fmt: str, duration_seconds: float | None) -> None:
        self.fmt = fmt
        self.time_pattern = _VTT_TIME if fmt == "vtt" else _SRT_TIME
        self.limit_ms = (
            None if duration_seconds is None else int(duration_seconds * 1000) + DURATION_GRACE_MS
        )
        self.duration_seconds = duration_seconds
        self.problems: list[str] = []
        self.more = 0

    def problem(self, line: int, message: str) -> None:
        if len(self.problems) < MAX_REPORTED:
            self.problems.append(
                _("Line %(line)d: %(problem)s") % {"line": line, "problem": message}
            )
        else:
            self.more += 1

    def read(self, lines: list[str]) -> list[_RawCue]:
        cues: list[_RawCue] = []
        blocks = _blocks(lines, vtt=self.fmt == "vtt")
        if self.fmt == "vtt":
            next(blocks, None)  # the header: "WEBVTT" and its metadata lines
        for block in blocks:
            cue = self.read_block(block, cues)
            if cue is None:
                continue
            if len(cues) >= MAX_CUES:
                self.problems.append(
                    _(
                        "The file has more than %(max)s captions, more than a caption file "
                        "can hold here. Merge short captions, or split the video."
                    )
                    % {"max": f"{MAX_CUES:,}"}
                )
                break
            cues.append(cue)
        return cues

    def read_block(self, block: list[tuple[int, str]], cues: list[_RawCue]) -> _RawCue | None:
        first_number, first = block[0]
        texts = [text for _number, text in block]
        if "-->" in first:
            timing = 0
        elif len(block) > 1 and "-->" in texts[1]:
            timing = 1  # a cue identifier (WebVTT) or number (SRT) above the times
        elif self.fmt == "vtt":
            if _is_vtt_skipped(first):
                return None
            self.problem(first_number, _not_in_a_cue())
            return None
        elif first.strip().isdigit():
            self.problem(
                block[1][0] if len(block) > 1 else first_number,
                _(
                    "caption %(number)s has no times: put them on the line below its number, "
                    "like “%(example)s --> 00:01:04,000”."
                )
                % {"number": first.strip(), "example": _FORMAT_EXAMPLE["srt"]},
            )
            return None
        elif cues:
            # SRT files sometimes hold an empty line inside a caption's words: keep them.
            self.append_words(cues[-1], texts)
            return None
        else:
            self.problem(first_number, _not_in_a_cue())
            return None
        number, timing_line = block[timing]
        return self.read_cue(number, timing_line, texts[timing + 1 :])

    def read_cue(self, number: int, timing_line: str, text_lines: list[str]) -> _RawCue | None:
        left, _arrow, right = timing_line.partition("-->")
        start_text = left.strip()
        end_text, _space, rest = right.strip().partition(" ")
        if "\t" in end_text:
            end_text, _tab, more = end_text.partition("\t")
            rest = f"{more} {rest}"
        start = self.time(number, start_text)
        end = self.time(number, end_text)
        if start is None or end is None:
            return None
        if end < start:
            self.problem(
                number,
                _("the cue ends (%(end)s) before it starts (%(start)s).")
                % {"end": end_text, "start": start_text},
            )
            return None
        if end == start:
            self.problem(
                number,
                _("the cue starts and ends at the same time (%(start)s), so it would never show.")
                % {"start": start_text},
            )
            return None
        if self.limit_ms is not None and end > self.limit_ms:
            self.problem(
                number,
                _(
                    "the cue ends at %(end)s, after the video ends (%(duration)s). Is this the "
                    "caption file for this video?"
                )
                % {
                    "end": end_text,
                    "duration": _format_time(int((self.duration_seconds or 0) * 1000)),
                },
            )
            return None
        vtt_lines, plain = _sanitise(text_lines)
        if not plain.strip():
            self.problem(
                number,
                _("the cue at %(start)s has no words: add them below its times, or remove the cue.")
                % {"start": start_text},
            )
            return None
        settings = _keep_settings(rest) if self.fmt == "vtt" else ""
        return _RawCue(number, start, end, settings, vtt_lines, plain)

    def time(self, number: int, text: str) -> int | None:
        match = self.time_pattern.fullmatch(text)
        if match is None:
            shown = text or "—"
            self.problem(
                number,
                _(
                    "“%(time)s” isn't a time: write times as hours:minutes:seconds and "
                    "milliseconds, like %(example)s."
                )
                % {"time": shown[:40], "example": _FORMAT_EXAMPLE[self.fmt]},
            )
            return None
        hours, minutes, seconds, millis = match.groups()
        return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)

    def append_words(self, cue: _RawCue, texts: list[str]) -> None:
        more_lines, more_plain = _sanitise(texts)
        cue.lines.extend(more_lines)
        if more_plain:
            cue.plain = f"{cue.plain}\n{more_plain}" if cue.plain else more_plain


def _not_in_a_cue() -> str:
    return _(
        "this text isn't part of a caption. Each caption starts with its times, like "
        "“00:00:01.000 --> 00:00:04.000”, with an empty line between captions."
    )


def _is_vtt_skipped(first: str) -> bool:
    """A WebVTT comment, style or region block: read, not kept."""
    if first == "NOTE" or first.startswith(("NOTE ", "NOTE\t")):
        return True
    return first.rstrip() in ("STYLE", "REGION")


def _blocks(lines: list[str], *, vtt: bool) -> Iterator[list[tuple[int, str]]]:
    """Blocks of (line number, text) separated by empty lines.

    A line with times after a block that already has its times (or two lines) starts a new
    block, as browsers read it: a missing empty line between two cues is forgiven. In SRT a
    caption number just above such a line goes with it.
    """
    block: list[tuple[int, str]] = []
    in_header = vtt
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if not line.strip():
            if block:
                yield block
                block = []
                in_header = False
            continue
        if block and "-->" in line and (in_header or len(block) > 1 or "-->" in block[0][1]):
            carried: list[tuple[int, str]] = []
            if not vtt and len(block) > 2 and block[-1][1].strip().isdigit():
                carried = [block.pop()]
            yield block
            block = carried
            in_header = False
        block.append((number, line))
    if block:
        yield block


# --- Cue text ----------------------------------------------------------------------------------


def _sanitise(text_lines: list[str]) -> tuple[list[str], str]:
    """The cue's words as safe WebVTT cue text, and as plain text."""
    vtt_lines: list[str] = []
    plain_lines: list[str] = []
    for raw in text_lines:
        line = _SRT_POSITION.sub("", raw).strip()
        vtt_parts: list[str] = []
        plain_parts: list[str] = []
        position = 0
        for match in _TAG.finditer(line):
            _words(line[position : match.start()], vtt_parts, plain_parts)
            _tag(match.group(1).strip(), vtt_parts, plain_parts)
            position = match.end()
        _words(line[position:], vtt_parts, plain_parts)
        plain = "".join(plain_parts).strip()
        if plain:
            vtt_lines.append("".join(vtt_parts).strip())
            plain_lines.append(plain)
    return vtt_lines, "\n".join(plain_lines)


def _words(text: str, vtt_parts: list[str], plain_parts: list[str]) -> None:
    words = html.unescape(text).replace("\u00a0", " ")
    plain_parts.append(words)
    vtt_parts.append(words.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _tag(tag: str, vtt_parts: list[str], plain_parts: list[str]) -> None:
    style = _STYLE_TAG.fullmatch(tag)
    if style is not None:
        vtt_parts.append(f"<{style.group(1)}{style.group(2)}>")
        return
    voice = _VOICE_TAG.fullmatch(tag)
    if voice is not None:
        name = html.unescape(voice.group(1)).strip()
        vtt_parts.append(
            f"<v {name.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}>"
        )
        plain_parts.append(f"{name}: ")
        return
    if tag == "/v":
        vtt_parts.append("</v>")
    # Any other tag (font, class, ruby, karaoke times) is dropped; its words stay.


def _keep_settings(rest: str) -> str:
    kept = []
    for setting in rest.split():
        name, colon, value = setting.partition(":")
        if colon and value and ":" not in value and name in _SETTINGS_KEPT:
            kept.append(setting)
    return " ".join(kept)


# --- Writing ---------------------------------------------------------------------------------


def _format_time(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _write(cues: list[_RawCue]) -> str:
    document = webvtt.WebVTT(
        captions=[
            webvtt.Caption(
                start=_format_time(cue.start_ms),
                end=_format_time(cue.end_ms),
                text=cue.lines,
                settings=cue.settings or None,
            )
            for cue in cues
        ]
    )
    try:
        content = document.content
        # Read back strictly: what is stored must be what a standard reader understands.
        read_back = len(webvtt.from_string(content, strict=True).captions)
    except (ValueError, webvtt.errors.MalformedFileError, webvtt.errors.MalformedCaptionError):
        read_back = -1
    if read_back != len(cues):
        raise ValidationError(
            _("These captions couldn't be converted to WebVTT. Check the file and try again."),
            code="unwritable",
        )
    return content


def _summarise(problems: list[str], more: int) -> list[str]:
    if more:
        problems = [
            *problems,
            ngettext(
                "…and %(count)d more problem like these.",
                "…and %(count)d more problems like these.",
                more,
            )
            % {"count": more},
        ]
    return problems
