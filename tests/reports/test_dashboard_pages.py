"""The dashboard's tables are paged (issue 16: 482 agencies were 1.5 MB of HTML); exports keep every row."""

import re
from datetime import date

import pytest

from reports import services, views


@pytest.fixture
def computed(structure, march):
    services.month_compute(month=date(2025, 3, 1))
    return structure


def _agency_rows(html):
    table = html[html.index('<section aria-labelledby="agency">') :]
    table = table[: table.index("</section>")]
    return re.findall(r'<th scope="row">([^<]+)</th>', table)


def test_each_table_shows_one_page_and_links_to_the_next_keeping_month_and_sort(
    client, computed, monitor, monkeypatch
):
    monkeypatch.setattr(views, "DASHBOARD_TABLE_ROWS", 2)
    client.force_login(monitor)
    everyone = _agency_rows(client.get("/thong-ke/?month=2025-03&sort=name&page_agency=1").content.decode())
    assert len(everyone) == 2
    first = client.get("/thong-ke/?month=2025-03&sort=name").content.decode()
    assert _agency_rows(first) == everyone
    assert 'href="?month=2025-03&amp;sort=name&amp;page_agency=2#agency"' in first and "Trang 1/" in first
    second = client.get("/thong-ke/?month=2025-03&sort=name&page_agency=2").content.decode()
    assert _agency_rows(second) and not set(_agency_rows(second)) & set(everyone)
    assert 'rel="prev" href="?month=2025-03&amp;sort=name#agency"' in second
    # The ranking is over every agency, whatever the page; a page past the end shows the last one.
    assert (
        client.get("/thong-ke/?month=2025-03&sort=target_gap&page_agency=2").context["ranking"][0]["name"]
        == "UBND xã C"
    )
    assert client.get("/thong-ke/?month=2025-03&page_agency=999").status_code == 200
    assert client.get("/thong-ke/?month=2025-03&page_agency=abc").status_code == 200


def test_export_keeps_every_row_of_a_paged_table(client, computed, monitor, monkeypatch):
    monkeypatch.setattr(views, "DASHBOARD_TABLE_ROWS", 1)
    client.force_login(monitor)
    shown = _agency_rows(client.get("/thong-ke/?month=2025-03").content.decode())
    csv = client.get(
        "/thong-ke/xuat/", {"month": "2025-03", "table": "agency", "format": "csv"}
    ).content.decode()
    assert len(shown) == 1 and len(csv.strip().splitlines()) - 1 > 1
