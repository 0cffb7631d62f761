"""The desk pages: permission matrix, every action as a POST form, intake, prints, previews, bulk."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dossiers.models import Channel, Document, DocumentSource, Dossier, DossierEvent, Status
from tests import factories
from tests.dossiers.desk_helpers import (
    MONDAY,
    PNG_BYTES,
    VN,
    _fast_passwords,  # noqa: F401 (autouse fixture)
    at_monday,  # noqa: F401 (fixture)
    awaiting_approval,
    pdf_file,
    processing,
    received,
    submitted,
)
from tests.permissions import assert_permission_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_monday")]


@pytest.fixture
def outsiders(citizen, other_agency):
    return [citizen, factories.officer(other_agency, "desk_officer")]


def post_action(client, user, dossier, action, **data):
    client.force_login(user)
    data.setdefault("version", Dossier.objects.get(pk=dossier.pk).version)
    return client.post(reverse("desk:action", args=[dossier.code, action]), data)


def test_every_dossier_page_passes_the_permission_matrix(client, procedure, desk_officer, specialist, outsiders):
    dossier = processing(procedure, desk_officer, specialist)
    document = Document.objects.create(dossier=dossier, name="Tờ khai", file=pdf_file(), content_type="application/pdf",
                                       source=DocumentSource.UPLOADED)
    urls = [reverse("desk:dossier", args=[dossier.code]),
            reverse("desk:document", args=[dossier.code, document.pk]),
            reverse("desk:print", args=[dossier.code, "tiep-nhan"]),
            reverse("desk:print", args=[dossier.code, "kiem-soat"]),
            reverse("desk:print_pdf", args=[dossier.code, "tiep-nhan"])]
    for url in urls:
        assert_permission_matrix(client, "get", url, outsiders=outsiders, insiders=[desk_officer, specialist])
    assert_permission_matrix(client, "post", reverse("desk:action", args=[dossier.code, "submit_for_approval"]),
                             outsiders=outsiders, insiders=[specialist], data={"version": dossier.version},
                             ok_statuses=(302,))


def test_queue_intake_and_bulk_pages_are_for_officers_only(client, procedure, desk_officer, citizen):
    assert_permission_matrix(client, "get", reverse("desk:queue"), outsiders=[citizen], insiders=[desk_officer])
    assert_permission_matrix(client, "get", reverse("desk:intake"), outsiders=[citizen], insiders=[desk_officer])
    assert_permission_matrix(client, "post", reverse("desk:bulk"), outsiders=[citizen], insiders=[desk_officer],
                             data={"action": "receive", "codes": ["X"]})


def test_happy_path_through_the_pages(client, procedure, desk_officer, specialist, leader):
    dossier = submitted(procedure)
    response = post_action(client, desk_officer, dossier, "receive")
    assert response.status_code == 302 and response["Location"].endswith("/in/tiep-nhan/")
    receipt = client.get(response["Location"])
    dossier.refresh_from_db()  # receipt gave it its code proper, dated on the day of receipt (issue 14)
    assert dossier.code != dossier.submission_code and dossier.code in response["Location"]
    assert dossier.code in receipt.content.decode() and "data:image/png;base64," in receipt.content.decode()
    assert post_action(client, desk_officer, dossier, "assign", assignee=specialist.pk).status_code == 302
    page = client.get(reverse("desk:dossier", args=[dossier.code]))
    offered = [a for a, _ in page.context["action_forms"]]
    assert "assign" in offered and "stop" in offered and "approve" not in offered and "receive" not in offered
    assert post_action(client, specialist, dossier, "upload_result", file=pdf_file("ket-qua.pdf")).status_code == 302
    assert post_action(client, specialist, dossier, "submit_for_approval").status_code == 302
    assert post_action(client, leader, dossier, "approve").status_code == 302
    assert post_action(client, desk_officer, dossier, "return_result").status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RETURNED


def test_no_result_no_return(client, procedure, desk_officer, specialist, leader):
    """Issue 20 item 10: "Trả kết quả" waits for a result document; the page says why instead of offering it."""
    dossier = processing(procedure, desk_officer, specialist)
    post_action(client, specialist, dossier, "submit_for_approval")
    post_action(client, leader, dossier, "approve")
    client.force_login(desk_officer)
    page = client.get(reverse("desk:dossier", args=[dossier.code]))
    assert "return_result" not in [a for a, _ in page.context["action_forms"]]
    assert "Chưa có kết quả giải quyết" in page.content.decode()
    response = post_action(client, desk_officer, dossier, "return_result")
    assert response.status_code == 400 and "Chưa có kết quả giải quyết" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSED
    assert post_action(client, desk_officer, dossier, "upload_result", file=pdf_file("ket-qua.pdf")).status_code == 302
    assert post_action(client, desk_officer, dossier, "return_result").status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RETURNED


def test_an_unpaid_fee_holds_the_result_until_the_desk_collects_it(client, agency, desk_officer, specialist, leader):
    """Issue 20 item 10: the result goes back only once the fee is paid; the desk records a counter payment."""
    procedure = factories.ProcedureFactory(agencies=[agency], with_fees=30_000)
    dossier = awaiting_approval(procedure, desk_officer, specialist)
    post_action(client, leader, dossier, "approve")
    assert Dossier.objects.get(pk=dossier.pk).fee_amount == 30_000
    response = post_action(client, desk_officer, dossier, "return_result")
    assert response.status_code == 400 and "chưa nộp phí" in response.content.decode()
    client.force_login(specialist)
    offered = [a for a, _ in client.get(reverse("desk:dossier", args=[dossier.code])).context["action_forms"]]
    assert "collect_fee" not in offered  # the desk takes money, not the specialist
    assert post_action(client, specialist, dossier, "collect_fee").status_code in (403, 404)
    client.force_login(desk_officer)
    offered = [a for a, _ in client.get(reverse("desk:dossier", args=[dossier.code])).context["action_forms"]]
    assert "collect_fee" in offered and "return_result" not in offered
    assert post_action(client, desk_officer, dossier, "collect_fee").status_code == 302
    paid = Dossier.objects.get(pk=dossier.pk)
    assert paid.fee_paid_at is not None and not paid.fee_paid_online
    event = DossierEvent.objects.get(dossier=dossier, action="collect_fee")
    assert event.actor == desk_officer and event.data == {"amount": 30_000}
    assert post_action(client, desk_officer, dossier, "collect_fee").status_code in (400, 409)  # once
    assert post_action(client, desk_officer, dossier, "return_result").status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RETURNED


def test_page_shows_timeline_deadline_explanation_and_step_status(client, procedure, desk_officer):
    dossier = received(procedure, desk_officer)
    with time_machine.travel(dt.datetime(2026, 12, 17, 9, 0, tzinfo=VN), tick=False):
        client.force_login(desk_officer)  # that day: a sign-in lasts 8 hours (issue 20 item 15)
        response = client.get(reverse("desk:dossier", args=[dossier.code]))
    html = response.content.decode()
    assert "Hạn giải quyết: Thứ Tư, 16/12/2026" in html
    assert response.context["step"]["status"] == "late"
    assert [e.action for e in response.context["events"]] == ["submit", "receive"]
    assert desk_officer.full_name in html


def test_refusal_without_reason_keeps_the_form_and_shows_the_error(client, procedure, desk_officer):
    dossier = submitted(procedure)
    response = post_action(client, desk_officer, dossier, "refuse", reason="")
    assert response.status_code == 400
    assert "reason" in dict(response.context["action_forms"])["refuse"].errors
    response = post_action(client, desk_officer, dossier, "refuse", reason="Sai thẩm quyền")
    assert response["Location"].endswith("/in/tu-choi/")
    assert "Sai thẩm quyền" in client.get(response["Location"]).content.decode()


def test_supplement_stop_send_back_and_payment_through_pages(client, procedure, desk_officer, specialist, leader):
    dossier = received(procedure, desk_officer)
    response = post_action(client, desk_officer, dossier, "request_supplement", missing="Bản sao sổ đỏ")
    assert "Bản sao sổ đỏ" in client.get(response["Location"]).content.decode()
    post_action(client, desk_officer, dossier, "complete_supplement")
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED
    post_action(client, desk_officer, dossier, "assign", assignee=specialist.pk)
    post_action(client, specialist, dossier, "request_payment", amount=50000)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.AWAITING_PAYMENT
    post_action(client, desk_officer, dossier, "record_payment")
    post_action(client, specialist, dossier, "submit_for_approval")
    post_action(client, leader, dossier, "send_back", reason="Bổ sung ý kiến")
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING
    response = post_action(client, leader, dossier, "stop", reason="Có tranh chấp")
    assert "Có tranh chấp" in client.get(response["Location"]).content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.STOPPED


def test_transfer_through_the_page_leaves_the_officer_on_the_queue(client, procedure, desk_officer, specialist,
                                                                   other_agency):
    dossier = processing(procedure, desk_officer, specialist)
    response = post_action(client, specialist, dossier, "transfer", to_agency=other_agency.pk, reason="Liên thông")
    assert response.status_code == 302
    other = factories.officer(other_agency, "specialist")
    client.force_login(other)
    assert client.get(reverse("desk:dossier", args=[dossier.code])).status_code == 200


def test_apology_letter_through_pages_before_the_due_date(client, procedure, desk_officer, specialist, leader):
    dossier = awaiting_approval(procedure, desk_officer, specialist)  # due Wed 16/12
    with time_machine.travel(dt.datetime(2026, 12, 15, 9, 0, tzinfo=VN), tick=False):
        client.force_login(desk_officer)
        page = client.get(reverse("desk:dossier", args=[dossier.code])).content.decode()
        assert "/thao-tac/late_letter/" in page
        response = post_action(client, desk_officer, dossier, "late_letter", new_due_date="21/12/2026",
                               reason="Chờ liên thông")
        apology = client.get(response["Location"]).content.decode()
        assert "21/12/2026" in apology and "xin lỗi" in apology
    with time_machine.travel(dt.datetime(2026, 12, 18, 9, 0, tzinfo=VN), tick=False):
        post_action(client, leader, dossier, "approve")
        assert post_action(client, desk_officer, dossier, "return_result").status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RETURNED


def test_second_officer_acting_on_a_stale_page_gets_the_reload_message(client, procedure, desk_officer):
    dossier = submitted(procedure)
    second = factories.officer(dossier.handling_agency, "desk_officer")
    version = dossier.version
    assert post_action(client, desk_officer, dossier, "receive", version=version).status_code == 302
    response = post_action(client, second, dossier, "receive", version=version)
    assert response.status_code == 409
    assert "Hồ sơ vừa được người khác cập nhật" in response.content.decode()


def test_withdrawn_dossier_page_shows_no_action(client, procedure, desk_officer):
    from dossiers import lifecycle

    dossier = received(procedure, desk_officer)
    lifecycle.apply(dossier=dossier, action="withdraw", actor=dossier.applicant, reason="Không cần nữa")
    client.force_login(desk_officer)
    assert client.get(reverse("desk:dossier", args=[dossier.code])).context["action_forms"] == []


def test_result_upload_rejects_a_disguised_file(client, procedure, desk_officer, specialist):
    from django.core.files.uploadedfile import SimpleUploadedFile

    dossier = processing(procedure, desk_officer, specialist)
    fake = SimpleUploadedFile("ket-qua.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = post_action(client, specialist, dossier, "upload_result", file=fake)
    assert response.status_code == 400 and "không đúng định dạng" in response.content.decode()
    assert not Document.objects.filter(dossier=dossier).exists()


def test_document_preview_is_inline_with_its_sniffed_type(client, procedure, desk_officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dossiers import services

    dossier = received(procedure, desk_officer)
    document = services.store_document(dossier=dossier, name="Ảnh", source=DocumentSource.SCANNED, actor=desk_officer,
                                       uploaded_file=SimpleUploadedFile("a.pdf", PNG_BYTES))
    client.force_login(desk_officer)
    response = client.get(reverse("desk:document", args=[dossier.code, document.pk]))
    assert response["Content-Type"] == "image/png" and response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_every_printable_document_renders_as_pdf(client, procedure, desk_officer, leader):
    dossier = received(procedure, desk_officer)
    from dossiers import services

    services.dossier_request_supplement(dossier=dossier, actor=desk_officer, missing=["Bản sao CCCD"])
    services.dossier_stop(dossier=dossier, actor=leader, reason="Theo đề nghị")
    client.force_login(desk_officer)
    for kind in ("tiep-nhan", "bo-sung", "dung", "kiem-soat"):
        response = client.get(reverse("desk:print_pdf", args=[dossier.code, kind]))
        assert response.status_code == 200 and response.content.startswith(b"%PDF"), kind
    assert client.get(reverse("desk:print", args=[dossier.code, "tu-choi"])).status_code == 404


# --- intake ---------------------------------------------------------------------------------------
def intake_url(procedure, agency, channel):
    return f"{reverse('desk:intake')}?procedure={procedure.pk}&agency={agency.pk}&channel={channel}"


def intake_data(procedure, **extra):
    first, second = procedure.documents.all()
    return {"applicant_name": "Trần Văn Quầy", "applicant_id_number": "042099000123", "applicant_phone": "0912000111",
            "f-full_name": "Trần Văn Quầy", "f-birth_date": "01/02/1990",
            f"doc_{first.pk}": pdf_file(), f"paper_{second.pk}": "on", **extra}


def test_counter_intake_creates_a_received_digitized_dossier(client, procedure, agency, desk_officer):
    client.force_login(desk_officer)
    response = client.post(intake_url(procedure, agency, "counter"), intake_data(procedure))
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    assert dossier.status == Status.RECEIVED and dossier.channel == Channel.COUNTER and not dossier.assisted
    assert dossier.code and dossier.due_date == dt.date(2026, 12, 21)  # 10 working days on paper
    assert dossier.form_data == {"full_name": "Trần Văn Quầy", "birth_date": "1990-02-01"}
    assert sorted(dossier.documents.values_list("source", flat=True)) == ["paper", "scanned"]
    assert list(DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True)) == ["submit", "receive"]
    assert response["Location"] == reverse("desk:print", args=[dossier.code, "tiep-nhan"])


def test_postal_intake_records_the_channel(client, procedure, agency, desk_officer):
    client.force_login(desk_officer)
    client.post(intake_url(procedure, agency, "postal"), intake_data(procedure))
    assert Dossier.objects.get().channel == Channel.POSTAL


def test_intake_requires_each_mandatory_paper_scanned_or_marked(client, procedure, agency, desk_officer):
    first = procedure.documents.get(required=True)
    client.force_login(desk_officer)
    response = client.post(intake_url(procedure, agency, "counter"),
                           intake_data(procedure, **{f"doc_{first.pk}": ""}))
    assert response.status_code == 400 and first.pk in response.context["doc_errors"]
    assert not Dossier.objects.exists()


def test_online_only_weekday_refuses_counter_intake_and_offers_assisted(client, procedure, agency, desk_officer):
    procedure.online_only_weekdays = [MONDAY.weekday()]
    procedure.save()
    client.force_login(desk_officer)
    page = client.get(intake_url(procedure, agency, "counter"))
    assert page.context["paper_closed"] and "channel=assisted" in page.content.decode()
    response = client.post(intake_url(procedure, agency, "counter"), intake_data(procedure))
    assert response.status_code == 400 and "chỉ tiếp nhận hồ sơ trực tuyến" in response.content.decode()
    assert not Dossier.objects.exists()
    response = client.post(intake_url(procedure, agency, "assisted"), intake_data(procedure))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.channel == Channel.ONLINE and dossier.assisted and dossier.status == Status.RECEIVED


def test_specialist_cannot_use_intake(client, procedure, agency, specialist):
    client.force_login(specialist)
    assert client.get(intake_url(procedure, agency, "counter")).status_code == 404


# --- bulk -----------------------------------------------------------------------------------------
def test_bulk_receive_reports_each_dossier(client, procedure, desk_officer, other_agency):
    first, second = submitted(procedure), submitted(procedure)
    foreign = submitted(factories.ProcedureFactory(agencies=[other_agency]))
    second_stale = Dossier.objects.get(pk=second.pk)
    from dossiers import services

    services.dossier_refuse(dossier=second_stale, actor=desk_officer, reason="x")
    client.force_login(desk_officer)
    response = client.post(reverse("desk:bulk"), {"action": "receive", "codes": [first.code, second.code, foreign.code]})
    outcomes = {o.code: o for o in response.context["outcomes"]}
    assert outcomes[first.code].ok and not outcomes[second.code].ok and not outcomes[foreign.code].ok
    assert "Không được tiếp nhận" in outcomes[second.code].message
    assert Dossier.objects.get(pk=first.pk).status == Status.RECEIVED
    assert Dossier.objects.get(pk=foreign.pk).status == Status.SUBMITTED


def test_bulk_assign_needs_an_assignee_and_assigns_each(client, procedure, desk_officer, specialist):
    dossiers = [received(procedure, desk_officer) for _ in range(3)]
    client.force_login(desk_officer)
    response = client.post(reverse("desk:bulk"), {"action": "assign", "codes": [d.code for d in dossiers]})
    assert response.status_code == 302
    response = client.post(reverse("desk:bulk"), {"action": "assign", "codes": [d.code for d in dossiers],
                                                  "assignee": specialist.pk})
    assert all(o.ok for o in response.context["outcomes"])
    assert set(Dossier.objects.values_list("assignee", flat=True)) == {specialist.pk}


@pytest.mark.parametrize("target", ["https://evil.example/phish", "//evil.example/", "http://evil.example",
                                    "https:///evil.example", "/\\evil.example"])
def test_bulk_form_never_redirects_off_site(client, procedure, desk_officer, target):
    """Issue 20 item 11: `next` is followed only to a path on this site."""
    client.force_login(desk_officer)
    response = client.post(reverse("desk:bulk"), {"action": "assign", "codes": ["X"], "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:queue")


def test_bulk_form_goes_back_to_the_filtered_queue(client, procedure, desk_officer):
    client.force_login(desk_officer)
    back = reverse("desk:queue") + "?status=received"
    response = client.post(reverse("desk:bulk"), {"action": "assign", "codes": ["X"], "next": back})
    assert response["Location"] == back


def test_nav_shows_the_desk_link_to_officers_only(client, desk_officer, citizen):
    client.force_login(desk_officer)
    assert reverse("desk:queue") in client.get(reverse("home")).content.decode()
    client.force_login(citizen)
    assert reverse("desk:queue") not in client.get(reverse("home")).content.decode()


def test_event_log_cannot_be_edited_in_the_admin(client, procedure, desk_officer):
    dossier = received(procedure, desk_officer)
    event = DossierEvent.objects.filter(dossier=dossier).first()
    admin_user = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    url = reverse("admin:dossiers_dossierevent_change", args=[event.pk])
    response = client.post(url, {"action": "approve", "comment": "sửa"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.action == "submit" and event.comment == ""


def test_api_schema_documents_the_desk_actions(client):
    schema = client.get(reverse("api-schema")).content.decode()
    assert "/api/v1/dossiers/{code}/{action}/" in schema and "request_supplement" in schema
