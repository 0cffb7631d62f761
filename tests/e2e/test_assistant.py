"""The virtual assistant (/tro-ly/, issue 21 item 17) in real Chromium on a 360 px phone: a question in everyday
words gives the procedure with what to bring, where, how long, how much and a button to start; an unknown
question says so and leads to the catalogue search; without JavaScript the plain form gives the same answer."""

import pytest
from playwright.sync_api import expect

from procedures.services import assistant_terms_seed, catalogue_seed_demo
from tests import factories
from tests.e2e.conftest import PHONE, SCREENSHOTS

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def demo_catalogue(transactional_db):
    factories.AgencyFactory(commune=True, name="UBND phường Trần Phú")
    catalogue_seed_demo()
    assistant_terms_seed()  # the flush between browser tests empties what the migration seeded


def no_sideways_scroll(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_a_citizen_asks_in_everyday_words_on_a_phone(new_page, demo_catalogue):
    page = new_page(PHONE)
    page.goto("/")
    page.get_by_role("link", name="Trợ lý ảo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trợ lý ảo")
    page.get_by_label("Bạn cần làm thủ tục gì?").fill("tôi muốn làm giấy khai sinh cho con")
    page.get_by_role("button", name="Hỏi").click()
    best = page.locator(".assistant-suggestion").first
    expect(best.get_by_role("heading", level=3)).to_have_text("Đăng ký khai sinh")
    for fact in ("Cần mang theo", "Nộp ở đâu", "Mất bao lâu", "Hết bao nhiêu"):
        expect(best.locator("dt", has_text=fact)).to_be_visible()
    expect(best).to_contain_text("Tờ khai đăng ký khai sinh theo mẫu")
    expect(best).to_contain_text("UBND phường Trần Phú")
    expect(best).to_contain_text("1 ngày làm việc")
    start = best.get_by_role("link", name="Bắt đầu nộp hồ sơ: Đăng ký khai sinh")
    expect(start).to_have_attribute("href", "/ho-so/nop/1.001193/")
    assert no_sideways_scroll(page)
    assert page.js_errors == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "assistant.png"), full_page=False)

    # Synonyms and no accents: "bằng lái" is "giấy phép lái xe".
    page.get_by_label("Bạn cần làm thủ tục gì?").fill("doi bang lai xe het han")
    page.get_by_role("button", name="Hỏi").click()
    expect(page.locator(".assistant-suggestion").first.get_by_role("heading", level=3)).to_have_text(
        "Đổi giấy phép lái xe do ngành Giao thông vận tải cấp"
    )
    expect(page.locator(".assistant-understood")).to_contain_text("giấy phép lái xe")

    # A question about something else: "không tìm thấy" and the catalogue search.
    page.get_by_label("Bạn cần làm thủ tục gì?").fill("giá vàng hôm nay bao nhiêu")
    page.get_by_role("button", name="Hỏi").click()
    expect(page.get_by_role("status")).to_contain_text("Không tìm thấy thủ tục phù hợp với câu hỏi.")
    assert no_sideways_scroll(page)
    page.get_by_role("link", name="Tìm trong danh mục thủ tục").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thủ tục hành chính")
    assert "/thu-tuc/?q=" in page.url


def test_the_assistant_works_without_javascript(browser, live_server, demo_catalogue):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/tro-ly/")
    page.get_by_label("Bạn cần làm thủ tục gì?").fill("xin lý lịch tư pháp")
    page.get_by_label("Bạn cần làm thủ tục gì?").press("Enter")
    expect(page.locator(".assistant-suggestion").first.get_by_role("heading", level=3)).to_contain_text(
        "Cấp Phiếu lý lịch tư pháp"
    )
    assert "/tro-ly/?q=" in page.url
    context.close()
