"""CSV and XLSX of any statistics table, and the column definitions shared by pages and exports."""

import csv
import io

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font

# (field, heading) of the per-group tables (agency, district, level, province).
GROUP_COLUMNS = [
    ("name", _("Đơn vị")),
    ("received", _("Tiếp nhận")),
    ("received_online", _("Trực tuyến (tự nộp)")),
    ("received_online_partial", _("Một phần")),
    ("received_online_full", _("Toàn trình")),
    ("received_assisted", _("Cán bộ nộp thay")),
    ("received_counter", _("Trực tiếp")),
    ("received_postal", _("Bưu chính")),
    ("online_rate", _("Tỷ lệ trực tuyến (%)")),
    ("target_online_rate", _("Chỉ tiêu (%)")),
    ("target_gap", _("Chênh lệch (điểm %)")),
    ("completed", _("Đã giải quyết")),
    ("completed_on_time", _("Đúng hạn")),
    ("completed_late", _("Quá hạn")),
    ("on_time_rate", _("Tỷ lệ đúng hạn (%)")),
    ("overdue_open", _("Đang quá hạn cuối tháng")),
    ("avg_processing_days", _("Thời gian giải quyết TB (ngày làm việc)")),
    ("digitization_rate", _("Tỷ lệ số hóa (%)")),
    ("reuse_rate", _("Tỷ lệ dùng lại (%)")),
    ("online_payment_rate", _("Tỷ lệ thanh toán trực tuyến (%)")),
    ("satisfaction_rate", _("Tỷ lệ hài lòng (%)")),
]

DOSSIER_COLUMNS = [
    ("code", _("Mã hồ sơ")),
    ("procedure__name", _("Thủ tục")),
    ("receiving_agency__name", _("Cơ quan tiếp nhận")),
    ("channel", _("Kênh nộp")),
    ("assisted", _("Cán bộ nộp thay")),
    ("status", _("Trạng thái")),
    ("received_at", _("Tiếp nhận lúc")),
    ("due_date", _("Hẹn trả")),
    ("returned_at", _("Trả kết quả lúc")),
]


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        from django.utils import timezone

        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, int | float):
        return value
    return str(value)


def table_rows(columns, rows):
    """Header and cells of a table of dicts (or values() rows)."""
    header = [str(label) for _field, label in columns]
    return header, [[_cell(row.get(field)) for field, _label in columns] for row in rows]


def to_csv(columns, rows, *, excel=False):
    """UTF-8 with BOM so that Excel opens Vietnamese text correctly.

    Standard (`excel=False`): comma-separated, decimal point ("50.0"), for programs. `excel=True` is for
    Excel set to Vietnamese (issue 21 item 15): semicolon-separated, decimal comma ("50,0"), which that
    Excel reads as numbers instead of misreading "50.0".
    """
    header, cells = table_rows(columns, rows)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";" if excel else ",")
    writer.writerow(header)
    if excel:
        cells = [[str(c).replace(".", ",") if isinstance(c, float) else c for c in row] for row in cells]
    writer.writerows(cells)
    return buffer.getvalue().encode("utf-8")


def to_xlsx(sheets):
    """`sheets`: list of (title, columns, rows). Returns the workbook's bytes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(title=str(title)[:31])
        header, cells = table_rows(columns, rows)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for line in cells:
            sheet.append(line)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


