"""The one-stop rules of Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP, with a frozen clock, through
the desk API and the pages: the supplement request (Mẫu 02) before receipt, the pause of the clock after
receipt and the second request after receipt (the agency's fault: the clock keeps running)."""

import datetime as dt

import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from dossiers import services
from dossiers.models import Dossier, DossierEvent, Status
from tests.dossiers.desk_helpers import VN, received, submitted

MON = dt.datetime(2026, 11, 2, 9, 0, tzinfo=VN)  # Monday


def act(user, dossier, action, **data):
    api = APIClient()
    api.force_authenticate(user)
    data.setdefault("version", Dossier.objects.get(pk=dossier.pk).version)
    return api.post(f"/api/v1/dossiers/{dossier.code}/{action}/", data, format="multipart")


def test_supplement_requested_before_receipt_starts_no_clock_and_returns_to_the_intake_queue(
        client, procedure, desk_officer):
    with time_machine.travel(MON, tick=False):
        dossier = submitted(procedure)
        response = act(desk_officer, dossier, "request_supplement", missing="Bản sao giấy khai sinh")
        assert response.status_code == 200, response.content
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    assert dossier.received_at is None and dossier.due_date is None and dossier.clock_paused_at is None
    event = DossierEvent.objects.get(dossier=dossier, action="request_supplement")
    assert event.data["before_receipt"] is True and event.data["missing"] == ["Bản sao giấy khai sinh"]
    # The printed Mẫu 02 says the dossier is not received yet.
    client.force_login(desk_officer)
    sheet = client.get(reverse("desk:print", args=[dossier.code, "bo-sung"])).content.decode()
    assert "chưa được tiếp nhận" in sheet and "Bản sao giấy khai sinh" in sheet
    with time_machine.travel(MON + dt.timedelta(days=3), tick=False):  # Thu: the desk records the papers
        dossier = services.dossier_complete_supplement(dossier=dossier, actor=desk_officer)
    assert dossier.status == Status.SUBMITTED and dossier.received_at is None
    with time_machine.travel(MON + dt.timedelta(days=3, hours=1), tick=False):
        dossier = services.dossier_receive(dossier=dossier, actor=desk_officer)
    # The period counts from the receipt (Thu 05/11 10:00), 7 working days: Fri 06 .. Mon 16/11.
    assert dossier.due_date == dt.date(2026, 11, 16)


def test_first_request_after_receipt_pauses_the_clock_and_the_second_is_the_agencys_fault(
        procedure, desk_officer):
    with time_machine.travel(MON, tick=False):
        dossier = received(procedure, desk_officer)
    assert dossier.due_date == dt.date(2026, 11, 11)  # 7 working days from Mon 02/11
    with time_machine.travel(MON + dt.timedelta(days=1), tick=False):  # Tue 03/11
        assert act(desk_officer, dossier, "request_supplement", missing="Ảnh 3x4").status_code == 200
    dossier.refresh_from_db()
    assert dossier.clock_paused_at is not None and not dossier.is_overdue
    with time_machine.travel(MON + dt.timedelta(days=3), tick=False):  # Thu 05/11: 2 working days waited
        dossier = services.dossier_complete_supplement(dossier=dossier, actor=desk_officer)
    assert dossier.due_date == dt.date(2026, 11, 13) and dossier.paused_days == 2
    with time_machine.travel(MON + dt.timedelta(days=7), tick=False):  # Mon 09/11: a second request
        assert act(desk_officer, dossier, "request_supplement", missing="Bản chính CCCD").status_code == 200
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED and dossier.clock_paused_at is None
    second = DossierEvent.objects.filter(dossier=dossier, action="request_supplement").latest("created_at")
    assert second.data["agency_fault"] is True and second.data["pauses_clock"] is False
    with time_machine.travel(MON + dt.timedelta(days=14), tick=False):  # Mon 16/11: still waiting, now late
        dossier.refresh_from_db()
        assert dossier.is_overdue
        assert Dossier.objects.overdue().filter(pk=dossier.pk).exists()
        dossier = services.dossier_complete_supplement(dossier=dossier, actor=desk_officer)
    assert dossier.due_date == dt.date(2026, 11, 13)  # the second wait moved nothing


def test_the_applicants_request_to_stop_gets_its_stop_notice(client, procedure, desk_officer):
    """Decree 118/2025 art. 21: the stop notice answers the applicant's request to stop (Mẫu 05)."""
    with time_machine.travel(MON, tick=False):
        dossier = received(procedure, desk_officer)
        dossier = services.dossier_withdraw(dossier=dossier, actor=dossier.applicant, reason="Không còn nhu cầu")
    assert dossier.status == Status.WITHDRAWN and dossier.get_status_display() == "Công dân yêu cầu rút hồ sơ"
    client.force_login(desk_officer)
    page = client.get(reverse("desk:dossier", args=[dossier.code])).content.decode()
    assert reverse("desk:print", args=[dossier.code, "dung"]) in page
    notice = client.get(reverse("desk:print", args=[dossier.code, "dung"])).content.decode()
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in notice
    assert "Không còn nhu cầu" in notice and "theo đề nghị của Ông/Bà" in notice
    pdf = client.get(reverse("desk:print_pdf", args=[dossier.code, "dung"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_status_names_are_the_national_portals():
    assert [Status(s).label for s in ("received", "supplement_requested", "withdrawn")] == [
        "Được tiếp nhận", "Yêu cầu bổ sung giấy tờ", "Công dân yêu cầu rút hồ sơ"]
