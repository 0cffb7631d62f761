"""Rebuild procedures/data/communes-2025-42.json: which former communes each 2025 commune absorbed.

Source: the conversion table (bảng chuyển đổi đơn vị hành chính mới - cũ) as packaged by
`vietnamadminunits` 1.0.4 (MIT licence, Tran Ngoc Minh Hieu; its data is compiled from the General
Statistics Office's list, danhmuchanhchinh.gso.gov.vn, and the Ministry of Home Affairs' merger map,
sapnhap.bando.com.vn). The mergers themselves are those of Resolution 1665/NQ-UBTVQH15 of 16/6/2025
of the National Assembly Standing Committee (sắp xếp các đơn vị hành chính cấp xã của tỉnh Hà Tĩnh
năm 2025), in force 1/7/2025.

    pip download --no-deps -d /tmp/va vietnamadminunits==1.0.4 && unzip -q /tmp/va/*.whl -d /tmp/va/x
    python scripts/build_commune_mergers.py /tmp/va/x/vietnamadminunits/data 1.0.4

Writes, for province 42, every 2025 commune (GSO code) with the former communes (GSO codes of the
three-tier list) it absorbed, whole or in part (`part`: the former commune was divided between
several new ones), and for each former commune the names it is also known by (`aliases`: a commune
merged shortly before 2025 keeps its predecessors' names there, e.g. Xã Bình An = An Lộc + Bình Lộc).
"""

import json
import sqlite3
import sys
from pathlib import Path

PROVINCE_KEY, PROVINCE_CODE = "tinhhatinh", "42"


def main(data_dir, version):
    data_dir = Path(data_dir)
    converter = json.loads((data_dir / "converter_2025.json").read_text(encoding="utf-8"))
    db = sqlite3.connect(data_dir / "dataset.db")
    legacy = {
        f"{p}_{d}_{w}": {"code": code, "name": name, "aliases": json.loads(alias) if alias else []}
        for p, d, w, code, name, alias in db.execute(
            "SELECT provinceKey, districtKey, wardKey, wardCode, ward, wardAlias FROM admin_units_legacy"
            " WHERE provinceKey = ?", [PROVINCE_KEY])
    }
    new = {key: (code, name) for key, code, name in db.execute(
        "SELECT wardKey, wardCode, ward FROM admin_units WHERE provinceKey = ?", [PROVINCE_KEY])}
    communes = {}
    for key, old_keys in converter["DICT_PROVINCE_WARD_NO_DIVIDED"][PROVINCE_KEY].items():
        code, name = new[key]
        communes[code] = {"code": code, "name": name,
                          "former": [{**legacy[k], "part": False} for k in old_keys]}
    for old_key, targets in converter["DICT_PROVINCE_WARD_DIVIDED"].get(PROVINCE_KEY, {}).items():
        for target in targets:
            communes[new[target["newWardKey"]][0]]["former"].append({**legacy[old_key], "part": True})
    out = {
        "source": f"vietnamadminunits {version} (MIT): GSO list and sapnhap.bando.com.vn; "
                  "Resolution 1665/NQ-UBTVQH15 of 16/6/2025",
        "province": PROVINCE_CODE,
        "valid_from": "2025-07-01",
        "communes": sorted(communes.values(), key=lambda c: int(c["code"])),
    }
    target = Path(__file__).resolve().parent.parent / "procedures" / "data" / f"communes-2025-{PROVINCE_CODE}.json"
    target.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {target} ({len(communes)} communes)")


if __name__ == "__main__":
    main(*sys.argv[1:3])
