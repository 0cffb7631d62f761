"""The administrative structure each month is reported in, and the area of a former district.

Until 30/6/2025 a province had three tiers (province → district → commune); from 1/7/2025 two
(province → commune/ward; Resolution 1665/NQ-UBTVQH15 for Hà Tĩnh, Decree 118/2025/NĐ-CP on the
one-stop service). A month is reported in the structure in force on its first day: the change fell on
the first of a month, so no month straddles it. Which groupings each structure has is `GROUPINGS`;
asking another is `GroupingNotInStructure` (a 400 in the API, a message on the pages).

The area of a former district in a two-tier month is the set of 2025 communes that absorbed its
communes, read from the successor links of the former communes' people's committees (each links to
the centre(s) of the 2025 commune(s) it went to, `procedures.services.agencies_seed_demo`). A 2025
commune that absorbed communes of several districts is counted in ONE area only, so the areas add up
to the province: the district that gave it most whole communes (then most communes, then the lowest
GSO code). A former commune divided between several 2025 communes is "split": each part is counted
where its 2025 commune is counted, never twice.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

from procedures.models import AdministrativeUnit, Agency, Level, Scheme

TWO_TIER_FROM = date(2025, 7, 1)

GROUPINGS = {
    Scheme.THREE_TIER: ("agency", "district", "area", "level", "province"),
    Scheme.TWO_TIER: ("agency", "commune", "area", "level", "province"),
}
ALL_GROUPINGS = ("agency", "district", "commune", "area", "level", "province")


def month_scheme(first):
    """The structure a month is reported in: three-tier before July 2025, two-tier from it."""
    return Scheme.TWO_TIER if first >= TWO_TIER_FROM else Scheme.THREE_TIER


class GroupingNotInStructure(Exception):
    """A grouping the month's administrative structure does not have (by district for 2026-10)."""

    def __init__(self, *, month, group):
        scheme = month_scheme(month)
        self.month, self.group, self.scheme = month, group, scheme
        self.allowed = GROUPINGS[scheme]
        self.message = _(
            "Tháng %(month)s được báo cáo theo cơ cấu %(scheme)s, không có nhóm “%(group)s”. "
            "Các nhóm của tháng này: %(allowed)s."
        ) % {"month": f"{month:%m/%Y}", "scheme": scheme.label, "group": group, "allowed": ", ".join(self.allowed)}
        super().__init__(str(self.message))


def check_grouping(*, month, group):
    if group not in GROUPINGS[month_scheme(month)]:
        raise GroupingNotInStructure(month=month, group=group)


@dataclass
class CommuneArea:
    """One 2025 commune: the former district it is counted in, and what it absorbed."""

    unit_id: int
    district_id: int
    former: dict = field(default_factory=dict)  # former district id -> [former commune names]
    split: list = field(default_factory=list)  # former communes of which it took only a part


def commune_areas():
    """{2025 commune unit id: CommuneArea}, from the successor links of the former communes' agencies."""
    links = Agency.successors.through.objects.filter(
        from_agency__level=Level.COMMUNE, from_agency__district__isnull=False,
        to_agency__level=Level.COMMUNE, to_agency__area__scheme=Scheme.TWO_TIER,
    ).values_list("from_agency__area_id", "from_agency__area__name", "from_agency__district_id",
                  "to_agency__area_id").distinct()
    into = {}  # former commune -> its 2025 communes
    rows = list(links)
    for former, _name, _district, new in rows:
        into.setdefault(former, set()).add(new)
    areas, whole, total = {}, {}, {}
    for former, name, district, new in sorted(set(rows), key=lambda r: (r[1], r[0], r[3])):
        area = areas.setdefault(new, CommuneArea(unit_id=new, district_id=district))
        names = area.former.setdefault(district, [])
        if name not in names:
            names.append(name)
        if len(into[former]) > 1:
            area.split.append(name)
        else:
            whole[(new, district)] = whole.get((new, district), 0) + 1
        total[(new, district)] = total.get((new, district), 0) + 1
    codes = dict(AdministrativeUnit.objects.filter(level=Level.DISTRICT).values_list("pk", "code"))
    for new, area in areas.items():
        area.district_id = max(area.former, key=lambda d: (
            whole.get((new, d), 0), total.get((new, d), 0), [-ord(c) for c in codes.get(d, "")]))
    return areas


def area_mapping(*, district):
    """How a former district's area is reported in the two-tier months (stated in the trend)."""
    areas = commune_areas()
    units = {u.pk: u for u in AdministrativeUnit.objects.filter(
        pk__in=set(areas) | {d for a in areas.values() for d in a.former})}
    counted, elsewhere, split = [], [], {}
    for area in sorted(areas.values(), key=lambda a: units[a.unit_id].code):
        if district.pk not in area.former:
            continue
        unit = units[area.unit_id]
        entry = {"code": unit.code, "name": unit.name, "former_communes": area.former[district.pk]}
        if area.district_id == district.pk:
            entry["also_from"] = [{"district": units[d].name, "former_communes": names}
                                  for d, names in area.former.items() if d != district.pk]
            counted.append(entry)
        else:
            entry["counted_in"] = units[area.district_id].name
            elsewhere.append(entry)
        for name in area.split:
            if name in area.former[district.pk]:
                split.setdefault(name, []).append(
                    {"commune": unit.name, "counted_here": area.district_id == district.pk})
    return {
        "communes": counted, "counted_elsewhere": elsewhere,
        "split_communes": [{"name": name, "into": parts} for name, parts in sorted(split.items())],
        "unit_ids": [areas_id for areas_id, a in areas.items() if a.district_id == district.pk],
    }
