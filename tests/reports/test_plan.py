"""The one-stop plan's indicators (reports.plan) on a hand-made year.

The dossiers are those of the `march` fixture (agency A, provincial level; commune C), computed into
the monthly rows by the real compute; the year 2025 has only March computed, so the year's sums are
March's. Every expected value is worked out by hand from the formula declared in reports.plan.
"""

import uuid
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse

from dossiers.models import DossierEvent, Role, Ticket
from procedures.models import Level
from reports import plan, services
from reports.models import PlanTarget
from tests import factories
from tests.reports.conftest import VN, at, make_dossier

MARCH = date(2025, 3, 1)
AFTER_2025 = date(2026, 1, 15)


def line(result, code):
    return next(item for item in result["lines"] if item["indicator"].code == code)


def event(dossier, action, actor, agency, when):
    return DossierEvent.objects.create(dossier=dossier, action=action, actor=actor, agency=agency, created_at=when)


@pytest.fixture
def year_2025(structure, march):
    """March 2025 computed; two transfers by A; receipts at commune C by named officers."""
    s = structure
    services.month_compute(month=MARCH)
    # Liên thông A -> B: d7 (all inputs digital) and d2 (a paper document: the paper must travel too).
    event(march[7], "transfer", None, s["a"], at("2025-03-15"))
    event(march[2], "transfer", None, s["a"], at("2025-03-06"))
    # Receipts at C: Lan (desk officer) 3, Minh (desk officer) 1, Hoa (specialist only, not a desk
    # officer: not counted), and Lan once at A, where she is not a desk officer (not counted).
    lan = factories.officer(s["c"], Role.DESK_OFFICER, factories.UserFactory(full_name="Trần Thị Lan"))
    minh = factories.officer(s["c"], Role.DESK_OFFICER, factories.UserFactory(full_name="Lê Văn Minh"))
    hoa = factories.officer(s["c"], Role.SPECIALIST, factories.UserFactory(full_name="Phạm Thị Hoa"))
    for day in ("2025-01-10", "2025-02-11", "2025-03-12"):
        received = make_dossier(procedure=s["commune_procedure"], agency=s["c"], received_at=at(day))
        event(received, "receive", lan, s["c"], at(day))
    event(march["c"], "receive", minh, s["c"], at("2025-03-15"))
    event(make_dossier(procedure=s["commune_procedure"], agency=s["c"]), "receive", hoa, s["c"], at("2025-03-16"))
    event(march[3], "receive", lan, s["a"], at("2025-03-31", 23, 30))
    return {"lan": lan, "minh": minh}


@pytest.mark.django_db
def test_plan_indicators_of_a_provincial_agency_by_hand(structure, march, year_2025):
    result = plan.panel(year=2025, agency=structure["a"], today=AFTER_2025)

    def check(code, value, numerator, denominator, target, meets):
        item = line(result, code)
        assert (item["value"], item["numerator"], item["denominator"], item["target"], item["meets"]) == (
            value, numerator, denominator, target, meets), code

    # Received by A in March: d1, d2, d3, d6, d7, d9, d10 = 7.
    # Online (self-service) d1, d6, d7 -> 3 / 7 = 42.9% < 50%.
    check("online", 42.9, 3, 7, 50.0, False)
    # Digitised at intake: every input digital: d1, d6, d7, d9 (d2 has paper, d3 and d10 no document) -> 57.1%;
    # the plan's default for 2025 is 100% (30, 60, 90, 100 from 2022).
    check("intake_digitized", 57.1, 4, 7, 100.0, False)
    # Not asked again: reusable documents needed in d1, d6; reused in d6 -> 50.0% < 80%.
    check("not_asked_again", 50.0, 1, 2, 80.0, False)
    # Satisfaction: ratings given in March to A's dossiers: d1 satisfied, d2 normal, d4 satisfied -> 66.7% < 95%.
    check("satisfaction", 66.7, 2, 3, 95.0, False)
    # Results digitised: processed in 2025: d1, d2, d4, d7, d9 (d9 returned in April); with an
    # electronic result d1, d7 -> 40.0%. A provincial department has no default target (district and
    # commune plans only).
    check("results_digitized", 40.0, 2, 5, None, None)
    # Electronic routing: 2 transfers by A, d7 all digital, d2 with paper -> 50.0% < 80%.
    check("electronic_routing", 50.0, 1, 2, 80.0, False)
    # No receipt by a desk officer of A (Lan is not one there): no data.
    check("productivity", None, 0, 0, None, None)
    # No queue ticket: no data ("chưa có dữ liệu" on the page).
    check("waiting", None, None, 0, 15.0, None)


@pytest.mark.django_db
def test_productivity_counts_receipts_by_named_desk_officers(structure, year_2025):
    # 2025 closed: Lan 3 + Minh 1 receipts at C in 365 days, 2 officers -> 4 × 365 / 365 / 2 = 2 a year,
    # against the commune desk's 1,200.
    result = plan.panel(year=2025, agency=structure["c"], today=AFTER_2025)
    item = line(result, "productivity")
    assert (item["value"], item["numerator"], item["denominator"], item["target"], item["meets"]) == (
        2, 4, 2, 1200.0, False)
    assert {(o.officer, o.received) for o in item["officers"]} == {("Trần Thị Lan", 3), ("Lê Văn Minh", 1)}
    # The year in progress on 31/3/2025 is annualised over its 90 days: 4 × 365 / 90 / 2 = 8.1 -> 8.
    in_progress = plan.panel(year=2025, agency=structure["c"], today=date(2025, 3, 31))
    assert line(in_progress, "productivity")["value"] == 8
    assert in_progress["in_progress"] is True


@pytest.mark.django_db
def test_productivity_target_by_level_and_entered_target(structure, year_2025):
    district = factories.AgencyFactory(level=Level.DISTRICT, name="UBND huyện D")
    desk = factories.officer(district, Role.DESK_OFFICER)
    for day in ("2025-05-01", "2025-05-02"):
        dossier = make_dossier(procedure=structure["plain"], agency=district, received_at=at(day))
        event(dossier, "receive", desk, district, at(day))
    item = line(plan.panel(year=2025, agency=district, today=AFTER_2025), "productivity")
    assert (item["value"], item["target"]) == (2, 1600.0)
    # The centre lowers the district target for 2025: the entered row beats the plan's default.
    services.plan_target_set(indicator="productivity", year=2025, level=Level.DISTRICT, value=2)
    item = line(plan.panel(year=2025, agency=district, today=AFTER_2025), "productivity")
    assert (item["target"], item["target_source"], item["meets"]) == (2.0, "entered", True)


@pytest.mark.django_db
def test_waiting_time_from_the_counters_tickets(structure, year_2025):
    c = structure["c"]
    for number, wait in ((1, 10), (2, 30)):
        issued = datetime(2025, 3, 3, 9, 0, tzinfo=VN)
        Ticket.objects.create(agency=c, day=date(2025, 3, 3), number=number, idempotency_key=uuid.uuid4(),
                              issued_at=issued, called_at=issued + timedelta(minutes=wait), status="done")
    Ticket.objects.create(agency=c, day=date(2025, 3, 3), number=3, idempotency_key=uuid.uuid4(),
                          issued_at=datetime(2025, 3, 3, 10, 0, tzinfo=VN))  # never called: no wait
    item = line(plan.panel(year=2025, agency=c, today=AFTER_2025), "waiting")
    # (10 + 30) / 2 = 20 minutes > 15 (the 2025 target): a "lower is better" indicator not met.
    assert (item["value"], item["denominator"], item["target"], item["meets"]) == (20.0, 2, 15.0, False)
    # In 2022 the plan allowed 30 minutes.
    assert plan.BY_CODE["waiting"].default_target(2022, Level.COMMUNE) == 30
    assert plan.BY_CODE["waiting"].meets(20.0, 30) is True


def test_default_targets_follow_the_plan_steps():
    results = plan.BY_CODE["results_digitized"]
    assert [results.default_target(y, Level.DISTRICT) for y in range(2021, 2027)] == [20, 40, 60, 80, 100, 100]
    assert [results.default_target(y, Level.COMMUNE) for y in range(2021, 2027)] == [15, 35, 55, 75, 95, 100]
    assert results.default_target(2025, Level.PROVINCE) is None
    intake = plan.BY_CODE["intake_digitized"]
    assert [intake.default_target(y, Level.COMMUNE) for y in range(2021, 2026)] == [None, 30, 60, 90, 100]
    again = plan.BY_CODE["not_asked_again"]
    assert [again.default_target(y, "") for y in (2022, 2023, 2025)] == [30, 80, 80]
    assert plan.BY_CODE["satisfaction"].default_target(2024, "") is None
    assert plan.BY_CODE["satisfaction"].default_target(2025, "") == 95


@pytest.mark.django_db
def test_a_level_target_beats_an_every_level_target(structure, year_2025):
    services.plan_target_set(indicator="online", year=2025, level="", value=45)
    assert line(plan.panel(year=2025, agency=structure["a"], today=AFTER_2025), "online")["target"] == 45.0
    services.plan_target_set(indicator="online", year=2025, level=Level.PROVINCE, value=40)
    item = line(plan.panel(year=2025, agency=structure["a"], today=AFTER_2025), "online")
    assert (item["target"], item["meets"]) == (40.0, True)  # 42.9% >= 40%


@pytest.mark.django_db
def test_trend_covers_the_years_up_to_the_chosen_one(structure, year_2025):
    result = plan.panel(year=2025, agency=structure["a"], today=AFTER_2025)
    assert result["years"] == [2021, 2022, 2023, 2024, 2025]
    trend = line(result, "online")["trend"]
    assert [(p["year"], p["value"]) for p in trend] == [(2021, None), (2022, None), (2023, None), (2024, None),
                                                         (2025, 42.9)]


@pytest.mark.django_db
def test_a_percentage_target_above_100_is_refused(structure):
    with pytest.raises(services.TargetInvalid):
        services.plan_target_set(indicator="online", year=2025, value=120)
    with pytest.raises(services.TargetInvalid):
        services.plan_target_set(indicator="khong-co", year=2025, value=10)
    assert not PlanTarget.objects.exists()


# --- pages ----------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_plan_page_shows_each_indicator_against_its_target(client, structure, year_2025):
    client.force_login(factories.monitor())
    response = client.get(reverse("reports:plan"), {"year": 2025, "agency": structure["a"].pk})
    assert response.status_code == 200
    page = response.content.decode()
    for indicator in plan.INDICATORS:
        assert str(indicator.name) in page
    assert "42,9%" in page and "chưa có dữ liệu" in page and "Chưa đạt" in page


@pytest.mark.django_db
def test_leader_sees_only_own_agency_on_the_plan_page(client, structure, year_2025):
    leader = factories.officer(structure["a"], Role.LEADER)
    client.force_login(leader)
    assert client.get(reverse("reports:plan"), {"year": 2025, "agency": structure["a"].pk}).status_code == 200
    response = client.get(reverse("reports:plan"), {"year": 2025, "agency": structure["b"].pk})
    assert response.status_code == 400
    assert "Không có cơ quan này" in response.content.decode()


@pytest.mark.django_db
def test_plan_page_bad_year_is_a_translated_400(client, structure):
    client.force_login(factories.monitor())
    response = client.get(reverse("reports:plan"), {"year": "hai nghìn"})
    assert response.status_code == 400
    assert "Năm phải là một số" in response.content.decode()


@pytest.mark.django_db
def test_monitor_sets_and_deletes_a_plan_target(client, structure):
    monitor = factories.monitor()
    client.force_login(monitor)
    response = client.post(reverse("reports:plan-targets"),
                           {"indicator": "waiting", "year": 2024, "level": Level.COMMUNE, "value": "20"})
    assert response.status_code == 302
    target = PlanTarget.objects.get()
    assert (target.indicator, target.year, target.level, float(target.value), target.updated_by) == (
        "waiting", 2024, Level.COMMUNE, 20.0, monitor)
    assert "Thời gian chờ trung bình" in client.get(reverse("reports:plan-targets")).content.decode()
    bad = client.post(reverse("reports:plan-targets"), {"indicator": "online", "year": 2024, "value": "150"})
    assert bad.status_code == 400 and "không được quá 100%" in bad.content.decode()
    client.post(reverse("reports:plan-target-delete", args=[target.pk]))
    assert not PlanTarget.objects.exists()


@pytest.mark.django_db
def test_not_asked_again_counts_papers_waived_by_the_population_registry(structure, march, year_2025):
    """Issue 17: a paper the national population database proves (RequiredDocument.registry_proof,
    waived at the registry prefill) was not asked of the citizen again.

    not asked again = (received with a wallet paper or a registry waiver) / (received whose procedure has
    a reusable paper or one the registry can replace). A in 2025: d1, d6 need the reusable paper, d6
    reused it; plus a residence procedure: W waived by the registry (proves residence), P at the counter
    without the registry's data (asked for the paper) -> (1 + 1) / (2 + 2) = 50.0%.
    """
    from procedures.models import RegistryProof, RequiredDocument

    residence = factories.ProcedureFactory(agencies=[structure["a"]])
    RequiredDocument.objects.create(procedure=residence, name="Xác nhận thông tin cư trú", required=True,
                                    registry_proof=RegistryProof.RESIDENCE)
    make_dossier(procedure=residence, agency=structure["a"], channel="online", received_at=at("2025-05-05"),
                 registry_prefill={"proves": ["identity", "residence"]})
    make_dossier(procedure=residence, agency=structure["a"], channel="counter", received_at=at("2025-05-06"),
                 documents=["paper"])
    item = line(plan.panel(year=2025, agency=structure["a"], today=AFTER_2025), "not_asked_again")
    assert (item["value"], item["numerator"], item["denominator"]) == (50.0, 2, 4)
