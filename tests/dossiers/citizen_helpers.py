"""Helpers shared by the citizen-side tests: real files, and the desk side simulated through services."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dossiers import lifecycle, services
from dossiers.models import Document, DocumentSource
from tests import factories


def pdf_bytes(size=2048, *, extra_objects=(), catalog_extra=b"", tail=b""):
    """A valid one-page PDF of about `size` bytes (padded with a comment), with a real xref table.

    `extra_objects` are bodies of further objects numbered from 4; `catalog_extra` goes into the
    catalog dictionary; `tail` is appended after %%EOF.
    """
    bodies = [b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
              b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
              b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>", *extra_objects]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    def finish(padding):
        xref = len(out) + len(padding)
        table = b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
        table += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        return (bytes(out) + padding + table + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
                % (len(bodies) + 1, xref))
    bare = finish(b"")
    padding = b"%" + b"x" * max(size - len(bare) - 2, 0) + b"\n" if size > len(bare) + 2 else b""
    return finish(padding) + tail


def png_bytes():
    raw = b"\x00\x00\x00\x00"
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def pdf_upload(name="to-khai.pdf", size=2048):
    return SimpleUploadedFile(name, pdf_bytes(size), content_type="application/pdf")


def fake_pdf_upload(name="virus.pdf"):
    """An executable renamed to .pdf and declared as a PDF: must be refused by content."""
    return SimpleUploadedFile(name, b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, content_type="application/pdf")


def required(dossier):
    return dossier.procedure.documents.get(required=True)


def submitted_dossier(citizen, procedure=None, agency=None, form_data=None):
    """A dossier the citizen filled and submitted online, through the services."""
    procedure = procedure or factories.ProcedureFactory(agencies=[agency or factories.AgencyFactory()])
    agency = agency or procedure.agencies.first()
    dossier = services.dossier_start_online(procedure=procedure, agency=agency, applicant=citizen)
    services.dossier_save_form(dossier=dossier, actor=citizen, data=form_data or {"full_name": "Nguyễn Văn A"})
    services.document_upload(dossier=dossier, actor=citizen, uploaded=pdf_upload(), required_document=required(dossier))
    return services.dossier_submit_online(dossier=dossier, actor=citizen)


def desk_receive(dossier):
    officer = factories.officer(dossier.handling_agency, "desk_officer")
    return services.dossier_receive(dossier=dossier, actor=officer), officer


def desk_request_supplement(dossier, officer, comment="Bổ sung bản sao giấy khai sinh", at=None):
    def pause(locked):
        locked.clock_paused_at = at or timezone.now()

    return lifecycle.apply(dossier=dossier, action=lifecycle.Action.REQUEST_SUPPLEMENT, actor=officer,
                           reason=comment, change=pause)


def desk_return_result(dossier, officer):
    """Assign, approve and return with an electronic result, as the desk stream will."""
    agency = dossier.handling_agency
    specialist = factories.officer(agency, "specialist")
    leader = factories.officer(agency, "leader")
    dossier = lifecycle.apply(dossier=dossier, action=lifecycle.Action.ASSIGN, actor=officer)
    dossier = lifecycle.apply(dossier=dossier, action=lifecycle.Action.SUBMIT_FOR_APPROVAL, actor=specialist)
    dossier = lifecycle.apply(dossier=dossier, action=lifecycle.Action.APPROVE, actor=leader)
    result = Document(dossier=dossier, name="Giấy xác nhận", original_name="ket-qua.pdf",
                      content_type="application/pdf", size=len(pdf_bytes()), source=DocumentSource.RESULT)
    result.file.save("ket-qua.pdf", io.BytesIO(pdf_bytes()), save=True)
    return lifecycle.apply(dossier=dossier, action=lifecycle.Action.RETURN_RESULT, actor=officer), result


@pytest.fixture
def private_media(settings, tmp_path):
    """Stored files go to a throwaway private directory."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    return tmp_path
