"""The public statistics page on a phone (issue 21 item 16): at 360 px it leads with the province's
figures, a visitor finds their commune by typing its name without accents, there is no horizontal
scrolling and no 48,000 px table (20 units a page); no accessibility fault (axe-core); a screenshot
for docs/open-data.md."""

from datetime import date

import pytest
from playwright.sync_api import expect

from procedures.models import Level
from reports import services
from reports.models import MonthlyAgencyStat
from tests import factories
from tests.e2e import pages
from tests.e2e.conftest import PHONE, SCREENSHOTS

pytestmark = [pytest.mark.e2e]
MONTH = date(2025, 3, 1)


def test_public_page_on_a_phone_finds_a_commune(browser, live_server, new_page, transactional_db):
    province = factories.AgencyFactory(name="Sở Tư pháp")
    MonthlyAgencyStat.objects.create(month=MONTH, agency=province, level=Level.PROVINCE, received=420,
                                     received_online=250, completed=400, completed_on_time=390)
    for n in range(60):
        commune = factories.AgencyFactory(name=f"Trung tâm Phục vụ hành chính công xã Thạch {n:02d}",
                                          level=Level.COMMUNE)
        MonthlyAgencyStat.objects.create(month=MONTH, agency=commune, level=Level.COMMUNE, received=30 + n,
                                         received_online=10 + n, completed=20, completed_on_time=18)
    services.month_publish(month=MONTH, actor=None)

    page = new_page(viewport=PHONE)
    page.goto("/cong-khai/")
    expect(page.get_by_role("heading", name="Toàn tỉnh, tháng 03/2025")).to_be_visible()
    assert page.locator(".public-unit").count() == 20
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate("() => document.documentElement.scrollHeight") < 12_000
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "public-statistics-phone.png"))

    page.get_by_role("searchbox", name="Tìm cơ quan, xã, phường").fill("thach 07")
    page.get_by_role("button", name="Tìm").click()
    expect(page.locator(".public-unit")).to_have_count(1)
    expect(page.locator(".public-unit h3")).to_have_text("Trung tâm Phục vụ hành chính công xã Thạch 07")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    context = browser.new_context(viewport=PHONE, base_url=live_server.url, bypass_csp=True)
    try:
        checked = context.new_page()
        checked.goto("/cong-khai/")
        assert pages.run_axe(checked) == []
        checked.goto("/cong-khai/du-lieu/")
        assert pages.run_axe(checked) == []
    finally:
        context.close()
