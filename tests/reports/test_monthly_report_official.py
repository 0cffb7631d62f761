"""The monthly report to the province is an official document (issue 21 item 14): letterhead, number
and date, the targets met and missed first, the director's signature block, the tables in an appendix.

Form of an administrative document: Decree 30/2020/NĐ-CP art. 8 and Appendix I (Quốc hiệu and Tiêu
ngữ, issuing body, "Số: …/BC-…", place and date, type and summary, content, signer, recipients).
"""

import datetime as dt
import io
import re
from datetime import date

import pytest
import time_machine
from pypdf import PdfReader

from reports import selectors, services
from reports.models import MonthlyReport

ISSUED = dt.datetime(2025, 4, 7, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture
def computed(structure, march):
    services.month_compute(month=date(2025, 2, 1))
    services.month_compute(month=date(2025, 3, 1))
    return structure


def build(month, monitor, when=ISSUED):
    with time_machine.travel(when, tick=False):
        report = MonthlyReport.objects.create(month=month, created_by=monitor)
        return services.monthly_report_build(report_id=report.pk)


def pages(report):
    reader = PdfReader(io.BytesIO(report.pdf.read()))
    return [(" ".join(page.extract_text().split()), float(page.mediabox.width), float(page.mediabox.height))
            for page in reader.pages]


def test_the_pdf_is_an_official_report_with_the_summary_first_and_the_tables_in_an_appendix(
        computed, monitor, settings):
    settings.REPORT_LETTERHEAD = {**settings.REPORT_LETTERHEAD, "signer_name": "Lê Văn Giám"}
    report = build(date(2025, 3, 1), monitor)
    assert (report.number, report.number_year, report.issued_on) == (1, 2025, date(2025, 4, 7))
    printed = pages(report)
    first, width, height = printed[0]
    assert width < height  # the report itself is portrait A4
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "Độc lập - Tự do - Hạnh phúc" in first
    assert "UBND TỈNH HÀ TĨNH" in first and "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" in first
    assert "Số: 1/BC-TTPVHCC" in first
    assert "Hà Tĩnh, ngày 07 tháng 04 năm 2025" in first
    assert "BÁO CÁO" in first and "tháng 03/2025" in first
    # The summary comes first, and it leads with what was missed.
    summary = first.index("I. Kết quả thực hiện chỉ tiêu")
    assert "Chưa đạt" in first[summary:] and "Trang 1 /" in first
    body = "".join(text for text, w, h in printed if w < h)  # the portrait pages before the appendix
    assert "Nơi nhận:" in body and "GIÁM ĐỐC" in body and "Lê Văn Giám" in body and "Lưu: VT" in body
    # The tables are in the appendix, on landscape pages after the signature.
    appendix = [(text, w, h) for text, w, h in printed if w > h]
    assert appendix and printed[-len(appendix):] == appendix  # all after the report's own pages
    assert "PHỤ LỤC" in appendix[0][0] and "PHỤ LỤC" not in body
    assert "Quá hạn cuối tháng" not in body and "Quá hạn cuối tháng" in appendix[0][0]
    assert "Kèm theo Báo cáo số 1/BC-TTPVHCC" in appendix[0][0] and "UBND xã C" in appendix[0][0]


def test_numbers_follow_each_other_within_a_year_and_restart_in_january(computed, monitor):
    assert build(date(2025, 3, 1), monitor).reference == "1/BC-TTPVHCC"
    assert build(date(2025, 2, 1), monitor).reference == "2/BC-TTPVHCC"
    january = dt.datetime(2026, 1, 5, 9, 0, tzinfo=ISSUED.tzinfo)
    assert build(date(2025, 3, 1), monitor, when=january).number == 1


def test_an_issued_report_keeps_its_signer_when_the_director_changes(computed, monitor, settings, client):
    settings.REPORT_LETTERHEAD = {**settings.REPORT_LETTERHEAD, "signer_name": "Lê Văn Giám"}
    report = build(date(2025, 3, 1), monitor)
    settings.REPORT_LETTERHEAD = {**settings.REPORT_LETTERHEAD, "signer_name": "Người Kế Nhiệm"}
    report.refresh_from_db()
    assert report.signer_name == "Lê Văn Giám"
    client.force_login(monitor)
    html = client.get(f"/thong-ke/bao-cao/{report.pk}/").content.decode()
    assert "Lê Văn Giám" in html and "Người Kế Nhiệm" not in html and "Số: 1/BC-TTPVHCC" in html


def test_the_summary_judges_each_target_and_lists_the_missed_ones_first(computed, monitor):
    context = selectors.report_context(month=date(2025, 3, 1), user=None)
    summary = selectors.report_summary(context)
    flags = [line["met"] for line in summary["lines"]]
    assert flags == sorted(flags)  # False (missed) before True (met)
    assert summary["met"] + summary["missed"] == len(flags)
    online = next(line for line in summary["lines"] if str(line["label"]) == "Tỷ lệ hồ sơ trực tuyến toàn tỉnh")
    assert online["value"] == context["totals"]["online_rate"]
    assert online["met"] is (online["value"] >= online["target"])
    agencies = next(line for line in summary["lines"] if str(line["label"]) == "Đơn vị đạt chỉ tiêu trực tuyến")
    judged = [r for r in context["tables"]["agency"] if r["target_gap"] is not None]
    assert agencies["target"] == len(judged)
    assert agencies["value"] == len([r for r in judged if r["target_gap"] >= 0]) < len(judged)
    assert re.search(r"\(2\.1\)", " ".join(str(line["label"]) for line in summary["lines"]))
