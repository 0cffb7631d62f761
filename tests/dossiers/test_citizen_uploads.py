"""Uploads: checked by content and size, names sanitised, files private and served with care."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers import services, uploads
from dossiers.models import Document, DocumentSource
from tests import factories
from tests.dossiers.citizen_helpers import (  # noqa: F401
    desk_receive,
    fake_pdf_upload,
    pdf_bytes,
    pdf_upload,
    png_bytes,
    private_media,
    required,
    submitted_dossier,
)
from tests.permissions import assert_permission_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]


@pytest.fixture
def draft(citizen, procedure):
    return services.dossier_start_online(procedure=procedure, agency=procedure.agencies.first(), applicant=citizen)


def test_upload_stores_sniffed_type_size_and_sha256(draft, citizen):
    content = pdf_bytes(5000)
    document = services.document_upload(dossier=draft, actor=citizen, required_document=required(draft),
                                        uploaded=SimpleUploadedFile("Tờ khai.PDF", content, "text/plain"))
    assert document.content_type == "application/pdf"
    assert document.size == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.original_name == "Tờ khai.pdf"
    assert document.file.read() == content
    assert "Tờ" not in document.file.name  # stored under a random name


def test_a_file_is_refused_by_content_not_by_extension(draft, citizen):
    with pytest.raises(uploads.UploadRefused) as refusal:
        services.document_upload(dossier=draft, actor=citizen, uploaded=fake_pdf_upload(),
                                 required_document=required(draft))
    assert "không đúng định dạng" in str(refusal.value.message)
    assert not Document.objects.exists()


def test_a_png_is_refused_where_only_pdf_is_accepted(draft, citizen):
    optional = draft.procedure.documents.get(required=False)  # kinds=["pdf"]
    with pytest.raises(uploads.UploadRefused):
        services.document_upload(dossier=draft, actor=citizen, required_document=optional,
                                 uploaded=SimpleUploadedFile("anh.pdf", png_bytes(), "application/pdf"))


def test_too_big_file_and_too_big_dossier_are_refused(draft, citizen, settings):
    settings.UPLOAD_MAX_FILE_BYTES = 10_000
    settings.UPLOAD_MAX_DOSSIER_BYTES = 15_000
    with pytest.raises(uploads.UploadRefused) as refusal:
        services.document_upload(dossier=draft, actor=citizen, uploaded=pdf_upload(size=12_000))
    assert "quá lớn" in str(refusal.value.message)
    services.document_upload(dossier=draft, actor=citizen, uploaded=pdf_upload(size=9_000))
    with pytest.raises(uploads.UploadRefused) as refusal:
        services.document_upload(dossier=draft, actor=citizen, uploaded=pdf_upload(size=9_000))
    assert "Tổng dung lượng" in str(refusal.value.message)
    assert draft.documents.count() == 1


@pytest.mark.parametrize(("given", "expected"), [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\system32\\x.pdf", "x.pdf"),
    ("ten\x00tep\r\n.pdf", "tentep.pdf"),
    ('a<b>:"c|?*.pdf', "a_b_c_.pdf"),
    ("....pdf", "pdf"),
    ("", "tep"),
])
def test_file_names_are_sanitised(given, expected):
    assert uploads.safe_filename(given) == expected


def test_path_traversal_name_is_stored_without_its_path(draft, citizen, settings):
    media = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    document = services.document_upload(dossier=draft, actor=citizen, required_document=required(draft),
                                        uploaded=SimpleUploadedFile("../../../../tmp/evil.pdf", pdf_bytes()))
    assert document.original_name == "evil.pdf"
    assert (media / document.file.name).resolve().is_relative_to(media.resolve())


def test_download_is_an_attachment_with_the_sanitised_name_and_nosniff(client, citizen, draft):
    document = services.document_upload(dossier=draft, actor=citizen, required_document=required(draft),
                                        uploaded=SimpleUploadedFile("../hồ sơ\x07.pdf", pdf_bytes()))
    client.force_login(citizen)
    response = client.get(reverse("document_download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "h%E1%BB%93%20s%C6%A1.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == pdf_bytes()
    preview = client.get(reverse("document_preview", args=[document.pk]))
    assert preview["Content-Disposition"].startswith("inline;")
    assert preview["X-Frame-Options"] == "SAMEORIGIN"


def test_file_urls_follow_the_permission_matrix(client, citizen, other_citizen):
    dossier = submitted_dossier(citizen)
    dossier, officer = desk_receive(dossier)
    outsider_officer = factories.officer(factories.AgencyFactory(), "desk_officer")
    document = dossier.documents.get()
    for name in ("document_download", "document_preview"):
        assert_permission_matrix(client, "get", reverse(name, args=[document.pk]),
                                 outsiders=[other_citizen, outsider_officer], insiders=[citizen, officer])


def test_wallet_reuse_points_at_the_same_file_without_copying(citizen, procedure, settings):
    media = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    first = submitted_dossier(citizen, procedure=procedure)
    original = first.documents.get()
    requirement = required(first)
    requirement.reusable = True
    requirement.save()
    files_before = sorted(p for p in media.rglob("*") if p.is_file())
    draft = services.dossier_start_online(procedure=procedure, agency=procedure.agencies.first(), applicant=citizen)
    reused = services.document_reuse(dossier=draft, actor=citizen, source=original, required_document=requirement)
    assert reused.source == DocumentSource.REUSED and reused.reused_from == original
    assert reused.file.name == original.file.name and reused.sha256 == original.sha256
    assert sorted(p for p in media.rglob("*") if p.is_file()) == files_before
    services.document_remove(dossier=draft, actor=citizen, document=reused)
    assert original.file.storage.exists(original.file.name)


def test_another_citizens_document_cannot_be_reused(citizen, other_citizen, procedure):
    theirs = submitted_dossier(other_citizen, procedure=procedure).documents.get()
    draft = services.dossier_start_online(procedure=procedure, agency=procedure.agencies.first(), applicant=citizen)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.document_reuse(dossier=draft, actor=citizen, source=theirs)


def _zip(entries):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in entries:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def test_docx_is_accepted_only_where_the_procedure_asks_for_it(draft, citizen):
    docx = _zip(["[Content_Types].xml", "_rels/.rels", "word/document.xml"])
    requirement = required(draft)
    with pytest.raises(uploads.UploadRefused):
        services.document_upload(dossier=draft, actor=citizen, required_document=requirement,
                                 uploaded=SimpleUploadedFile("don.docx", docx))
    requirement.kinds = ["pdf", "docx"]
    requirement.save()
    document = services.document_upload(dossier=draft, actor=citizen, required_document=requirement,
                                        uploaded=SimpleUploadedFile("don.pdf", docx))
    assert document.original_name == "don.docx"  # the extension follows the content
    with pytest.raises(uploads.UploadRefused):  # a plain zip is not a DOCX
        services.document_upload(dossier=draft, actor=citizen, required_document=requirement,
                                 uploaded=SimpleUploadedFile("don.docx", _zip(["a.txt"])))
