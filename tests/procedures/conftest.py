"""Fixtures of the catalogue tests: a small province with agencies of the kinds the sample names."""

import pytest

from procedures.services import catalogue_seed_demo
from tests import factories
from tests.procedures import sample_catalogue


@pytest.fixture
def agencies(db):
    tree = factories.province_tree()
    communes = [
        factories.AgencyFactory(commune=True, area=unit, district=tree["district"], name=f"UBND {unit.name}")
        for unit in tree["communes"]
    ]
    justice = factories.AgencyFactory(kind="P_TUPHAP", level="district", area=tree["district"],
                                      name="Phòng Tư pháp huyện Thử Nghiệm")
    planning = factories.AgencyFactory(kind="SO_KHDT", level="province", area=tree["province"],
                                       name="Sở Kế hoạch và Đầu tư")
    return {"tree": tree, "communes": communes, "justice": justice, "planning": planning}


@pytest.fixture
def catalogue(agencies):
    """The sample catalogue, seeded through the real service."""
    catalogue_seed_demo(fields=sample_catalogue.FIELDS, procedures=sample_catalogue.PROCEDURES)
    return agencies
