"""What an uploaded video is, from its first bytes (never from its name or the browser's word).

Three containers are accepted, each recognised by its own header:

- MP4 (and its relatives 3GP and M4V): an ISO base media file starting with an ``ftyp`` box
  whose major or compatible brands name a video brand (``isom``, ``mp41``, ``mp42``,
  ``avc1``, ``M4V ``, ``3gp4``…) → ``"mp4"``.
- QuickTime MOV: an ``ftyp`` box with the major brand ``qt  `` → ``"mov"``; older QuickTime
  files have no ``ftyp`` and start with a ``moov``, ``mdat``, ``wide``, ``free`` or ``skip``
  atom, which are accepted as MOV too.
- WebM: an EBML header (``1A 45 DF A3``) whose DocType is ``webm`` → ``"webm"``.

Other Matroska files (``.mkv``, DocType ``matroska``) are refused with a message saying to
export MP4: they may hold codecs and subtitle tracks browsers can't play, and the issue asks
for MP4, MOV and WebM only. Anything else is refused with a message saying what the file seems
to be (a PDF document, text, a picture, an AVI video…), so the editor knows which file they
picked by mistake.

This is only the door check: a file with a good header can still be truncated or corrupt,
which processing (ffprobe) finds and explains.
"""

from __future__ import annotations

import filetype  # type: ignore[import-untyped]  # filetype ships no type information
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

__all__ = ["HEADER_BYTES", "describe", "sniff"]

# Enough for every header read here (an ftyp box with its brands, an EBML header).
HEADER_BYTES = 8192

MP4 = "mp4"
MOV = "mov"
WEBM = "webm"

_VIDEO_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso7", b"iso8", b"iso9",
    b"mp41", b"mp42", b"mp71", b"avc1", b"av01", b"hvc1", b"hev1", b"dash", b"msnv",
    b"M4V ", b"M4VH", b"M4VP", b"mmp4", b"MSNV", b"XAVC", b"f4v ",
    b"3gp4", b"3gp5", b"3gp6", b"3gp7", b"3gg6", b"3g2a", b"3g2b", b"3g2c",
}  # fmt: skip
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "}
_PICTURE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
# The first atom of a QuickTime file written before the ftyp box existed.
_OLD_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}

_EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_EBML_DOCTYPE = 0x4282


def _accepted() -> str:
    return _("Choose an MP4, MOV or WebM video.")


def sniff(header: bytes) -> str:
    """The container of a video from its first bytes (at least the first ``HEADER_BYTES``
    when the file has them): ``"mp4"``, ``"mov"`` or ``"webm"``.

    Raises ``ValidationError`` with a message for the person uploading when the bytes are
    not one of those (codes ``empty``, ``other_video``, ``not_a_video``, ``unknown``).
    """
    if not header:
        raise ValidationError(
            _("This file is empty (0 bytes). Choose the video file again."), code="empty"
        )
    container = _iso_bmff(header)
    if container is not None:
        return container
    doctype = _ebml_doctype(header)
    if doctype == "webm":
        return WEBM
    if doctype is not None:
        raise ValidationError(
            _(
                "This file is an MKV (Matroska) video, which can't be used here. "
                "Export it as MP4 and upload that."
            ),
            code="other_video",
        )
    raise _refusal(header)


def describe(header: bytes) -> str | None:
    """What a file that isn't an accepted video seems to be, in words a person knows
    ("a PDF document", "text"), or None when its bytes say nothing recognisable."""
    what = _markup(header)
    if what is None:
        kind = filetype.guess(header)
        if kind is not None:
            what = _kind_in_words(kind.extension, kind.mime)
        elif _is_text(header):
            what = _("text")
    return what


def _kind_in_words(extension: str, mime: str) -> str:
    known = {
        "pdf": _("a PDF document"),
        "zip": _("a ZIP archive"),
        "rar": _("a RAR archive"),
        "7z": _("a 7-Zip archive"),
        "gz": _("a compressed (gzip) file"),
        "exe": _("a Windows program"),
        "elf": _("a program"),
        "doc": _("a Word document"),
        "docx": _("a Word document"),
        "xls": _("an Excel spreadsheet"),
        "xlsx": _("an Excel spreadsheet"),
        "ppt": _("a PowerPoint presentation"),
        "pptx": _("a PowerPoint presentation"),
    }
    if extension in known:
        return known[extension]
    family = mime.split("/", 1)[0]
    if family == "image":
        return _("a %(format)s picture") % {"format": extension.upper()}
    if family == "audio":
        return _("an audio file (%(format)s)") % {"format": extension.upper()}
    return _("a %(format)s file") % {"format": extension.upper()}


def _refusal(header: bytes) -> ValidationError:
    kind = filetype.guess(header)
    if kind is not None and kind.mime.startswith("video/"):
        return ValidationError(
            _(
                "This file is a %(format)s video, which can't be used here. "
                "Export it as MP4 and upload that."
            )
            % {"format": kind.extension.upper()},
            code="other_video",
        )
    what = describe(header)
    if what is None:
        return ValidationError(
            _("This file isn't a video we can read. %(accepted)s") % {"accepted": _accepted()},
            code="unknown",
        )
    return ValidationError(
        _("This file is %(what)s, not a video. %(accepted)s")
        % {"what": what, "accepted": _accepted()},
        code="not_a_video",
    )


# --- ISO base media (MP4, MOV, 3GP) --------------------------------------------------------------


def _iso_bmff(header: bytes) -> str | None:
    """ "mp4" or "mov" for an ISO base media / QuickTime video; raises for an MP4-family file
    that holds only sound or a picture; None when the bytes aren't this family at all."""
    if len(header) < 8:
        return None
    size = int.from_bytes(header[0:4], "big")
    box = header[4:8]
    if box == b"ftyp":
        return _from_brands(header, size)
    # size 0 means "to the end of the file", 1 means a 64-bit size follows.
    plausible = size in (0, 1) or size >= 8
    return MOV if box in _OLD_QUICKTIME_ATOMS and plausible else None


def _from_brands(header: bytes, size: int) -> str | None:
    """The container an ``ftyp`` box of `size` bytes names by its major and compatible brands."""
    if size < 16:
        return None
    major = header[8:12]
    compatible = {header[i : i + 4] for i in range(16, min(size, len(header)) - 3, 4)}
    if major in _AUDIO_BRANDS:
        raise ValidationError(
            _("This file is an audio file (%(format)s), not a video. %(accepted)s")
            % {"format": major.decode("latin-1").strip(), "accepted": _accepted()},
            code="not_a_video",
        )
    if major in _PICTURE_BRANDS:
        raise ValidationError(
            _("This file is a picture (HEIC or AVIF), not a video. %(accepted)s")
            % {"accepted": _accepted()},
            code="not_a_video",
        )
    if major == b"qt  ":
        return MOV
    if major in _VIDEO_BRANDS or compatible & _VIDEO_BRANDS:
        return MP4
    return MOV if b"qt  " in compatible else None


# --- EBML (WebM, Matroska) -------------------------------------------------------------------


def _vint(data: bytes, at: int, *, keep_marker: bool) -> tuple[int, int] | None:
    """An EBML variable-length integer at `at`: (value, length), or None if cut off."""
    if at >= len(data) or data[at] == 0:
        return None
    first = data[at]
    length = 8 - first.bit_length() + 1
    if at + length > len(data):
        return None
    value = first if keep_marker else first & ((1 << (8 - length)) - 1)
    for byte in data[at + 1 : at + length]:
        value = (value << 8) | byte
    return value, length


def _ebml_doctype(header: bytes) -> str | None:
    """The DocType of an EBML file ("webm", "matroska"…), "" if it has none we can read,
    or None when the bytes aren't EBML."""
    if not header.startswith(_EBML_MAGIC):
        return None
    size = _vint(header, 4, keep_marker=False)
    if size is None:
        return ""
    at = 4 + size[1]
    end = min(len(header), at + size[0])
    while at < end:
        element = _vint(header, at, keep_marker=True)
        if element is None:
            break
        length = _vint(header, at + element[1], keep_marker=False)
        if length is None:
            break
        start = at + element[1] + length[1]
        if element[0] == _EBML_DOCTYPE:
            return header[start : start + length[0]].rstrip(b"\x00").decode("ascii", "replace")
        at = start + length[0]
    return ""


# --- Text and markup ---------------------------------------------------------------------------


def _markup(header: bytes) -> str | None:
    text = header[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not text.startswith(b"<"):
        return None
    if b"<svg" in text:
        return _("an SVG drawing")
    if b"<html" in text or b"<!doctype html" in text:
        return _("a web page (HTML)")
    return None


def _is_text(header: bytes) -> bool:
    """Readable text (UTF-8, or a UTF-16 file with its byte-order mark)."""
    if header.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = header[:HEADER_BYTES]
    if b"\x00" in sample:
        return False
    try:
        decoded = sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # The sample may end in the middle of a character: only that is forgiven.
        if error.start < len(sample) - 3:
            return False
        decoded = sample[: error.start].decode("utf-8")
    printable = sum(1 for char in decoded if char.isprintable() or char in "\t\r\n\f")
    return printable >= 0.95 * len(decoded)
