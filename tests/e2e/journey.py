"""Steps of the browser journey, shared by the journey tests (desktop and phone)."""

import re

from playwright.sync_api import expect

from tests import factories

PASSWORD = "Hà-Tĩnh-2026!"


def pdf_bytes():
    """A tiny but valid one-page PDF (header, catalog, pages, page, xref, trailer)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def birth_registration(agency):
    """The procedure the citizen looks for, with a fee to pay online."""
    return factories.ProcedureFactory(
        code="1.001193", name="Đăng ký khai sinh", agencies=[agency], with_fees=8000,
        form_schema=[
            {"name": "full_name", "label": "Họ và tên người yêu cầu", "type": "text", "required": True},
            {"name": "child_name", "label": "Họ và tên trẻ", "type": "text", "required": True},
            {"name": "birth_date", "label": "Ngày sinh của trẻ", "type": "date", "required": True},
        ],
    )


def register(page, *, name, email, phone):
    page.goto("/")
    page.get_by_role("link", name="Đăng ký", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký tài khoản")
    page.get_by_label("Họ và tên").fill(name)
    page.get_by_label("Thư điện tử").fill(email)
    page.get_by_label("Số điện thoại").fill(phone)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xác nhận đăng ký")
    page.get_by_label("Mã xác nhận (6 chữ số)").fill(registration_code(phone))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_text("Đăng ký tài khoản thành công.")).to_be_visible()


def registration_code(phone):
    """The code the sandbox SMS gateway received for `phone` (what the citizen reads on their phone)."""
    import re

    from dossiers.models import SmsMessage

    text = SmsMessage.objects.filter(phone=phone).order_by("-id").values_list("text", flat=True).first()
    return re.search(r"\b(\d{6})\b", text).group(1)


def open_main_menu(page):
    """On a phone the menu may be collapsed behind a toggle; nothing to do on a desktop."""
    toggle = page.locator("[data-menu-toggle]")
    if toggle.count() and toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def find_and_submit(page, *, pdf_path):
    """Search without accents, fill the wizard, upload a PDF, submit; returns the dossier code."""
    open_main_menu(page)
    page.get_by_role("link", name="Thủ tục", exact=True).click()
    page.get_by_role("searchbox").fill("khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page.get_by_text("Tìm thấy 1 thủ tục.")).to_be_visible()
    page.get_by_role("link", name="Đăng ký khai sinh").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đăng ký khai sinh")
    page.get_by_role("link", name="Nộp trực tuyến").first.click()
    page.get_by_role("button", name="Bắt đầu điền hồ sơ").click()
    expect(page).to_have_url(re.compile(r"/ho-so/[0-9a-f-]+/to-khai/$"))
    page.get_by_label("Họ và tên người yêu cầu").fill("Trần Thị Bình")
    page.get_by_label("Họ và tên trẻ").fill("Nguyễn Trần An")
    page.get_by_label("Ngày sinh của trẻ").fill("2026-10-01")  # the native date picker takes ISO
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page).to_have_url(re.compile(r"/giay-to/$"))
    page.locator("fieldset", has_text="Tờ khai").get_by_label("Chọn tệp").set_input_files(str(pdf_path))
    page.get_by_role("button", name="Tải lên và tiếp tục").click()
    expect(page).to_have_url(re.compile(r"/xem-lai/$"))
    expect(page.locator("main").get_by_text("Nguyễn Trần An")).to_be_visible()
    expect(page.locator("main").get_by_text("8.000 đ", exact=False).first).to_be_visible()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page).to_have_url(re.compile(r"/bien-nhan/$"))
    code = page.locator(".dossier-code").first.inner_text().strip()
    assert re.fullmatch(r"[\w.]+-\d{6}-N?\d{4}", code), code
    return code


def pay_in_sandbox(page, *, code):
    page.get_by_role("link", name="Xem hồ sơ").click()
    page.get_by_role("button", name="Nộp phí trực tuyến").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cổng thanh toán thử nghiệm")
    expect(page.locator("main").get_by_text("8.000 đ", exact=False).first).to_be_visible()
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Biên lai nộp phí, lệ phí")
    expect(page.locator("main")).to_contain_text(code)
    page.get_by_role("link", name="Về hồ sơ").click()
    expect(page.locator("main")).to_contain_text("đã nộp")


def supplement(page, *, code, asked, pdf_path):
    open_main_menu(page)
    page.get_by_role("link", name="Hồ sơ của tôi").click()
    page.get_by_role("link", name=code).click()
    expect(page.locator("main")).to_contain_text(asked)
    page.get_by_role("link", name="Bổ sung hồ sơ").click()
    page.get_by_label("Tải lên giấy tờ bổ sung").set_input_files(str(pdf_path))
    page.get_by_role("button", name="Gửi hồ sơ bổ sung").click()
    expect(page.get_by_text("Đã gửi hồ sơ bổ sung.")).to_be_visible()


def download_result_and_rate(page, *, code, result_name):
    open_main_menu(page)
    page.get_by_role("link", name="Hồ sơ của tôi").click()
    page.get_by_role("link", name=code).click()
    expect(page.locator("main")).to_contain_text("Đã trả kết quả")
    with page.expect_download() as download:
        page.get_by_role("link", name=result_name).click()
    content = open(download.value.path(), "rb").read()
    page.get_by_label("Hài lòng", exact=True).check()
    page.get_by_label("Góp ý (không bắt buộc)").fill("Nhanh, đúng hẹn.")
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_text("Cảm ơn Ông/Bà đã đánh giá.")).to_be_visible()
    return content


def desk_action(page, label, *, fill=None, select=None, files=None):
    """Open one action of the officer's dossier page (a <details> per action) and submit it."""
    box = page.locator("details.desk-action").filter(has=page.locator("summary", has_text=re.compile(f"^{label}$")))
    box.locator("summary").click()
    for field, value in (fill or {}).items():
        box.get_by_label(field).fill(value)
    for field, value in (select or {}).items():
        box.get_by_label(field).select_option(label=value)
    for field, path in (files or {}).items():
        box.get_by_label(field).set_input_files(str(path))
    box.get_by_role("button", name=label, exact=True).click()
    # Done: redirected to the dossier, the queue or the document to print; a refused form stays on /thao-tac/.
    expect(page).not_to_have_url(re.compile(r"/thao-tac/"))


def open_desk_dossier(page, code, *, from_queue=False):
    """The officer's page of the dossier: found in the queue of new dossiers, or opened by its address."""
    if from_queue:
        page.goto("/mot-cua/")
        page.get_by_role("link", name=code, exact=True).first.click()
    else:
        page.goto(f"/mot-cua/ho-so/{code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hồ sơ {code}")


def monitor_recomputes_and_finds(page, *, month, agency_name):
    """The provincial monitor recomputes the month (a real Celery worker does it) and reads the agency's
    row of the dashboard. Returns the row's cells."""
    page.goto(f"/thong-ke/?month={month:%Y-%m}")
    page.get_by_role("button", name="Tính lại tháng này").click()
    expect(page.get_by_text("Đã đưa việc tính lại vào hàng đợi.")).to_be_visible()
    # The progress bar (htmx polls the task) reaches "done"; a loaded machine may take a while.
    expect(page.locator("#task-progress")).to_contain_text("Hoàn tất", timeout=120_000)
    page.goto(f"/thong-ke/?month={month:%Y-%m}")
    row = page.locator("section[aria-labelledby=agency] tbody tr").filter(has_text=agency_name)
    expect(row).to_have_count(1)
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]
