"""The whole journey in a real browser: citizen, one-stop desk, leader, provincial monitor."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dossiers.models import Dossier, Status
from tests import factories
from tests.e2e import journey, pages
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("private_media")]


def staff_page(new_page, viewport, live_server, user):
    page = new_page(viewport)
    page.context.add_cookies([pages.session_cookie(user, live_server)])
    return page


@pytest.mark.xdist_group("celery")
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_whole_journey_from_registration_to_rating(request, new_page, viewport, live_server, tmp_path,
                                                   transactional_db):
    """Citizen, desk officer, specialist, leader and provincial monitor, each in their own browser context.
    On the desktop the monitor then recomputes the month with a real Celery worker."""
    agency = factories.AgencyFactory(name="UBND phường Trần Phú")
    journey.birth_registration(agency)
    officer = factories.officer(agency, "desk_officer")
    specialist = factories.officer(agency, "specialist", factories.UserFactory(full_name="Lê Văn Chuyên"))
    leader = factories.officer(agency, "leader")
    pdf = tmp_path / "to-khai-khai-sinh.pdf"
    pdf.write_bytes(journey.pdf_bytes())
    result_pdf = tmp_path / "trich-luc-khai-sinh.pdf"
    result_pdf.write_bytes(journey.pdf_bytes())

    citizen = new_page(viewport)
    journey.register(citizen, name="Trần Thị Bình", email="binh@example.vn", phone="0912345678")
    code = journey.find_and_submit(citizen, pdf_path=pdf)
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == Status.SUBMITTED and dossier.applicant.email == "binh@example.vn"
    journey.pay_in_sandbox(citizen, code=code)
    dossier.refresh_from_db()
    assert dossier.fee_paid_at is not None

    desk = staff_page(new_page, viewport, live_server, officer)
    journey.open_desk_dossier(desk, code, from_queue=True)
    journey.desk_action(desk, "Tiếp nhận")
    expect(desk.locator("main")).to_contain_text("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    # Receipt gives the code proper, dated on the day of receipt (issue 14); the submission number
    # the citizen was given first stays as `submission_code`.
    dossier.refresh_from_db()
    assert dossier.submission_code == code and re.fullmatch(r"[\w.]+-\d{6}-\d{4}", dossier.code)
    code = dossier.code
    journey.open_desk_dossier(desk, code)
    journey.desk_action(desk, "Yêu cầu bổ sung",
                        fill={"Giấy tờ cần bổ sung (mỗi dòng một giấy tờ)": "Bản sao giấy chứng sinh"})
    journey.supplement(citizen, code=code, asked="Bản sao giấy chứng sinh", pdf_path=pdf)
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED

    journey.open_desk_dossier(desk, code)
    journey.desk_action(desk, "Phân công xử lý", select={"Chuyên viên xử lý": "Lê Văn Chuyên"})
    expert = staff_page(new_page, viewport, live_server, specialist)
    journey.open_desk_dossier(expert, code)
    journey.desk_action(expert, "Tải lên kết quả", files={"Tệp kết quả (PDF, JPG, PNG)": result_pdf})
    journey.desk_action(expert, "Trình phê duyệt")
    boss = staff_page(new_page, viewport, live_server, leader)
    journey.open_desk_dossier(boss, code)
    journey.desk_action(boss, "Phê duyệt")
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSED
    journey.open_desk_dossier(desk, code)
    journey.desk_action(desk, "Trả kết quả")
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED

    content = journey.download_result_and_rate(citizen, code=code, result_name="trich-luc-khai-sinh.pdf")
    # The leader's approval signed it (issue 18): PAdES appends the signature to the uploaded file.
    assert content.startswith(result_pdf.read_bytes()) and b"/ByteRange" in content
    dossier.refresh_from_db()
    assert dossier.rating.value == "satisfied"
    assert citizen.js_errors == [] and desk.js_errors == []
    if viewport is PHONE:
        return  # the monitor's dashboard is a desktop tool; the worker starts once per run

    request.getfixturevalue("celery_worker_process")
    monitor = staff_page(new_page, viewport, live_server, factories.monitor())
    cells = journey.monitor_recomputes_and_finds(monitor, month=timezone.localdate(), agency_name="UBND phường Trần Phú")
    received, online_self, assisted = cells[0:3]
    assert (received, online_self, assisted) == ("1", "1", "0"), cells
    assert monitor.js_errors == []
