"""Booking an appointment at the counter on a 360 px phone in Chromium (issue 19 item 1): the centre and day,
a time, the confirmation with its QR code; no horizontal scrolling and no accessibility faults (axe-core);
a screenshot for docs/counter.md."""

import pytest
from playwright.sync_api import expect

from dossiers.appointments import Appointment
from dossiers.counter import ServicePoint
from tests import factories
from tests.e2e import pages
from tests.e2e.conftest import PHONE, SCREENSHOTS

pytestmark = [pytest.mark.e2e]


def _axe(browser, live_server, url, cookie):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, bypass_csp=True)
    try:
        context.add_cookies([cookie])
        page = context.new_page()
        page.goto(url)
        return pages.run_axe(page)
    finally:
        context.close()


def test_a_citizen_books_a_slot_on_a_phone_and_sees_the_qr_confirmation(browser, live_server, new_page,
                                                                         transactional_db):
    agency = factories.AgencyFactory(name="Trung tâm Phục vụ hành chính công phường Thử Nghiệm")
    procedure = factories.ProcedureFactory(agencies=[agency])
    ServicePoint.objects.create(agency=agency, number=1, appointments_per_slot=2)
    citizen = factories.UserFactory()
    cookie = pages.session_cookie(citizen, live_server)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page = new_page(viewport=PHONE)
    page.context.add_cookies([cookie])
    page.goto(f"/lich-hen/dat/{procedure.code}/")
    page.get_by_label("Ngày").select_option(index=1)
    page.get_by_role("button", name="Xem giờ còn trống").click()
    first = page.locator(".slot-grid label.slot").first
    expect(first).to_contain_text("còn 2 chỗ")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert _axe(browser, live_server, page.url, cookie) == []
    page.screenshot(path=str(SCREENSHOTS / "appointment-slots.png"), full_page=True)
    first.click()
    page.get_by_role("button", name="Đặt lịch").click()

    expect(page.get_by_role("heading", name="Xác nhận lịch hẹn")).to_be_visible()
    appointment = Appointment.objects.get()
    expect(page.locator(".appointment-code")).to_have_text(appointment.code)
    expect(page.get_by_role("img", name=f"Mã QR của lịch hẹn {appointment.code}")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.js_errors == []
    assert _axe(browser, live_server, page.url, cookie) == []
    page.screenshot(path=str(SCREENSHOTS / "appointment-confirmation.png"), full_page=True)
