"""Rebuild procedures/data/divisions-2025.json.gz from the vietnam-provinces 2025.x package.

The project pins vietnam-provinces 0.6.0 (three-tier data with districts, read directly); the
two-tier data of 2025.x cannot be installed beside it, so it is vendored as this fixture.

    pip download --no-deps -d /tmp/vp vietnam-provinces==2025.10.1 && unzip -q /tmp/vp/*.whl -d /tmp/vp/x
    python scripts/build_divisions_fixture.py /tmp/vp/x/vietnam_provinces/data/nested-divisions.json 2025.10.1
"""

import gzip
import json
import sys
from pathlib import Path

KEYS = ("name", "code", "codename", "division_type")


def main(source, version):
    provinces = json.loads(Path(source).read_text(encoding="utf-8"))
    out = {
        "source": f"vietnam-provinces {version} (data from the General Statistics Office of Viet Nam)",
        "scheme": "2025",
        "provinces": [
            {**{k: p[k] for k in KEYS}, "wards": [{k: w[k] for k in KEYS} for w in p["wards"]]}
            for p in provinces
        ],
    }
    target = Path(__file__).resolve().parent.parent / "procedures" / "data" / "divisions-2025.json.gz"
    with gzip.open(target, "wt", encoding="utf-8") as fh:
        json.dump(out, fh, ensure_ascii=False, separators=(",", ":"))
    print(f"wrote {target} ({len(out['provinces'])} provinces)")


if __name__ == "__main__":
    main(*sys.argv[1:3])
