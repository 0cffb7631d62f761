"""Statistics across the 1/7/2025 change (issue 13 item 3): each month in its own structure, the area of a
former district as one line, targets per structure level.

A tiny province: districts D1 (communes c11, c12, c13) and D2 (c21, c22) until 30/6/2025; from 1/7/2025
the 2025 communes N1 (c11, c12 and part of c13), N2 (the rest of c13 and c21) and N3 (c22), each with a
centre that receives its dossiers; one provincial department S throughout.
"""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from procedures.models import Level, Scheme
from reports import selectors, services
from reports.models import MonthlyAgencyStat, OnlineRateTarget
from tests import factories
from tests.reports.conftest import at, make_dossier

JUNE, JULY = date(2025, 6, 1), date(2025, 7, 1)
LAST_THREE_TIER, FIRST_TWO_TIER = date(2025, 6, 30), date(2025, 7, 1)
MONTHLY, TREND = "/api/v1/reports/monthly/", "/api/v1/reports/area-trend/"


def _unit(level, code, name, parent=None, scheme=Scheme.THREE_TIER):
    return factories.UnitFactory(scheme=scheme, level=level, code=code, name=name, parent=parent)


@pytest.fixture
def province(db):
    p = _unit(Level.PROVINCE, "99", "Tỉnh Thử Nghiệm")
    d1, d2 = _unit(Level.DISTRICT, "991", "Huyện Một", p), _unit(Level.DISTRICT, "992", "Huyện Hai", p)
    old = {name: _unit(Level.COMMUNE, code, f"Xã {name}", district) for name, code, district in [
        ("c11", "99101", d1), ("c12", "99102", d1), ("c13", "99103", d1), ("c21", "99201", d2), ("c22", "99202", d2)]}
    p2 = _unit(Level.PROVINCE, "99", "Tỉnh Thử Nghiệm", scheme=Scheme.TWO_TIER)
    new = {name: _unit(Level.COMMUNE, code, f"Xã {name}", p2, Scheme.TWO_TIER)
           for name, code in [("N1", "99101"), ("N2", "99201"), ("N3", "99202")]}
    ended, started = {"valid_until": LAST_THREE_TIER}, {"valid_from": FIRST_TWO_TIER}
    agencies = {"S": factories.AgencyFactory(name="Sở S", area=p),
                "D1": factories.AgencyFactory(name="UBND Huyện Một", level=Level.DISTRICT, area=d1, **ended)}
    for name, unit in old.items():
        agencies[name] = factories.AgencyFactory(name=f"UBND {unit.name}", level=Level.COMMUNE, area=unit, **ended)
    for name, unit in new.items():
        agencies[name] = factories.AgencyFactory(name=f"Trung tâm {unit.name}", level=Level.COMMUNE, area=unit,
                                                 **started)
    for former, successors in {"c11": ["N1"], "c12": ["N1"], "c13": ["N1", "N2"], "c21": ["N2"],
                               "c22": ["N3"]}.items():
        agencies[former].successors.set([agencies[s] for s in successors])
    procedure = factories.ProcedureFactory(agencies=list(agencies.values()))
    received = {"2025-06-10": {"D1": 2, "c11": 1, "c21": 1, "S": 1},
                "2025-07-10": {"N1": 3, "N2": 2, "N3": 1, "S": 1}}
    for day, counts in received.items():
        for name, count in counts.items():
            for index in range(count):
                make_dossier(procedure=procedure, agency=agencies[name], channel="online" if index == 0 else "counter",
                             received_at=at(day), due_date=date(2025, 12, 31))
    # Received in May at D1's committee, due 5/7, still open: overdue at the end of July, not handed over.
    make_dossier(procedure=procedure, agency=agencies["D1"], received_at=at("2025-05-20"), due_date=date(2025, 7, 5))
    monitor = factories.monitor()
    with time_machine.travel(at("2025-08-15"), tick=False):
        services.month_compute(month=JUNE)
        services.month_compute(month=JULY)
        yield {"d1": d1, "d2": d2, "old": old, "new": new, "agencies": agencies, "monitor": monitor}


def _received(groups):
    return {row["name"]: row["received"] for row in groups if row["received"]}


def test_each_row_knows_the_structure_of_its_month(province):
    assert set(MonthlyAgencyStat.objects.filter(month=JUNE).values_list("scheme", flat=True)) == {Scheme.THREE_TIER}
    assert set(MonthlyAgencyStat.objects.filter(month=JULY).values_list("scheme", flat=True)) == {Scheme.TWO_TIER}
    n1 = MonthlyAgencyStat.objects.get(month=JULY, agency=province["agencies"]["N1"])
    assert n1.area == province["new"]["N1"] and n1.district is None


def test_june_groups_by_district(province):
    groups = selectors.monthly_groups(month=JUNE, group="district")
    assert _received(groups) == {"Huyện Một": 3, "Huyện Hai": 1, str(selectors.NO_DISTRICT_NAME): 1}


def test_july_groups_by_commune_with_the_provincial_agencies_apart(province):
    groups = selectors.monthly_groups(month=JULY, group="commune")
    assert _received(groups) == {"Xã N1": 3, "Xã N2": 2, "Xã N3": 1, str(selectors.NO_COMMUNE_NAME): 1}


def test_api_district_grouping_of_a_two_tier_month_is_a_400_naming_the_groupings(client, province):
    client.force_login(province["monitor"])
    response = client.get(MONTHLY, {"month": "2025-07", "group": "district"})
    assert response.status_code == 400
    assert "07/2025" in response.json()["group"][0]
    assert response.json()["allowed_groups"] == ["agency", "commune", "area", "level", "province"]
    assert client.get(MONTHLY, {"month": "2025-06", "group": "commune"}).status_code == 400
    july = client.get(MONTHLY, {"month": "2025-07", "group": "commune"})
    assert july.status_code == 200 and sum(row["received"] for row in july.json()) == 7


def test_pages_say_the_grouping_is_not_in_the_months_structure(client, province):
    client.force_login(province["monitor"])
    export = client.get(reverse("reports:export"), {"month": "2025-07", "table": "district", "format": "csv"})
    assert export.status_code == 400 and "07/2025" in export.json()["errors"]["table"][0]
    drill = client.get(reverse("reports:dossiers"), {"month": "2025-07", "metric": "received", "group": "district",
                                                     "key": province["d1"].pk})
    assert drill.status_code == 400 and "07/2025" in drill.content.decode()
    page = client.get(reverse("reports:dashboard"), {"month": "2025-07"}).content.decode()
    assert 'id="commune"' in page and 'id="district"' not in page
    assert 'id="district"' in client.get(reverse("reports:dashboard"), {"month": "2025-06"}).content.decode()


def test_area_trend_is_the_district_then_the_communes_counted_in_its_area(client, province):
    client.force_login(province["monitor"])
    one = client.get(TREND, {"district": "991", "end": "2025-07", "months": 2}).json()
    assert [(m["month"], m["basis"], m["received"]) for m in one["months"]] == [
        ("2025-06-01", "district", 3), ("2025-07-01", "communes", 3)]
    assert [c["name"] for c in one["mapping"]["communes"]] == ["Xã N1"]
    # N2 took part of c13 but more of D2 (the whole of c21): counted once, in D2's area, and said so.
    assert one["mapping"]["counted_elsewhere"] == [
        {"code": "99201", "name": "Xã N2", "former_communes": ["Xã c13"], "counted_in": "Huyện Hai"}]
    assert one["mapping"]["split_communes"] == [{"name": "Xã c13", "into": [
        {"commune": "Xã N1", "counted_here": True}, {"commune": "Xã N2", "counted_here": False}]}]
    two = client.get(TREND, {"district": "992", "end": "2025-07", "months": 2}).json()
    assert [m["received"] for m in two["months"]] == [1, 3]
    # The areas add up to the province's communes: nothing counted twice, nothing lost.
    communes = sum(r["received"] for r in selectors.monthly_groups(month=JULY, group="commune") if r["key"])
    assert one["months"][1]["received"] + two["months"][1]["received"] == communes == 6
    areas = selectors.monthly_groups(month=JULY, group="area")
    assert _received(areas) == {"Huyện Một": 3, "Huyện Hai": 3, str(selectors.NO_DISTRICT_NAME): 1}


def test_a_ceased_agencys_leftover_stays_in_its_former_districts_area(client, province):
    """D1's committee still holds an open dossier in July: it is counted in D1's area, not provincial."""
    areas = {r["name"]: r["overdue_open"] for r in selectors.monthly_groups(month=JULY, group="area")}
    assert areas == {"Huyện Một": 1, "Huyện Hai": 0, str(selectors.NO_DISTRICT_NAME): 0}
    communes = {r["name"]: r["overdue_open"] for r in selectors.monthly_groups(month=JULY, group="commune")}
    assert communes["Huyện Một"] == 1 and communes[str(selectors.NO_COMMUNE_NAME)] == 0
    client.force_login(province["monitor"])
    trend = client.get(TREND, {"district": "991", "end": "2025-07", "months": 2}).json()["months"]
    assert [m["overdue_open"] for m in trend] == [0, 1]
    behind = selectors.group_agency_ids(month=JULY, group="area", key=str(province["d1"].pk))
    assert set(behind) == {province["agencies"][name].pk for name in ("D1", "N1")}


def test_area_trend_refuses_an_unknown_district_and_outsiders(client, province):
    client.force_login(province["monitor"])
    assert client.get(TREND, {"district": "000", "end": "2025-07"}).status_code == 400
    assert client.get(TREND, {"district": "991", "end": "2025-7"}).status_code == 400
    client.force_login(factories.UserFactory())
    assert client.get(TREND, {"district": "991", "end": "2025-07"}).status_code == 404


def test_dashboard_shows_the_area_trend(client, province):
    client.force_login(province["monitor"])
    page = client.get(reverse("reports:dashboard"), {"month": "2025-07", "area": province["d1"].pk})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Xã N2 được tính vào địa bàn Huyện Hai" in text and "Xã c13 được chia" in text
    assert '<th scope="row">05/2025</th><td>huyện</td><td colspan="4">Tháng này chưa được tính.' in text
    assert '<th scope="row">06/2025</th><td>huyện</td><td class="num">3</td>' in text


def test_targets_per_level_and_structure(province):
    services.target_set(year=2025, level=Level.DISTRICT, rate=33)
    services.target_set(year=2025, level=Level.COMMUNE, rate=25)
    services.target_set(year=2025, level=Level.COMMUNE, scheme=Scheme.TWO_TIER, rate=60)
    june = {r["name"]: r["target_online_rate"] for r in selectors.monthly_groups(month=JUNE, group="district")}
    assert june["Huyện Một"] == 33
    june_agencies = {r["name"]: r["target_online_rate"] for r in selectors.monthly_groups(month=JUNE, group="agency")}
    assert june_agencies["UBND Xã c11"] == 25
    july = {r["name"]: r["target_online_rate"] for r in selectors.monthly_groups(month=JULY, group="commune")}
    assert july["Xã N1"] == 60
    areas = {r["name"]: r["target_online_rate"] for r in selectors.monthly_groups(month=JULY, group="area")}
    assert areas["Huyện Một"] == 60  # an area of a two-tier month is held to the commune target, never 33
    assert selectors.Targets(2025, Scheme.TWO_TIER).for_level(Level.DISTRICT) == 60
    with pytest.raises(services.TargetInvalid):
        services.target_set(year=2025, level=Level.DISTRICT, scheme=Scheme.TWO_TIER, rate=50)
    assert not OnlineRateTarget.objects.filter(level=Level.DISTRICT, scheme=Scheme.TWO_TIER).exists()


def test_a_merged_department_continues_its_predecessors_and_a_split_one_is_stated(client, db):
    """Sở KHĐT ends 28/2/2025 into Sở Tài chính alone: one line. Sở TTTT was divided between two
    departments: it is named, not added to either (it would be counted twice)."""
    finance = factories.AgencyFactory(name="Sở Tài chính")
    planning = factories.AgencyFactory(name="Sở Kế hoạch và Đầu tư", valid_until=date(2025, 2, 28))
    science, culture = factories.AgencyFactory(name="Sở KHCN"), factories.AgencyFactory(name="Sở VHTTDL")
    ict = factories.AgencyFactory(name="Sở TTTT", valid_until=date(2025, 2, 28))
    planning.successors.set([finance])
    ict.successors.set([science, culture])
    procedure = factories.ProcedureFactory(agencies=[finance, planning, ict, science])
    for agency, day in [(planning, "2025-02-10"), (planning, "2025-02-11"), (finance, "2025-02-12"),
                        (finance, "2025-03-10"), (ict, "2025-02-10"), (science, "2025-03-10")]:
        make_dossier(procedure=procedure, agency=agency, received_at=at(day))
    monitor = factories.monitor()
    with time_machine.travel(at("2025-04-15"), tick=False):
        services.month_compute(month=date(2025, 2, 1))
        services.month_compute(month=date(2025, 3, 1))
    client.force_login(monitor)
    line = client.get("/api/v1/reports/agency-trend/", {"agency": finance.code, "end": "2025-03", "months": 2}).json()
    assert [(m["received"], m["agencies"]) for m in line["months"]] == [
        (3, ["Sở Kế hoạch và Đầu tư", "Sở Tài chính"]), (1, ["Sở Tài chính"])]
    assert [p["name"] for p in line["predecessors"]] == ["Sở Kế hoạch và Đầu tư"]
    science_line = client.get("/api/v1/reports/agency-trend/",
                              {"agency": science.code, "end": "2025-03", "months": 2}).json()
    assert [m["received"] for m in science_line["months"]] == [0, 1]
    assert science_line["split_predecessors"] == [{"code": ict.code, "name": "Sở TTTT", "into": ["Sở KHCN", "Sở VHTTDL"]}]
    assert client.get("/api/v1/reports/agency-trend/", {"agency": "khong-co", "end": "2025-03"}).status_code == 400
