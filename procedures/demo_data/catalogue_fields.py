"""Lĩnh vực thủ tục hành chính (fields of administrative procedures) — demo data.

Pure data, no Django imports. ``code`` is a short ASCII key used by the procedure catalogue
(``catalogue_*.py``); ``name`` follows the field names of the national database of administrative
procedures (Cơ sở dữ liệu quốc gia về TTHC), shortened where they are long. ``LTHH``, ``ATTP`` and
``CN`` are the trade fields that ``agencies.urban_equivalent`` routes to Phòng Kinh tế in a city/town.
"""

FIELDS = [
    {"code": "HT", "name": "Hộ tịch", "name_en": "Civil status"},
    {"code": "CT", "name": "Chứng thực", "name_en": "Authentication"},
    {"code": "NCN", "name": "Nuôi con nuôi", "name_en": "Adoption"},
    {"code": "LLTP", "name": "Lý lịch tư pháp", "name_en": "Judicial records"},
    {"code": "DD", "name": "Đất đai", "name_en": "Land"},
    {"code": "MT", "name": "Môi trường", "name_en": "Environment"},
    {"code": "TNN", "name": "Tài nguyên nước", "name_en": "Water resources"},
    {"code": "XD", "name": "Xây dựng", "name_en": "Construction"},
    {"code": "DB", "name": "Đường bộ", "name_en": "Road transport"},
    {"code": "DN", "name": "Thành lập và hoạt động doanh nghiệp", "name_en": "Enterprise establishment and operation"},
    {"code": "HKD", "name": "Hộ kinh doanh", "name_en": "Household businesses"},
    {"code": "DT", "name": "Đầu tư", "name_en": "Investment"},
    {"code": "LTHH", "name": "Lưu thông hàng hóa trong nước", "name_en": "Domestic trade in goods"},
    {"code": "CN", "name": "Công nghiệp tiêu dùng", "name_en": "Consumer goods industry"},
    {"code": "ATTP", "name": "An toàn thực phẩm", "name_en": "Food safety"},
    {"code": "GD", "name": "Giáo dục và Đào tạo", "name_en": "Education and training"},
    {"code": "VBCC", "name": "Văn bằng, chứng chỉ", "name_en": "Diplomas and certificates"},
    {"code": "NCC", "name": "Người có công", "name_en": "People with meritorious services"},
    {"code": "BTXH", "name": "Bảo trợ xã hội", "name_en": "Social protection"},
    {"code": "VL", "name": "Việc làm", "name_en": "Employment"},
    {"code": "DUOC", "name": "Dược phẩm", "name_en": "Pharmaceuticals"},
    {"code": "KCB", "name": "Khám bệnh, chữa bệnh", "name_en": "Medical examination and treatment"},
    {"code": "VH", "name": "Văn hóa", "name_en": "Culture"},
    {"code": "DL", "name": "Du lịch", "name_en": "Tourism"},
    {"code": "TTBC", "name": "Thông tin - báo chí - xuất bản", "name_en": "Information, press and publishing"},
    {"code": "TDKT", "name": "Thi đua, khen thưởng", "name_en": "Emulation and commendation"},
    {"code": "TCPCP", "name": "Tổ chức phi chính phủ", "name_en": "Associations and non-governmental organisations"},
    {"code": "NGV", "name": "Ngoại vụ", "name_en": "Foreign affairs"},
    {"code": "TT", "name": "Trồng trọt", "name_en": "Crop production"},
    {"code": "TY", "name": "Thú y", "name_en": "Veterinary"},
]
