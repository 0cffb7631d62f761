import pytest

from procedures.models import Agency, Level
from procedures.services import agencies_seed_demo, divisions_load


@pytest.fixture
def ha_tinh(db):
    divisions_load(province_code="42", scheme="2024")


def test_demo_agencies_cover_departments_districts_and_every_commune(ha_tinh):
    first = agencies_seed_demo(province_code="42")
    assert Agency.objects.filter(level=Level.COMMUNE, kind="UBND_XA").count() == 210
    assert Agency.objects.filter(kind="UBND_HUYEN").count() == 12
    for kind in ("SO_TUPHAP", "SO_XAYDUNG", "SO_GTVT", "SO_TNMT", "SO_GDDT", "SO_KHDT", "SO_YTE", "TT_HCC"):
        assert Agency.objects.filter(kind=kind, level=Level.PROVINCE).count() == 1, kind
    # Rural districts have Phòng Kinh tế và Hạ tầng; the city and towns Phòng Quản lý đô thị instead.
    city = Agency.objects.get(kind="UBND_HUYEN", area__name="Thành phố Hà Tĩnh")
    rural = Agency.objects.get(kind="UBND_HUYEN", area__name="Huyện Hương Sơn")
    assert {"P_QLDT", "P_KINHTE"} <= set(city.children.values_list("kind", flat=True))
    assert not city.children.filter(kind="P_KTHT").exists()
    assert rural.children.filter(kind="P_KTHT").exists() and not rural.children.filter(kind="P_QLDT").exists()
    commune = Agency.objects.get(kind="UBND_XA", area__code="18073")
    assert commune.district.name == "Thành phố Hà Tĩnh" and commune.parent == city
    assert len({a.code for a in Agency.objects.all()}) == Agency.objects.count() == first["created"]


def test_agency_seed_is_idempotent(ha_tinh):
    first = agencies_seed_demo(province_code="42")
    before = list(Agency.objects.order_by("code").values_list("code", "name", "parent__code"))
    second = agencies_seed_demo(province_code="42")
    assert second == {"created": 0, "updated": first["created"]}
    assert list(Agency.objects.order_by("code").values_list("code", "name", "parent__code")) == before
