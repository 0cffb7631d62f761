"""Finishing touches seen in the browser: error pages, progress on long actions, printable documents."""

import pytest
from playwright.sync_api import expect

from dossiers import services
from tests import factories
from tests.e2e import journey, pages
from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("private_media")]


def test_error_pages_help_the_reader(new_page, transactional_db):
    page = new_page(PHONE)
    response = page.goto("/ho-so/khong-ton-tai/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang")
    expect(page.get_by_role("link", name="Về trang chủ")).to_be_visible()
    # A form sent without its CSRF cookie (opened too long ago, cookies blocked): explained, in Vietnamese.
    page.goto("/tai-khoan/dang-nhap/")
    page.context.clear_cookies()
    page.get_by_label("Thư điện tử hoặc số điện thoại").fill("an@example.vn")
    page.locator("#id_password").fill("mot-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chưa gửi được biểu mẫu")
    expect(page.locator("main")).to_contain_text("tải lại trang rồi gửi lại")


def test_busy_buttons_show_a_spinner_and_the_receipt_prints_without_the_chrome(new_page, live_server, transactional_db):
    agency = factories.AgencyFactory()
    procedure = journey.birth_registration(agency)
    citizen = factories.UserFactory()
    dossier = services.dossier_submit_online(dossier=pages.filled_draft(procedure, agency, citizen), actor=citizen)
    page = new_page()
    page.context.add_cookies([pages.session_cookie(citizen, live_server)])
    page.goto(f"/ho-so/{dossier.public_id}/bien-nhan/")
    expect(page.locator(".dossier-code")).to_have_text(dossier.code)
    # What motcua.js does while a form is sent (upload, recompute, export): the button is busy and spins.
    button = page.get_by_role("button", name="Nộp phí trực tuyến")
    button.evaluate("b => b.setAttribute('aria-busy', 'true')")
    assert button.evaluate("b => getComputedStyle(b, '::after').animationName") == "motcua-spin"
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(button).to_be_hidden()
    expect(page.locator(".dossier-code")).to_be_visible()
    assert len(page.pdf()) > 1000  # Chromium prints it
