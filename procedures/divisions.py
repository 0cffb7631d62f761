"""Import administrative units (province → district → commune) from official GSO data.

Scheme 2024 (three tiers, in force until 30/06/2025) is read from the pinned `vietnam-provinces`
0.6.x package; scheme 2025 (two tiers, from 01/07/2025) from a fixture built from vietnam-provinces
2025.x (see scripts/build_divisions_fixture.py and procedures/data/LICENSE-divisions.txt).
"""

import gzip
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from procedures.models import Level, Scheme

FIXTURE_2025 = Path(__file__).resolve().parent / "data" / "divisions-2025.json.gz"
# Which former communes each 2025 commune absorbed, per province (scripts/build_commune_mergers.py).
MERGERS_2025 = Path(__file__).resolve().parent / "data" / "communes-2025-{province}.json"
REORGANISATION_DAY = date(2025, 7, 1)
SCHEME_VALIDITY = {
    Scheme.THREE_TIER: (None, date(2025, 6, 30)),
    Scheme.TWO_TIER: (REORGANISATION_DAY, None),
}


@dataclass(frozen=True)
class UnitRow:
    level: str
    code: str
    name: str
    division_type: str
    codename: str
    parent_code: str | None  # code of the parent at the level above


def _rows_2024(province_code):
    import vietnam_provinces

    if not vietnam_provinces.__version__.startswith("0.6"):
        raise RuntimeError(
            f"scheme 2024 needs vietnam-provinces 0.6.x (three tiers), found {vietnam_provinces.__version__}"
        )
    provinces = json.loads(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
    province = _find(provinces, province_code)
    yield UnitRow(Level.PROVINCE, str(province["code"]), province["name"], province["division_type"],
                  province["codename"], None)
    for district in province["districts"]:
        yield UnitRow(Level.DISTRICT, str(district["code"]), district["name"], district["division_type"],
                      district["codename"], str(province["code"]))
        for ward in district["wards"]:
            yield UnitRow(Level.COMMUNE, str(ward["code"]), ward["name"], ward["division_type"],
                          ward["codename"], str(district["code"]))


def _rows_2025(province_code):
    with gzip.open(FIXTURE_2025, "rt", encoding="utf-8") as fh:
        provinces = json.load(fh)["provinces"]
    province = _find(provinces, province_code)
    yield UnitRow(Level.PROVINCE, str(province["code"]), province["name"], province["division_type"],
                  province["codename"], None)
    for ward in province["wards"]:
        yield UnitRow(Level.COMMUNE, str(ward["code"]), ward["name"], ward["division_type"],
                      ward["codename"], str(province["code"]))


def _find(provinces, province_code):
    for province in provinces:
        if str(province["code"]) == str(int(province_code)):
            return province
    raise ValueError(f"no province with code {province_code}")


def division_rows(province_code, scheme):
    """The official units of one province in one scheme, parents before children."""
    if scheme == Scheme.THREE_TIER:
        return list(_rows_2024(province_code))
    if scheme == Scheme.TWO_TIER:
        return list(_rows_2025(province_code))
    raise ValueError(f"unknown scheme {scheme!r}")


@dataclass(frozen=True)
class CommuneMerger:
    code: str  # GSO code of the 2025 commune
    name: str
    former_codes: tuple  # GSO codes (three-tier list) of the communes it absorbed, whole or in part
    partly: tuple  # those of former_codes divided between several 2025 communes


def commune_mergers(province_code):
    """The 2025 communes of a province with the former communes each absorbed (Resolution 1665/NQ-UBTVQH15
    for Hà Tĩnh), in GSO code order.

    A former commune of the three-tier list that the conversion table knows only by an alias (it had been
    merged into another shortly before, e.g. Xã Bình Lộc into Xã Bình An, Thạch Hà) is matched by its
    code name and counted with the commune that absorbed it. Raises ValueError for a province without a
    merger table.
    """
    path = Path(str(MERGERS_2025).format(province=int(province_code)))
    if not path.exists():
        raise ValueError(f"no commune merger table for province {province_code}")
    table = json.loads(path.read_text(encoding="utf-8"))
    by_alias = {}
    for row in _rows_2024(province_code):
        if row.level == Level.COMMUNE:
            by_alias.setdefault(row.codename.replace("_", ""), row.code)
    mergers = []
    for commune in table["communes"]:
        codes, partly = [], []
        for former in commune["former"]:
            found = [former["code"]] + [by_alias[a] for a in former["aliases"] if a in by_alias]
            for code in dict.fromkeys(found):
                codes.append(code)
                if former["part"]:
                    partly.append(code)
        mergers.append(CommuneMerger(str(commune["code"]), commune["name"], tuple(dict.fromkeys(codes)),
                                     tuple(partly)))
    return mergers
