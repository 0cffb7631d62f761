import json

import pytest
import vietnam_provinces
from django.core.management import call_command

from procedures.models import AdministrativeUnit, Level
from procedures.services import divisions_load


def _package_province(code):
    provinces = json.loads(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
    return next(p for p in provinces if p["code"] == code)


@pytest.mark.django_db
def test_ha_tinh_three_tier_import_matches_the_package_data():
    divisions_load(province_code="42", scheme="2024")
    package = _package_province(42)
    units = AdministrativeUnit.objects.filter(scheme="2024")
    province = units.get(level=Level.PROVINCE)
    assert (province.code, province.name) == ("42", "Tỉnh Hà Tĩnh")
    districts = units.filter(level=Level.DISTRICT)
    assert districts.count() == 12 == len(package["districts"])
    for district in package["districts"]:
        row = districts.get(code=str(district["code"]))
        assert row.name == district["name"] and row.parent == province
        communes = {(u.code, u.name) for u in row.children.all()}
        assert communes == {(str(w["code"]), w["name"]) for w in district["wards"]}
    assert units.filter(level=Level.COMMUNE).count() == sum(len(d["wards"]) for d in package["districts"])
    assert province.valid_until.isoformat() == "2025-06-30"


@pytest.mark.django_db
def test_import_is_idempotent():
    first = divisions_load(province_code="42", scheme="2024")
    before = list(AdministrativeUnit.objects.order_by("pk").values())
    second = divisions_load(province_code="42", scheme="2024")
    assert first["created"] > 200 and second == {"created": 0, "updated": 0, "unchanged": first["created"]}
    assert list(AdministrativeUnit.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_import_repairs_a_changed_name():
    divisions_load(province_code="42", scheme="2024")
    AdministrativeUnit.objects.filter(scheme="2024", level=Level.DISTRICT, code="436").update(name="sai")
    counts = divisions_load(province_code="42", scheme="2024")
    assert counts["updated"] == 1
    assert AdministrativeUnit.objects.get(scheme="2024", level=Level.DISTRICT, code="436").name == "Thành phố Hà Tĩnh"


@pytest.mark.django_db
def test_two_tier_scheme_has_no_districts_and_starts_in_july_2025():
    call_command("load_divisions", "--province", "42", "--scheme", "2025")
    units = AdministrativeUnit.objects.filter(scheme="2025")
    assert not units.filter(level=Level.DISTRICT).exists()
    communes = units.filter(level=Level.COMMUNE)
    assert communes.count() == 69
    assert all(c.parent.level == Level.PROVINCE for c in communes)
    assert units.get(level=Level.PROVINCE).valid_from.isoformat() == "2025-07-01"


@pytest.mark.django_db
def test_unknown_province_is_refused():
    with pytest.raises(ValueError, match="no province"):
        divisions_load(province_code="999", scheme="2024")
    assert not AdministrativeUnit.objects.exists()
