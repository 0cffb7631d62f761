"""Decision 766/QĐ-TTg indicators on a hand-made month (agency B, May 2025).

Every expected value is worked out by hand from the formula of `reports.metrics` (Decision 766,
Appendix; see docs/statistics-766.md). Points = max if rate >= threshold, else rate × max / threshold.
"""

from datetime import date

import pytest

from procedures.models import Procedure
from reports import metrics
from tests import factories
from tests.reports.conftest import at, make_dossier


@pytest.fixture
def may(structure):
    s = structure
    b, plain = s["b"], s["plain"]
    make = make_dossier
    d = {}
    # D1: online (self), due 15/5, PROCESSED 14/5 (on time) but RETURNED 22/5 (late at the desk);
    # digital inputs + electronic result; fee paid online; satisfied.
    d[1] = make(procedure=plain, agency=b, status="returned", channel="online", received_at=at("2025-05-05"),
                due_date=date(2025, 5, 15), completed_at=at("2025-05-14"), returned_at=at("2025-05-22"),
                closed_at=at("2025-05-22"), fee_amount=10000, fee_paid_online=True,
                documents=["uploaded", "result"], rating=("satisfied", "2025-05-23"))
    # D2: counter, due 12/5, processed 13/5 (late); a paper document, no electronic result; fee not online.
    d[2] = make(procedure=plain, agency=b, status="returned", channel="counter", received_at=at("2025-05-06"),
                due_date=date(2025, 5, 12), completed_at=at("2025-05-13"), returned_at=at("2025-05-13"),
                closed_at=at("2025-05-13"), fee_amount=5000, documents=["scanned", "paper"],
                rating=("normal", "2025-05-14"))
    # D3: online ASSISTED, still processing on 1/6, due 10/6: in progress within its time; reused a paper.
    d[3] = make(procedure=plain, agency=b, status="processing", channel="online", assisted=True,
                received_at=at("2025-05-20"), due_date=date(2025, 6, 10), documents=["reused", "uploaded"])
    # D4: received in April, due 20/5, still processing on 1/6: in progress, late.
    d[4] = make(procedure=plain, agency=b, status="processing", channel="counter", received_at=at("2025-04-20"),
                due_date=date(2025, 5, 20), documents=["scanned"])
    # D5: online (self), due 15/5, processed ON the due day (on time); no electronic result; unsatisfied.
    d[5] = make(procedure=plain, agency=b, status="returned", channel="online", received_at=at("2025-05-07"),
                due_date=date(2025, 5, 15), completed_at=at("2025-05-15", 17), returned_at=at("2025-05-16"),
                closed_at=at("2025-05-16"), documents=["uploaded"], rating=("unsatisfied", "2025-05-17"))
    # D6: counter, withdrawn the next day: received, never in progress nor processed; no document.
    d[6] = make(procedure=plain, agency=b, status="withdrawn", channel="counter", received_at=at("2025-05-02"),
                due_date=date(2025, 5, 12), closed_at=at("2025-05-03"))
    # Procedures of B: `plain` published in full, one more never published -> 1 of 2 complete.
    Procedure.objects.filter(pk=plain.pk).update(current_version=1, steps="Bước 1", result_type="Giấy phép",
                                                 legal_basis="Luật X")
    factories.ProcedureFactory(agencies=[b], current_version=0)
    return d


def by_code(result):
    return {line["indicator"].code: line for line in result["lines"]}


@pytest.mark.django_db
def test_766_indicators_by_hand(may, structure):
    result = metrics.indicator_values(month=date(2025, 5, 1), agency_ids=[structure["b"].pk])
    lines = by_code(result)

    def check(code, numerator, denominator, rate, points):
        line = lines[code]
        assert (line["numerator"], line["denominator"], line["rate"], line["points"]) == (
            numerator, denominator, rate, points), code

    # 2.1 (processed on time + in progress within time) / (processed + in progress):
    # processed in May D1, D2, D5; in progress on 1/6 D3, D4 -> 5; on time D1 (by processing, although
    # returned late), D5, D3 -> 3; 60.0% < 90% -> 20 × 60 / 90 = 13.33.
    check("2.1", 3, 5, 60.0, 13.33)
    # 3.1 self-service online / received: D1, D5 of D1, D2, D3, D5, D6 -> 40.0%; 12 × 40 / 50 = 9.6.
    check("3.1", 2, 5, 40.0, 9.6)
    # 4.1 fee paid online / fee due: D1 of D1, D2 -> 50.0% >= 50 -> full 10.
    check("4.1", 1, 2, 50.0, 10.0)
    # 5.3 (processed − unsatisfied − late) / processed: D1 of D1, D2 (late), D5 (unsatisfied) -> 33.3%;
    # 6 × 33.3 / 100 = 2.0.
    check("5.3", 1, 3, 33.3, 2.0)
    # 6.1 digitised (no paper, and an e-result once processed) / received: D1, D3 -> 40.0%; 8 × 40 / 80 = 4.
    check("6.1", 2, 5, 40.0, 4.0)
    # 6.2 processed with an electronic result / processed: D1 of 3 -> 33.3%; 7 × 33.3 / 80 = 2.91.
    check("6.2", 1, 3, 33.3, 2.91)
    # 6.3 reused / ALL received (not only dossiers whose procedure has a reusable paper): D3 -> 20.0%;
    # 7 × 20 / 50 = 2.8.
    check("6.3", 1, 5, 20.0, 2.8)
    # 1.2 procedures published in full / procedures in force: 1 of 2 -> 50.0%; 6 × 50 / 100 = 3.
    check("1.2", 1, 2, 50.0, 3.0)
    # 1.3 synced with the national portal / received: nothing acknowledged here (no receiver) -> 0 of 5.
    check("1.3", 0, 5, 0.0, 0.0)
    # No data in MotCua: shown as not available, never 0.
    for code in ("1.1", "5.1", "5.2"):
        assert lines[code]["available"] is False and lines[code]["points"] is None
    # Total over the points that could be scored: 100 − 6 (1.1) − 6 (5.1) − 6 (5.2) = 82.
    assert result["max_points"] == 82
    assert result["total"] == pytest.approx(3.0 + 13.33 + 9.6 + 10 + 2.0 + 4.0 + 2.91 + 2.8)


def test_weights_add_up_to_100():
    assert sum(i.max_points for i in metrics.INDICATORS) == 100
    for group, (_name, weight) in metrics.GROUPS.items():
        assert sum(i.max_points for i in metrics.INDICATORS if i.group == group) == weight, group


@pytest.mark.parametrize(("rate", "expected"), [(95.0, 20.0), (90.0, 20.0), (45.0, 10.0), (0.0, 0.0)])
def test_threshold_gives_full_points(rate, expected):
    assert metrics.points(rate, metrics.BY_CODE["2.1"]) == expected


@pytest.mark.django_db
def test_drill_down_lists_the_numerator(may, structure):
    on_time = metrics.indicator_dossiers(month=date(2025, 5, 1), code="2.1", part="numerator",
                                         agency_ids=[structure["b"].pk])
    assert set(on_time.values_list("pk", flat=True)) == {may[1].pk, may[5].pk, may[3].pk}


@pytest.mark.django_db
def test_dashboard_shows_indicators_with_drill_down(may, structure, client):
    from reports.services import month_compute

    month_compute(month=date(2025, 5, 1))
    client.force_login(factories.monitor())
    page = client.get("/thong-ke/?month=2025-05").content.decode()
    assert "metric=766-2.1-n" in page and "Chưa có dữ liệu" in page
    listing = client.get(f"/thong-ke/ho-so/?month=2025-05&metric=766-2.1-n&agency={structure['b'].pk}")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert may[1].code in body and may[2].code not in body


@pytest.mark.django_db
def test_766_reuse_counts_papers_waived_by_the_population_registry(may, structure):
    """Issue 17: a paper not asked for because the national population database proves it
    (RequiredDocument.registry_proof, waived at the registry prefill) is reuse in 6.3.

    6.3 = (dossiers with a paper from the wallet or waived by the registry) / all received × 100 (QĐ 766,
    Phụ lục, nhóm Số hóa hồ sơ). May: D3 reused from the wallet; D7 received in May, its residence
    paper waived by the registry (proves "residence"); D8 proves "identity" only, which no paper of its
    procedure declares: not waived. -> 2 / 7 = 28.6%; 7 × 28.6 / 50 = 4.0.
    """
    from procedures.models import RegistryProof, RequiredDocument

    b, plain = structure["b"], structure["plain"]
    RequiredDocument.objects.create(procedure=plain, name="Xác nhận thông tin cư trú", required=True,
                                    registry_proof=RegistryProof.RESIDENCE)
    waived = make_dossier(procedure=plain, agency=b, status="processing", channel="online",
                          received_at=at("2025-05-21"), due_date=date(2025, 6, 11), documents=["uploaded"],
                          registry_prefill={"proves": ["identity", "residence"]})
    not_waived = make_dossier(procedure=plain, agency=b, status="processing", channel="online",
                              received_at=at("2025-05-22"), due_date=date(2025, 6, 12), documents=["uploaded"],
                              registry_prefill={"proves": ["identity"]})
    line = by_code(metrics.indicator_values(month=date(2025, 5, 1), agency_ids=[b.pk]))["6.3"]
    assert (line["numerator"], line["denominator"], line["rate"], line["points"]) == (2, 7, 28.6, 4.0)
    reused = metrics.indicator_dossiers(month=date(2025, 5, 1), code="6.3", part="numerator", agency_ids=[b.pk])
    assert set(reused.values_list("pk", flat=True)) == {may[3].pk, waived.pk}
    assert not_waived.pk not in set(reused.values_list("pk", flat=True))


def test_the_monthly_rows_reuse_counts_papers_waived_by_the_population_registry(may, structure):
    """The monthly row's reuse (reports.services, `reused` / `reuse_needed`) follows the same rule as 6.3: a
    procedure whose paper the registry's data can replace needs reuse, and a dossier whose prefill proved it
    reused it (issue 17)."""
    from procedures.models import RegistryProof, RequiredDocument
    from reports import services
    from reports.models import MonthlyAgencyStat

    b, plain = structure["b"], structure["plain"]
    month = date(2025, 5, 1)

    def reuse():
        services.month_compute(month=month)
        return MonthlyAgencyStat.objects.filter(month=month, agency=b).values_list("reuse_needed", "reused").get()

    before = reuse()
    RequiredDocument.objects.create(procedure=plain, name="Xác nhận thông tin cư trú", required=True,
                                    registry_proof=RegistryProof.RESIDENCE)
    make_dossier(procedure=plain, agency=b, status="processing", channel="online", received_at=at("2025-05-22"),
                 due_date=date(2025, 6, 12), documents=["uploaded"], registry_prefill={"proves": ["identity"]})
    first = reuse()
    assert first[0] > before[0]  # plain's dossiers now need reuse; the identity-only proof waived nothing
    make_dossier(procedure=plain, agency=b, status="processing", channel="online", received_at=at("2025-05-21"),
                 due_date=date(2025, 6, 11), documents=["uploaded"], registry_prefill={"proves": ["residence"]})
    assert reuse() == (first[0] + 1, first[1] + 1)  # the residence paper was waived: reuse
