"""Checks for files staff upload to posts, comments and initiatives.

Nothing here trusts a file's name or the browser's content type: what a file *is* comes from
its bytes. Photos are decoded and re-encoded, which is the only dependable way to drop
metadata (GPS position, camera serial numbers, XMP) and anything smuggled after the picture.
Documents can't be re-encoded, so they are identified by content (``filetype`` plus a look
inside ZIP containers) and given a name whose extension matches what they are.

Both functions raise ``ValidationError`` with a message meant for the person uploading.
Neither saves anything: the caller stores ``ProcessedImage.content`` or the checked upload.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
import uuid
import warnings
import zipfile
from dataclasses import dataclass
from typing import IO

import filetype  # type: ignore[import-untyped]  # filetype ships no type information
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

__all__ = ["CheckedAttachment", "ProcessedImage", "check_attachment", "process_image"]

IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
JPEG_QUALITY = 85
MAX_NAME_LENGTH = 120
HEADER_BYTES = 8192
CHUNK_BYTES = 1024 * 1024
MAX_ZIP_ENTRIES = 20_000
MAX_CONTENT_TYPES_BYTES = 1024 * 1024

MEGABYTE = 1024 * 1024


# --- Shared helpers ----------------------------------------------------------------------------


def _size_of(upload: File[bytes]) -> int:
    size = upload.size
    return int(size) if size is not None else 0


def _read_header(upload: File[bytes]) -> bytes:
    upload.seek(0)
    header = upload.read(HEADER_BYTES)
    upload.seek(0)
    return bytes(header)


def _check_size(upload: File[bytes], *, max_mb: int) -> int:
    size = _size_of(upload)
    if size <= 0:
        raise ValidationError(_("The file is empty. Choose the file again."), code="empty")
    if size > max_mb * MEGABYTE:
        raise ValidationError(
            _("The file is %(size)s; the largest accepted is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_mb * MEGABYTE)},
            code="too_large",
        )
    return size


def _looks_like_markup(header: bytes) -> str | None:
    """'svg' or 'html' when the start of a file is an SVG drawing or a web page."""
    text = header[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not text.startswith(b"<"):
        return None
    if b"<svg" in text:
        return "svg"
    if re.search(rb"<(!doctype html|html|head|body|script|iframe)\b", text):
        return "html"
    return None


def _describe(header: bytes) -> str | None:
    """What a file appears to be, in words a person knows, or None when unknown."""
    markup = _looks_like_markup(header)
    if markup == "svg":
        return _("an SVG drawing")
    if markup == "html":
        return _("a web page (HTML)")
    kind = filetype.guess(header)
    if kind is None:
        return None
    known = {
        "exe": _("a Windows program"),
        "elf": _("a program"),
        "zip": _("a ZIP archive"),
        "rar": _("a RAR archive"),
        "7z": _("a 7-Zip archive"),
        "gz": _("a compressed (gzip) file"),
        "pdf": _("a PDF document"),
        "heic": _("a HEIC photo"),
        "avif": _("an AVIF picture"),
        "mp4": _("a video"),
        "mov": _("a video"),
        "mp3": _("an audio file"),
    }
    if kind.extension in known:
        return known[kind.extension]
    if kind.mime.startswith("image/"):
        return _("a %(format)s picture") % {"format": kind.extension.upper()}
    return _("a %(format)s file") % {"format": kind.extension.upper()}


_UNSAFE_NAME_CHARS = re.compile(r'[<>:"/\\|?*]+')


def _safe_stem(original_name: str) -> str:
    """The file's own name without folders, extension, control or reserved characters."""
    base = re.split(r"[/\\]", original_name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(char for char in base if not unicodedata.category(char).startswith("C"))
    base = _UNSAFE_NAME_CHARS.sub("_", base)
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    return re.sub(r"\s+", " ", stem).strip(" .-_")


def _safe_name(original_name: str, extension: str) -> str:
    stem = _safe_stem(original_name) or _("attachment")
    stem = stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip(" .")
    return f"{stem}.{extension}"


# --- Images -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessedImage:
    """A re-encoded picture, free of metadata, ready to save to an ImageField."""

    content: ContentFile[bytes]
    width: int
    height: int
    content_type: str


def _refuse_non_photo(header: bytes) -> None:
    kind = filetype.guess(header)
    if _looks_like_markup(header) == "svg":
        raise ValidationError(
            _(
                "SVG drawings can't be used as pictures because they can contain scripts. "
                "Export it as PNG and try again."
            ),
            code="svg",
        )
    if kind is not None and kind.extension in {"heic", "avif"}:
        raise ValidationError(
            _(
                "HEIC photos (the iPhone default) can't be used yet. Export the photo as JPEG, "
                "or set the camera to “Most Compatible”, and try again."
            ),
            code="heic",
        )


def _not_a_picture(header: bytes) -> ValidationError:
    what = _describe(header)
    if what:
        message = _("This file is %(what)s, not a picture. Use a JPEG, PNG, WebP or GIF.") % {
            "what": what
        }
    else:
        message = _("This file isn't a picture we can read. Use a JPEG, PNG, WebP or GIF.")
    return ValidationError(message, code="not_an_image")


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _(
            "This picture is too large to process (more than %(megapixels)s megapixels). "
            "Make it smaller and try again."
        )
        % {"megapixels": settings.IMAGE_MAX_PIXELS // 1_000_000},
        code="too_many_pixels",
    )


def _has_transparency(image: Image.Image) -> bool:
    if image.mode in {"RGBA", "LA", "PA"}:
        alpha = image.getchannel("A")
        extrema = alpha.getextrema()  # (lowest, highest) for a single band
        return isinstance(extrema[0], int) and extrema[0] < 255
    return "transparency" in image.info


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert colours from an embedded ICC profile to sRGB; keep the image when we can't."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in {"RGB", "RGBA", "CMYK"}:
        return image
    try:
        converted = ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(icc)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if image.mode == "RGBA" else "RGB",
        )
    except (OSError, ValueError, ImageCms.PyCMSError):
        return image
    return converted if converted is not None else image


def _open_picture(upload: File[bytes], header: bytes, max_side: int) -> Image.Image:
    max_pixels = settings.IMAGE_MAX_PIXELS
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=IMAGE_FORMATS)
            width, height = image.size
            if width * height > max_pixels:
                raise _too_many_pixels()
            if image.format == "JPEG":
                # Decode at a reduced scale when the result will be smaller anyway: far less
                # memory and time for a 40-megapixel phone photo.
                image.draft("RGB", (max_side, max_side))
            image.seek(0)  # the first frame of an animated GIF or WebP
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, SyntaxError) as error:
        raise _not_a_picture(header) from error
    except (OSError, ValueError, EOFError) as error:
        raise ValidationError(
            _("This picture is damaged or incomplete. Try saving or exporting it again."),
            code="damaged_image",
        ) from error
    return image


def process_image(upload: File[bytes], *, max_side: int = 2000) -> ProcessedImage:
    """Check an uploaded picture and re-encode it without metadata.

    Accepts JPEG, PNG, WebP and GIF (first frame) by content, at most ``POST_IMAGE_MAX_MB``
    and ``IMAGE_MAX_PIXELS``. Turns it upright by its EXIF orientation, shrinks it so neither
    side exceeds ``max_side``, converts colours to sRGB, and writes a progressive JPEG
    (quality 85) — or a PNG when it has real transparency. The result has a random name so
    that a file name (which could name a patient) never reaches storage.
    """
    _check_size(upload, max_mb=settings.POST_IMAGE_MAX_MB)
    header = _read_header(upload)
    _refuse_non_photo(header)
    image = _open_picture(upload, header, max_side)
    try:
        image = ImageOps.exif_transpose(image) or image
        image = _to_srgb(image)
        transparent = _has_transparency(image)
        image = image.convert("RGBA" if transparent else "RGB")
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        # A fresh info dict: nothing from the original file (EXIF, XMP, ICC, comments) is
        # written back by the encoder.
        image.info = {}
        buffer = io.BytesIO()
        if transparent:
            image.save(buffer, format="PNG", optimize=True)
            extension, content_type = "png", "image/png"
        else:
            image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
            extension, content_type = "jpg", "image/jpeg"
    except (OSError, ValueError) as error:
        raise ValidationError(
            _("This picture couldn't be processed. Try saving or exporting it again."),
            code="damaged_image",
        ) from error
    finally:
        upload.seek(0)
    return ProcessedImage(
        content=ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}"),
        width=image.width,
        height=image.height,
        content_type=content_type,
    )


# --- Attachments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedAttachment:
    """What an accepted document really is, and a safe name to store and offer it under."""

    content_type: str
    extension: str
    size_bytes: int
    safe_name: str


OOXML_MAIN_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
ODF_EXTENSIONS = {"odt", "ods", "odp"}
OLE2_EXTENSIONS = {"doc", "xls", "ppt"}
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TEXT_TYPES = {"csv": "text/csv", "txt": "text/plain"}


def _not_accepted(header: bytes) -> ValidationError:
    what = _describe(header)
    if what:
        message = _(
            "This file looks like %(what)s, which can't be attached. "
            "Attach a PDF, Word, Excel, PowerPoint, OpenDocument, CSV or plain text file."
        ) % {"what": what}
    else:
        message = _(
            "This type of file can't be attached. "
            "Attach a PDF, Word, Excel, PowerPoint, OpenDocument, CSV or plain text file."
        )
    return ValidationError(message, code="type_not_accepted")


def _macros_refused() -> ValidationError:
    return ValidationError(
        _(
            "Documents containing macros can't be attached. Save it without macros "
            "(for example as .docx, .xlsx or .pptx, or as a PDF) and try again."
        ),
        code="macros",
    )


def _damaged_document() -> ValidationError:
    return ValidationError(
        _("This document is damaged or incomplete. Try saving it again."),
        code="damaged_document",
    )


def _zip_parts(upload: IO[bytes]) -> tuple[set[str], bytes]:
    """The entry names of a ZIP container and its ``[Content_Types].xml`` (empty if none)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise ValidationError(
                    _("This document is too complex to check."), code="too_complex"
                )
            names = {entry.filename for entry in entries}
            content_types = b""
            if "[Content_Types].xml" in names:
                info = archive.getinfo("[Content_Types].xml")
                if info.file_size <= MAX_CONTENT_TYPES_BYTES:
                    content_types = archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError) as error:
        raise _damaged_document() from error
    finally:
        upload.seek(0)
    return names, content_types


def _check_zip_document(upload: IO[bytes], extension: str) -> None:
    """Confirm that a ZIP-based document has the parts its type needs and no macros."""
    names, content_types = _zip_parts(upload)
    if any(name.rsplit("/", 1)[-1].lower() == "vbaproject.bin" for name in names):
        raise _macros_refused()
    if extension in OOXML_MAIN_PARTS:
        if not content_types or OOXML_MAIN_PARTS[extension] not in names:
            raise _damaged_document()
        if b"macroenabled" in content_types.lower():
            raise _macros_refused()
    elif "content.xml" not in names:
        raise _damaged_document()


def _check_text(upload: IO[bytes], header: bytes) -> None:
    """Accept only UTF-8 text without NUL bytes that isn't a web page or drawing."""
    if _looks_like_markup(header) is not None:
        raise _not_accepted(header)
    not_utf8 = ValidationError(
        _("This text file isn't in UTF-8. Save it as “CSV UTF-8” or “UTF-8 text” and try again."),
        code="not_utf8",
    )
    if header.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise not_utf8  # Excel's "Unicode text" is UTF-16: full of NUL bytes, but not binary
    decoder = codecs.getincrementaldecoder("utf-8")()
    upload.seek(0)
    try:
        while chunk := upload.read(CHUNK_BYTES):
            if b"\x00" in chunk:
                raise _not_accepted(header)
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise not_utf8 from None
    finally:
        upload.seek(0)


def _claimed_extension(name: str) -> str:
    base = re.split(r"[/\\]", name or "")[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def check_attachment(upload: File[bytes]) -> CheckedAttachment:
    """Identify an uploaded document by its content and check it may be attached.

    Accepted: PDF; Word, Excel and PowerPoint (2007+ and 97-2003, without macros);
    OpenDocument text, spreadsheet and presentation; and UTF-8 CSV or plain text named .csv
    or .txt (content can't tell those two apart, so there the name decides). A document of an
    accepted type under another accepted type's extension (a .docx saved as .doc) is accepted
    and its ``safe_name`` gets the extension of what it really is.
    """
    size = _check_size(upload, max_mb=settings.POST_ATTACHMENT_MAX_MB)
    header = _read_header(upload)
    kind = filetype.guess(header)
    file: IO[bytes] = upload
    if kind is None and header.startswith(OLE2_SIGNATURE):
        raise ValidationError(
            _(
                "This looks like an older Microsoft Office file that we can't identify. "
                "Save it as .docx, .xlsx, .pptx or PDF and try again."
            ),
            code="unknown_ole2",
        )
    if kind is not None and kind.extension == "zip":
        # filetype recognises Office files by the order of their first ZIP entries; some
        # programs write them in another order, so look at the parts themselves.
        kind = _office_kind_from_zip(file) or kind
    if kind is None:
        _check_text(file, header)
        claimed = _claimed_extension(upload.name or "")
        if claimed not in {*TEXT_TYPES, ""}:
            # Scripts and web formats are text too: only take text that says it is text.
            raise ValidationError(
                _(
                    "This file is plain text, not a .%(extension)s file. Text can be attached "
                    "as a .txt or .csv file."
                )
                % {"extension": claimed[:10]},
                code="text_with_other_extension",
            )
        extension = claimed or "txt"
        content_type = TEXT_TYPES[extension]
    elif kind.extension == "pdf":
        extension, content_type = "pdf", "application/pdf"
    elif kind.extension in OOXML_MAIN_PARTS or kind.extension in ODF_EXTENSIONS:
        extension, content_type = kind.extension, kind.mime
        _check_zip_document(file, extension)
    elif kind.extension in OLE2_EXTENSIONS:
        extension, content_type = kind.extension, kind.mime
    else:
        raise _not_accepted(header)
    return CheckedAttachment(
        content_type=content_type,
        extension=extension,
        size_bytes=size,
        safe_name=_safe_name(upload.name or "", extension),
    )


_OOXML_MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


@dataclass(frozen=True)
class _Kind:
    extension: str
    mime: str


def _office_kind_from_zip(upload: IO[bytes]) -> _Kind | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist()[:MAX_ZIP_ENTRIES])
    except (zipfile.BadZipFile, OSError, EOFError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for extension, part in OOXML_MAIN_PARTS.items():
        if part in names:
            return _Kind(extension, _OOXML_MIME[extension])
    return None
