"""Every lifecycle path through the desk API: POST /api/v1/dossiers/{code}/{action}/."""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from dossiers import lifecycle
from dossiers.models import Document, DocumentSource, Dossier, DossierEvent, OutboxMessage, Status
from tests import factories
from tests.dossiers.desk_helpers import (
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
def api():
    return APIClient()


def act(api, user, dossier, action, **data):
    api.force_authenticate(user)
    data.setdefault("version", Dossier.objects.get(pk=dossier.pk).version)
    response = api.post(f"/api/v1/dossiers/{dossier.code}/{action}/", data, format="multipart")
    api.force_authenticate(None)
    return response


def test_happy_path_from_reception_to_returned_result(api, procedure, desk_officer, specialist, leader):
    dossier = submitted(procedure)
    response = act(api, desk_officer, dossier, "receive")
    assert response.status_code == 200, response.content
    assert response.data["status"] == Status.RECEIVED
    dossier.refresh_from_db()
    assert dossier.due_date == dt.date(2026, 12, 16)  # 7 working days after Monday 07/12
    assert act(api, desk_officer, dossier, "assign", assignee=specialist.pk).data["assignee_name"] == specialist.full_name
    assert act(api, specialist, dossier, "submit_for_approval").data["status"] == Status.AWAITING_APPROVAL
    assert act(api, leader, dossier, "approve", reason="Đồng ý").data["status"] == Status.PROCESSED
    upload = act(api, specialist, dossier, "upload_result", file=pdf_file("ket-qua.pdf"), signed="on")
    assert upload.status_code == 200, upload.content
    result = Document.objects.get(dossier=dossier, source=DocumentSource.RESULT)
    assert result.content_type == "application/pdf" and len(result.sha256) == 64
    assert act(api, desk_officer, dossier, "return_result").data["status"] == Status.RETURNED
    actions = list(DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True))
    assert actions == ["submit", "receive", "assign", "submit_for_approval", "approve", "upload_result",
                       "return_result"]
    assert OutboxMessage.objects.filter(payload__dossier_code=dossier.code, payload__action="return_result").exists()


def test_refusal_needs_a_reason_and_is_final(api, procedure, desk_officer):
    dossier = submitted(procedure)
    missing = act(api, desk_officer, dossier, "refuse")
    assert missing.status_code == 400 and "reason" in missing.data["errors"]
    response = act(api, desk_officer, dossier, "refuse", reason="Không thuộc thẩm quyền")
    assert response.data["status"] == Status.REFUSED
    assert DossierEvent.objects.get(dossier=dossier, action="refuse").comment == "Không thuộc thẩm quyền"


def test_supplement_stops_the_clock_and_completion_restarts_the_full_period(api, procedure, desk_officer, specialist):
    dossier = received(procedure, desk_officer)
    response = act(api, specialist, dossier, "request_supplement", missing="Bản sao CCCD\nẢnh 3x4")
    assert response.data["status"] == Status.SUPPLEMENT_REQUESTED
    event = DossierEvent.objects.get(dossier=dossier, action="request_supplement")
    assert event.data["missing"] == ["Bản sao CCCD", "Ảnh 3x4"]
    dossier.refresh_from_db()
    assert dossier.clock_paused_at is not None
    with time_machine.travel(dt.datetime(2026, 12, 10, 10, 0, tzinfo=VN), tick=False):  # Thursday
        assert act(api, desk_officer, dossier, "complete_supplement").data["status"] == Status.RECEIVED
    dossier.refresh_from_db()
    assert dossier.clock_paused_at is None and dossier.paused_days == 3
    assert dossier.due_date == dt.date(2026, 12, 21)  # full 7 days again, counted from Thursday


def test_transfer_moves_the_dossier_to_another_agency_with_the_same_code(api, procedure, desk_officer, specialist,
                                                                          other_agency):
    dossier = processing(procedure, desk_officer, specialist)
    other_specialist = factories.officer(other_agency, "specialist")
    response = act(api, specialist, dossier, "transfer", to_agency=other_agency.pk, reason="Liên thông thuế")
    assert response.status_code == 200, response.content
    dossier.refresh_from_db()
    assert dossier.handling_agency == other_agency and dossier.receiving_agency != other_agency
    assert dossier.assignee is None and Dossier.objects.filter(code=dossier.code).count() == 1
    # The receiving agency still sees it; the new agency can now act on it.
    api.force_authenticate(desk_officer)
    assert Dossier.objects.visible_to(desk_officer).filter(pk=dossier.pk).exists()
    assert act(api, other_specialist, dossier, "submit_for_approval").data["status"] == Status.AWAITING_APPROVAL


def test_payment_request_then_payment_at_the_counter(api, procedure, desk_officer, specialist):
    dossier = processing(procedure, desk_officer, specialist)
    assert act(api, specialist, dossier, "request_payment", amount=0).status_code == 400
    assert act(api, specialist, dossier, "request_payment", amount=150000).data["fee_amount"] == 150000
    assert act(api, desk_officer, dossier, "record_payment").data["status"] == Status.PROCESSING
    dossier.refresh_from_db()
    assert dossier.fee_paid_at is not None and not dossier.fee_paid_online


def test_leader_sends_back_with_a_reason(api, procedure, desk_officer, specialist, leader):
    dossier = awaiting_approval(procedure, desk_officer, specialist)
    assert act(api, leader, dossier, "send_back").status_code == 400
    assert act(api, leader, dossier, "send_back", reason="Thiếu căn cứ").data["status"] == Status.PROCESSING


def test_stop_with_reason(api, procedure, desk_officer, specialist, leader):
    dossier = processing(procedure, desk_officer, specialist)
    assert act(api, leader, dossier, "stop", reason="Công dân đề nghị dừng").data["status"] == Status.STOPPED
    assert Dossier.objects.get(pk=dossier.pk).closed_at is not None


def test_withdrawn_dossier_offers_no_desk_action(api, procedure, desk_officer):
    dossier = received(procedure, desk_officer)
    lifecycle.apply(dossier=dossier, action="withdraw", actor=dossier.applicant, reason="Không còn nhu cầu")
    response = act(api, desk_officer, dossier, "stop", reason="x")
    assert response.status_code == 409
    assert Dossier.objects.get(pk=dossier.pk).status == Status.WITHDRAWN


def test_apology_letter_at_the_latest_one_working_day_before_the_due_date_and_once(api, procedure, desk_officer,
                                                                                   specialist, leader):
    """Circular 03/2025/TT-VPCP Mẫu 04 under Decree 118/2025: the letter goes no later than the working day
    before the due day (here due Wed 16/12), and the new date is set once."""
    dossier = awaiting_approval(procedure, desk_officer, specialist)
    assert dossier.due_date == dt.date(2026, 12, 16)
    with time_machine.travel(dt.datetime(2026, 12, 16, 9, 0, tzinfo=VN), tick=False):  # the due day: too late
        late = act(api, leader, dossier, "late_letter", new_due_date="21/12/2026", reason="Chờ ý kiến liên ngành")
        assert late.status_code == 400 and "chậm nhất 01 ngày làm việc" in late.data["detail"]
    with time_machine.travel(dt.datetime(2026, 12, 15, 9, 0, tzinfo=VN), tick=False):  # the day before: allowed
        assert act(api, leader, dossier, "late_letter", new_due_date="2026-12-16", reason="x").status_code == 400
        letter = act(api, leader, dossier, "late_letter", new_due_date="21/12/2026", reason="Chờ ý kiến liên ngành")
        assert letter.status_code == 200, letter.content
        assert letter.data["new_due_date"] == "2026-12-21"
        again = act(api, leader, dossier, "late_letter", new_due_date="28/12/2026", reason="Lần hai")
        assert again.status_code == 400 and "một lần" in again.data["detail"]
    assert Dossier.objects.get(pk=dossier.pk).new_due_date == dt.date(2026, 12, 21)
    assert DossierEvent.objects.filter(dossier=dossier, action="late_letter").count() == 1


def test_overdue_dossier_without_a_letter_is_still_returned_and_counted_late(api, procedure, desk_officer,
                                                                            specialist, leader):
    dossier = awaiting_approval(procedure, desk_officer, specialist)
    with time_machine.travel(dt.datetime(2026, 12, 18, 9, 0, tzinfo=VN), tick=False):  # due 16/12: overdue
        act(api, leader, dossier, "approve")
        assert act(api, desk_officer, dossier, "late_letter", new_due_date="21/12/2026",
                   reason="x").status_code == 400
        assert act(api, desk_officer, dossier, "return_result").data["status"] == Status.RETURNED
    returned = Dossier.objects.get(pk=dossier.pk)
    assert returned.returned_at.date() > returned.due_date


def test_desk_officer_cannot_approve_and_specialist_cannot_receive(api, procedure, desk_officer, specialist):
    dossier = submitted(procedure)
    assert act(api, specialist, dossier, "receive").status_code == 403
    dossier = awaiting_approval(procedure, desk_officer, specialist)
    assert act(api, desk_officer, dossier, "approve").status_code == 403
    assert Dossier.objects.get(pk=dossier.pk).status == Status.AWAITING_APPROVAL


def test_stale_version_is_a_conflict(api, procedure, desk_officer):
    dossier = submitted(procedure)
    response = act(api, desk_officer, dossier, "receive", version=dossier.version - 1)
    assert response.status_code == 409
    assert "vừa được người khác cập nhật" in response.data["detail"]


def test_action_endpoint_permission_matrix(client, procedure, desk_officer, other_agency, citizen):
    dossier = submitted(procedure)
    outsiders = [citizen, factories.officer(other_agency, "desk_officer")]
    assert_permission_matrix(client, "post", f"/api/v1/dossiers/{dossier.code}/receive/", outsiders=outsiders,
                             insiders=[desk_officer], data={"version": dossier.version})


def test_the_applicant_gets_404_from_the_desk_api(api, procedure, desk_officer):
    dossier = submitted(procedure)
    response = act(api, dossier.applicant, dossier, "receive")
    assert response.status_code == 404


def test_queue_api_lists_the_tab_with_counts(client, procedure, desk_officer, other_agency, citizen):
    dossier = submitted(procedure)
    outsiders = [citizen]
    (response,) = assert_permission_matrix(client, "get", "/api/v1/desk/queue/?tab=moi", outsiders=outsiders,
                                           insiders=[desk_officer])
    assert [row["code"] for row in response.json()["results"]] == [dossier.code]
    assert response.json()["counts"]["moi"] == 1
