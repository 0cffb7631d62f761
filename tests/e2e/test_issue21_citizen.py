"""Issue 21 items 2–8 in Chromium at 360 px (a citizen's phone): each test does what the citizen did and checks
the fixed behaviour, that the page has no horizontal scroll and no serious axe violation. Screenshots in
docs/screenshots/ (README)."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from dossiers import services
from procedures.models import FeeLine, Level
from tests import factories
from tests.dossiers.citizen_helpers import desk_return_result
from tests.e2e import journey, pages
from tests.e2e.conftest import PHONE, SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("private_media")]


@pytest.fixture
def phone_page(browser, live_server):
    """`phone_page(user=None)`: a 360 px page (CSP bypassed so axe can be injected), signed in as `user`."""
    contexts = []

    def make(user=None):
        context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="vi-VN", bypass_csp=True)
        if user is not None:
            context.add_cookies([pages.session_cookie(user, live_server)])
        context.set_default_timeout(8_000)
        contexts.append(context)
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda error: page.js_errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()


def looks_right(page, screenshot=None):
    """No horizontal scroll at 360 px, no serious axe violation, no script error; a screenshot if named."""
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"], page.url
    assert pages.run_axe(page) == [], page.url
    assert page.js_errors == []
    if screenshot:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{screenshot}.png"), full_page=True)


def _draft(procedure, agency, citizen, data):
    draft = services.dossier_start_online(procedure=procedure, agency=agency, applicant=citizen)
    services.dossier_save_form(dossier=draft, actor=citizen, data=data)
    services.document_upload(dossier=draft, actor=citizen, required_document=procedure.documents.get(required=True),
                             uploaded=SimpleUploadedFile("to-khai.pdf", journey.pdf_bytes(), "application/pdf"))
    return draft


def test_item2_copy_certification_fee_follows_its_formula_on_review_and_receipt(
        live_server, phone_page, transactional_db):
    agency = factories.AgencyFactory(name="UBND phường Trần Phú")
    procedure = factories.ProcedureFactory(
        agencies=[agency], name="Chứng thực bản sao từ bản chính",
        form_schema=[{"name": "full_name", "label": "Họ và tên", "type": "text", "required": True},
                     {"name": "pages", "label": "Số trang", "type": "number", "required": True},
                     {"name": "copies", "label": "Số bản sao", "type": "number", "required": True}])
    FeeLine.objects.create(procedure=procedure, name="Phí chứng thực bản sao", amount=2000,
                           basis=FeeLine.Basis.UNIT, unit_label="trang", quantity_field="pages",
                           copies_field="copies", tiered_units=2, amount_after=1000, cap_per_copy=200000)
    citizen = factories.UserFactory()
    draft = _draft(procedure, agency, citizen, {"full_name": "Trần Thị Bình", "pages": 1, "copies": 1})
    page = phone_page(citizen)
    page.goto(f"/ho-so/{draft.public_id}/to-khai/")
    page.get_by_label("Số trang").fill("3")
    page.get_by_label("Số bản sao").fill("2")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.goto(f"/ho-so/{draft.public_id}/xem-lai/")
    fee = page.locator("dd").filter(has=page.locator(".fee-items"))
    expect(fee).to_contain_text("10.000 đ")  # not the flat 2.000 đ
    expect(fee.locator(".fee-items")).to_contain_text("2 trang × 2.000 đ + 1 trang × 1.000 đ")
    expect(fee.locator(".fee-items")).to_contain_text("× 2 bản")
    looks_right(page, "review-fee-formula-phone")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page).to_have_url(re.compile(r"/bien-nhan/$"))
    expect(page.locator(".receipt")).to_contain_text("10.000 đ")
    expect(page.locator(".receipt .fee-items")).to_contain_text("2 trang × 2.000 đ + 1 trang × 1.000 đ")
    looks_right(page)


def test_item3_search_takes_i_for_y_and_a_typo_gets_not_found_with_suggestions(
        live_server, phone_page, transactional_db):
    agency = factories.AgencyFactory()
    journey.birth_registration(agency)
    factories.ProcedureFactory(agencies=[agency], name="Đăng ký kết hôn")
    page = phone_page()
    page.goto("/thu-tuc/")
    page.get_by_role("searchbox").fill("dang ki khai sinh")  # i for y, no accents
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page.get_by_text("Tìm thấy 1 thủ tục.")).to_be_visible()
    expect(page.get_by_role("link", name="Đăng ký khai sinh")).to_be_visible()
    page.get_by_role("searchbox").fill("khai xinh")  # a typo: not a blank area
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page.get_by_role("status")).to_have_text(re.compile("^Không tìm thấy thủ tục phù hợp"))
    expect(page.get_by_text("Có phải bạn muốn tìm:")).to_be_visible()
    suggestion = page.locator("ul.suggestions").get_by_role("link", name="Đăng ký khai sinh")
    expect(suggestion).to_be_visible()
    looks_right(page, "search-not-found-suggestions-phone")
    suggestion.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đăng ký khai sinh")


def test_item4_the_agency_step_suggests_the_own_commune_lists_those_in_force_and_searches(
        live_server, phone_page, transactional_db):
    wards = [factories.AgencyFactory(commune=True, name=f"UBND xã Thử Nghiệm {n:02d}") for n in range(30)]
    old = [factories.AgencyFactory(commune=True, name=f"UBND xã Cũ {n:02d}", valid_until=date(2025, 6, 30))
           for n in range(10)]
    own = factories.AgencyFactory(commune=True, name="UBND xã Yên Hồ")  # last by name: first only as the suggestion
    procedure = factories.ProcedureFactory(agencies=[*wards, *old, own], level=Level.COMMUNE)
    citizen = factories.UserFactory(address_unit=own.area)
    page = phone_page(citizen)
    page.goto(f"/ho-so/nop/{procedure.code}/")
    expect(page.get_by_text("Gợi ý theo nơi cư trú của bạn: UBND xã Yên Hồ.")).to_be_visible()
    radios = page.locator("fieldset .choice:has(input[name='agency'])")  # not the result-delivery choices
    expect(radios).to_have_count(31)  # the 10 communes merged in 2025 are not offered
    expect(radios.first).to_contain_text("UBND xã Yên Hồ")  # the suggestion first, chosen
    expect(page.get_by_label("UBND xã Yên Hồ")).to_be_checked()
    expect(page.get_by_text("UBND xã Cũ 01")).to_have_count(0)
    # The others are folded away: the page is short, the start button in sight.
    expect(page.get_by_label("UBND xã Thử Nghiệm 00")).to_be_hidden()
    assert page.get_by_role("button", name="Bắt đầu điền hồ sơ").bounding_box()["y"] < 2 * PHONE["height"]
    looks_right(page, "agency-choice-suggested-phone")
    page.get_by_text("Chọn cơ quan khác (30)").click()
    expect(page.get_by_label("UBND xã Thử Nghiệm 00")).to_be_visible()
    page.get_by_label("Tìm cơ quan theo tên (xã, phường, sở…)").fill("thu nghiem 07")
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(radios).to_have_count(2)  # the match, and the suggestion kept
    page.get_by_label("UBND xã Thử Nghiệm 07").check()
    page.get_by_role("button", name="Bắt đầu điền hồ sơ").click()
    expect(page).to_have_url(re.compile(r"/to-khai/$"))
    assert citizen.dossiers.get().receiving_agency == wards[7]


def test_item5_review_shows_choice_labels_and_dd_mm_yyyy(live_server, phone_page, transactional_db):
    agency = factories.AgencyFactory()
    procedure = factories.ProcedureFactory(agencies=[agency], form_schema=[
        {"name": "full_name", "label": "Họ và tên", "type": "text", "required": True},
        {"name": "gender", "label": "Giới tính", "type": "choice", "required": True,
         "choices": [["nam", "Nam"], ["nu", "Nữ"]]},
        {"name": "birth_date", "label": "Ngày sinh", "type": "date", "required": True}])
    citizen = factories.UserFactory()
    draft = _draft(procedure, agency, citizen, {"full_name": "Lê Thị Hoa"})
    page = phone_page(citizen)
    page.goto(f"/ho-so/{draft.public_id}/to-khai/")
    page.get_by_label("Giới tính").select_option(label="Nữ")
    page.get_by_label("Ngày sinh").fill("20/11/1990")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.goto(f"/ho-so/{draft.public_id}/xem-lai/")
    form_rows = page.locator("main dl.facts").nth(1)
    expect(form_rows.locator("dt", has_text="Giới tính").locator("xpath=following-sibling::dd[1]")).to_have_text("Nữ")
    expect(form_rows.locator("dt", has_text="Ngày sinh").locator("xpath=following-sibling::dd[1]")).to_have_text(
        "20/11/1990")
    expect(page.locator("main")).not_to_contain_text("1990-11-20")
    looks_right(page, "review-labels-dates-phone")


def test_item6_a_wrong_or_future_date_is_kept_and_named(live_server, phone_page, transactional_db):
    agency = factories.AgencyFactory()
    procedure = factories.ProcedureFactory(agencies=[agency], form_schema=[
        {"name": "full_name", "label": "Họ và tên", "type": "text", "required": True},
        {"name": "birth_date", "label": "Ngày sinh", "type": "date", "required": True, "not_future": True}])
    citizen = factories.UserFactory()
    draft = _draft(procedure, agency, citizen, {"full_name": "Lê Thị Hoa"})
    page = phone_page(citizen)
    page.goto(f"/ho-so/{draft.public_id}/to-khai/")
    field = page.get_by_label("Ngày sinh")
    field.fill("31/02/2026")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page.locator("main")).to_contain_text("“31/02/2026” không phải là ngày hợp lệ")
    expect(field).to_have_value("31/02/2026")  # what was typed stays
    expect(page.locator("main")).not_to_contain_text("Vui lòng nhập “Ngày sinh”")
    next_year = timezone.localdate().year + 1
    field.fill(f"05/01/{next_year}")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page.locator("main")).to_contain_text(f"Ngày 05/01/{next_year} ở tương lai")
    expect(field).to_have_value(f"05/01/{next_year}")
    looks_right(page, "date-error-kept-phone")
    field.fill("20/11/1990")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page).to_have_url(re.compile(r"/giay-to/$"))
    draft.refresh_from_db()
    assert draft.form_data["birth_date"] == "1990-11-20"


def test_item7_the_documents_step_states_the_limit_and_refuses_a_big_file_before_sending(
        live_server, phone_page, transactional_db, settings):
    settings.UPLOAD_MAX_FILE_BYTES = 1024 * 1024
    agency = factories.AgencyFactory()
    procedure = factories.ProcedureFactory(agencies=[agency])
    citizen = factories.UserFactory()
    draft = services.dossier_start_online(procedure=procedure, agency=agency, applicant=citizen)
    services.dossier_save_form(dossier=draft, actor=citizen, data={"full_name": "Lê Thị Hoa"})
    page = phone_page(citizen)
    page.goto(f"/ho-so/{draft.public_id}/giay-to/")
    slot = page.locator("fieldset", has_text="Tờ khai")
    expect(slot).to_contain_text("Tối đa 1 MB mỗi tệp.")  # said beside the field, before any upload
    chooser = slot.get_by_label("Chọn tệp")
    chooser.set_input_files(files=[{"name": "anh-lon.pdf", "mimeType": "application/pdf",
                                    "buffer": b"%PDF-1.4\n" + b"0" * 1_600_000}])
    expect(slot).to_contain_text("Tệp quá lớn")
    assert chooser.evaluate("input => input.files.length") == 0  # nothing will be sent
    looks_right(page, "documents-file-too-big-phone")
    good = {"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": journey.pdf_bytes()}
    for _ in range(2):  # chosen again after sending: still one file in the slot
        page.goto(f"/ho-so/{draft.public_id}/giay-to/")
        page.locator("fieldset", has_text="Tờ khai").get_by_label("Chọn tệp").set_input_files(files=[good])
        page.get_by_role("button", name="Tải lên và tiếp tục").click()
        expect(page).to_have_url(re.compile(r"/xem-lai/$"))
    assert draft.documents.filter(name="Tờ khai").count() == 1


def test_item8_lookup_result_reset_by_sms_and_due_date_from_a_procedure(
        live_server, phone_page, transactional_db, private_media):
    agency = factories.AgencyFactory(name="UBND phường Trần Phú")
    procedure = factories.ProcedureFactory(agencies=[agency], name="Đăng ký khai sinh")
    citizen = factories.UserFactory(full_name="Trần Thị Bình", phone="0987650021")
    dossier = services.dossier_submit_online(
        dossier=_draft(procedure, agency, citizen, {"full_name": "Trần Thị Bình"}), actor=citizen)
    # Look-up by a lowercase code.
    page = phone_page()
    page.goto("/tra-cuu/")
    page.get_by_label("Mã hồ sơ").fill(dossier.code.lower())
    page.get_by_label("Số điện thoại người nộp").fill("+84 987 650 021")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.locator(".lookup-result")).to_contain_text(dossier.code)
    looks_right(page, "lookup-lowercase-phone")
    # The due-date calculator opened from the procedure page: the procedure's time filled in, no red error.
    page.goto(f"/thu-tuc/{procedure.code}/")
    page.get_by_role("link", name="Tính ngày hẹn trả").click()
    expect(page.locator("#result-heading")).to_contain_text("Hẹn trả kết quả")
    expect(page.get_by_label(re.compile("ngày làm việc", re.I))).to_have_value(str(procedure.processing_days))
    expect(page.locator(".error, .errorlist")).to_have_count(0)
    looks_right(page)
    # Password reset: Vietnamese labels, and a code by SMS.
    page.goto("/tai-khoan/quen-mat-khau/")
    expect(page.get_by_label("Thư điện tử đã đăng ký")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Email")
    page.get_by_role("link", name=re.compile("Nhận mã bằng tin nhắn")).click()
    page.get_by_label(re.compile("Số điện thoại")).fill("0987650021")
    page.get_by_role("button", name="Gửi mã").click()
    new = "Mat-khau-moi-2026-an-toan"
    page.get_by_label(re.compile("Mã")).first.fill(journey.registration_code("0987650021"))
    page.locator("input[type=password]").nth(0).fill(new)
    page.locator("input[type=password]").nth(1).fill(new)
    page.get_by_role("button", name="Đặt lại mật khẩu").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/"))
    looks_right(page)
    # A returned dossier's page opens with its result.
    officer = factories.officer(agency, "desk_officer")
    dossier = services.dossier_receive(dossier=dossier, actor=officer)
    desk_return_result(dossier, officer)
    citizen.refresh_from_db()  # the new password: a session of the old one is no longer valid
    page = phone_page(citizen)
    page.goto(f"/ho-so/{dossier.public_id}/")
    result = page.get_by_role("link", name="ket-qua.pdf")
    expect(result).to_be_visible()
    assert result.bounding_box()["y"] < page.locator("dl.facts").bounding_box()["y"]
    assert result.bounding_box()["y"] < PHONE["height"]  # seen without scrolling
    looks_right(page, "dossier-result-first-phone")
