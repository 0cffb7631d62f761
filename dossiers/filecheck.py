"""Deep checks of an uploaded file's content, after its kind was sniffed from the first bytes.

Policy: the WHOLE file must be what it claims, and nothing active may ride along.
- PDF: starts with `%PDF-`, ends with `%%EOF` (only whitespace after it, so no appended ZIP or HTML),
  parses with pypdf, is not password-protected, and holds no active content: no JavaScript, launch
  actions, embedded files or rich media — looked for both as raw name tokens (with `#xx` escapes
  decoded) and in every object pypdf reads, including those inside compressed object streams.
- JPEG/PNG: Pillow decodes every pixel (within a pixel budget, against decompression bombs), nothing
  follows the end marker, and the metadata segments carry no other format's signature (polyglots).
- DOCX: a ZIP with `[Content_Types].xml` and `word/document.xml`, no macros (`vbaProject.bin`, macro
  content types), and bounded entry count, total uncompressed size and compression ratio — judged
  from the ZIP directory, without extracting anything.
Each check raises UploadRefused with a message for the citizen.
"""

import io
import re
import struct
import warnings
import zipfile

from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from procedures.models import DocumentKind

# PDF names that make a document act rather than show (actions, scripts, attachments).
ACTIVE_PDF_NAMES = frozenset({"/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles",
                              "/RichMedia", "/SubmitForm", "/ImportData"})
_PDF_NAME = re.compile(rb"/([^\s/\[\]<>(){}%]+)")
MAX_PDF_OBJECTS = 200_000
MAX_IMAGE_PIXELS = 60_000_000  # ~ a 9000 x 6600 scan; beyond that it is a bomb, not a paper
# Signatures of other formats that have no business inside an image. Long, distinctive markers are
# looked for in the whole file (lower-cased; random pixel data practically never holds them); short
# ones only where another reader would look for them (metadata segments and the first KB).
SIGNATURES_ANYWHERE = (b"%pdf-", b"<script", b"<html", b"<!doctype", b"<?php", b"<iframe", b"<body")
SIGNATURES_IN_METADATA = (b"pk\x03\x04", b"<svg", b"mz\x90\x00", b"\x7felf")
DOCX_MAX_ENTRIES = 2_000
DOCX_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
DOCX_MAX_RATIO = 200  # deflate rarely passes 100:1 on real documents; bombs reach 1000:1


class ContentRefused(Exception):
    """The content is not acceptable; `message` is for the citizen."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def inspect(data, kind):
    """Raise ContentRefused unless `data` is wholly and only a harmless file of `kind`."""
    {DocumentKind.PDF: inspect_pdf, DocumentKind.JPG: inspect_image, DocumentKind.PNG: inspect_image,
     DocumentKind.DOCX: inspect_docx}[kind](data)


# --- PDF ---------------------------------------------------------------------------------------------

def _pdf_broken():
    return ContentRefused(_("Tệp PDF bị hỏng hoặc không đúng cấu trúc PDF."))


def _pdf_active():
    return ContentRefused(_("Tệp PDF chứa mã lệnh (JavaScript), hành động tự chạy hoặc tệp đính kèm, nên "
                            "không được chấp nhận. Vui lòng in ra PDF thường rồi tải lên lại."))


def inspect_pdf(data):
    if not data.startswith(b"%PDF-"):
        raise _pdf_broken()
    end = data.rfind(b"%%EOF")
    if end < 0 or end < len(data) - 1024 or data[end + 5:].strip(b"\r\n\t \x00"):
        raise ContentRefused(_("Tệp PDF có dữ liệu lạ nối sau phần kết thúc của tệp (có thể là tệp ghép "
                               "nhiều định dạng), nên không được chấp nhận."))
    if _raw_pdf_names(data) & ACTIVE_PDF_NAMES:
        raise _pdf_active()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise ContentRefused(_("Tệp PDF có mật khẩu; vui lòng tải lên bản không đặt mật khẩu."))
            _walk_pdf(reader)
    except ContentRefused:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, RecursionError, struct.error,
            NotImplementedError) as exc:
        raise _pdf_broken() from exc


def _raw_pdf_names(data):
    names = set()
    for match in _PDF_NAME.finditer(data):
        raw = match.group(1)
        if b"#" in raw:
            raw = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
        names.add("/" + raw.decode("latin-1"))
    return names


def _walk_pdf(reader):
    """Visit the catalog and every indirect object (object streams included) looking for actions."""
    root = reader.trailer.get("/Root")
    if root is None:
        raise _pdf_broken()
    _check_pdf_value(root.get_object())
    seen = 0
    numbers = [(num, gen) for gen, table in reader.xref.items() for num in table]
    numbers += [(num, 0) for num in reader.xref_objStm]
    for num, gen in numbers:
        seen += 1
        if seen > MAX_PDF_OBJECTS:
            raise _pdf_broken()
        _check_pdf_value(reader.get_object(IndirectObject(num, gen, reader)))


def _check_pdf_value(value, depth=0):
    """Direct objects only: indirect ones are visited on their own by _walk_pdf."""
    if depth > 50:
        raise _pdf_broken()
    if isinstance(value, NameObject) and value in ACTIVE_PDF_NAMES:
        raise _pdf_active()
    if isinstance(value, DictionaryObject):
        for key, item in value.items():
            if key in ACTIVE_PDF_NAMES:
                raise _pdf_active()
            if not isinstance(item, IndirectObject):
                _check_pdf_value(item, depth + 1)
    elif isinstance(value, ArrayObject):
        for item in value:
            if not isinstance(item, IndirectObject):
                _check_pdf_value(item, depth + 1)


# --- JPEG and PNG ------------------------------------------------------------------------------------

def _image_broken():
    return ContentRefused(_("Tệp ảnh bị hỏng hoặc không đọc được."))


def _polyglot():
    return ContentRefused(_("Tệp ảnh có chứa dữ liệu của định dạng khác (tệp ghép nhiều định dạng), nên "
                            "không được chấp nhận. Vui lòng chụp hoặc lưu lại ảnh rồi tải lên."))


def inspect_image(data):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in ("JPEG", "PNG"):
                    raise _image_broken()
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise ContentRefused(_("Ảnh có kích thước điểm ảnh quá lớn; vui lòng giảm độ phân giải."))
                image.load()  # decodes every pixel: a truncated or corrupt stream fails here
                image_format = image.format
    except ContentRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ContentRefused(_("Ảnh có kích thước điểm ảnh quá lớn; vui lòng giảm độ phân giải.")) from None
    except (OSError, ValueError, SyntaxError, struct.error, EOFError) as exc:
        raise _image_broken() from exc
    metadata, trailing = (_jpeg_parts if image_format == "JPEG" else _png_parts)(data)
    # Where other readers look: a ZIP directory within the last 64 KB, a PDF header or HTML anywhere
    # (browsers and PDF readers search for them), anything after the end marker.
    whole, head = data.lower(), metadata.lower() + data[:1024].lower()
    if (trailing.strip(b"\x00\r\n ") or b"PK\x05\x06" in data[-65_600:]
            or any(sig in whole for sig in SIGNATURES_ANYWHERE)
            or any(sig in head for sig in SIGNATURES_IN_METADATA)):
        raise _polyglot()


def _jpeg_parts(data):
    """(bytes of the segments before the scan data, bytes after the last end-of-image marker)."""
    metadata, pos = [], 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA:  # start of scan: entropy-coded pixels follow
            break
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        metadata.append(data[pos + 4:pos + 2 + length])
        pos += 2 + length
    end = data.rfind(b"\xff\xd9")
    if end < 0:
        raise _image_broken()
    return b"".join(metadata), data[end + 2:]


def _png_parts(data):
    """(bytes of every chunk but the pixels, bytes after IEND)."""
    metadata, pos = [], 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind != b"IDAT":
            metadata.append(data[pos + 8:pos + 8 + length])
        pos += 12 + length
        if kind == b"IEND":
            return b"".join(metadata), data[pos:]
    raise _image_broken()


# --- DOCX --------------------------------------------------------------------------------------------

def _docx_broken():
    return ContentRefused(_("Tệp Word (DOCX) bị hỏng hoặc không đúng cấu trúc DOCX."))


def inspect_docx(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise _docx_broken() from exc
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise _docx_broken()
    total = sum(entry.file_size for entry in entries)
    compressed = sum(entry.compress_size for entry in entries)
    if (len(entries) > DOCX_MAX_ENTRIES or total > DOCX_MAX_UNCOMPRESSED_BYTES
            or total > DOCX_MAX_RATIO * max(compressed, 1)):
        raise ContentRefused(_("Tệp Word (DOCX) có dữ liệu nén bất thường (có thể là “bom nén”), nên không được "
                               "chấp nhận."))
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise _docx_macros()
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("[Content_Types].xml") as types:
        content_types = types.read(1024 * 1024).lower()
    if b"macroenabled" in content_types or b"vbaproject" in content_types:
        raise _docx_macros()


def _docx_macros():
    return ContentRefused(_("Tệp Word có chứa macro, nên không được chấp nhận. Vui lòng lưu lại dưới dạng "
                            "DOCX thường (không macro) rồi tải lên."))
