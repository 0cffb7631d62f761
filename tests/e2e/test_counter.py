"""The counter in Chromium (issue 19): the kiosk at a tablet's size issues a ticket, the call display at a
TV's size shows the call of an officer without a reload, both without accessibility faults (axe-core);
screenshots for docs/counter.md."""

import pytest
from playwright.sync_api import expect

from dossiers import services
from dossiers.counter import ServicePoint, Ticket
from tests import factories
from tests.e2e import pages
from tests.e2e.conftest import PHONE, SCREENSHOTS

pytestmark = [pytest.mark.e2e]

TABLET = {"width": 1024, "height": 768}
TV = {"width": 1920, "height": 1080}


def _axe(browser, live_server, url, viewport):
    """axe-core is injected as a script tag, so it runs in a context that bypasses the page's CSP."""
    context = browser.new_context(viewport=viewport, base_url=live_server.url, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(url)
        return pages.run_axe(page)
    finally:
        context.close()


def test_kiosk_ticket_and_a_call_seen_on_the_display_without_reload(browser, live_server, new_page, transactional_db):
    agency = factories.AgencyFactory(name="Trung tâm Phục vụ hành chính công huyện Thử Nghiệm")
    procedure = factories.ProcedureFactory(agencies=[agency])
    counter = ServicePoint.objects.create(agency=agency, number=4)
    officer = factories.officer(agency, "desk_officer")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    kiosk = new_page(viewport=TABLET)
    kiosk.goto(f"/quay/{agency.code}/lay-so/")
    assert _axe(browser, live_server, f"/quay/{agency.code}/lay-so/", TABLET) == []
    kiosk.screenshot(path=str(SCREENSHOTS / "counter-kiosk.png"))
    kiosk.get_by_role("button", name=procedure.field.name).click()
    expect(kiosk.locator(".ticket-number")).to_have_text("001")
    assert _axe(browser, live_server, kiosk.url, TABLET) == []
    kiosk.screenshot(path=str(SCREENSHOTS / "counter-ticket.png"))

    display = new_page(viewport=TV)
    display.goto(f"/quay/{agency.code}/man-hinh/")
    expect(display.get_by_text("Chưa gọi số nào.")).to_be_visible()
    display.evaluate("() => { window.notReloaded = true; }")
    services.ticket_call_next(counter=counter, actor=officer)
    expect(display.locator("tr.latest")).to_contain_text("001", timeout=10_000)
    expect(display.locator("tr.latest td").nth(1)).to_have_text("4")
    assert display.evaluate("() => window.notReloaded") is True  # updated in place by htmx polling
    assert display.js_errors == []  # htmx ran under the real CSP (script-src 'self')
    assert _axe(browser, live_server, f"/quay/{agency.code}/man-hinh/", TV) == []
    display.screenshot(path=str(SCREENSHOTS / "counter-display.png"))
    assert Ticket.objects.get().status == Ticket.State.CALLED

    small = new_page(viewport=PHONE)
    small.goto(f"/quay/{agency.code}/man-hinh/")
    width = small.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # no horizontal scrolling at 360 px
