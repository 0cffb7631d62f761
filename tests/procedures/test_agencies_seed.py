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


@pytest.fixture
def both_schemes(db):
    divisions_load(province_code="42", scheme="2024")
    divisions_load(province_code="42", scheme="2025")


def test_demo_agencies_of_both_periods_with_successors(both_schemes):
    """Issue 13 item 1: departments merged on 1/3/2025, the district tier and former communes ending on
    30/6/2025, each 2025 commune's people's committee and centre from 1/7/2025, linked to the former
    communes it absorbed (Resolution 1665/NQ-UBTVQH15)."""
    from datetime import date

    from procedures.services import catalogue_seed_demo

    first = agencies_seed_demo(province_code="42")
    today, june, february = date(2026, 12, 3), date(2025, 6, 30), date(2025, 2, 28)
    assert Agency.objects.in_force_on(today).filter(kind="TT_HCC_XA").count() == 69
    assert Agency.objects.in_force_on(today).filter(kind="UBND_CAPXA").count() == 69
    assert not Agency.objects.in_force_on(today).filter(level=Level.DISTRICT).exists()
    assert not Agency.objects.in_force_on(today).filter(kind="UBND_XA").exists()
    assert Agency.objects.in_force_on(june).filter(kind="UBND_XA").count() == 210
    assert not Agency.objects.in_force_on(june).filter(kind="TT_HCC_XA").exists()
    # Departments: Kế hoạch và Đầu tư ended on 28/2/2025 into Sở Tài chính; a new Nông nghiệp và Môi trường.
    planning = Agency.objects.get(kind="SO_KHDT")
    assert planning.valid_until == february and list(planning.successors.values_list("kind", flat=True)) == ["SO_TAICHINH"]
    assert set(Agency.objects.get(kind="SO_TNMT").successors.values_list("kind", flat=True)) == {"SO_NNMT"}
    assert Agency.objects.get(kind="VPDKDD").parent.kind == "SO_NNMT"
    assert len(Agency.objects.get(kind="SO_LDTBXH").successors.all()) == 3
    assert Agency.objects.in_force_on(today).filter(kind="SO_TUPHAP").count() == 1
    # Phường Nam Hà went whole into Phường Thành Sen; Phường Đại Nài was divided between two wards.
    nam_ha = Agency.objects.get(kind="UBND_XA", area__code="18073", area__scheme="2024")
    assert [a.name for a in nam_ha.successors.all()] == ["Trung tâm Phục vụ hành chính công Phường Thành Sen"]
    dai_nai = Agency.objects.get(kind="UBND_XA", area__name="Phường Đại Nài")
    assert {a.area.name for a in dai_nai.successors.all()} == {"Phường Thành Sen", "Phường Hà Huy Tập"}
    # Every former commune has a successor (Xã Bình Lộc through its alias in Xã Bình An).
    assert not Agency.objects.filter(kind="UBND_XA", area__scheme="2024", successors__isnull=True).exists()
    assert Agency.objects.get(kind="UBND_XA", area__name="Xã Bình Lộc").successors.get().area.name == "Xã Lộc Hà"
    city_justice = Agency.objects.get(kind="P_TUPHAP", area__name="Thành phố Hà Tĩnh")
    assert city_justice.valid_until == june and city_justice.successors.count() > 1
    # Idempotent in both periods.
    before = list(Agency.objects.order_by("code").values_list("code", "valid_from", "valid_until", "parent__code"))
    links = sorted(Agency.successors.through.objects.values_list("from_agency_id", "to_agency_id"))
    assert agencies_seed_demo(province_code="42") == {"created": 0, "updated": first["created"]}
    assert list(Agency.objects.order_by("code").values_list("code", "valid_from", "valid_until", "parent__code")) == before
    assert sorted(Agency.successors.through.objects.values_list("from_agency_id", "to_agency_id")) == links
    # Former district and commune procedures are handled today by the commune centres.
    catalogue_seed_demo()
    from procedures.models import Procedure

    for procedure in Procedure.objects.filter(level__in=["district", "commune"]):
        kinds = set(procedure.agencies.in_force_on(today).values_list("kind", flat=True))
        assert kinds == {"TT_HCC_XA"}, procedure.code
    assert not Procedure.objects.exclude(agencies__in=Agency.objects.in_force_on(today)).exists()
