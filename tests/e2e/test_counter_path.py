"""The counter's whole path in Chromium (issue 19, "Done means"): the kiosk issues a ticket, the officer calls
it from the counter page while the display updates without reload, serving it opens counter intake, the
dossier is taken in, the service is finished and the citizen rates it on the counter's tablet; the rating is
the dossier's, and the month's counter figures show on the dashboard. Screenshots for the README."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from dossiers.counter import DeskRating, ServicePoint, Ticket
from dossiers.models import Dossier, Rating
from reports import services as report_services
from tests import factories
from tests.e2e import journey, pages
from tests.e2e.conftest import DESKTOP, SCREENSHOTS

pytestmark = [pytest.mark.e2e]

TABLET = {"width": 1024, "height": 768}
TV = {"width": 1920, "height": 1080}


def _signed_in(new_page, live_server, user, viewport):
    page = new_page(viewport=viewport)
    page.context.add_cookies([pages.session_cookie(user, live_server)])
    return page


def test_kiosk_call_intake_and_rating_at_the_desk(browser, live_server, new_page, transactional_db, private_media):
    agency = factories.AgencyFactory(name="Trung tâm Phục vụ hành chính công xã Thạch Hà")
    procedure = factories.ProcedureFactory(agencies=[agency], name="Chứng thực bản sao từ bản chính")
    scanned, paper = procedure.documents.get(required=True), procedure.documents.get(required=False)
    counter = ServicePoint.objects.create(agency=agency, number=2)
    officer = factories.officer(agency, "desk_officer")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    kiosk = new_page(viewport=TABLET)
    kiosk.goto(f"/quay/{agency.code}/lay-so/")
    kiosk.get_by_role("button", name=procedure.field.name).click()
    expect(kiosk.locator(".ticket-number")).to_have_text("001")

    display = new_page(viewport=TV)
    display.goto(f"/quay/{agency.code}/man-hinh/")
    display.evaluate("() => { window.notReloaded = true; }")

    desk = _signed_in(new_page, live_server, officer, DESKTOP)
    desk.goto(f"/mot-cua/quay/{counter.pk}/")
    desk.get_by_role("button", name="Gọi số tiếp theo").click()
    expect(desk.locator(".ticket-number")).to_have_text("001")
    expect(display.locator("tr.latest")).to_contain_text("001", timeout=10_000)
    assert display.evaluate("() => window.notReloaded") is True
    desk.screenshot(path=str(SCREENSHOTS / "counter-officer.png"), full_page=True)

    desk.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(desk).to_have_url(re.compile(r"/mot-cua/tiep-nhan/"))
    desk.locator("select[name=procedure]").select_option(str(procedure.pk))  # a walk-in's ticket names a field
    desk.get_by_role("button", name="Tiếp tục").click()
    desk.get_by_label("Họ và tên người nộp").fill("Lê Thị Quầy")
    desk.get_by_label("Số định danh cá nhân", exact=True).fill("042199000321")
    desk.locator("#id_f-full_name").fill("Lê Thị Quầy")
    desk.locator(f"#doc_{scanned.pk}").set_input_files(
        files=[{"name": "ban-sao.pdf", "mimeType": "application/pdf", "buffer": journey.pdf_bytes()}])
    desk.locator(f"input[name=paper_{paper.pk}]").check()
    desk.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    expect(desk).not_to_have_url(re.compile(r"/mot-cua/tiep-nhan/"))
    dossier = Dossier.objects.get()
    assert Ticket.objects.get().dossier_id == dossier.pk

    desk.goto(f"/mot-cua/quay/{counter.pk}/")
    desk.get_by_role("button", name="Kết thúc").click()
    expect(desk.get_by_role("button", name="Gọi số tiếp theo")).to_be_visible()

    tablet = new_page(viewport=TABLET)
    tablet.goto(reverse("counter_rating", args=[agency.code, counter.number]))
    expect(tablet.get_by_text("Số thứ tự 001")).to_be_visible()
    tablet.get_by_label("Rất hài lòng").check()
    tablet.screenshot(path=str(SCREENSHOTS / "counter-rating.png"))
    tablet.get_by_role("button", name="Gửi đánh giá").click()
    expect(tablet.get_by_role("heading", level=1)).to_be_visible()
    assert DeskRating.objects.get().value == "very_satisfied"
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.value, rating.source) == ("satisfied", "desk")
    for page in (kiosk, display, desk, tablet):
        assert page.js_errors == []

    report_services.month_compute(month=timezone.localdate().replace(day=1))
    monitor = _signed_in(new_page, live_server, factories.monitor(), DESKTOP)
    monitor.goto(f"/thong-ke/?month={timezone.localdate():%Y-%m}#counter-title")
    table = monitor.locator("table.counter-table")
    expect(table).to_contain_text(agency.name)
    table.scroll_into_view_if_needed()
    table.screenshot(path=str(SCREENSHOTS / "dashboard-counter.png"))
    monitor.locator("table.counter-table tbody a").first.click()
    expect(monitor.locator("table.stats-table tbody")).to_contain_text("001")
