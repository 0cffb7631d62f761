"""Dashboard, drill-down, exports, targets, publication, the monthly report and the public page."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from reports import services
from reports.models import MonthlyReport, OnlineRateTarget, PublishedMonth
from tests import factories
from tests.permissions import assert_permission_matrix


@pytest.fixture
def computed(structure, march):
    services.month_compute(month=date(2025, 2, 1))
    services.month_compute(month=date(2025, 3, 1))
    return structure


def test_dashboard_permissions_and_leader_sees_only_own_agency(client, computed, monitor):
    leader = factories.officer(computed["a"], "leader")
    outsiders = [factories.UserFactory(), factories.officer(computed["b"], "desk_officer")]
    monitor_page, leader_page = assert_permission_matrix(
        client, "get", "/thong-ke/?month=2025-03", outsiders=outsiders, insiders=[monitor, leader]
    )
    assert "Sở B" in monitor_page.content.decode()
    assert "Sở B" not in leader_page.content.decode()


def test_dashboard_shows_kpis_targets_with_text_labels_and_trend_data(client, computed, monitor,
                                                                      django_assert_max_num_queries):
    client.force_login(monitor)
    with django_assert_max_num_queries(40):
        response = client.get("/thong-ke/?month=2025-03&sort=target_gap")
    html = response.content.decode()
    assert response.status_code == 200
    assert "37,5%" in html  # province online rate 3/8
    assert "Chưa đạt" in html  # a text label beside the colour
    assert 'id="trend-data"' in html and "<script>" not in html.replace('<script id="trend-data"', "")
    assert response.context["ranking"][0]["name"] == "UBND xã C"  # 0% vs 20%: furthest below


def test_drilldown_lists_the_dossiers_behind_a_number(client, computed, march, monitor):
    client.force_login(monitor)
    response = client.get("/thong-ke/ho-so/", {"month": "2025-03", "metric": "overdue_open",
                                               "group": "agency", "key": computed["a"].pk})
    codes = {d.code for d in response.context["page"]}
    assert codes == {march[5].code, march[9].code}
    late = client.get("/thong-ke/ho-so/", {"month": "2025-03", "metric": "completed_late", "agency": computed["a"].pk})
    assert {d.code for d in late.context["page"]} == {march[2].code}


def test_drilldown_count_matches_every_table_number(client, computed, monitor):
    from reports.selectors import METRICS, monthly_groups

    client.force_login(monitor)
    row = next(r for r in monthly_groups(month=date(2025, 3, 1), group="agency") if r["key"] == computed["a"].pk)
    for metric in METRICS:
        if metric in row:
            response = client.get("/thong-ke/ho-so/", {"month": "2025-03", "metric": metric, "agency": row["key"]})
            assert response.context["page"].paginator.count == row[metric], metric


def test_drilldown_of_another_agency_is_404_for_a_leader(client, computed):
    client.force_login(factories.officer(computed["b"], "leader"))
    response = client.get("/thong-ke/ho-so/", {"month": "2025-03", "metric": "received", "agency": computed["a"].pk})
    assert response.status_code == 404


def test_exports_csv_and_xlsx(client, computed, monitor):
    client.force_login(monitor)
    csv_response = client.get("/thong-ke/xuat/", {"month": "2025-03", "table": "agency", "format": "csv"})
    text = csv_response.content.decode("utf-8-sig")
    assert "Sở A,7,3," in text
    xlsx = client.get("/thong-ke/xuat/", {"month": "2025-03", "table": "dossiers", "metric": "received",
                                          "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 1 + 8


def test_an_excel_friendly_csv_sits_beside_the_standard_one(client, computed, monitor):
    """Issue 21 item 15: "50.0" is misread by Excel set to Vietnamese; its CSV uses ";" and "50,0"."""
    import csv

    client.force_login(monitor)
    query = {"month": "2025-03", "table": "agency"}
    standard = client.get("/thong-ke/xuat/", {**query, "format": "csv"})
    excel = client.get("/thong-ke/xuat/", {**query, "format": "csv-excel"})
    assert excel.status_code == 200 and excel["Content-Disposition"].endswith('-excel.csv"')
    assert excel.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(excel.content.decode("utf-8-sig")), delimiter=";"))
    plain = list(csv.reader(io.StringIO(standard.content.decode("utf-8-sig"))))
    assert rows[0] == plain[0] and len(rows) == len(plain)
    decimals = [cell for row in plain[1:] for cell in row if "." in cell and cell.replace(".", "").isdigit()]
    assert decimals, "the table has a rate to compare"
    assert not [cell for row in rows[1:] for cell in row if "." in cell and cell.replace(".", "").isdigit()]
    assert any("," in cell and cell.replace(",", "").isdigit() for row in rows[1:] for cell in row)
    page = client.get("/thong-ke/", {"month": "2025-03"}).content.decode()
    assert "format=csv-excel" in page and "CSV cho Excel tiếng Việt" in page


def test_export_bad_table_is_400(client, computed, monitor):
    client.force_login(monitor)
    response = client.get("/thong-ke/xuat/", {"month": "2025-03", "table": "ward", "format": "csv"})
    assert response.status_code == 400 and "table" in response.json()["errors"]


def test_monitor_sets_an_agency_target_that_overrides_the_level(client, computed, monitor):
    assert_permission_matrix(client, "get", "/thong-ke/chi-tieu/",
                             outsiders=[factories.officer(computed["a"], "leader")], insiders=[monitor])
    client.force_login(monitor)
    response = client.post("/thong-ke/chi-tieu/", {"year": 2025, "agency": computed["a"].pk, "rate": "40"})
    assert response.status_code == 302
    assert OnlineRateTarget.objects.get(year=2025, agency=computed["a"]).rate == 40
    page = client.get("/thong-ke/?month=2025-03")
    a = next(r for r in page.context["tables"]["agency"] if r["key"] == computed["a"].pk)
    assert a["target_online_rate"] == 40.0 and a["target_gap"] == 2.9
    bad = client.post("/thong-ke/chi-tieu/", {"year": 2025, "level": "province", "rate": "150"})
    assert bad.status_code == 400 and "rate" in bad.context["form"].errors


def test_public_page_shows_only_published_months(client, computed, monitor):
    assert "Sở A" not in client.get("/cong-khai/").content.decode()
    assert client.get("/cong-khai/?month=2025-03").status_code == 404
    client.force_login(monitor)
    client.post("/thong-ke/cong-bo/", {"month": "2025-03", "published": "on"})
    client.logout()
    assert PublishedMonth.objects.filter(month=date(2025, 3, 1)).exists()
    html = client.get("/cong-khai/").content.decode()
    assert "Sở A" in html and "Nguyễn Văn An" not in html
    # Small cells are hidden as in the open data (reports.opendata): A's 3 online dossiers, and the
    # 42,9% online rate computed from them.
    assert "ẩn (&lt; 5)" in html and "42,9%" not in html


def test_monthly_report_is_built_by_the_task_with_a_dossier_appendix(client, computed, monitor):
    report = MonthlyReport.objects.create(month=date(2025, 3, 1), created_by=monitor)
    services.monthly_report_build(report_id=report.pk)
    client.force_login(monitor)
    html = client.get(f"/thong-ke/bao-cao/{report.pk}/").content.decode()
    assert "UBND xã C" in html and "Đơn vị chưa đạt chỉ tiêu" in html
    appendix = load_workbook(io.BytesIO(client.get(f"/thong-ke/bao-cao/{report.pk}/phu-luc.xlsx").content))
    assert len(appendix.sheetnames) == 4 + 3
    assert appendix.worksheets[4].max_row == 1 + 8  # the 8 dossiers received in March
    pdf = client.get(f"/thong-ke/bao-cao/{report.pk}/bao-cao.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "UBND xã C" in text
    assert_permission_matrix(client, "get", f"/thong-ke/bao-cao/{report.pk}/bao-cao.pdf",
                             outsiders=[factories.officer(computed["a"], "leader")], insiders=[monitor])


def test_monthly_report_request_queues_the_task_on_commit(client, computed, monitor, monkeypatch,
                                                          django_capture_on_commit_callbacks):
    from reports import tasks

    queued = []
    monkeypatch.setattr(tasks.build_monthly_report, "apply_async", lambda args, **options: queued.append(args[0]))
    client.force_login(monitor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/thong-ke/bao-cao/", {"month": "2025-03"})
    assert response.status_code == 302
    report = MonthlyReport.objects.get()
    assert queued == [report.pk] and not report.ready


def _received_cell(html, name):
    """The 'received' number of one agency's row in the dashboard's agency table."""
    import re

    match = re.search(rf'<th scope="row">{re.escape(name)}</th>\s*<td[^>]*><a [^>]*>(\d+)</a>', html)
    return int(match.group(1))


def test_dashboard_tables_come_from_the_cache_until_the_month_is_recomputed(client, computed, monitor, make):
    from tests.reports.conftest import at

    client.force_login(monitor)
    first = client.get("/thong-ke/?month=2025-03")
    assert "tables" in first.context  # rendered
    assert "{#" not in first.content.decode() and "{%" not in first.content.decode()  # no template source leaks
    before = _received_cell(first.content.decode(), "Sở B")

    cached = client.get("/thong-ke/?month=2025-03")
    assert "tables" not in cached.context  # served from the cache: not rendered again
    assert _received_cell(cached.content.decode(), "Sở B") == before

    make(procedure=computed["plain"], agency=computed["b"], channel="online", received_at=at("2025-03-20"),
         due_date=date(2025, 3, 31))
    assert _received_cell(client.get("/thong-ke/?month=2025-03").content.decode(), "Sở B") == before  # not computed yet
    services.month_compute(month=date(2025, 3, 1))
    recomputed = client.get("/thong-ke/?month=2025-03")
    assert "tables" in recomputed.context
    assert _received_cell(recomputed.content.decode(), "Sở B") == before + 1


def test_dashboard_cache_is_per_language_sort_and_scope(client, computed, monitor):
    leader = factories.officer(computed["a"], "leader")
    client.force_login(monitor)
    client.get("/thong-ke/?month=2025-03")
    assert "tables" in client.get("/thong-ke/?month=2025-03&sort=-received").context
    client.cookies["django_language"] = "en"
    english = client.get("/thong-ke/?month=2025-03")
    del client.cookies["django_language"]
    client.force_login(leader)
    own = client.get("/thong-ke/?month=2025-03").content.decode()
    assert "Sở B" not in own  # never the monitor's cached tables
    assert "tables" in english.context and "Key indicators" in english.content.decode()
