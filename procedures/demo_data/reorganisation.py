"""Hà Tĩnh's agencies across the 2025 reforms — demo data, pure data, no Django imports.

Two changes, each with the day the old structure last applied and the day the new one starts:

1. **Provincial departments merged on 1/3/2025** (old ones in force until 28/02/2025). The list of
   departments a province may have is Decree 45/2025/NĐ-CP of 28/02/2025 (tổ chức các cơ quan chuyên
   môn thuộc UBND cấp tỉnh, cấp huyện), whose list of "sở được tổ chức thống nhất" is (the article number was not sourced): Nội vụ, Tư
   pháp, Tài chính, Công Thương, Nông nghiệp và Môi trường, Xây dựng, Khoa học và Công nghệ, Văn hóa,
   Thể thao và Du lịch, Giáo dục và Đào tạo, Y tế, Thanh tra tỉnh, Văn phòng UBND; Sở Ngoại vụ and Sở
   Dân tộc và Tôn giáo only in some provinces (summary found on hdnd.dongnai.gov.vn; the decree's own
   text was not found). **Hà Tĩnh's own resolutions and decisions establishing its merged departments
   could not be found** with the search tool: the five mergers below are those named in the issue and
   by the national plan, not checked against the province's decisions; whether Hà Tĩnh kept Sở Ngoại
   vụ after March 2025 is not sourced (it is kept here, unchanged). Where a department was split, the
   split follows the national allocation of functions (press and publishing from Thông tin và Truyền
   thông to Văn hóa, Thể thao và Du lịch; social protection from Lao động - Thương binh và Xã hội to
   Y tế, vocational training to Giáo dục và Đào tạo) — also not checked against Hà Tĩnh's decisions.
   Sở Tài chính, Sở Xây dựng, Sở Khoa học và Công nghệ and Sở Nội vụ keep their rows (and codes): they
   absorbed the others; Sở Nông nghiệp và Môi trường is a new agency.
2. **No district tier from 1/7/2025** (Resolution 1665/NQ-UBTVQH15 of 16/6/2025 on Hà Tĩnh's communes;
   Decree 118/2025/NĐ-CP on one-stop service, in force 1/7/2025): every district people's committee,
   its divisions and every former commune people's committee end on 30/06/2025. Each of the 69
   communes and wards has a people's committee and a commune Public Administration Service Centre
   (Trung tâm Phục vụ hành chính công) from 01/07/2025, where its dossiers are received. The former
   communes each absorbed come from procedures/data/communes-2025-42.json (see
   scripts/build_commune_mergers.py). Former district procedures go to the commune centres: the
   district people's committees' powers passed to the communes; no demo district procedure is known to
   have moved to a provincial department instead (`DISTRICT_PROCEDURES_TO_PROVINCE` is empty; a real
   site lists its exceptions there by procedure code).

Electronic identifier codes of the new agencies are reconstructed like those of agencies.py (the real
ones could not be confirmed): Sở Nông nghiệp và Môi trường ``000.00.20.H27``; the people's committee
of 2025 commune *i* (1-based, in GSO code order) ``000.{i:02d}.60.H27`` and its centre
``001.{i:02d}.60.H27``.
"""

import datetime

DEPARTMENTS_LAST_DAY = datetime.date(2025, 2, 28)
DEPARTMENTS_FROM = datetime.date(2025, 3, 1)
DISTRICTS_LAST_DAY = datetime.date(2025, 6, 30)
TWO_TIER_FROM = datetime.date(2025, 7, 1)

NEW_DEPARTMENTS = [
    {"kind": "SO_NNMT", "name": "Sở Nông nghiệp và Môi trường tỉnh Hà Tĩnh", "short": "Sở Nông nghiệp và Môi trường",
     "name_en": "Department of Agriculture and Environment", "code": "000.00.20.H27", "parent": "UBND_TINH"},
]

# Departments that ended on 28/02/2025 -> the kinds of the departments that took their work.
MERGED_DEPARTMENTS = {
    "SO_KHDT": ["SO_TAICHINH"],
    "SO_GTVT": ["SO_XAYDUNG"],
    "SO_NNPTNT": ["SO_NNMT"],
    "SO_TNMT": ["SO_NNMT"],
    "SO_TTTT": ["SO_KHCN", "SO_VHTTDL"],
    "SO_LDTBXH": ["SO_NOIVU", "SO_YTE", "SO_GDDT"],
}
# Sub-units whose superior changed with the mergers.
NEW_PARENTS = {"VPDKDD": "SO_NNMT"}

# The kind that handles today the procedures of a ceased kind; (kind, field code) first, where a
# department was split between several.
PROCEDURES_NOW_BY_FIELD = {
    ("SO_TTTT", "TTBC"): "SO_VHTTDL",
    ("SO_LDTBXH", "BTXH"): "SO_YTE",
    ("SO_LDTBXH", "GDNN"): "SO_GDDT",
}
COMMUNE_PC_KIND = "UBND_CAPXA"  # a commune/ward people's committee of the two-tier scheme
COMMUNE_CENTRE_KIND = "TT_HCC_XA"  # its Public Administration Service Centre (receives the dossiers)
DISTRICT_KINDS = ("UBND_HUYEN", "P_NOIVU", "P_TUPHAP", "P_TCKH", "P_TNMT", "P_LDTBXH", "P_VHTT", "P_GDDT",
                  "P_YTE", "THANHTRA_HUYEN", "VP_HDND_UBND_HUYEN", "P_KTHT", "P_NNPTNT", "P_QLDT", "P_KINHTE")
PROCEDURES_NOW = {
    **{kind: successors[0] for kind, successors in MERGED_DEPARTMENTS.items()},
    "UBND_XA": COMMUNE_CENTRE_KIND,
    **{kind: COMMUNE_CENTRE_KIND for kind in DISTRICT_KINDS},
}
# Former district procedures that went to a provincial department instead of the communes, by code.
DISTRICT_PROCEDURES_TO_PROVINCE = {}


def kind_now(kind, field_code=None, procedure_code=None):
    """The agency kind that handles today what `kind` handled (itself when it still exists)."""
    if procedure_code in DISTRICT_PROCEDURES_TO_PROVINCE and kind in DISTRICT_KINDS:
        return DISTRICT_PROCEDURES_TO_PROVINCE[procedure_code]
    return PROCEDURES_NOW_BY_FIELD.get((kind, field_code)) or PROCEDURES_NOW.get(kind, kind)


def commune_pc_code(index):
    """Identifier of the people's committee of 2025 commune `index` (1-based, GSO code order)."""
    return f"000.{index:02d}.60.H27"


def commune_centre_code(index):
    return f"001.{index:02d}.60.H27"
