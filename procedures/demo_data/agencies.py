"""Cơ quan giải quyết thủ tục hành chính của tỉnh Hà Tĩnh (mã tỉnh GSO 42) — demo data.

Pure data, no Django imports. Describes the three-tier structure in force before the 2025 reforms
(tỉnh → huyện/thị xã/thành phố → xã/phường/thị trấn), i.e. the situation of 2023:

* ``PROVINCIAL``: UBND tỉnh and its specialised agencies (sở, ban ngành) plus two sub-units that
  receive dossiers themselves (Trung tâm Phục vụ hành chính công, Văn phòng đăng ký đất đai).
  The March 2025 department mergers (Sở Nông nghiệp và Môi trường, Sở Tài chính absorbing Sở Kế
  hoạch và Đầu tư, Sở Xây dựng absorbing Sở Giao thông vận tải, Sở Khoa học và Công nghệ absorbing
  Sở Thông tin và Truyền thông, Sở Nội vụ absorbing Sở Lao động - Thương binh và Xã hội) and the
  abolition of the district tier on 1 July 2025 are NOT reflected here.
* ``DISTRICT_DIVISIONS``: the kinds of agency that exist in every district: the district people's
  committee (``UBND_HUYEN``) and its divisions (phòng chuyên môn, Nghị định 37/2014/NĐ-CP as amended
  by Nghị định 108/2020/NĐ-CP). Rural districts (huyện) have Phòng Kinh tế và Hạ tầng and Phòng
  Nông nghiệp và PTNT; the city and the two towns (thành phố, thị xã) have Phòng Quản lý đô thị and
  Phòng Kinh tế instead (see ``applies_to`` and ``urban_equivalent``).
* ``COMMUNE``: the commune people's committee kind (``UBND_XA``).
* ``DISTRICTS``: the 13 district-level units of Hà Tĩnh with their GSO codes, in GSO order (the
  brief that commissioned this file said 12; Hà Tĩnh has 1 city, 2 towns and 10 rural districts).

Electronic identifier codes (mã định danh điện tử)
-------------------------------------------------
Format of QCVN 102:2016/BTTTT (issued with Thông tư 10/2016/TT-BTTTT): ``XXX.YY.ZZ.Hnn`` where
``Hnn`` is the level-1 unit (a province), ``ZZ`` the level-2 unit (a department or a district
people's committee), ``YY`` the level-3 unit (a unit under a department, a district division or a
commune people's committee) and ``XXX`` the level-4 unit; ``000``/``00`` mean "the unit itself".

* Level 1 — **sourced**: UBND tỉnh Hà Tĩnh is ``000.00.00.H27``. Found in the technical
  documentation of "VSR", a public client for Hà Tĩnh's IOC reporting system
  (baocao.hatinh.gov.vn), whose agency table maps "(Tỉnh / UBND tỉnh)" to ``000.00.00.H27``.
  It is consistent with other level-1 codes seen in public code (H05 Bắc Kạn, H20 Đồng Tháp,
  H29 TP Hồ Chí Minh, H30 Hậu Giang, H38 Lào Cai, H55 Thái Nguyên). (H28 is not Hà Tĩnh.)
* Levels 2–3 — **pattern sourced, numbers reconstructed**: a public integration mapping for Bắc Kạn
  (H05) shows departments at ``000.00.01.H05`` … ``000.00.24.H05``, district people's committees at
  ``000.00.31.H05`` … ``000.00.38.H05`` and the units under a district at ``000.01.31.H05``,
  ``000.02.31.H05`` …. The real level-2/level-3 numbers of Hà Tĩnh's agencies could not be
  confirmed, so this module assigns plausible numbers following that pattern:

  - departments: ``000.00.01.H27`` … ``000.00.19.H27`` (``PROVINCIAL[*]["code"]``);
  - district people's committee *i* (0-based index into ``DISTRICTS``): ``000.00.{31+i}.H27``;
  - division of district *i*: ``000.{slot}.{31+i}.H27`` with the division's fixed ``slot`` (01–14);
  - commune *j* (0-based, within its district) of district *i*: ``000.{21+j}.{31+i}.H27``
    (room for 79 communes per district; Hà Tĩnh's largest district has about 30).

Dossier codes on the portal are ``{mã định danh}-{yyMMdd}-{NNNN}``, e.g.
``000.00.03.H27-240115-0001`` (see ``dossier_code``).
"""

import datetime

PROVINCE_GSO_CODE = "42"
PROVINCE_NAME = "Hà Tĩnh"
LEVEL1 = "H27"
PROVINCE_AGENCY_CODE = "000.00.00.H27"

# Level-2 numbers of district people's committees start here (0-based district index added).
DISTRICT_LEVEL2_BASE = 31
# Level-3 numbers of commune people's committees start here (0-based commune index added).
COMMUNE_LEVEL3_BASE = 21
MAX_COMMUNES_PER_DISTRICT = 99 - COMMUNE_LEVEL3_BASE + 1

# ---------------------------------------------------------------------------------------------
# Provincial agencies. "code" values other than UBND_TINH follow the published pattern but the
# numbers are reconstructed (see module docstring). "parent" is the kind of the superior agency.
# ---------------------------------------------------------------------------------------------
PROVINCIAL = [
    {"kind": "UBND_TINH", "name": "Ủy ban nhân dân tỉnh Hà Tĩnh", "short": "UBND tỉnh",
     "name_en": "Hà Tĩnh Provincial People's Committee", "code": "000.00.00.H27", "parent": None},
    {"kind": "VP_UBND", "name": "Văn phòng Ủy ban nhân dân tỉnh Hà Tĩnh", "short": "Văn phòng UBND tỉnh",
     "name_en": "Office of the Provincial People's Committee", "code": "000.00.01.H27", "parent": "UBND_TINH"},
    {"kind": "SO_NOIVU", "name": "Sở Nội vụ tỉnh Hà Tĩnh", "short": "Sở Nội vụ",
     "name_en": "Department of Home Affairs", "code": "000.00.02.H27", "parent": "UBND_TINH"},
    {"kind": "SO_TUPHAP", "name": "Sở Tư pháp tỉnh Hà Tĩnh", "short": "Sở Tư pháp",
     "name_en": "Department of Justice", "code": "000.00.03.H27", "parent": "UBND_TINH"},
    {"kind": "SO_KHDT", "name": "Sở Kế hoạch và Đầu tư tỉnh Hà Tĩnh", "short": "Sở Kế hoạch và Đầu tư",
     "name_en": "Department of Planning and Investment", "code": "000.00.04.H27", "parent": "UBND_TINH"},
    {"kind": "SO_TAICHINH", "name": "Sở Tài chính tỉnh Hà Tĩnh", "short": "Sở Tài chính",
     "name_en": "Department of Finance", "code": "000.00.05.H27", "parent": "UBND_TINH"},
    {"kind": "SO_CONGTHUONG", "name": "Sở Công Thương tỉnh Hà Tĩnh", "short": "Sở Công Thương",
     "name_en": "Department of Industry and Trade", "code": "000.00.06.H27", "parent": "UBND_TINH"},
    {"kind": "SO_NNPTNT", "name": "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hà Tĩnh",
     "short": "Sở Nông nghiệp và PTNT", "name_en": "Department of Agriculture and Rural Development",
     "code": "000.00.07.H27", "parent": "UBND_TINH"},
    {"kind": "SO_GTVT", "name": "Sở Giao thông vận tải tỉnh Hà Tĩnh", "short": "Sở Giao thông vận tải",
     "name_en": "Department of Transport", "code": "000.00.08.H27", "parent": "UBND_TINH"},
    {"kind": "SO_XAYDUNG", "name": "Sở Xây dựng tỉnh Hà Tĩnh", "short": "Sở Xây dựng",
     "name_en": "Department of Construction", "code": "000.00.09.H27", "parent": "UBND_TINH"},
    {"kind": "SO_TNMT", "name": "Sở Tài nguyên và Môi trường tỉnh Hà Tĩnh", "short": "Sở Tài nguyên và Môi trường",
     "name_en": "Department of Natural Resources and Environment", "code": "000.00.10.H27", "parent": "UBND_TINH"},
    {"kind": "SO_TTTT", "name": "Sở Thông tin và Truyền thông tỉnh Hà Tĩnh", "short": "Sở Thông tin và Truyền thông",
     "name_en": "Department of Information and Communications", "code": "000.00.11.H27", "parent": "UBND_TINH"},
    {"kind": "SO_LDTBXH", "name": "Sở Lao động - Thương binh và Xã hội tỉnh Hà Tĩnh",
     "short": "Sở Lao động - TB&XH", "name_en": "Department of Labour, Invalids and Social Affairs",
     "code": "000.00.12.H27", "parent": "UBND_TINH"},
    {"kind": "SO_VHTTDL", "name": "Sở Văn hóa, Thể thao và Du lịch tỉnh Hà Tĩnh",
     "short": "Sở Văn hóa, Thể thao và Du lịch", "name_en": "Department of Culture, Sports and Tourism",
     "code": "000.00.13.H27", "parent": "UBND_TINH"},
    {"kind": "SO_KHCN", "name": "Sở Khoa học và Công nghệ tỉnh Hà Tĩnh", "short": "Sở Khoa học và Công nghệ",
     "name_en": "Department of Science and Technology", "code": "000.00.14.H27", "parent": "UBND_TINH"},
    {"kind": "SO_GDDT", "name": "Sở Giáo dục và Đào tạo tỉnh Hà Tĩnh", "short": "Sở Giáo dục và Đào tạo",
     "name_en": "Department of Education and Training", "code": "000.00.15.H27", "parent": "UBND_TINH"},
    {"kind": "SO_YTE", "name": "Sở Y tế tỉnh Hà Tĩnh", "short": "Sở Y tế",
     "name_en": "Department of Health", "code": "000.00.16.H27", "parent": "UBND_TINH"},
    {"kind": "THANHTRA", "name": "Thanh tra tỉnh Hà Tĩnh", "short": "Thanh tra tỉnh",
     "name_en": "Provincial Inspectorate", "code": "000.00.17.H27", "parent": "UBND_TINH"},
    {"kind": "SO_NGOAIVU", "name": "Sở Ngoại vụ tỉnh Hà Tĩnh", "short": "Sở Ngoại vụ",
     "name_en": "Department of Foreign Affairs", "code": "000.00.18.H27", "parent": "UBND_TINH"},
    {"kind": "BQL_KKT", "name": "Ban Quản lý Khu kinh tế tỉnh Hà Tĩnh", "short": "Ban Quản lý Khu kinh tế",
     "name_en": "Economic Zone Management Board", "code": "000.00.19.H27", "parent": "UBND_TINH"},
    # Sub-units (level 3) that receive dossiers in their own name.
    {"kind": "TT_HCC", "name": "Trung tâm Phục vụ hành chính công tỉnh Hà Tĩnh",
     "short": "Trung tâm Phục vụ HCC tỉnh", "name_en": "Provincial Public Administration Service Centre",
     "code": "000.01.01.H27", "parent": "VP_UBND"},
    {"kind": "VPDKDD", "name": "Văn phòng Đăng ký đất đai tỉnh Hà Tĩnh", "short": "Văn phòng Đăng ký đất đai",
     "name_en": "Land Registration Office", "code": "000.01.10.H27", "parent": "SO_TNMT"},
]
# Not included: Công an tỉnh (police procedures — residence, ID cards, vehicle registration — are
# run on the Ministry of Public Security's own portal with Ministry-issued identifiers).

PROVINCIAL_BY_KIND = {a["kind"]: a for a in PROVINCIAL}

# ---------------------------------------------------------------------------------------------
# District-level kinds. "slot" is the fixed level-3 number of the division inside its district;
# "suffix" is a short ASCII abbreviation for usernames/slugs; "applies_to" says where it exists:
# "all", "rural" (huyện) or "urban" (thành phố, thị xã).
# ---------------------------------------------------------------------------------------------
DISTRICT_PEOPLES_COMMITTEE = {
    "kind": "UBND_HUYEN", "name": "Ủy ban nhân dân", "short": "UBND huyện",
    "name_en": "District People's Committee", "suffix": "UBND", "slot": 0, "applies_to": "all",
}

DISTRICT_DIVISIONS = [
    {"kind": "P_NOIVU", "name": "Phòng Nội vụ", "name_en": "Home Affairs Division",
     "suffix": "NV", "slot": 1, "applies_to": "all"},
    {"kind": "P_TUPHAP", "name": "Phòng Tư pháp", "name_en": "Justice Division",
     "suffix": "TP", "slot": 2, "applies_to": "all"},
    {"kind": "P_TCKH", "name": "Phòng Tài chính - Kế hoạch", "name_en": "Finance and Planning Division",
     "suffix": "TCKH", "slot": 3, "applies_to": "all"},
    {"kind": "P_TNMT", "name": "Phòng Tài nguyên và Môi trường",
     "name_en": "Natural Resources and Environment Division", "suffix": "TNMT", "slot": 4, "applies_to": "all"},
    {"kind": "P_LDTBXH", "name": "Phòng Lao động - Thương binh và Xã hội",
     "name_en": "Labour, Invalids and Social Affairs Division", "suffix": "LDTBXH", "slot": 5, "applies_to": "all"},
    {"kind": "P_VHTT", "name": "Phòng Văn hóa và Thông tin", "name_en": "Culture and Information Division",
     "suffix": "VHTT", "slot": 6, "applies_to": "all"},
    {"kind": "P_GDDT", "name": "Phòng Giáo dục và Đào tạo", "name_en": "Education and Training Division",
     "suffix": "GDDT", "slot": 7, "applies_to": "all"},
    {"kind": "P_YTE", "name": "Phòng Y tế", "name_en": "Health Division",
     "suffix": "YT", "slot": 8, "applies_to": "all"},
    {"kind": "THANHTRA_HUYEN", "name": "Thanh tra huyện", "name_en": "District Inspectorate",
     "suffix": "TTr", "slot": 9, "applies_to": "all"},
    {"kind": "VP_HDND_UBND_HUYEN", "name": "Văn phòng HĐND và UBND",
     "name_en": "Office of the District People's Council and Committee", "suffix": "VP", "slot": 10,
     "applies_to": "all"},
    # Rural districts (huyện) only.
    {"kind": "P_KTHT", "name": "Phòng Kinh tế và Hạ tầng", "name_en": "Economy and Infrastructure Division",
     "suffix": "KTHT", "slot": 11, "applies_to": "rural"},
    {"kind": "P_NNPTNT", "name": "Phòng Nông nghiệp và Phát triển nông thôn",
     "name_en": "Agriculture and Rural Development Division", "suffix": "NN", "slot": 12, "applies_to": "rural"},
    # City and towns (thành phố, thị xã) only: Phòng Quản lý đô thị takes construction/transport
    # from Phòng Kinh tế và Hạ tầng; Phòng Kinh tế takes trade, industry and agriculture.
    {"kind": "P_QLDT", "name": "Phòng Quản lý đô thị", "name_en": "Urban Management Division",
     "suffix": "QLDT", "slot": 13, "applies_to": "urban"},
    {"kind": "P_KINHTE", "name": "Phòng Kinh tế", "name_en": "Economic Division",
     "suffix": "KT", "slot": 14, "applies_to": "urban"},
]

DIVISIONS_BY_KIND = {d["kind"]: d for d in DISTRICT_DIVISIONS}

COMMUNE = {
    "kind": "UBND_XA", "name": "Ủy ban nhân dân", "short": "UBND xã",
    "name_en": "Commune People's Committee", "suffix": "UBND",
}

# All agency kinds defined here (procedures refer to these).
KINDS = (
    {a["kind"] for a in PROVINCIAL}
    | {DISTRICT_PEOPLES_COMMITTEE["kind"], COMMUNE["kind"]}
    | set(DIVISIONS_BY_KIND)
)

# ---------------------------------------------------------------------------------------------
# District-level units of Hà Tĩnh (GSO codes, Quyết định 124/2004/QĐ-TTg and later changes), in
# GSO order. Index in this list = district_index used by agency_code().
# ---------------------------------------------------------------------------------------------
DISTRICTS = [
    {"gso_code": "436", "name": "Thành phố Hà Tĩnh", "short": "TP Hà Tĩnh", "type": "city", "urban": True,
     "name_en": "Hà Tĩnh City"},
    {"gso_code": "437", "name": "Thị xã Hồng Lĩnh", "short": "TX Hồng Lĩnh", "type": "town", "urban": True,
     "name_en": "Hồng Lĩnh Town"},
    {"gso_code": "439", "name": "Huyện Hương Sơn", "short": "Hương Sơn", "type": "district", "urban": False,
     "name_en": "Hương Sơn District"},
    {"gso_code": "440", "name": "Huyện Đức Thọ", "short": "Đức Thọ", "type": "district", "urban": False,
     "name_en": "Đức Thọ District"},
    {"gso_code": "441", "name": "Huyện Vũ Quang", "short": "Vũ Quang", "type": "district", "urban": False,
     "name_en": "Vũ Quang District"},
    {"gso_code": "442", "name": "Huyện Nghi Xuân", "short": "Nghi Xuân", "type": "district", "urban": False,
     "name_en": "Nghi Xuân District"},
    {"gso_code": "443", "name": "Huyện Can Lộc", "short": "Can Lộc", "type": "district", "urban": False,
     "name_en": "Can Lộc District"},
    {"gso_code": "444", "name": "Huyện Hương Khê", "short": "Hương Khê", "type": "district", "urban": False,
     "name_en": "Hương Khê District"},
    {"gso_code": "445", "name": "Huyện Thạch Hà", "short": "Thạch Hà", "type": "district", "urban": False,
     "name_en": "Thạch Hà District"},
    {"gso_code": "446", "name": "Huyện Cẩm Xuyên", "short": "Cẩm Xuyên", "type": "district", "urban": False,
     "name_en": "Cẩm Xuyên District"},
    {"gso_code": "447", "name": "Huyện Kỳ Anh", "short": "Kỳ Anh", "type": "district", "urban": False,
     "name_en": "Kỳ Anh District"},
    {"gso_code": "448", "name": "Huyện Lộc Hà", "short": "Lộc Hà", "type": "district", "urban": False,
     "name_en": "Lộc Hà District"},
    {"gso_code": "449", "name": "Thị xã Kỳ Anh", "short": "TX Kỳ Anh", "type": "town", "urban": True,
     "name_en": "Kỳ Anh Town"},
]

DISTRICT_INDEX_BY_GSO = {d["gso_code"]: i for i, d in enumerate(DISTRICTS)}

# Fields (catalogue.FIELDS codes) whose rural Phòng Kinh tế và Hạ tầng procedures go to Phòng Kinh
# tế, not Phòng Quản lý đô thị, in the city and towns.
_TRADE_FIELDS = {"LTHH", "ATTP", "CN"}


def division_exists(kind, urban):
    """Whether a district-level kind exists in a rural (urban=False) or urban district."""
    if kind == DISTRICT_PEOPLES_COMMITTEE["kind"]:
        return True
    applies_to = DIVISIONS_BY_KIND[kind]["applies_to"]
    return applies_to == "all" or applies_to == ("urban" if urban else "rural")


def urban_equivalent(kind, field_code=None):
    """The division that handles, in a city/town, what ``kind`` handles in a rural district.

    P_KTHT → P_QLDT (construction, transport) or P_KINHTE (trade: fields LTHH, ATTP, CN);
    P_NNPTNT → P_KINHTE. Other kinds are returned unchanged.
    """
    if kind == "P_KTHT":
        return "P_KINHTE" if field_code in _TRADE_FIELDS else "P_QLDT"
    if kind == "P_NNPTNT":
        return "P_KINHTE"
    return kind


def _check_district(district_index):
    if district_index is None or not 0 <= district_index <= 99 - DISTRICT_LEVEL2_BASE:
        raise ValueError(f"district_index must be a 0-based index (0..{99 - DISTRICT_LEVEL2_BASE}), got {district_index!r}")
    return DISTRICT_LEVEL2_BASE + district_index


def agency_code(kind, district_index=None, commune_index=None):
    """Electronic identifier (mã định danh) of an agency.

    kind           -- a kind from this module (e.g. "SO_TUPHAP", "UBND_HUYEN", "P_TUPHAP", "UBND_XA").
    district_index -- 0-based index of the district (position in ``DISTRICTS``); required for
                      district-level kinds and for communes.
    commune_index  -- 0-based index of the commune within its district; required for "UBND_XA".

    >>> agency_code("UBND_TINH")
    '000.00.00.H27'
    >>> agency_code("SO_TUPHAP")
    '000.00.03.H27'
    >>> agency_code("UBND_HUYEN", 0)
    '000.00.31.H27'
    >>> agency_code("P_TUPHAP", 2)
    '000.02.33.H27'
    >>> agency_code("UBND_XA", 2, 0)
    '000.21.33.H27'
    """
    if kind in PROVINCIAL_BY_KIND:
        return PROVINCIAL_BY_KIND[kind]["code"]
    if kind == DISTRICT_PEOPLES_COMMITTEE["kind"]:
        return f"000.00.{_check_district(district_index):02d}.{LEVEL1}"
    if kind in DIVISIONS_BY_KIND:
        level2 = _check_district(district_index)
        return f"000.{DIVISIONS_BY_KIND[kind]['slot']:02d}.{level2:02d}.{LEVEL1}"
    if kind == COMMUNE["kind"]:
        level2 = _check_district(district_index)
        if commune_index is None or not 0 <= commune_index < MAX_COMMUNES_PER_DISTRICT:
            raise ValueError(
                f"commune_index must be a 0-based index (0..{MAX_COMMUNES_PER_DISTRICT - 1}), got {commune_index!r}"
            )
        return f"000.{COMMUNE_LEVEL3_BASE + commune_index:02d}.{level2:02d}.{LEVEL1}"
    raise KeyError(f"unknown agency kind {kind!r}")


def iter_agency_codes(communes_per_district):
    """Yield (kind, district_index, commune_index, code) for every agency of the province.

    communes_per_district -- sequence of commune counts, one per entry of ``DISTRICTS``.
    District divisions are yielded only where they exist (rural/urban, see ``division_exists``).
    """
    for p in PROVINCIAL:
        yield p["kind"], None, None, p["code"]
    for d, count in enumerate(communes_per_district):
        urban = DISTRICTS[d]["urban"] if d < len(DISTRICTS) else False
        yield "UBND_HUYEN", d, None, agency_code("UBND_HUYEN", d)
        for div in DISTRICT_DIVISIONS:
            if division_exists(div["kind"], urban):
                yield div["kind"], d, None, agency_code(div["kind"], d)
        for c in range(count):
            yield "UBND_XA", d, c, agency_code("UBND_XA", d, c)


def dossier_code(agency_code_, day, sequence):
    """Dossier (hồ sơ) code as shown on the portal: ``{mã định danh}-{yyMMdd}-{NNNN}``.

    >>> dossier_code("000.00.03.H27", datetime.date(2024, 1, 15), 1)
    '000.00.03.H27-240115-0001'
    """
    if not 0 < sequence <= 9999:
        raise ValueError("sequence must be 1..9999")
    return f"{agency_code_}-{day:%y%m%d}-{sequence:04d}"


def parse_dossier_code(code):
    """Split a dossier code into (agency code, date, sequence)."""
    agency, day, seq = code.rsplit("-", 2)
    return agency, datetime.datetime.strptime(day, "%y%m%d").date(), int(seq)
