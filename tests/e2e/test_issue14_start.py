"""Issue 14 in Chromium: the Mẫu 01 fields (Circular 03/2025/TT-VPCP, Appendix I: proxy submitter and
authorisation, number of sets, where the result is collected) and submission regardless of administrative
boundaries (không phụ thuộc địa giới hành chính, Decree 118/2025/NĐ-CP) as the citizen (360 px) and the
counter officer (1280 px) meet them."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from dossiers import services
from dossiers.models import Dossier, Status
from tests import factories
from tests.e2e import journey, pages
from tests.e2e.conftest import DESKTOP, SCREENSHOTS
from tests.e2e.test_issue21_citizen import looks_right, phone_page  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("private_media")]

ADDRESS = "Số 12 đường Trần Phú, phường Thành Sen, tỉnh Hà Tĩnh"


def test_citizen_starts_a_boundary_free_procedure_at_another_centre_with_postal_delivery(
        live_server, phone_page, transactional_db):  # noqa: F811
    home = factories.AgencyFactory(name="UBND xã Thạch Hà")
    centre = factories.AgencyFactory(name="Trung tâm Phục vụ hành chính công tỉnh Hà Tĩnh")
    procedure = factories.ProcedureFactory(agencies=[home, centre], boundary_free=True,
                                           name="Cấp bản sao trích lục hộ tịch")
    citizen = factories.UserFactory()
    page = phone_page(citizen)
    page.goto(f"/ho-so/nop/{procedure.code}/")
    page.get_by_label(home.name, exact=True).check()  # the deciding agency
    centres = page.get_by_label("Nộp tại Bộ phận Một cửa (không phụ thuộc địa giới hành chính)")
    # Left empty, the dossier is submitted at the deciding agency: said in words, not Django's "---------".
    expect(centres.locator("option").first).to_have_text("Tại cơ quan giải quyết")
    centres.select_option(label=centre.name)
    page.get_by_label("Qua dịch vụ bưu chính công ích").check()
    page.get_by_label("Địa chỉ nhận kết quả qua bưu chính").fill(ADDRESS)
    looks_right(page)
    page.get_by_role("button", name="Bắt đầu điền hồ sơ").click()
    expect(page).to_have_url(re.compile(r"/ho-so/[0-9a-f-]+/to-khai/$"))
    page.get_by_label("Họ và tên").fill("Trần Thị Bình")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page).to_have_url(re.compile(r"/giay-to/$"))
    dossier = Dossier.objects.get(applicant=citizen)
    services.document_upload(dossier=dossier, actor=citizen, required_document=procedure.documents.get(required=True),
                             uploaded=SimpleUploadedFile("to-khai.pdf", journey.pdf_bytes(), "application/pdf"))
    page.goto(f"/ho-so/{dossier.public_id}/xem-lai/")
    summary = page.locator("main")
    # Plain Vietnamese labels, never the stored values (postal, a primary key).
    expect(summary.locator("dt", has_text="Cơ quan tiếp nhận").locator("+ dd")).to_have_text(centre.name)
    expect(summary.locator("dt", has_text="Cơ quan giải quyết").locator("+ dd")).to_have_text(home.name)
    expect(summary.locator("dt", has_text="Nơi nhận kết quả").locator("+ dd")).to_have_text(
        f"Qua dịch vụ bưu chính công ích: {ADDRESS}")
    assert not re.search(r"\bpostal\b|\bdesk\b|\bonline\b", summary.inner_text())
    looks_right(page, "issue14-review-boundary-free-postal-phone")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page).to_have_url(re.compile(r"/bien-nhan/$"))
    expect(page.locator("main")).to_contain_text(f"Qua dịch vụ bưu chính công ích: {ADDRESS}")
    looks_right(page)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert (dossier.receiving_agency, dossier.deciding_agency) == (centre, home)
    assert (dossier.result_delivery, dossier.result_address) == ("postal", ADDRESS)
    assert dossier.code.startswith(centre.code)


def test_counter_intake_with_a_proxy_and_two_sets_prints_them_on_mau_01(
        live_server, new_page, transactional_db):
    agency = factories.AgencyFactory(name="Trung tâm Phục vụ hành chính công xã Thạch Hà")
    procedure = factories.ProcedureFactory(agencies=[agency], name="Chứng thực bản sao từ bản chính")
    scanned, paper = procedure.documents.get(required=True), procedure.documents.get(required=False)
    officer = factories.officer(agency, "desk_officer")
    desk = new_page(viewport=DESKTOP)
    desk.context.add_cookies([pages.session_cookie(officer, live_server)])
    desk.goto(f"/mot-cua/tiep-nhan/?procedure={procedure.pk}&agency={agency.pk}&channel=counter")
    desk.get_by_label("Họ và tên người nộp").fill("Lê Thị Quầy")
    desk.get_by_label("Số định danh cá nhân", exact=True).fill("042199000321")
    desk.locator("#id_f-full_name").fill("Lê Thị Quầy")
    desk.get_by_label("Người nộp thay (nếu có)").fill("Nguyễn Văn Thay")
    desk.get_by_label("Số định danh người nộp thay").fill("042088000456")
    desk.get_by_label("Văn bản ủy quyền (số, ngày)").fill("Giấy ủy quyền số 15/UQ ngày 01/12/2026")
    desk.get_by_label("Số bộ hồ sơ").fill("2")
    desk.locator(f"#doc_{scanned.pk}").set_input_files(
        files=[{"name": "ban-sao.pdf", "mimeType": "application/pdf", "buffer": journey.pdf_bytes()}])
    desk.locator(f"input[name=paper_{paper.pk}]").check()
    assert desk.evaluate("() => document.documentElement.scrollWidth") <= DESKTOP["width"]
    desk.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    expect(desk).not_to_have_url(re.compile(r"/mot-cua/tiep-nhan/"))
    dossier = Dossier.objects.get()
    assert (dossier.proxy_name, dossier.proxy_id_number, dossier.sets) == ("Nguyễn Văn Thay", "042088000456", 2)
    desk.goto(f"/mot-cua/ho-so/{dossier.code}/in/tiep-nhan/")
    sheet = desk.locator("body")
    expect(sheet).to_contain_text("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    expect(sheet).to_contain_text("Người nộp thay: Nguyễn Văn Thay — Số định danh: 042088000456 — "
                                  "Theo văn bản ủy quyền: Giấy ủy quyền số 15/UQ ngày 01/12/2026")
    expect(sheet).to_contain_text("Số lượng hồ sơ: 2 bộ")
    expect(sheet).to_contain_text(f"Nơi nhận kết quả: Bộ phận Một cửa — {agency.name}")
    assert desk.evaluate("() => document.documentElement.scrollWidth") <= DESKTOP["width"]
    # The QR's caption on one line, not a word a line down the margin (three cells of 50 % squeezed it).
    assert desk.locator(".print-qr small").bounding_box()["height"] < 25
    assert desk.js_errors == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    desk.screenshot(path=str(SCREENSHOTS / "issue14-mau01-proxy-sets.png"), full_page=True)
