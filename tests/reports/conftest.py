"""Hand-made dossiers with exact timestamps for the monthly statistics tests.

Dossiers are written directly (not through the lifecycle) because the statistics read timestamps
that the lifecycle would set to "now"; what is under test here is the counting, not the workflow.
"""

import itertools
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from dossiers.models import Document, Dossier, Rating
from procedures.models import Level, RequiredDocument
from tests import factories

VN = ZoneInfo("Asia/Ho_Chi_Minh")
_codes = itertools.count(1)


def at(day, hour=10, minute=0):
    """Local (Asia/Ho_Chi_Minh) aware datetime from a 'YYYY-MM-DD' string."""
    year, month, dd = (int(p) for p in day.split("-"))
    return datetime(year, month, dd, hour, minute, tzinfo=VN)


def make_dossier(*, procedure, agency, status="received", documents=(), rating=None, handling=None, **fields):
    """A dossier as the lifecycle would have left it; `documents` is a list of sources;
    `rating` is (value, 'YYYY-MM-DD')."""
    dossier = Dossier.objects.create(
        code=f"TEST-{next(_codes):06d}", procedure=procedure, receiving_agency=agency,
        handling_agency=handling or agency, applicant_name="Nguyễn Văn An", status=status, **fields,
    )
    for source in documents:
        Document.objects.create(dossier=dossier, name=f"Giấy tờ {source}", source=source)
    if rating:
        value, day = rating
        created = Rating.objects.create(dossier=dossier, value=value)
        Rating.objects.filter(pk=created.pk).update(created_at=at(day, 9))
    return dossier


@pytest.fixture
def make():
    return make_dossier


@pytest.fixture
def structure(db):
    """Agencies of a tiny province in March 2025: two provincial departments, one commune (in a
    district), one empty department, and one department abolished before 2025."""
    tree = factories.province_tree()
    province_unit = tree["province"]
    agency_a = factories.AgencyFactory(name="Sở A", area=province_unit)
    agency_b = factories.AgencyFactory(name="Sở B", area=province_unit)
    agency_e = factories.AgencyFactory(name="Sở E (chưa có hồ sơ)", area=province_unit)
    agency_x = factories.AgencyFactory(name="Sở X (đã giải thể)", area=province_unit, valid_until=date(2024, 12, 31))
    commune = factories.AgencyFactory(name="UBND xã C", level=Level.COMMUNE, kind="UBND_XA", area=tree["communes"][0])
    plain = factories.ProcedureFactory(agencies=[agency_a, agency_b])
    reusable = factories.ProcedureFactory(agencies=[agency_a])
    RequiredDocument.objects.create(procedure=reusable, name="Giấy khai sinh", required=True, reusable=True)
    commune_procedure = factories.ProcedureFactory(agencies=[commune], level=Level.COMMUNE)
    return {
        "tree": tree, "a": agency_a, "b": agency_b, "e": agency_e, "x": agency_x, "c": commune,
        "plain": plain, "reusable": reusable, "commune_procedure": commune_procedure,
    }


@pytest.fixture
def march(structure):
    """Dossiers around March 2025 for agency A (and one for the commune C); see each comment."""
    s = structure
    a, plain, reusable = s["a"], s["plain"], s["reusable"]
    make = make_dossier
    d = {}
    # 1: self-service online (full), on time, uploaded documents, fee paid online, satisfied.
    d[1] = make(procedure=reusable, agency=a, status="returned", channel="online", online_mode="full",
                received_at=at("2025-03-03"), due_date=date(2025, 3, 12), returned_at=at("2025-03-10", 16),
                closed_at=at("2025-03-10", 16), fee_amount=50000, fee_paid_online=True,
                documents=["uploaded", "result"], rating=("satisfied", "2025-03-11"))
    # 2: assisted online (partial), late, one paper document, fee paid at the counter, normal rating.
    d[2] = make(procedure=plain, agency=a, status="returned", channel="online", online_mode="partial",
                assisted=True, received_at=at("2025-03-05"), due_date=date(2025, 3, 14),
                returned_at=at("2025-03-20"), closed_at=at("2025-03-20"), fee_amount=10000,
                documents=["scanned", "paper"], rating=("normal", "2025-03-21"))
    # 3: counter, received on the month's last evening, still processing, not yet due.
    d[3] = make(procedure=plain, agency=a, status="processing", channel="counter",
                received_at=at("2025-03-31", 23, 30), due_date=date(2025, 4, 10))
    # 4: postal, received in February and returned in March (on time), satisfied in March.
    d[4] = make(procedure=plain, agency=a, status="returned", channel="postal", received_at=at("2025-02-20"),
                due_date=date(2025, 3, 5), returned_at=at("2025-03-04"), closed_at=at("2025-03-04"),
                documents=["scanned"], rating=("satisfied", "2025-03-05"))
    # 5: counter, received in February, still open and past due at the end of March.
    d[5] = make(procedure=plain, agency=a, status="processing", channel="counter",
                received_at=at("2025-02-10"), due_date=date(2025, 3, 20))
    # 6: self-service online (partial), waiting for a supplement since 15/3 (clock stopped): not overdue.
    d[6] = make(procedure=reusable, agency=a, status="supplement_requested", channel="online",
                online_mode="partial", received_at=at("2025-03-10"), due_date=date(2025, 3, 20),
                clock_paused_at=at("2025-03-15"), documents=["reused", "uploaded"])
    # 7: received by A, transferred (liên thông) to B, returned late in April; rated in April.
    d[7] = make(procedure=plain, agency=a, handling=s["b"], status="returned", channel="online",
                online_mode="full", received_at=at("2025-03-12"), due_date=date(2025, 4, 1),
                returned_at=at("2025-04-02"), closed_at=at("2025-04-02"), documents=["uploaded", "result"],
                rating=("unsatisfied", "2025-04-03"))
    # 8: received at 00:10 local on 1/4 (still 31/3 in UTC): April, not March.
    d[8] = make(procedure=plain, agency=a, status="received", channel="counter",
                received_at=at("2025-04-01", 0, 10), due_date=date(2025, 4, 15))
    # 9: counter, past due on 28/3, returned only on 5/4: overdue open at the end of March.
    d[9] = make(procedure=plain, agency=a, status="returned", channel="counter", received_at=at("2025-03-25"),
                due_date=date(2025, 3, 28), returned_at=at("2025-04-05"), closed_at=at("2025-04-05"),
                fee_amount=20000, fee_paid_online=True, documents=["scanned"])
    # 10: counter, withdrawn by the citizen the next day: received, never overdue.
    d[10] = make(procedure=plain, agency=a, status="withdrawn", channel="counter", received_at=at("2025-03-02"),
                 due_date=date(2025, 3, 10), closed_at=at("2025-03-03"))
    # C: one counter dossier without any document.
    d["c"] = make(procedure=s["commune_procedure"], agency=s["c"], status="processing", channel="counter",
                  received_at=at("2025-03-15"), due_date=date(2025, 4, 30))
    return d
