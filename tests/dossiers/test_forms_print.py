"""The national forms of Circular 03/2025/TT-VPCP, Appendix I, rendered to PDF and read back (text
extracted with pypdf): the national header and each form's mandatory fields filled from the dossier."""

import datetime as dt
import io
import os
from pathlib import Path

import pypdf
import pytest
import time_machine

from dossiers import lifecycle, printing, services
from tests.dossiers.desk_helpers import VN, received, submitted

MON = dt.datetime(2026, 11, 2, 9, 40, tzinfo=VN)  # Monday


def export_html(dossier, slug):
    """With MOTCUA_FORMS_DIR set, keep the form's HTML (as the PDF renders it) for docs/forms/ PNGs
    (scripts/render_forms.sh screenshots them in Chromium)."""
    out = os.environ.get("MOTCUA_FORMS_DIR")
    if out:
        from django.template.loader import render_to_string

        document = printing.DOCUMENTS[slug]
        context = printing.document_context(dossier=dossier, document=document)
        context.update(pdf=True, pdf_font=printing.pdf_font_path())
        Path(out, f"{slug}.html").write_text(render_to_string(document.template, context), encoding="utf-8")


def export_page_html(name, template, context):
    """As export_html, for a print page rendered by a view (Mẫu 07, the tracking book)."""
    out = os.environ.get("MOTCUA_FORMS_DIR")
    if out:
        from django.template.loader import render_to_string

        context = {**context, "pdf": True, "pdf_font": printing.pdf_font_path()}
        Path(out, f"{name}.html").write_text(render_to_string(template, context), encoding="utf-8")


def pdf_text(dossier, slug):
    export_html(dossier, slug)
    data = printing.render_pdf(dossier=dossier, document=printing.DOCUMENTS[slug])
    assert data.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842  # A4
    # Each form fits one A4 page, signatures and QR included (issue 21 item 12: the QR used to fall alone
    # onto a second page).
    assert len(reader.pages) == 1, [p.extract_text()[:200] for p in reader.pages[1:]]
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def test_receipt_mau_01_has_the_header_the_code_and_the_appointment_time(procedure, desk_officer):
    with time_machine.travel(MON, tick=False):
        dossier = received(procedure, desk_officer)
    text = pdf_text(dossier, "tiep-nhan")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and "Mẫu số 01" in text
    assert dossier.code in text and dossier.applicant_name in text and procedure.name in text
    # 7 working days from Mon 02/11 09:40: Wed 11/11, at 09 giờ 40 phút.
    assert "09 giờ 40 phút" in text and "11/11/2026" in text


def test_supplement_mau_02_pausing_the_clock_and_stop_mau_05_on_the_applicants_request(procedure, desk_officer):
    with time_machine.travel(MON, tick=False):
        dossier = submitted(procedure)
        dossier = services.dossier_receive(dossier=dossier, actor=desk_officer)
        dossier = services.dossier_request_supplement(dossier=dossier, actor=desk_officer,
                                                      missing=["Bản sao CCCD", "Ảnh 3x4"])
    text = pdf_text(dossier, "bo-sung")
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Bản sao CCCD" in text and "Ảnh 3x4" in text and "tạm dừng" in text
    # Circular 03/2025 Mẫu 02: the applicant's contacts, the guiding officer's name and contacts, signed by the guide.
    assert f"Điện thoại: {dossier.applicant_phone or '—'}" in text
    assert f"Cán bộ hướng dẫn: {desk_officer.full_name}" in text and "NGƯỜI HƯỚNG DẪN" in text
    with time_machine.travel(MON + dt.timedelta(days=1), tick=False):
        dossier = services.dossier_withdraw(dossier=dossier, actor=dossier.applicant, reason="Không còn nhu cầu")
    text = pdf_text(dossier, "dung")
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text and "Không còn nhu cầu" in text and "Mẫu số 05" in text
    assert "Điều 21 Nghị định 118/2025/NĐ-CP" in text


def test_control_sheet_mau_06_rows_name_hand_overs_with_early_on_time_and_late(procedure, desk_officer, specialist,
                                                                              leader):
    """Mẫu 06: each hand-over with its Giao/Nhận times, giver and taker, and the step judged against the
    appointment day (Wed 11/11 for 7 working days from Mon 02/11), with action names, not slugs."""
    from tests.dossiers.desk_helpers import attach_result

    with time_machine.travel(MON, tick=False):
        dossier = received(procedure, desk_officer)
    with time_machine.travel(MON + dt.timedelta(hours=1), tick=False):
        dossier = services.dossier_assign(dossier=dossier, actor=desk_officer, assignee=specialist)
    with time_machine.travel(dt.datetime(2026, 11, 11, 14, 5, tzinfo=VN), tick=False):
        attach_result(dossier, specialist)
        dossier = services.dossier_submit_for_approval(dossier=dossier, actor=specialist)
    with time_machine.travel(dt.datetime(2026, 11, 12, 8, 15, tzinfo=VN), tick=False):
        dossier = services.dossier_approve(dossier=dossier, actor=leader)
    text = pdf_text(dossier, "kiem-soat")
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and "Mẫu số 06" in text
    assert "Giao: 09 giờ 40 phút, ngày 02/11/2026" in text and "Nhận: 10 giờ 40 phút, ngày 02/11/2026" in text
    assert "Phân công xử lý" in text and "Trình phê duyệt" in text and "Phê duyệt" in text
    assert "submit_for_approval" not in text and "awaiting_approval" not in text
    rows = printing.document_context(dossier=dossier, document=printing.DOCUMENTS["kiem-soat"])["control_rows"]
    assert [str(r["timeliness"]) for r in rows] == ["Trước hạn", "Trước hạn", "Đúng hạn", "Quá hạn"]
    assert rows[1]["given_by"] == desk_officer.full_name and rows[1]["taken_by"] == specialist.full_name


def test_tracking_book_mau_07_lists_one_agencys_receipts_of_the_period_and_audits_them(client, procedure,
                                                                                    desk_officer):
    from django.urls import reverse

    from dossiers.models import DossierEvent
    from tests import factories

    other_agency = factories.AgencyFactory()
    other_desk = factories.officer(other_agency, "desk_officer")
    with time_machine.travel(MON, tick=False):
        inside = received(procedure, desk_officer, applicant_phone="0912345678")
        elsewhere = received(factories.ProcedureFactory(agencies=[other_agency]), other_desk)
    with time_machine.travel(MON - dt.timedelta(days=10), tick=False):
        earlier = received(procedure, desk_officer)  # the same book (2026), before the period
    with time_machine.travel(MON + dt.timedelta(days=30), tick=False):
        later = received(procedure, desk_officer)
    client.force_login(desk_officer)
    url = reverse("desk:tracking_book")
    query = {"agency": desk_officer.memberships.get().agency_id, "date_from": "01/11/2026", "date_to": "30/11/2026"}
    page = client.get(url, query)
    html = page.content.decode()
    assert page.status_code == 200 and "SỔ THEO DÕI HỒ SƠ" in html and "Mẫu số 07" in html
    assert inside.code in html and "0912345678" in html
    export_page_html("so-theo-doi", "print/tracking_book.html",
                     {k: page.context[k] for k in ("agency", "dossiers", "date_from", "date_to", "query", "form_no")})
    assert f"<td>2</td><td>{inside.code}</td>" in html  # its number in the 2026 book, after `earlier`
    receipt = pdf_text(inside, "tiep-nhan")
    assert "Quyển số: 2026, Số thứ tự: 2" in receipt
    assert elsewhere.code not in html and later.code not in html and earlier.code not in html
    assert DossierEvent.objects.filter(dossier=inside, action="print", data__document="so-theo-doi",
                                       actor=desk_officer).count() == 1
    pdf = client.get(reverse("desk:tracking_book_pdf"), query)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = " ".join(pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().split())
    assert inside.code in text
    # Someone else's agency, an inverted period: refused with the reason, nothing listed.
    foreign = client.get(url, {**query, "agency": other_agency.pk})
    assert foreign.status_code == 400 and elsewhere.code not in foreign.content.decode()
    inverted = client.get(url, {**query, "date_from": "30/11/2026", "date_to": "01/11/2026"})
    assert inverted.status_code == 400 and "Ngày cuối phải sau hoặc bằng ngày đầu." in inverted.content.decode()


def test_refusal_mau_03_and_apology_mau_04_print_their_reasons_and_the_new_date(procedure, desk_officer):
    """Circular 03/2025/TT-VPCP, Appendix I: Mẫu 03 (refusal, with the reason) and Mẫu 04 (apology and
    the new appointment date), each on one A4 page with the national header."""
    with time_machine.travel(MON, tick=False):
        refused = services.dossier_refuse(dossier=submitted(procedure), actor=desk_officer,
                                          reason="Thủ tục không thuộc thẩm quyền của cơ quan")
    text = pdf_text(refused, "tu-choi")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Mẫu số 03" in text
    assert "Thủ tục không thuộc thẩm quyền của cơ quan" in text and refused.applicant_name in text
    with time_machine.travel(MON, tick=False):
        dossier = services.dossier_receive(dossier=submitted(procedure), actor=desk_officer)
    with time_machine.travel(MON + dt.timedelta(days=7), tick=False):  # Mon 09/11, before the due day 11/11
        dossier = services.dossier_send_late_letter(dossier=dossier, actor=desk_officer,
                                                    new_due_date=dt.date(2026, 11, 20), reason="Chờ ý kiến phối hợp")
    text = pdf_text(dossier, "xin-loi")
    assert "Mẫu số 04" in text and "Chờ ý kiến phối hợp" in text and "20/11/2026" in text
    assert "xin lỗi" in text and dossier.code in text


def test_receipt_mau_01_prints_the_proxy_the_sets_where_the_result_is_collected_and_the_queue_number(
        client, procedure, agency, desk_officer):
    """Mẫu 01 (Circular 03/2025/TT-VPCP, Appendix I) of a dossier taken in at the counter from queue ticket
    007: the person who brought it under an authorisation, 2 sets, the result by post."""
    import uuid

    from django.urls import reverse

    from dossiers.counter import ServicePoint
    from dossiers.models import Dossier
    from tests.dossiers.test_desk_pages import intake_data

    counter = ServicePoint.objects.create(agency=agency, number=2)
    with time_machine.travel(MON, tick=False):
        for _ in range(6):
            services.ticket_issue(agency=agency, key=uuid.uuid4(), procedure=procedure)
        ticket = services.ticket_issue(agency=agency, key=uuid.uuid4(), procedure=procedure)
        client.force_login(desk_officer)
        for _ in range(6):  # the six before did not come
            absent = services.ticket_call_next(counter=counter, actor=desk_officer)
            services.ticket_no_show(ticket=absent, counter=counter, actor=desk_officer)
        assert services.ticket_call_next(counter=counter, actor=desk_officer) == ticket
        serve = client.post(reverse("desk:counter_action", args=[counter.pk, "phuc-vu"]), {"ticket": ticket.pk})
        form = client.get(serve["Location"]).content.decode()
        assert "Người nộp thay" in form and "Số bộ hồ sơ" in form and "Nơi nhận kết quả" in form
        response = client.post(serve["Location"], intake_data(
            procedure, proxy_name="Lê Thị Thay", proxy_id_number="042199000777",
            proxy_authorisation="Giấy ủy quyền số 15/UQ ngày 30/10/2026", sets="2", result_delivery="postal",
            result_address="12 Trần Phú, phường Thành Sen, Hà Tĩnh", applicant_email="quay@example.vn"))
        assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    assert (dossier.sets, dossier.result_delivery, dossier.proxy_name) == (2, "postal", "Lê Thị Thay")
    text = pdf_text(dossier, "tiep-nhan")
    assert "Người nộp thay: Lê Thị Thay" in text and "042199000777" in text
    assert "Theo văn bản ủy quyền: Giấy ủy quyền số 15/UQ ngày 30/10/2026" in text
    assert "Số lượng hồ sơ: 2 bộ" in text and "Số thứ tự (phiếu xếp hàng): 007" in text
    assert "Nơi nhận kết quả: Qua dịch vụ bưu chính công ích, tại địa chỉ: 12 Trần Phú" in text
    assert "Thư điện tử: quay@example.vn" in text and "09 giờ 40 phút" in text
    assert f"NGƯỜI TIẾP NHẬN (Ký và ghi rõ họ tên) {desk_officer.full_name}" in text or desk_officer.full_name in text


def test_receipt_mau_01_refuses_a_proxy_without_a_name_and_post_without_an_address(client, procedure, agency,
                                                                                   desk_officer):
    from tests.dossiers.test_desk_pages import intake_data, intake_url

    client.force_login(desk_officer)
    with time_machine.travel(MON, tick=False):
        response = client.post(intake_url(procedure, agency, "counter"), intake_data(
            procedure, proxy_authorisation="Giấy ủy quyền số 15/UQ", sets="0"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ghi họ tên người nộp thay." in html and "1" in html
    with time_machine.travel(MON, tick=False), pytest.raises(lifecycle.LifecycleError):
        services.dossier_intake_at_counter(procedure=procedure, agency=agency, actor=desk_officer,
                                           channel="counter", applicant_name="A", result_delivery="postal")
