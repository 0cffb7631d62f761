"""Issue 21 items 10 and 11 in Chromium at 1280 px: an officer signs in and lands on the desk queue, finds a
returned dossier from the default tab by the end of its code and by the applicant's name, and opens a dossier
page whose actions come before the applicant and the (lazily loaded) document previews."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.dossiers.citizen_helpers import desk_return_result
from tests.dossiers.desk_helpers import received, submitted
from tests.e2e import pages
from tests.e2e.conftest import DESKTOP, SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("private_media")]


def test_items10_11_officer_lands_on_the_queue_finds_a_returned_dossier_and_sees_actions_first(
        live_server, browser, transactional_db):
    agency = factories.AgencyFactory(name="UBND phường Trần Phú")
    procedure = factories.ProcedureFactory(agencies=[agency], name="Đăng ký khai sinh")
    officer = factories.officer(agency, "desk_officer")
    done = received(procedure, officer, applicant=factories.UserFactory(full_name="Lê Văn Trả"))
    done, _result = desk_return_result(done, officer)
    assert done.status == "returned"
    waiting = submitted(procedure, applicant=factories.UserFactory(full_name="Phan Thị Chờ"))  # the "new" tab
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="vi-VN", bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Thư điện tử hoặc số điện thoại").fill(officer.email)
    page.get_by_label("Mật khẩu").fill(factories.PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{live_server.url}/mot-cua/")  # the desk queue, not the citizen home page
    expect(page.locator("table.desk-queue")).to_contain_text(waiting.code)
    expect(page.locator("table.desk-queue")).not_to_contain_text(done.code)  # returned: not in this tab
    for typed in (done.code.rsplit("-", 1)[-1], "Lê Văn Trả"):  # the end of the code as printed; a name
        if page.locator("details.desk-filters").get_attribute("open") is None:
            page.locator("summary", has_text="Tìm kiếm và lọc").click()
        page.get_by_label("Tìm theo mã hồ sơ, họ tên, số định danh, điện thoại").fill(typed)
        page.get_by_role("button", name="Lọc").click()
        expect(page.locator("table.desk-queue").get_by_role("link", name=done.code, exact=True)).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= DESKTOP["width"]
    assert pages.run_axe(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "desk-search-returned.png"))
    page.goto(f"/mot-cua/ho-so/{waiting.code}/")
    actions, docs = page.locator("#h-actions"), page.locator("#h-docs")
    expect(actions).to_be_visible()
    assert actions.bounding_box()["y"] < page.locator("#h-applicant").bounding_box()["y"] < docs.bounding_box()["y"]
    assert actions.bounding_box()["y"] < DESKTOP["height"]  # in sight on arrival
    assert pages.run_axe(page) == []
    context.close()
