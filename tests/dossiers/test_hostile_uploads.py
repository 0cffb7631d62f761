"""Hostile uploads through the page and the API: each refused with a clear message, the draft intact,
nothing stored for the refused file; hostile names sanitised and never used as a storage path."""

import html
import io
import os
import re
import shutil
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dossiers import antivirus, filecheck, services
from procedures.models import RequiredDocument
from tests.dossiers.citizen_helpers import pdf_bytes, pdf_upload, private_media, required  # noqa: F401

pytestmark = [pytest.mark.django_db]


# --- hostile files -----------------------------------------------------------------------------------

def jpeg_bytes(**save_options):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG", quality=85, **save_options)
    return buffer.getvalue()


def png_image_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 10)).save(buffer, "PNG")
    return buffer.getvalue()


def zip_bytes(entries, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                 b'officedocument.wordprocessingml.document.main+xml"/></Types>')


def docx_bytes(document=b"<w:document/>", **more):
    return zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": document, **more})


def png_with_huge_header():
    """A PNG that declares 20000 x 20000 pixels (a decompression bomb) with hardly any data."""
    image = bytearray(png_image_bytes())
    header = b"IHDR" + (20000).to_bytes(4, "big") * 2 + image[24:29]
    image[12:29] = header
    image[29:33] = zlib.crc32(header).to_bytes(4, "big")
    return bytes(image)


def pdf_with_object_stream(hidden):
    """A PDF 1.5 whose object 5 (the OpenAction) lives inside a Flate-compressed object stream."""
    out, offsets = bytearray(b"%PDF-1.5\n"), {}
    def add(number, body):
        offsets[number] = len(out)
        out.extend(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    add(1, b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>")
    add(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    add(3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>")
    inner = b"5 0 " + hidden
    packed = zlib.compress(inner)
    add(4, b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed)
        + packed + b"\nendstream")
    offsets[6] = len(out)
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"]
    rows += [b"\x01" + offsets[n].to_bytes(4, "big") + b"\x00\x00" for n in (1, 2, 3, 4)]
    rows += [b"\x02" + (4).to_bytes(4, "big") + b"\x00\x00", b"\x01" + offsets[6].to_bytes(4, "big") + b"\x00\x00"]
    table = b"".join(rows)
    out.extend(b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
               + table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[6])
    return bytes(out)


JS_ACTION = b"<< /S /JavaScript /JS (app.alert(1)) >>"
WRONG = "không đúng định dạng"
HOSTILE = {
    # name: (file name, bytes, message the citizen reads)
    "exe_renamed_pdf": ("hoa-don.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, WRONG),
    "elf_renamed_pdf": ("to-khai.pdf", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200, WRONG),
    "html_renamed_jpg": ("anh.jpg", b"<!DOCTYPE html><html><script>alert(1)</script></html>", WRONG),
    "jpeg_with_appended_zip": ("anh.jpg", jpeg_bytes() + zip_bytes({"a.txt": b"x"}), "tệp ghép nhiều định dạng"),
    "jpeg_with_html_comment": ("anh.jpg", jpeg_bytes(comment=b"<script>alert(1)</script>"),
                               "tệp ghép nhiều định dạng"),
    "jpeg_with_pdf_inside": ("anh.jpg", jpeg_bytes(comment=pdf_bytes(300)), "tệp ghép nhiều định dạng"),
    "png_with_appended_pdf": ("anh.png", png_image_bytes() + pdf_bytes(300), "tệp ghép nhiều định dạng"),
    "truncated_jpeg": ("anh.jpg", jpeg_bytes()[:300], "Tệp ảnh bị hỏng"),
    "pixel_bomb_png": ("anh.png", png_with_huge_header(), "kích thước điểm ảnh quá lớn"),
    "pdf_with_appended_zip": ("to-khai.pdf", pdf_bytes(tail=zip_bytes({"a.html": b"<script>"})),
                              "dữ liệu lạ nối sau"),
    "pdf_with_appended_html": ("to-khai.pdf", pdf_bytes(tail=b"<html><script>alert(1)</script></html>"),
                               "dữ liệu lạ nối sau"),
    "pdf_truncated": ("to-khai.pdf", pdf_bytes()[:-300], "dữ liệu lạ nối sau"),
    "pdf_without_structure": ("to-khai.pdf", b"%PDF-1.4\nnothing here\n%%EOF\n", "Tệp PDF bị hỏng"),
    "pdf_open_action_js": ("to-khai.pdf", pdf_bytes(catalog_extra=b"/OpenAction " + JS_ACTION),
                           "chứa mã lệnh (JavaScript)"),
    "pdf_js_with_escaped_names": ("to-khai.pdf", pdf_bytes(catalog_extra=b"/OpenAction << /S /J#61vaScript "
                                                                         b"/J#53 (app.alert(1)) >>"),
                                  "chứa mã lệnh (JavaScript)"),
    "pdf_js_in_object_stream": ("to-khai.pdf", pdf_with_object_stream(JS_ACTION), "chứa mã lệnh (JavaScript)"),
    "pdf_launch": ("to-khai.pdf", pdf_bytes(catalog_extra=b"/OpenAction << /S /Launch /F (cmd.exe) >>"),
                   "chứa mã lệnh (JavaScript)"),
    "pdf_embedded_file": ("to-khai.pdf", pdf_bytes(extra_objects=[b"<< /Type /EmbeddedFile /Length 0 >>\nstream\n"
                                                                  b"\nendstream"]), "chứa mã lệnh (JavaScript)"),
    "docx_with_macros": ("don.docx", docx_bytes(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), "có chứa macro"),
    "docx_bomb": ("don.docx", docx_bytes(document=b"\x00" * (8 * 1024 * 1024)), "bom nén"),
    "docx_without_document": ("don.docx", zip_bytes({"[Content_Types].xml": CONTENT_TYPES,
                                                     "word/x.xml": b"<x/>"}), "không đúng cấu trúc DOCX"),
}


# --- how a citizen uploads: the page and the API -----------------------------------------------------

@pytest.fixture
def draft(citizen, procedure, private_media):  # noqa: F811
    """A draft with form data and one earlier document; a DOCX requirement added to the procedure."""
    RequiredDocument.objects.create(procedure=procedure, name="Đơn (Word)", required=False, kinds=["docx"])
    dossier = services.dossier_start_online(procedure=procedure, agency=procedure.agencies.first(), applicant=citizen)
    services.dossier_save_form(dossier=dossier, actor=citizen, data={"full_name": "Trần Thị Bình"})
    services.document_upload(dossier=dossier, actor=citizen, uploaded=pdf_upload("truoc.pdf"),
                             required_document=required(dossier))
    return dossier


def upload_page(citizen, dossier, requirement, uploaded):
    from django.test import Client
    client = Client()
    client.force_login(citizen)
    response = client.post(reverse("dossier_documents", args=[dossier.public_id]),
                           {f"file_{requirement.pk}": uploaded, "next": ""})
    return response.status_code, html.unescape(response.content.decode())


def upload_api(citizen, dossier, requirement, uploaded):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=citizen)[0].key}")
    response = client.post(f"/api/v1/dossiers/{dossier.public_id}/documents/",
                           {"file": uploaded, "required_document": requirement.pk}, format="multipart")
    return response.status_code, str(response.data.get("detail", response.data))


CHANNELS = {"page": upload_page, "api": upload_api}


def requirement_for(dossier, file_name):
    kinds = ["docx"] if file_name.endswith(".docx") else ["pdf", "jpg", "png"]
    return dossier.procedure.documents.get(kinds=kinds)


def snapshot(dossier, media):
    dossier.refresh_from_db()
    return (dossier.form_data, dossier.version, dossier.status,
            sorted((d.pk, d.sha256, d.file.name) for d in dossier.documents.all()),
            sorted(str(p) for p in media.rglob("*") if p.is_file()))


def assert_refused(channel, citizen, draft, media, file_name, content, message):
    before = snapshot(draft, media)
    status, text = CHANNELS[channel](citizen, draft, requirement_for(draft, file_name),
                                     SimpleUploadedFile(file_name, content, "application/pdf"))
    assert status == 400
    assert message in text
    assert snapshot(draft, media) == before  # form, documents, version and stored files untouched


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_file_is_refused_and_the_draft_is_intact(channel, case, citizen, draft, private_media):  # noqa: F811
    file_name, content, message = HOSTILE[case]
    assert_refused(channel, citizen, draft, private_media, file_name, content, message)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize(("file_name", "content"), [
    ("to-khai.pdf", pdf_bytes()), ("anh.jpg", jpeg_bytes()), ("anh.png", png_image_bytes()),
    ("don.docx", docx_bytes()), ("phang.pdf", pdf_with_object_stream(b"<< /Type /Action /S /GoTo /D [3 0 R /Fit] >>")),
])
def test_harmless_files_of_each_kind_are_accepted(channel, file_name, content, citizen, draft):
    status, text = CHANNELS[channel](citizen, draft, requirement_for(draft, file_name),
                                     SimpleUploadedFile(file_name, content, "application/octet-stream"))
    assert status in (201, 302), text
    assert draft.documents.filter(original_name=file_name, size=len(content)).exists()


# --- sizes at the boundary ---------------------------------------------------------------------------

@pytest.mark.parametrize("channel", CHANNELS)
def test_file_exactly_at_the_size_limit_is_accepted_one_byte_more_is_refused(channel, citizen, draft,
                                                                             private_media, settings):  # noqa: F811
    settings.UPLOAD_MAX_FILE_BYTES = len(pdf_bytes(6000))
    assert_refused(channel, citizen, draft, private_media, "lon.pdf", pdf_bytes(6001), "quá lớn")
    status, _text = CHANNELS[channel](citizen, draft, required(draft), pdf_upload("vua.pdf", size=6000))
    assert status in (201, 302)


@pytest.mark.parametrize("channel", CHANNELS)
def test_dossier_exactly_at_its_total_limit_is_accepted_one_byte_more_is_refused(channel, citizen, draft,
                                                                                  private_media, settings):  # noqa: F811
    used = sum(d.size for d in draft.documents.all())
    settings.UPLOAD_MAX_DOSSIER_BYTES = used + len(pdf_bytes(4000))
    assert_refused(channel, citizen, draft, private_media, "them.pdf", pdf_bytes(4001), "Tổng dung lượng")
    status, _text = CHANNELS[channel](citizen, draft, required(draft), pdf_upload("them.pdf", size=4000))
    assert status in (201, 302)


# --- names -------------------------------------------------------------------------------------------

HOSTILE_NAMES = {
    "../../etc/passwd.pdf": "passwd.pdf",
    "..\\..\\windows\\x.pdf": "x.pdf",
    "to\x00khai.pdf": "tokhai.pdf",
    "to\x1b[31mkhai\x07.pdf": "to[31mkhai.pdf",
    "hoa-don-\u202efdp.exe": "hoa-don-fdp.pdf",  # RTL override would show "exe.pdf"
    "a" * 1000 + ".pdf": "a" * 150 + ".pdf",
}


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("given", HOSTILE_NAMES)
def test_hostile_names_are_sanitised_and_never_a_storage_path(channel, given, citizen, draft, private_media):  # noqa: F811
    status, _text = CHANNELS[channel](citizen, draft, required(draft), SimpleUploadedFile(given, pdf_bytes()))
    assert status in (201, 302)
    document = draft.documents.exclude(original_name="truoc.pdf").get()
    assert document.original_name == HOSTILE_NAMES[given]
    assert re.fullmatch(r"dossiers/\d{4}/\d{2}/[0-9a-f]{32}", document.file.name)
    assert (private_media / document.file.name).resolve().is_relative_to(private_media.resolve())


# --- antivirus ---------------------------------------------------------------------------------------

@pytest.fixture
def clamav(settings, tmp_path):
    """ClamScanner with a local EICAR-only database. CI installs clamav, so there it always runs."""
    if shutil.which("clamscan") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("clamscan is missing in CI (.ci/run installs Debian's clamav)")
        pytest.skip("clamscan is not installed")
    settings.ANTIVIRUS_BACKEND = "dossiers.antivirus.ClamScanner"
    settings.CLAMAV_DATABASE_DIR = str(antivirus.write_eicar_database(tmp_path / "clamav"))
    return settings.CLAMAV_DATABASE_DIR


def test_clam_scanner_names_eicar_and_passes_clean_bytes(clamav):
    scanner = antivirus.scanner()
    assert scanner.scan(pdf_bytes()) is None
    assert scanner.scan(b"prefix " + antivirus.eicar_bytes()).startswith("Eicar-Test-Signature")


@pytest.mark.parametrize("channel", CHANNELS)
def test_eicar_inside_a_valid_pdf_is_refused_by_the_antivirus(channel, clamav, citizen, draft, private_media):  # noqa: F811
    eicar = antivirus.eicar_bytes()
    infected = pdf_bytes(extra_objects=[b"<< /Length %d >>\nstream\n" % len(eicar) + eicar + b"\nendstream"])
    filecheck.inspect_pdf(infected)  # a well-formed PDF: only the antivirus can tell
    assert_refused(channel, citizen, draft, private_media, "to-khai.pdf", infected, "có mã độc (Eicar-Test-Signature")
    status, _text = CHANNELS[channel](citizen, draft, required(draft), pdf_upload("sach.pdf"))
    assert status in (201, 302)


def test_an_antivirus_that_cannot_scan_refuses_the_upload(clamav, settings, citizen, draft, private_media):  # noqa: F811
    settings.CLAMAV_DATABASE_DIR = str(private_media / "no-such-database")
    assert_refused("api", citizen, draft, private_media, "to-khai.pdf", pdf_bytes(), "Chưa kiểm tra được virus")


def test_without_an_antivirus_configured_nothing_is_scanned(settings):
    settings.ANTIVIRUS_BACKEND = "dossiers.antivirus.NoScanner"
    assert antivirus.scanner().scan(antivirus.eicar_bytes()) is None


def test_docx_over_the_uncompressed_total_is_refused_from_the_directory_alone(monkeypatch):
    monkeypatch.setattr(filecheck, "DOCX_MAX_UNCOMPRESSED_BYTES", 50_000)
    incompressible = docx_bytes(document=os.urandom(60_000))  # ratio ~1: only the total gives it away
    with pytest.raises(filecheck.ContentRefused, match="bom nén"):
        filecheck.inspect_docx(incompressible)
    filecheck.inspect_docx(docx_bytes(document=os.urandom(40_000)))
