"""The citizen journey through the HTML pages, draft preservation, look-up and the permission matrix."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers import services
from dossiers.models import Dossier, Status
from tests import factories
from tests.dossiers.citizen_helpers import (  # noqa: F401
    desk_receive,
    desk_request_supplement,
    desk_return_result,
    fake_pdf_upload,
    pdf_bytes,
    pdf_upload,
    private_media,
    submitted_dossier,
)
from tests.permissions import assert_permission_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]


@pytest.fixture
def schema_procedure(agency):
    procedure = factories.ProcedureFactory(agencies=[agency], form_schema=[
        {"name": "full_name", "label": "Họ và tên", "type": "text", "required": True},
        {"name": "id_number", "label": "Số CCCD", "type": "id_number", "required": True},
        {"name": "phone", "label": "Điện thoại", "type": "phone", "required": False},
        {"name": "birth_date", "label": "Ngày sinh", "type": "date", "required": False},
        {"name": "purpose", "label": "Mục đích", "type": "choice", "required": True,
         "choices": ["Kết hôn", "Khác"]},
    ])
    return procedure


def test_whole_journey_through_the_pages(client, citizen, schema_procedure, mailoutbox):
    client.force_login(citizen)
    page = client.get(reverse("dossier_start", args=[schema_procedure.code]))
    assert page.status_code == 200 and not Dossier.objects.exists()  # GET changes nothing
    assert page.context["form"]["agency"].value() == schema_procedure.agencies.get().pk
    response = client.post(reverse("dossier_start", args=[schema_procedure.code]),
                           {"agency": schema_procedure.agencies.get().pk})
    assert response.status_code == 302
    dossier = Dossier.objects.get(applicant=citizen)
    assert response["Location"] == reverse("dossier_form", args=[dossier.public_id])
    response = client.post(response["Location"], {
        "full_name": "Trần Thị B", "id_number": "042123456789", "phone": "0912345678",
        "birth_date": "01/02/1990", "purpose": "Kết hôn", "next": "",
    })
    assert response["Location"] == reverse("dossier_documents", args=[dossier.public_id])
    requirement = schema_procedure.documents.get(required=True)
    response = client.post(response["Location"], {f"file_{requirement.pk}": pdf_upload(), "next": ""})
    assert response["Location"] == reverse("dossier_review", args=[dossier.public_id])
    review = client.get(response["Location"])
    assert "Trần Thị B" in review.content.decode() and review.context["problems"] == []
    response = client.post(reverse("dossier_review", args=[dossier.public_id]))
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert dossier.form_data["birth_date"] == "1990-02-01"
    receipt = client.get(response["Location"])
    assert dossier.code in receipt.content.decode()
    # The desk receives, asks for a supplement; the citizen sees what is asked and answers.
    dossier, officer = desk_receive(dossier)
    desk_request_supplement(dossier, officer, comment="Bổ sung giấy xác nhận tình trạng hôn nhân")
    page = client.get(reverse("dossier_detail", args=[dossier.public_id])).content.decode()
    assert "Bổ sung giấy xác nhận tình trạng hôn nhân" in page
    url = reverse("dossier_supplement", args=[dossier.public_id])
    response = client.post(url, {"files": pdf_upload("xac-nhan.pdf"), "send": "", "comment": ""})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    # Result returned: download it and rate once.
    dossier, result = desk_return_result(dossier, officer)
    page = client.get(reverse("dossier_detail", args=[dossier.public_id])).content.decode()
    assert reverse("document_download", args=[result.pk]) in page
    download = client.get(reverse("document_download", args=[result.pk]))
    assert b"".join(download.streaming_content) == pdf_bytes()
    client.post(reverse("dossier_rate", args=[dossier.public_id]), {"value": "satisfied", "comment": "Tốt"})
    response = client.post(reverse("dossier_rate", args=[dossier.public_id]), {"value": "unsatisfied"}, follow=True)
    assert "Hồ sơ này đã được đánh giá." in response.content.decode()
    assert dossier.rating.value == "satisfied"
    history = client.get(reverse("dossier_detail", args=[dossier.public_id])).content.decode()
    for words in ("Ông/Bà đã nộp hồ sơ trực tuyến.", "Bộ phận Một cửa đã tiếp nhận hồ sơ.",
                  "Cơ quan đề nghị bổ sung giấy tờ.", "Đã trả kết quả."):
        assert words in history


def test_form_errors_are_shown_next_to_fields_and_nothing_typed_is_lost(client, citizen, schema_procedure):
    client.force_login(citizen)
    client.post(reverse("dossier_start", args=[schema_procedure.code]), {"agency": schema_procedure.agencies.get().pk})
    dossier = Dossier.objects.get(applicant=citizen)
    response = client.post(reverse("dossier_form", args=[dossier.public_id]), {
        "full_name": "Lê Văn C", "id_number": "12ab", "phone": "12345", "purpose": "", "next": "",
    })
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_id_number_error"' in html and "Số định danh cá nhân gồm 12 chữ số." in html
    assert "Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0." in html
    assert "Vui lòng nhập “Mục đích”." in html
    assert 'value="Lê Văn C"' in html and 'value="12ab"' in html
    dossier.refresh_from_db()
    # What was typed stays in the page; the draft stores only valid values (issue 20 item 13).
    assert dossier.form_data["full_name"] == "Lê Văn C" and "id_number" not in dossier.form_data
    # Resumable from "Hồ sơ của tôi".
    listing = client.get(reverse("my_dossiers")).content.decode()
    assert reverse("dossier_form", args=[dossier.public_id]) in listing
    assert 'value="Lê Văn C"' in client.get(reverse("dossier_form", args=[dossier.public_id])).content.decode()


def test_a_refused_file_keeps_the_other_uploads_and_the_form(client, citizen, procedure):
    client.force_login(citizen)
    client.post(reverse("dossier_start", args=[procedure.code]), {"agency": procedure.agencies.get().pk})
    dossier = Dossier.objects.get(applicant=citizen)
    client.post(reverse("dossier_form", args=[dossier.public_id]), {"full_name": "Phan D", "next": ""})
    first, second = procedure.documents.order_by("id")
    response = client.post(reverse("dossier_documents", args=[dossier.public_id]), {
        f"file_{first.pk}": pdf_upload("dung.pdf"), f"file_{second.pk}": fake_pdf_upload("sai.pdf"), "next": "",
    })
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tệp “sai.pdf” không đúng định dạng." in html
    assert "dung.pdf" in html
    dossier.refresh_from_db()
    assert [d.original_name for d in dossier.documents.all()] == ["dung.pdf"]
    assert dossier.form_data == {"full_name": "Phan D"}


def test_agency_is_prefilled_from_the_citizens_commune(client, province):
    commune = province["communes"][0]
    commune_committee = factories.AgencyFactory(commune=True, area=commune)
    other_committee = factories.AgencyFactory(commune=True, area=province["communes"][1])
    procedure = factories.ProcedureFactory(agencies=[commune_committee, other_committee], level="commune")
    citizen = factories.UserFactory(address_unit=commune)
    client.force_login(citizen)
    response = client.get(reverse("dossier_start", args=[procedure.code]))
    assert response.status_code == 200
    assert response.context["form"]["agency"].value() == commune_committee.pk
    response = client.post(reverse("dossier_start", args=[procedure.code]), {"agency": other_committee.pk})
    assert Dossier.objects.get(applicant=citizen).receiving_agency == other_committee


def test_wallet_reuse_in_one_click(client, citizen, procedure):
    requirement = procedure.documents.get(required=True)
    requirement.reusable = True
    requirement.save()
    earlier = submitted_dossier(citizen, procedure=procedure).documents.get()
    client.force_login(citizen)
    client.post(reverse("dossier_start", args=[procedure.code]), {"agency": procedure.agencies.get().pk})
    draft = Dossier.objects.get(applicant=citizen, status=Status.DRAFT)
    page = client.get(reverse("dossier_documents", args=[draft.public_id])).content.decode()
    assert f'value="{requirement.pk}:{earlier.pk}"' in page
    client.post(reverse("dossier_documents", args=[draft.public_id]), {"reuse": f"{requirement.pk}:{earlier.pk}"})
    reused = draft.documents.get()
    assert reused.source == "reused" and reused.reused_from == earlier
    assert "to-khai.pdf" in client.get(reverse("wallet")).content.decode()


def test_withdraw_with_a_reason(client, citizen):
    dossier = submitted_dossier(citizen)
    client.force_login(citizen)
    url = reverse("dossier_withdraw", args=[dossier.public_id])
    assert client.post(url, {"reason": ""}).status_code == 400
    stale = client.get(url).context["form"]["version"].value()
    dossier, _officer = desk_receive(dossier)  # the desk acts while the page is open
    response = client.post(url, {"reason": "Không còn nhu cầu", "version": stale}, follow=True)
    assert "vừa được người khác cập nhật" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    client.post(url, {"reason": "Không còn nhu cầu", "version": dossier.version})
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN


def test_public_lookup_shows_status_only_and_is_rate_limited(client, citizen):
    dossier = submitted_dossier(citizen)
    response = client.get(reverse("dossier_lookup"), {"code": dossier.code, "phone": citizen.phone})
    html = response.content.decode()
    assert response.status_code == 200 and "Mới đăng ký" in html
    assert citizen.full_name not in html and citizen.email not in html
    wrong = client.get(reverse("dossier_lookup"), {"code": dossier.code, "phone": "0911111119"})
    assert "Không tìm thấy hồ sơ" in wrong.content.decode()
    for _ in range(18):
        client.get(reverse("dossier_lookup"), {"code": dossier.code, "phone": "0911111119"})
    assert client.get(reverse("dossier_lookup"), {"code": dossier.code, "phone": citizen.phone}).status_code == 429


def test_my_dossiers_query_count_does_not_grow_with_the_list(client, citizen, django_assert_max_num_queries):
    for _ in range(6):
        submitted_dossier(citizen)
    client.force_login(citizen)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("my_dossiers"))
    assert len(response.context["dossiers"]) == 6


def test_every_citizen_page_follows_the_permission_matrix(client, citizen, other_citizen, procedure):
    draft = services.dossier_start_online(procedure=procedure, agency=procedure.agencies.first(), applicant=citizen)
    for name in ("dossier_form", "dossier_documents", "dossier_review", "dossier_detail"):
        assert_permission_matrix(client, "get", reverse(name, args=[draft.public_id]),
                                 outsiders=[other_citizen], insiders=[citizen])
    dossier = submitted_dossier(citizen, procedure=procedure)
    dossier, officer = desk_receive(dossier)
    stranger_officer = factories.officer(factories.AgencyFactory(), "desk_officer")
    for name in ("dossier_detail", "dossier_receipt"):
        assert_permission_matrix(client, "get", reverse(name, args=[dossier.public_id]),
                                 outsiders=[other_citizen, stranger_officer], insiders=[citizen, officer])
    for name in ("dossier_withdraw",):
        assert_permission_matrix(client, "get", reverse(name, args=[dossier.public_id]),
                                 outsiders=[other_citizen, stranger_officer, officer], insiders=[citizen])
    desk_request_supplement(dossier, officer)
    assert_permission_matrix(client, "get", reverse("dossier_supplement", args=[dossier.public_id]),
                             outsiders=[other_citizen, officer], insiders=[citizen])
    assert_permission_matrix(client, "post", reverse("dossier_rate", args=[dossier.public_id]),
                             outsiders=[other_citizen], insiders=[citizen], ok_statuses=(302,), data={"value": "normal"})
    for name in ("my_dossiers", "wallet"):
        assert_permission_matrix(client, "get", reverse(name), outsiders=[], insiders=[citizen])
    assert_permission_matrix(client, "get", reverse("dossier_start", args=[procedure.code]), outsiders=[],
                             insiders=[citizen])


def test_pages_render_without_inline_scripts_or_styles(client, citizen):
    dossier = submitted_dossier(citizen)
    client.force_login(citizen)
    for url in (reverse("dossier_detail", args=[dossier.public_id]), reverse("my_dossiers"),
                reverse("dossier_receipt", args=[dossier.public_id]), reverse("dossier_lookup")):
        html = client.get(url).content.decode()
        assert "<script>" not in html and "style=" not in html and "<style" not in html


def test_upload_through_the_page_refuses_path_traversal_names(client, citizen, procedure):
    client.force_login(citizen)
    client.post(reverse("dossier_start", args=[procedure.code]), {"agency": procedure.agencies.get().pk})
    dossier = Dossier.objects.get(applicant=citizen)
    requirement = procedure.documents.get(required=True)
    client.post(reverse("dossier_documents", args=[dossier.public_id]),
                {f"file_{requirement.pk}": SimpleUploadedFile("../../../secret.pdf", pdf_bytes())})
    assert dossier.documents.get().original_name == "secret.pdf"


def test_choosing_no_agency_or_a_foreign_one_is_refused_in_vietnamese(client, citizen, procedure):
    client.force_login(citizen)
    foreign = factories.AgencyFactory()
    for data in ({}, {"agency": foreign.pk}):
        response = client.post(reverse("dossier_start", args=[procedure.code]), data)
        assert response.status_code == 400
        assert 'id="id_agency_error"' in response.content.decode()
    assert not Dossier.objects.exists()


def test_lookup_link_from_a_notification_prefills_the_code_without_errors(client):
    response = client.get(reverse("dossier_lookup"), {"code": "000.00.42.H01-261122-0001"})
    html = response.content.decode()
    assert response.status_code == 200 and 'value="000.00.42.H01-261122-0001"' in html
    assert 'class="error"' not in html


def test_my_dossiers_shows_due_date_and_the_overdue_flag(client, citizen):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    hcm = ZoneInfo("Asia/Ho_Chi_Minh")
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=hcm)):
        dossier, _officer = desk_receive(submitted_dossier(citizen))
    due = dossier.due_date.strftime("%d/%m/%Y")
    with time_machine.travel(datetime(2026, 11, 3, 9, 0, tzinfo=hcm)):
        client.force_login(citizen)
        html = client.get(reverse("my_dossiers")).content.decode()
    assert due in html and "Quá hạn" not in html
    with time_machine.travel(datetime(2026, 12, 31, 9, 0, tzinfo=hcm)):
        client.force_login(citizen)
        html = client.get(reverse("my_dossiers")).content.decode()
    assert due in html and "Quá hạn" in html
