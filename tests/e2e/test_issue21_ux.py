"""Issue 21 items 1, 7, 9 and 13 in Chromium: the citizen's supplement at 360 px (the papers asked for, one
upload each, a file too big refused beside its field before sending, a file chosen again not stored twice),
the counter intake at 1280 px keeping its scan and paper-only tick across an error, and the centre's
dashboard (computed at, recompute, a rate opening its numerator and denominator). Screenshots for the README."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dossiers import services
from dossiers.models import Dossier, Status
from reports import services as report_services
from tests import factories
from tests.e2e import journey, pages
from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS
from tests.reports.conftest import at, make_dossier

pytestmark = [pytest.mark.e2e]

MISSING = ["Bản sao giấy chứng sinh", "Giấy xác nhận cư trú của người mẹ"]


def _signed_in(new_page, live_server, user, viewport):
    page = new_page(viewport=viewport)
    page.context.add_cookies([pages.session_cookie(user, live_server)])
    return page


def _no_horizontal_scroll(page, width):
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_supplement_lists_the_papers_each_with_its_upload_at_360px(
        live_server, new_page, transactional_db, private_media, settings):
    settings.UPLOAD_MAX_FILE_BYTES = 1024 * 1024
    agency = factories.AgencyFactory(name="UBND phường Trần Phú")
    procedure = journey.birth_registration(agency)
    citizen = factories.UserFactory(full_name="Trần Thị Bình")
    dossier = services.dossier_submit_online(dossier=pages.filled_draft(procedure, agency, citizen), actor=citizen)
    officer = factories.officer(agency, "desk_officer")
    dossier = services.dossier_receive(dossier=dossier, actor=officer)
    services.dossier_request_supplement(dossier=dossier, actor=officer, missing=MISSING,
                                        reason="Thiếu giấy tờ chứng minh nơi sinh")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page = _signed_in(new_page, live_server, citizen, PHONE)
    page.goto(f"/ho-so/{dossier.public_id}/")
    for name in MISSING:
        expect(page.locator("ul.missing")).to_contain_text(name)
    page.get_by_role("link", name=f"Tải lên {MISSING[1]}").click()
    expect(page).to_have_url(f"{live_server.url}/ho-so/{dossier.public_id}/bo-sung/#slot-2")
    expect(page.locator("#slot-1 legend")).to_have_text(f"1. {MISSING[0]}")
    expect(page.locator("#slot-1 .help")).to_contain_text("Tối đa 1 MB mỗi tệp. Một tệp; tệp chọn sau thay tệp đã tải lên.")

    # Item 7: a file over the limit is refused beside its field, before anything is sent.
    page.locator("#id_slot_1").set_input_files(files=[{"name": "anh-chup-lon.pdf", "mimeType": "application/pdf",
                                                       "buffer": b"%PDF-1.4\n" + b"0" * 1_600_000}])
    expect(page.locator("#id_slot_1_toobig")).to_contain_text("Tệp quá lớn")
    expect(page.locator("#id_slot_1_toobig")).to_contain_text("anh-chup-lon.pdf")
    assert page.eval_on_selector("#id_slot_1", "input => input.files.length") == 0
    page.locator("#slot-1").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "supplement-file-too-big-phone.png"))

    good = {"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": journey.pdf_bytes()}
    for _ in range(2):  # chosen, sent, chosen again and sent again: still one file in the slot
        page.locator("#id_slot_1").set_input_files(files=[good])
        expect(page.locator("#id_slot_1_toobig")).to_have_count(0)
        page.get_by_role("button", name="Tải lên", exact=True).click()
        expect(page.locator("#slot-1 .attached")).to_have_count(1)
    expect(page.locator("ul.missing li").first).to_contain_text("đã tải lên")
    expect(page.get_by_text("Còn 1 giấy tờ chưa tải lên.")).to_be_visible()
    assert dossier.documents.filter(is_supplement=True, name=MISSING[0]).count() == 1
    _no_horizontal_scroll(page, PHONE["width"])
    page.screenshot(path=str(SCREENSHOTS / "supplement-slots-phone.png"), full_page=True)
    assert page.js_errors == []


def test_counter_intake_keeps_the_scan_and_the_paper_tick_across_an_error_at_1280px(
        live_server, new_page, transactional_db, private_media):
    agency = factories.AgencyFactory(name="Trung tâm Phục vụ hành chính công phường Trần Phú")
    procedure = factories.ProcedureFactory(agencies=[agency], name="Chứng thực bản sao từ bản chính")
    scanned, paper = procedure.documents.get(required=True), procedure.documents.get(required=False)
    officer = factories.officer(agency, "desk_officer")
    page = _signed_in(new_page, live_server, officer, DESKTOP)
    page.goto(f"/mot-cua/tiep-nhan/?procedure={procedure.pk}&agency={agency.pk}&channel=counter")
    page.get_by_label("Họ và tên người nộp").fill("Trần Văn Quầy")
    page.get_by_label("Số định danh cá nhân", exact=True).fill("04209900")  # too short: refused by the server
    page.locator("#id_f-full_name").fill("Trần Văn Quầy")
    page.locator(f"#doc_{scanned.pk}").set_input_files(
        files=[{"name": "to-khai-quet.pdf", "mimeType": "application/pdf", "buffer": journey.pdf_bytes()}])
    page.locator(f"input[name=paper_{paper.pk}]").check()
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    expect(page.get_by_text("Số định danh cá nhân gồm 12 chữ số.")).to_be_visible()
    expect(page.locator(f"#doc_{scanned.pk}_kept")).to_contain_text("Đã giữ tệp quét: to-khai-quet.pdf")
    expect(page.locator(f"input[name=paper_{paper.pk}]")).to_be_checked()
    _no_horizontal_scroll(page, DESKTOP["width"])
    page.locator(f"#doc_{scanned.pk}_kept").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "counter-intake-kept-scan.png"))

    page.get_by_label("Số định danh cá nhân", exact=True).fill("042099000123")
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    expect(page).to_have_url(re.compile(r"/tiep-nhan/?$|/in/|tiep-nhan$"))
    dossier = Dossier.objects.get()
    assert dossier.status == Status.RECEIVED
    assert sorted(dossier.documents.values_list("source", "original_name")) == [
        ("paper", ""), ("scanned", "to-khai-quet.pdf")]
    assert page.js_errors == []


def test_dashboard_computed_at_recompute_and_a_rate_opening_its_parts_at_1280px(
        live_server, new_page, transactional_db):
    agency = factories.AgencyFactory(name="Sở Tư pháp")
    procedure = factories.ProcedureFactory(agencies=[agency])
    today = timezone.localdate()
    last = (today.replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
    day = f"{last:%Y-%m}-05"
    for returned in (17, 18, 19, 24):  # due on the 20th: three on time, one late
        make_dossier(procedure=procedure, agency=agency, status="returned", channel="online", online_mode="full",
                     received_at=at(day), due_date=last.replace(day=20),
                     returned_at=at(f"{last:%Y-%m}-{returned}"), closed_at=at(f"{last:%Y-%m}-25"),
                     documents=["uploaded"])
    report_services.month_compute(month=last)
    page = _signed_in(new_page, live_server, factories.monitor(), DESKTOP)
    page.goto(f"/thong-ke/?month={last:%Y-%m}")
    expect(page.locator(".computed-at")).to_contain_text("Số liệu tính lúc")
    expect(page.get_by_role("button", name="Tính lại tháng này")).to_be_visible()
    # Summary and actions above the tables.
    top = page.get_by_role("button", name="Tạo báo cáo tháng").bounding_box()["y"]
    assert top < page.locator("section[aria-labelledby=agency]").bounding_box()["y"]
    page.screenshot(path=str(SCREENSHOTS / "dashboard-summary-first.png"))
    tile = page.locator(".kpi-tile").filter(has_text="Tỷ lệ giải quyết đúng hạn")
    expect(tile.locator(".kpi-value")).to_have_text("75,0%")
    tile.locator(".kpi-value").click()
    expect(page.locator("#rate-title")).to_have_text("Tỷ lệ giải quyết đúng hạn: 75,0%")
    expect(page.locator("tbody tr")).to_have_count(3)
    expect(page.locator(".computed-at")).to_contain_text("Danh sách như lúc tính số liệu")
    page.screenshot(path=str(SCREENSHOTS / "dashboard-rate-parts.png"))
    page.get_by_role("link", name="Mẫu số: Đã giải quyết (4)").click()
    expect(page.locator("tbody tr")).to_have_count(4)
    page.get_by_role("link", name="Không đạt: Giải quyết quá hạn (1)").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    assert page.js_errors == []
