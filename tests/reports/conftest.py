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
