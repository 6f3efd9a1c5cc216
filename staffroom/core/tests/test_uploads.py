from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from staffroom.core.uploads import check_attachment, process_image

# --- Building test files -----------------------------------------------------------------------


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def jpeg_bytes(image: Image.Image, **save_options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", **save_options)
    return buffer.getvalue()


def png_bytes(image: Image.Image, **save_options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **save_options)
    return buffer.getvalue()


def photo_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.Base.Model] = "Model 12"
    exif[ExifTags.Base.BodySerialNumber] = "SN-123456"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 39.0)
    return jpeg_bytes(Image.new("RGB", (640, 480), (200, 120, 40)), exif=exif, comment=b"ward 4B")


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture (the data doesn't need to exist)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def opened(result) -> Image.Image:
    result.content.seek(0)
    image = Image.open(io.BytesIO(result.content.read()))
    image.load()
    return image


def pixel(image: Image.Image, x: int, y: int) -> tuple[int, ...]:
    value = image.getpixel((x, y))
    assert isinstance(value, tuple)
    return value


def error_of(function, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        function(*args, **kwargs)
    return caught.value


MINIMAL_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n"
    b"0000000115 00000 n \ntrailer << /Size 4 /Root 1 0 R >>\nstartxref\n186\n%%EOF\n"
)

OOXML = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml"),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml",
    ),
}


def zip_bytes(entries: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            compression = zipfile.ZIP_STORED if stored_first and index == 0 else None
            archive.writestr(name, data, compress_type=compression)
    return buffer.getvalue()


def content_types(main_type: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/main" ContentType="{main_type}"/></Types>'
    ).encode()


def ooxml_bytes(extension: str, *, first: str = "[Content_Types].xml", extra=()) -> bytes:
    """A minimal Office Open XML package.

    filetype recognises these when the first ZIP entry is ``[Content_Types].xml``,
    ``_rels/.rels`` or ``docProps…`` and a ``word/``, ``xl/`` or ``ppt/`` entry follows within
    the next four entries.
    """
    main_part, type_prefix = OOXML[extension]
    parts = {
        "[Content_Types].xml": content_types(f"{type_prefix}.main+xml"),
        "_rels/.rels": b"<Relationships/>",
        main_part: b"<document/>",
        "customXml/item1.xml": b"<x/>",
    }
    order = [first] + [name for name in parts if name != first]
    return zip_bytes([(name, parts[name]) for name in order] + list(extra))


def odf_bytes(mime: str) -> bytes:
    # ODF requires an uncompressed "mimetype" entry first; that's what filetype looks for.
    return zip_bytes(
        [("mimetype", mime.encode()), ("content.xml", b"<office:document-content/>")],
        stored_first=True,
    )


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole2_bytes(marker_at_512: bytes) -> bytes:
    """A compound-file header followed by the first bytes of the main stream."""
    return (OLE2 + b"\0" * 504 + marker_at_512).ljust(4096, b"\0")


# --- Pictures ---------------------------------------------------------------------------------


def test_a_photo_is_re_encoded_as_progressive_jpeg_without_exif_gps_or_comments() -> None:
    original = photo_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    result = process_image(upload("IMG_0001.JPG", original))

    assert result.content_type == "image/jpeg"
    assert str(result.content.name).endswith(".jpg")
    assert (result.width, result.height) == (640, 480)
    image = opened(result)
    assert image.format == "JPEG"
    assert image.info.get("progressive") == 1
    assert len(image.getexif()) == 0
    assert "exif" not in image.info
    assert "comment" not in image.info
    result.content.seek(0)
    data = result.content.read()
    assert b"PhoneCo" not in data
    assert b"SN-123456" not in data


def test_the_stored_name_never_repeats_the_uploaded_file_name() -> None:
    result = process_image(upload("John Smith MRN 1234567.jpg", photo_with_gps()))
    assert "Smith" not in str(result.content.name)
    assert "1234567" not in str(result.content.name)


def test_a_photo_taken_sideways_ends_up_upright() -> None:
    # Stored landscape, left half red and right half blue, with "rotate 90° clockwise" in EXIF.
    stored = Image.new("RGB", (400, 200), (255, 0, 0))
    stored.paste((0, 0, 255), (200, 0, 400, 200))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6

    image = opened(process_image(upload("sideways.jpg", jpeg_bytes(stored, exif=exif))))

    assert image.size == (200, 400)
    top = pixel(image, 100, 20)
    bottom = pixel(image, 100, 380)
    assert top[0] > 200 and top[2] < 60  # noqa: PT018 - one colour, read as one fact
    assert bottom[2] > 200 and bottom[0] < 60  # noqa: PT018
    assert ExifTags.Base.Orientation not in image.getexif()


def test_a_large_photo_is_shrunk_so_its_longest_side_fits() -> None:
    big = jpeg_bytes(Image.new("RGB", (3000, 1500), (10, 200, 10)))
    result = process_image(upload("big.jpg", big))
    assert (result.width, result.height) == (2000, 1000)
    assert opened(result).size == (2000, 1000)
    smaller = process_image(upload("big.jpg", big), max_side=600)
    assert (smaller.width, smaller.height) == (600, 300)


def test_a_small_picture_is_not_enlarged() -> None:
    result = process_image(upload("small.png", png_bytes(Image.new("RGB", (30, 20), "white"))))
    assert (result.width, result.height) == (30, 20)


def test_a_picture_with_real_transparency_stays_a_png_with_its_alpha() -> None:
    logo = Image.new("RGBA", (120, 80), (0, 0, 0, 0))
    logo.paste((0, 90, 200, 255), (20, 20, 100, 60))
    result = process_image(upload("logo.png", png_bytes(logo)))
    assert result.content_type == "image/png"
    assert str(result.content.name).endswith(".png")
    image = opened(result)
    assert image.mode == "RGBA"
    assert pixel(image, 0, 0)[3] == 0
    assert pixel(image, 50, 40)[3] == 255


def test_a_png_whose_alpha_channel_is_fully_opaque_becomes_a_jpeg() -> None:
    result = process_image(upload("screenshot.png", png_bytes(Image.new("RGBA", (50, 50), "red"))))
    assert result.content_type == "image/jpeg"


def test_a_png_loses_its_xmp_text_chunks_and_icc_profile() -> None:
    info = PngInfo()
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>secret location</x:xmpmeta>")
    info.add_text("Author", "Dr Who")
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = png_bytes(Image.new("RGB", (60, 40), "navy"), pnginfo=info, icc_profile=srgb)
    assert b"secret location" in data

    result = process_image(upload("scan.png", data))

    result.content.seek(0)
    output = result.content.read()
    assert b"secret location" not in output
    assert b"Dr Who" not in output
    image = opened(result)
    assert "icc_profile" not in image.info
    assert pixel(image, 5, 5) == pytest.approx((0, 0, 128), abs=6)


def test_an_animated_gif_keeps_its_first_frame() -> None:
    frames = [Image.new("RGB", (40, 40), colour) for colour in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100)
    image = opened(process_image(upload("party.gif", buffer.getvalue())))
    red, green, blue = pixel(image, 20, 20)
    assert red > 200
    assert green < 60
    assert blue < 60


def test_webp_and_cmyk_jpeg_pictures_are_accepted() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, format="WEBP")
    assert process_image(upload("a.webp", buffer.getvalue())).content_type == "image/jpeg"
    cmyk = jpeg_bytes(Image.new("CMYK", (64, 48), (0, 50, 100, 0)))
    assert opened(process_image(upload("print.jpg", cmyk))).mode == "RGB"


def test_data_hidden_after_the_picture_does_not_survive() -> None:
    polyglot = jpeg_bytes(Image.new("RGB", (32, 32), "grey")) + b"<script>alert(1)</script>"
    result = process_image(upload("innocent.jpg", polyglot))
    result.content.seek(0)
    assert b"<script>" not in result.content.read()


def test_a_text_file_named_like_a_photo_is_refused() -> None:
    error = error_of(process_image, upload("photo.jpg", b"Dear colleague,\nthis is not a photo."))
    assert error.code == "not_an_image"
    assert "isn't a picture" in error.messages[0]


def test_a_pdf_named_like_a_photo_is_refused_saying_what_it_is() -> None:
    error = error_of(process_image, upload("photo.jpg", MINIMAL_PDF))
    assert error.code == "not_an_image"
    assert "PDF document" in error.messages[0]


def test_a_truncated_jpeg_is_refused_as_damaged() -> None:
    data = jpeg_bytes(Image.effect_noise((400, 300), 64).convert("RGB"))
    error = error_of(process_image, upload("cut.jpg", data[: len(data) // 2]))
    assert error.code == "damaged_image"


def test_an_empty_file_is_refused() -> None:
    error = error_of(process_image, upload("empty.jpg", b""))
    assert error.code == "empty"
    assert "empty" in error.messages[0]


def test_a_file_over_the_size_limit_is_refused_before_decoding(settings) -> None:
    settings.POST_IMAGE_MAX_MB = 1
    error = error_of(process_image, upload("huge.jpg", b"\xff\xd8\xff" + b"\0" * (1024 * 1024)))
    assert error.code == "too_large"
    assert "1.0\xa0MB" in error.messages[0]


def test_a_decompression_bomb_claiming_fifty_thousand_pixels_square_is_refused() -> None:
    data = png_claiming(50_000, 50_000)
    assert len(data) < 200
    error = error_of(process_image, upload("bomb.png", data))
    assert error.code == "too_many_pixels"


def test_a_picture_just_over_the_pixel_limit_is_refused(settings) -> None:
    settings.IMAGE_MAX_PIXELS = 1_000_000
    data = png_bytes(Image.new("1", (2000, 1000)))  # a small file: one bit a pixel, compressed
    error = error_of(process_image, upload("wide.png", data))
    assert error.code == "too_many_pixels"
    assert "1 megapixels" in error.messages[0]
    settings.IMAGE_MAX_PIXELS = 2_000_000
    assert process_image(upload("wide.png", data)).width == 2000


def test_an_svg_drawing_is_refused_with_a_reason() -> None:
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    error = error_of(process_image, upload("logo.png", svg))
    assert error.code == "svg"
    assert "SVG" in error.messages[0]


def test_a_heic_photo_is_refused_with_advice() -> None:
    ftyp = struct.pack(">I", 24) + b"ftypheic" + b"\0\0\0\0" + b"mif1heic"
    error = error_of(process_image, upload("IMG_0002.HEIC", ftyp + b"\0" * 200))
    assert error.code == "heic"
    assert "JPEG" in error.messages[0]


def test_a_tiff_is_refused_naming_the_accepted_formats() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="TIFF")
    error = error_of(process_image, upload("scan.tif", buffer.getvalue()))
    assert error.code == "not_an_image"
    assert "TIF picture" in error.messages[0]
    assert "JPEG, PNG, WebP or GIF" in error.messages[0]


# --- Attachments -------------------------------------------------------------------------------


def test_a_pdf_is_accepted_by_its_content() -> None:
    checked = check_attachment(upload("Infection control policy.pdf", MINIMAL_PDF))
    assert checked.content_type == "application/pdf"
    assert checked.extension == "pdf"
    assert checked.size_bytes == len(MINIMAL_PDF)
    assert checked.safe_name == "Infection control policy.pdf"


@pytest.mark.parametrize("extension", ["docx", "xlsx", "pptx"])
def test_office_documents_are_recognised(extension) -> None:
    checked = check_attachment(upload(f"Rota.{extension}", ooxml_bytes(extension)))
    assert checked.extension == extension
    assert checked.content_type.startswith("application/vnd.openxmlformats-officedocument.")
    assert checked.safe_name == f"Rota.{extension}"


def test_an_office_document_with_unusual_entry_order_is_still_recognised() -> None:
    data = ooxml_bytes("docx", first="customXml/item1.xml")
    checked = check_attachment(upload("Minutes.docx", data))
    assert checked.extension == "docx"


@pytest.mark.parametrize(
    ("mime", "extension"),
    [
        ("application/vnd.oasis.opendocument.text", "odt"),
        ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
        ("application/vnd.oasis.opendocument.presentation", "odp"),
    ],
)
def test_opendocument_files_are_recognised(mime, extension) -> None:
    checked = check_attachment(upload(f"notes.{extension}", odf_bytes(mime)))
    assert (checked.extension, checked.content_type) == (extension, mime)


@pytest.mark.parametrize(
    ("marker", "extension"),
    [
        (b"\xec\xa5\xc1\x00", "doc"),
        (b"\x09\x08\x10\x00\x00\x06\x05\x00", "xls"),
        (b"\xa0\x46\x1d\xf0", "ppt"),
    ],
)
def test_older_office_files_are_recognised(marker, extension) -> None:
    checked = check_attachment(upload(f"old.{extension}", ole2_bytes(marker)))
    assert checked.extension == extension


def test_an_unidentifiable_compound_file_is_refused() -> None:
    error = error_of(check_attachment, upload("setup.doc", ole2_bytes(b"\x01\x02\x03\x04")))
    assert error.code == "unknown_ole2"


def test_a_program_renamed_to_pdf_is_refused_saying_what_it_looks_like() -> None:
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 56 + b"PE\0\0" + b"\0" * 200
    error = error_of(check_attachment, upload("policy.pdf", exe))
    assert error.code == "type_not_accepted"
    assert "a Windows program" in error.messages[0]


def test_a_web_page_renamed_to_pdf_is_refused() -> None:
    html = b"<!DOCTYPE html><html><body><script>steal()</script></body></html>"
    error = error_of(check_attachment, upload("policy.pdf", html))
    assert "web page" in error.messages[0]


def test_a_plain_zip_renamed_to_docx_is_refused() -> None:
    data = zip_bytes([("readme.txt", b"hello"), ("payload.exe", b"MZ")])
    error = error_of(check_attachment, upload("letter.docx", data))
    assert error.code == "type_not_accepted"
    assert "ZIP archive" in error.messages[0]


def test_a_picture_is_not_an_attachment() -> None:
    data = png_bytes(Image.new("RGB", (5, 5)))
    error = error_of(check_attachment, upload("chart.pdf", data))
    assert "PNG picture" in error.messages[0]


def test_office_documents_with_macros_are_refused() -> None:
    with_macro = ooxml_bytes("docx", extra=[("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")])
    assert error_of(check_attachment, upload("a.docx", with_macro)).code == "macros"
    main_part, _type = OOXML["xlsx"]
    macro_type = zip_bytes(
        [
            ("[Content_Types].xml", content_types("application/vnd.ms-excel.sheet.macroEnabled")),
            ("_rels/.rels", b"<Relationships/>"),
            (main_part, b"<workbook/>"),
        ]
    )
    assert error_of(check_attachment, upload("b.xlsm", macro_type)).code == "macros"


def test_an_office_package_without_its_main_part_is_refused_as_damaged() -> None:
    data = zip_bytes(
        [
            ("[Content_Types].xml", content_types("x")),
            ("_rels/.rels", b"<Relationships/>"),
            ("word/styles.xml", b"<styles/>"),
        ]
    )
    error = error_of(check_attachment, upload("broken.docx", data))
    assert error.code == "damaged_document"


def test_a_document_under_another_documents_extension_gets_its_true_extension() -> None:
    checked = check_attachment(upload("Rota March.doc", ooxml_bytes("docx")))
    assert checked.extension == "docx"
    assert checked.safe_name == "Rota March.docx"
    assert check_attachment(upload("report.docx", MINIMAL_PDF)).safe_name == "report.pdf"


def test_utf8_csv_and_text_files_are_accepted() -> None:
    csv = "Ward,Beds\n4B,28\nÉcole,3\n".encode()
    checked = check_attachment(upload("beds.csv", csv))
    assert (checked.extension, checked.content_type) == ("csv", "text/csv")
    text = check_attachment(upload("notes.txt", "Plain notes — with a dash".encode()))
    assert (text.extension, text.content_type) == ("txt", "text/plain")
    assert check_attachment(upload("README", b"no extension at all")).safe_name == "README.txt"


def test_text_files_that_are_not_utf8_or_contain_nul_bytes_are_refused() -> None:
    assert error_of(check_attachment, upload("x.csv", "École".encode("latin-1"))).code == (
        "not_utf8"
    )
    utf16 = "Ward\tBeds\n".encode("utf-16")
    assert error_of(check_attachment, upload("x.txt", utf16)).code == "not_utf8"
    error = error_of(check_attachment, upload("x.txt", b"abc\x00def"))
    assert error.code == "type_not_accepted"


def test_text_under_another_extension_is_refused() -> None:
    error = error_of(check_attachment, upload("run.bat", b"@echo off\r\ndel C:\\*\r\n"))
    assert error.code == "text_with_other_extension"
    assert ".bat" in error.messages[0]
    assert error_of(check_attachment, upload("fake.pdf", b"hello")).code == (
        "text_with_other_extension"
    )


def test_empty_and_oversized_attachments_are_refused(settings) -> None:
    assert error_of(check_attachment, upload("empty.pdf", b"")).code == "empty"
    settings.POST_ATTACHMENT_MAX_MB = 1
    big = MINIMAL_PDF + b"%" * (1024 * 1024)
    error = error_of(check_attachment, upload("big.pdf", big))
    assert error.code == "too_large"
    assert "1.0\xa0MB" in error.messages[0]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\nurse\\Desktop\\Rota March.pdf", "Rota March.pdf"),
        ("bad\x00na\x1bme\n.pdf", "badname.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.pdf"),
        ('what?<is>"this"|*.pdf', "what_is_this.pdf"),
        ("no-extension", "no-extension.pdf"),
        ("...", "attachment.pdf"),
        ("", "attachment.pdf"),
        ("  spaced   out  .pdf", "spaced out.pdf"),
        ("Ünïcödé ñame.PDF", "Ünïcödé ñame.pdf"),
    ],
)
def test_the_safe_name_is_a_plain_basename_with_the_true_extension(name, expected) -> None:
    # A plain File, so the name arrives exactly as given (Django's upload handler would
    # already have dropped a Unix path).
    checked = check_attachment(File(io.BytesIO(MINIMAL_PDF), name=name))
    assert checked.safe_name == expected


def test_a_very_long_name_is_cut_to_120_characters_keeping_the_extension() -> None:
    checked = check_attachment(upload("A" * 300 + ".pdf", MINIMAL_PDF))
    assert len(checked.safe_name) == 120
    assert checked.safe_name.endswith("A.pdf")
