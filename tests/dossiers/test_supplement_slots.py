"""Issue 21 items 1 and 7: the papers a supplement request asks for, each with its own upload, in the pages
and the notification; one file per slot, the same file chosen again not stored twice, limits beside fields."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers import services
from dossiers.models import OutboxMessage
from dossiers.notifications import render_message
from procedures.models import RequiredDocument
from tests.dossiers.citizen_helpers import (  # noqa: F401
    desk_receive,
    pdf_bytes,
    pdf_upload,
    private_media,
    required,
    submitted_dossier,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]

MISSING = ["Bản sao giấy khai sinh", "Sổ hộ khẩu (bản chụp)"]


def _asked(citizen):
    dossier = submitted_dossier(citizen)
    dossier, officer = desk_receive(dossier)
    dossier = services.dossier_request_supplement(
        dossier=dossier, actor=officer, reason="Thiếu giấy tờ", missing=MISSING
    )
    return dossier


def test_each_paper_asked_for_has_its_own_upload_and_its_file_is_kept_under_it(client, citizen):
    dossier = _asked(citizen)
    client.force_login(citizen)
    url = reverse("dossier_supplement", args=[dossier.public_id])
    html = client.get(url).content.decode()
    for index, name in enumerate(MISSING, start=1):
        assert f'id="slot-{index}"' in html and f'name="slot_{index}"' in html and name in html
    assert 'name="slot_1" accept=' in html and 'name="files" multiple' in html  # other papers: several
    assert "Tối đa 10 MB mỗi tệp" in html and "Còn 2 giấy tờ chưa tải lên" in html

    response = client.post(url, {"upload": "1", "slot_2": pdf_upload("ho-khau.pdf")})
    assert response.status_code == 302
    document = dossier.documents.get(is_supplement=True)
    assert document.name == MISSING[1] and document.original_name == "ho-khau.pdf"
    html = client.get(url).content.decode()
    assert "Còn 1 giấy tờ chưa tải lên" in html and "ho-khau.pdf" in html


def test_a_new_file_in_a_papers_slot_replaces_the_one_there_and_the_same_file_is_not_stored_twice(
    client, citizen
):
    dossier = _asked(citizen)
    client.force_login(citizen)
    url = reverse("dossier_supplement", args=[dossier.public_id])
    first = pdf_bytes(3000)
    client.post(url, {"upload": "1", "slot_1": SimpleUploadedFile("ks.pdf", first, "application/pdf")})
    # Chosen again with a refused file beside it: the good one is not stored a second time.
    response = client.post(
        url,
        {
            "upload": "1",
            "slot_1": SimpleUploadedFile("ks.pdf", first, "application/pdf"),
            "slot_2": SimpleUploadedFile("x.pdf", b"MZ" + b"\0" * 300, "application/pdf"),
        },
    )
    assert response.status_code == 400 and "không đúng định dạng" in response.content.decode()
    assert dossier.documents.filter(is_supplement=True).count() == 1
    client.post(
        url, {"upload": "1", "slot_1": SimpleUploadedFile("ks-2.pdf", pdf_bytes(4000), "application/pdf")}
    )
    assert list(dossier.documents.filter(is_supplement=True).values_list("original_name", flat=True)) == [
        "ks-2.pdf"
    ]
    client.post(url, {"upload": "1", "files": [pdf_upload("a.pdf", 2100), pdf_upload("b.pdf", 2200)]})
    assert dossier.documents.filter(is_supplement=True).count() == 3  # the other-papers slot takes several


def test_the_supplement_notification_lists_the_papers(citizen):
    citizen.email = citizen.email or "cd@example.test"
    citizen.save()
    dossier = _asked(citizen)
    message = OutboxMessage.objects.filter(kind="email", payload__action="request_supplement").latest("pk")
    assert message.payload["missing"] == MISSING
    _subject, body = render_message(message)
    assert "Giấy tờ cần nộp thêm:\n- Bản sao giấy khai sinh\n- Sổ hộ khẩu (bản chụp)" in body
    assert f"/ho-so/{dossier.public_id}/bo-sung/" in body and "Papers to send:" in body
    sms = OutboxMessage.objects.filter(kind="sms", payload__action="request_supplement").first()
    if sms is not None:
        assert "Bản sao giấy khai sinh" in render_message(sms)[1]


def test_one_file_per_draft_slot_unless_the_paper_allows_several(client, citizen, agency):
    from tests import factories

    procedure = factories.ProcedureFactory(agencies=[agency])
    photos = RequiredDocument.objects.create(
        procedure=procedure,
        name="Ảnh chụp hiện trạng",
        required=False,
        kinds=["pdf", "jpg", "png"],
        multiple_files=True,
    )
    dossier = services.dossier_start_online(procedure=procedure, agency=agency, applicant=citizen)
    form = required(dossier)
    client.force_login(citizen)
    url = reverse("dossier_documents", args=[dossier.public_id])
    html = client.get(url).content.decode()
    assert f'name="file_{form.pk}" accept=' in html and f'name="file_{photos.pk}" multiple' in html
    assert "Một tệp; tệp chọn sau thay tệp đã tải lên." in html and "Có thể chọn nhiều tệp." in html
    assert 'data-max-bytes="10485760"' in html
    same = pdf_bytes(2500)
    for _ in range(2):  # the same file chosen again after an error elsewhere
        client.post(
            url, {"upload": "1", f"file_{form.pk}": SimpleUploadedFile("tk.pdf", same, "application/pdf")}
        )
    assert dossier.documents.filter(required_document=form).count() == 1
    client.post(url, {"upload": "1", f"file_{form.pk}": pdf_upload("tk-moi.pdf", 2600)})
    assert list(dossier.documents.filter(required_document=form).values_list("original_name", flat=True)) == [
        "tk-moi.pdf"
    ]
    client.post(
        url, {"upload": "1", f"file_{photos.pk}": [pdf_upload("1.pdf", 2100), pdf_upload("2.pdf", 2200)]}
    )
    assert dossier.documents.filter(required_document=photos).count() == 2


def test_a_file_over_the_limit_is_refused_by_the_server_too(client, citizen, settings):
    settings.UPLOAD_MAX_FILE_BYTES = 3000
    dossier = _asked(citizen)
    client.force_login(citizen)
    url = reverse("dossier_supplement", args=[dossier.public_id])
    response = client.post(url, {"upload": "1", "slot_1": pdf_upload("lon.pdf", 5000)})
    assert response.status_code == 400 and "quá lớn" in response.content.decode()
    assert not dossier.documents.filter(is_supplement=True).exists()
