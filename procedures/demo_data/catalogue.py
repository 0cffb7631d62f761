"""Danh mục thủ tục hành chính (catalogue of administrative procedures) for the demo province — demo data.

Pure data, no Django imports. ``FIELDS`` (lĩnh vực) comes from ``catalogue_fields``; ``PROCEDURES``
joins the commune (``catalogue_commune``), district (``catalogue_district``) and provincial
(``catalogue_province``) lists, in that order. Agencies are referred to by the ``kind`` keys of
``agencies.py`` (``UBND_XA``, ``P_KTHT``, ``SO_GTVT`` …); a district-level procedure listed for
``P_KTHT``/``P_NNPTNT`` is handled in a city/town by ``agencies.urban_equivalent(kind, field)``.

Procedure format (every key is present in every dict)::

    {"code": "1.001193",                       # national TTHC code where known, else plausible; unique
     "name": "Đăng ký khai sinh", "name_en": "Birth registration",
     "field": "HT",                            # a FIELDS code
     "level": "commune" | "district" | "province",
     "agencies": ["UBND_XA"],                  # agency kinds of that level
     "online_mode": "none" | "partial" | "full",
     "processing_days": 1,                     # legal time limit, working days (int)
     "online_processing_days": 1,              # committed time for online dossiers, <= processing_days; 0 = same day
     "fees": [{"name": ..., "amount": 0, "waived_online": False}],            # integer đồng
     "documents": [{"name": ..., "required": True, "copies": 1, "kinds": ["pdf", "jpg", "png"],
                    "template": "to-khai-dang-ky-khai-sinh.docx" | None,
                    "reusable": False}],      # True: may be reused from the citizen's personal data store
     "form": [{"name": "child_full_name", "label": ..., "type": "text", "required": True, "help": ""}],
             # 3–7 fields; type in text, number, date, choice (+ "choices": [[value, label], ...]),
             # id_number, phone, address, textarea; names ASCII snake_case, unique per procedure
     "result_type": ..., "legal_basis": ..., "steps": "Bước 1: …\\nBước 2: …\\nBước 3: …",
     "online_only": False,                     # True: no paper channel at all
     "online_only_weekdays": [],               # 0 = Monday; e.g. [3]: paper not accepted on Thursdays
     "tags": [], "description_en": "One-line English description."}

Amounts follow the national fee circulars (e.g. chứng thực bản sao 2.000 đ/trang, lý lịch tư pháp
200.000 đ, đổi giấy phép lái xe 135.000 đ, lệ phí đăng ký doanh nghiệp 50.000 đ miễn khi nộp trực
tuyến); fees set by provincial councils are plausible values, not Hà Tĩnh's exact rates.

The 24 procedures tagged ``vinh-thanh-2023`` (``catalogue_district.VINH_THANH``) model the
procedures that the divisions of Vĩnh Thạnh district (Cần Thơ) switched to online-only service with
shortened processing times in 2023 (Phòng Kinh tế và Hạ tầng 11, Phòng Giáo dục và Đào tạo 2,
Phòng Tư pháp 4, Phòng Tài chính - Kế hoạch 3, Phòng Văn hóa và Thông tin 4). The published list
could not be found, so the list is a RECONSTRUCTION: the per-division counts are the ones given in
the brief, and the procedures are typical district-level procedures of those divisions, NOT the
official list. Codes are likewise partly reconstructed.
"""

from .catalogue_commune import PROCEDURES as COMMUNE
from .catalogue_district import PROCEDURES as DISTRICT
from .catalogue_fields import FIELDS
from .catalogue_province import PROCEDURES as PROVINCE

PROCEDURES = COMMUNE + DISTRICT + PROVINCE

__all__ = ["FIELDS", "PROCEDURES", "COMMUNE", "DISTRICT", "PROVINCE"]
