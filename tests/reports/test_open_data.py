"""Open data packages (reports.opendata): built on publication, versioned, validated by `frictionless`,
small cells suppressed; the public page's finder (issue 21 item 16).

The month is the hand-made March 2025 of the `march` fixture: agency A received 7 dossiers (3 of them
self-service online), commune C 1 (see tests/reports/conftest.py).
"""

import csv
import io
import json
import threading
from datetime import date

import frictionless
import pytest
from django.db import connection
from django.urls import reverse

from procedures.models import Level
from reports import metrics, opendata, services
from reports.models import MonthlyAgencyStat, OpenDataPackage
from tests import factories

MARCH = date(2025, 3, 1)


@pytest.fixture
def published(structure, march):
    services.month_compute(month=MARCH)
    services.month_publish(month=MARCH, actor=None)
    return OpenDataPackage.objects.get(month=MARCH)


def file_url(package, name):
    return reverse("reports:open-data-file", args=[f"{package.month:%Y-%m}", package.version, name])


def download(client, package, tmp_path):
    """Every file of the package fetched through its public URL into tmp_path."""
    descriptor = client.get(file_url(package, "datapackage.json"))
    assert descriptor.status_code == 200 and descriptor["Content-Type"].startswith("application/json")
    (tmp_path / "datapackage.json").write_bytes(descriptor.content)
    for resource in json.loads(descriptor.content)["resources"]:
        response = client.get(file_url(package, resource["path"]))
        assert response.status_code == 200
        (tmp_path / resource["path"]).write_bytes(response.content)
    return json.loads(descriptor.content)


@pytest.mark.django_db
def test_published_month_is_a_valid_frictionless_package(client, published, tmp_path):
    descriptor = download(client, published, tmp_path)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])
    assert descriptor["definitions_version"] == metrics.DEFINITIONS_VERSION
    assert descriptor["computed_at"] == published.computed_at.isoformat()
    assert descriptor["suppression"]["threshold"] == opendata.SMALL_CELL
    # One CSV and one JSON per grouping of a three-tier month (no "area" table: it is the district one).
    assert sorted(r["name"] for r in descriptor["resources"]) == sorted(
        f"{g}-{ext}" for g in ("agency", "district", "level", "province") for ext in ("csv", "json"))
    fields = {f["name"]: f for f in descriptor["resources"][0]["schema"]["fields"]}
    assert fields["received"]["type"] == "integer" and fields["received"]["description"]
    assert "received_online / received" in fields["online_rate"]["description"]


@pytest.mark.django_db
def test_a_broken_file_fails_the_validation(client, published, tmp_path):
    """The validation can fail: a text in an integer column is reported."""
    download(client, published, tmp_path)
    path = tmp_path / "agency.csv"
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("received")] = "bảy"
    path.write_text("\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n")
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        resource.pop("hash", None), resource.pop("bytes", None)  # only the type error is under test
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    assert "type-error" in {error[0] for error in report.flatten(["type"])}


@pytest.mark.django_db
def test_small_cells_are_suppressed_in_csv_and_json(client, published, structure):
    def read(name):
        return {r["name"]: r for r in csv.DictReader(io.StringIO(client.get(file_url(published, name)).content.decode()))}

    rows = read("agency.csv")
    a, c = rows["Sở A"], rows["UBND xã C"]
    # C received 1 dossier: hidden (primary). A received 7, which would give C's 1 back as the province's
    # 8 minus 7 (the only other non-zero row): hidden too (secondary). The province's 8 is published.
    assert (c["received"], a["received"]) == ("", "")
    assert [r["received"] for r in read("province.csv").values()] == ["8"]
    # A's channels: online 3, assisted 1, counter 3 (d3, d9, d10) are small: hidden, and so is the online
    # rate; the postal 0 is published (a zero identifies nobody).
    assert (a["received_online"], a["received_assisted"], a["received_counter"], a["received_postal"]) == (
        "", "", "", "0")
    assert a["online_rate"] == ""
    as_json = {r["name"]: r for r in json.loads(client.get(file_url(published, "agency.json")).content)}
    assert as_json["Sở A"]["received_online"] is None and as_json["UBND xã C"]["received"] is None
    assert as_json["Sở E (chưa có hồ sơ)"]["received"] == 0


def test_secondary_suppression_protects_a_hidden_cell_from_subtraction():
    # Row 0: received 20 = online 3 + assisted 0 + counter 10 + postal 7; row 1 a larger unit.
    row = dict.fromkeys(opendata.COUNTS, 0) | {"received": 20, "received_online": 3, "received_counter": 10,
                                                "received_postal": 7, "completed": 9, "completed_on_time": 9}
    big = dict.fromkeys(opendata.COUNTS, 0) | {"received": 50, "received_online": 30, "received_counter": 20,
                                                "completed": 40, "completed_on_time": 35, "completed_late": 5}
    original = [dict(row), dict(big)]
    rows = opendata.suppress([dict(row), dict(big)])
    # Primary: online 3. Its row's partition then hides the smallest other part (postal 7), and its
    # column (the rows add up to the province) the other row's online 30, and so on until stable.
    assert rows[0]["received_online"] is None and rows[0]["received_postal"] is None
    assert rows[1]["received_online"] is None
    # The wholes and the unrelated counts stay published.
    assert (rows[0]["received"], rows[1]["received"], rows[0]["completed"], rows[0]["completed_on_time"]) == (
        20, 50, 9, 9)
    # No hidden cell is alone in a partition of its row or in its column while a non-zero cell could
    # have been hidden with it; every published count is 0 or at least SMALL_CELL.
    relations = [[(i, m) for m in (whole, *parts)] for i in range(2) for whole, parts in opendata.PARTITIONS]
    relations += [[(i, name) for i in range(2)] for name in opendata.COUNTS]
    for cells in relations:
        hidden = [c for c in cells if rows[c[0]][c[1]] is None]
        others = [c for c in cells if rows[c[0]][c[1]]]
        assert len(hidden) != 1 or not others, cells
    assert all(value is None or value == 0 or value >= opendata.SMALL_CELL
               for r in rows for name, value in r.items() if name in opendata.COUNTS)
    assert original[0]["received_online"] == 3  # the caller's dicts copied in, suppressed in place


@pytest.mark.django_db
def test_a_changed_definition_makes_a_new_version_and_old_ones_stay(client, published, monkeypatch, tmp_path):
    assert published.version == 1
    assert services.open_data_package_ensure(month=MARCH) == published  # nothing changed: same version
    monkeypatch.setattr(metrics, "DEFINITIONS_VERSION", metrics.DEFINITIONS_VERSION + 1)
    second = services.open_data_package_ensure(month=MARCH)
    assert (second.version, second.definitions_version) == (2, metrics.DEFINITIONS_VERSION)
    old = json.loads(client.get(file_url(published, "datapackage.json")).content)
    new = json.loads(client.get(file_url(second, "datapackage.json")).content)
    assert (old["version"], old["definitions_version"]) == ("1.0.0", metrics.DEFINITIONS_VERSION - 1)
    assert (new["version"], new["definitions_version"]) == ("2.0.0", metrics.DEFINITIONS_VERSION)
    # "moi-nhat" redirects to the current version; the index lists both.
    latest = client.get(reverse("reports:open-data-latest", args=["2025-03", "agency.csv"]))
    assert latest.status_code == 302 and latest["Location"] == file_url(second, "agency.csv")
    index = client.get(reverse("reports:open-data")).content.decode()
    assert file_url(published, "datapackage.json") in index and file_url(second, "datapackage.json") in index


@pytest.mark.django_db
def test_a_recomputed_month_gets_a_new_version(published):
    services.month_compute(month=MARCH)
    assert services.open_data_package_ensure(month=MARCH).version == 2
    assert OpenDataPackage.objects.filter(month=MARCH).count() == 2


@pytest.mark.django_db
def test_unpublished_months_and_unknown_files_are_404(client, published, structure):
    services.month_compute(month=date(2025, 4, 1))
    assert client.get(reverse("reports:open-data-file", args=["2025-04", 1, "agency.csv"])).status_code == 404
    assert client.get(reverse("reports:open-data-file", args=["2025-13", 1, "agency.csv"])).status_code == 404
    assert client.get(file_url(published, "khong-co.csv")).status_code == 404
    assert client.get(reverse("reports:open-data-file", args=["2025-03", 9, "agency.csv"])).status_code == 404
    assert services.open_data_package_ensure(month=date(2025, 4, 1)) is None


# --- the public page ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_public_page_leads_with_the_province_and_links_the_open_data(client, published):
    page = client.get(reverse("reports:public")).content.decode()
    assert page.index("Toàn tỉnh, tháng 03/2025") < page.index("Tìm cơ quan, xã, phường của bạn")
    assert file_url(published, "datapackage.json") in page
    assert reverse("reports:open-data") in page


@pytest.mark.django_db
def test_public_finder_matches_names_without_accents_and_by_kind(client, published):
    found = client.get(reverse("reports:public"), {"q": "so a"}).content.decode()
    assert "Sở A" in found and "Sở B" not in found and "UBND xã C" not in found
    communes = client.get(reverse("reports:public"), {"kind": Level.COMMUNE}).content.decode()
    assert "UBND xã C" in communes and "Sở A" not in communes
    # The commune's single dossier is a small cell on the page too.
    assert "ẩn (&lt; 5)" in communes
    nothing = client.get(reverse("reports:public"), {"q": "khong co don vi nay"}).content.decode()
    assert "Không tìm thấy đơn vị nào" in nothing


@pytest.mark.django_db
def test_public_page_is_paginated_not_one_long_table(client, published, structure):
    for n in range(30):
        agency = factories.AgencyFactory(name=f"UBND xã Thử {n:02d}", level=Level.COMMUNE)
        MonthlyAgencyStat.objects.create(month=MARCH, agency=agency, level=Level.COMMUNE, received=10)
    page = client.get(reverse("reports:public")).content.decode()
    assert page.count('class="public-unit"') == 20
    assert "Trang 1/2" in page
    second = client.get(reverse("reports:public"), {"page": 2}).content.decode()
    assert second.count('class="public-unit"') == MonthlyAgencyStat.objects.filter(month=MARCH).count() - 20


@pytest.mark.django_db
def test_public_page_bad_month_is_a_translated_400(client, published):
    response = client.get(reverse("reports:public"), {"month": "2025-13"})
    assert response.status_code == 400
    assert "Tháng phải có dạng YYYY-MM" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_visitors_at_once_after_a_recompute_make_one_new_version(structure, march):
    """Eight visitors open the page right after a recompute: one new version, which all of them get."""
    services.month_compute(month=MARCH)
    services.month_publish(month=MARCH, actor=None)
    services.month_compute(month=MARCH)
    barrier, lock, versions, errors = threading.Barrier(8), threading.Lock(), [], []

    def visit():
        try:
            barrier.wait()
            package = services.open_data_package_ensure(month=MARCH)
            with lock:
                versions.append(package.version)
        except Exception as error:  # noqa: BLE001 - collected, asserted below
            with lock:
                errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=visit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert versions == [2] * 8
    assert list(OpenDataPackage.objects.filter(month=MARCH).values_list("version", flat=True)) == [2, 1]
