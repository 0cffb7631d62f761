"""Open data (dữ liệu mở): each published month as a Frictionless Data package (issue 15).

A package holds, per grouping of the month's structure (agency, district or commune, area, level,
province), one CSV and one JSON file with the same rows, and a `datapackage.json` (Frictionless Data
Package v1, tabular) that describes every field (type, title, definition), the definitions version
(`reports.metrics.DEFINITIONS_VERSION`), when the month was computed and the suppression rule.

Small cells are suppressed (left empty in CSV, null in JSON): a count of 1 to SMALL_CELL − 1 dossiers
(primary), then, so that no suppressed count can be recomputed by subtraction, one more count where a
partition of a row (received = online + assisted + counter + postal, …) or a column of a grouping (the
rows add up to the province) has exactly one suppressed cell (secondary), repeated until stable. A
rate is published only when its numerator and denominator both are and the denominator is at least
SMALL_CELL. The province row is never suppressed below the threshold rule. See docs/open-data.md.

Building is pure (rows in, texts out); `reports.services.open_data_package_ensure` stores versions.
"""

import csv
import hashlib
import io
import json

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports import metrics, selectors
from reports.models import MonthlyAgencyStat

SMALL_CELL = 5
LICENSE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
           "title": "Creative Commons Attribution 4.0"}

# Published counts, each with its definition (the compute SQL's, `reports.services` docstring).
COUNT_DEFINITIONS = {
    "received": gettext_lazy("Hồ sơ có thời điểm tiếp nhận trong tháng, mọi kênh."),
    "received_online": gettext_lazy("Hồ sơ tiếp nhận trong tháng do người dân, doanh nghiệp tự nộp trực tuyến."),
    "received_online_partial": gettext_lazy("Trong số tự nộp trực tuyến: dịch vụ công trực tuyến một phần."),
    "received_online_full": gettext_lazy("Trong số tự nộp trực tuyến: dịch vụ công trực tuyến toàn trình."),
    "received_assisted": gettext_lazy("Hồ sơ trực tuyến do cán bộ nộp thay (không tính vào tỷ lệ trực tuyến)."),
    "received_counter": gettext_lazy("Hồ sơ tiếp nhận trực tiếp tại Bộ phận Một cửa."),
    "received_postal": gettext_lazy("Hồ sơ tiếp nhận qua bưu chính công ích."),
    "completed": gettext_lazy("Hồ sơ trả kết quả trong tháng."),
    "completed_on_time": gettext_lazy("Hồ sơ trả kết quả trong tháng không muộn hơn ngày hẹn."),
    "completed_late": gettext_lazy("Hồ sơ trả kết quả trong tháng muộn hơn ngày hẹn."),
    "overdue_open": gettext_lazy("Hồ sơ đang xử lý đã quá hạn vào cuối tháng."),
    "digitized": gettext_lazy("Hồ sơ tiếp nhận trong tháng có mọi thành phần là bản điện tử."),
    "reuse_needed": gettext_lazy("Hồ sơ tiếp nhận trong tháng có thành phần dùng lại được từ kho dữ liệu."),
    "reused": gettext_lazy("Trong số đó: hồ sơ đã dùng lại giấy tờ từ kho dữ liệu."),
    "fee_due": gettext_lazy("Hồ sơ tiếp nhận trong tháng phải nộp phí, lệ phí."),
    "fee_paid_online": gettext_lazy("Trong số đó: hồ sơ đã nộp phí, lệ phí trực tuyến."),
    "ratings": gettext_lazy("Lượt đánh giá trong tháng."),
    "ratings_satisfied": gettext_lazy("Lượt đánh giá hài lòng trong tháng."),
}
COUNTS = tuple(COUNT_DEFINITIONS)
RATE_FIELDS = tuple(selectors.RATES)
# Partitions of a row: a whole and parts that add up to it.
PARTITIONS = (
    ("received", ("received_online", "received_assisted", "received_counter", "received_postal")),
    ("received_online", ("received_online_partial", "received_online_full")),
    ("completed", ("completed_on_time", "completed_late")),
)
KEY_FIELDS = ("code", "name")


def definitions_version():
    return metrics.DEFINITIONS_VERSION


def is_current(package, *, computed_at):
    """Was `package` built from this computation of its month under today's definitions?"""
    return package.definitions_version == definitions_version() and package.computed_at == computed_at


def groupings(month):
    """The groupings published for a month: the tables of its structure (`selectors.table_titles`)."""
    return list(selectors.table_titles(month))


# --- suppression ----------------------------------------------------------------------------------
def _small(value):
    return value is not None and 0 < value < SMALL_CELL


def suppress(rows):
    """Rows (dicts of counts) with small cells set to None, in place (see the module docstring).

    The one rule for every public figure: the open data files, the public page and the public answer
    of `GET /api/v1/reports/monthly/`. Figures derived from a hidden count (the sum of processing days,
    online including assisted, the gap to the target) are hidden with it when the row has them."""
    hidden = {(i, name) for i, row in enumerate(rows) for name in COUNTS if _small(row.get(name))}

    def hide_one_more(candidates):
        # The smallest non-zero published cell among the candidates (index, name).
        shown = [(rows[i][name], i, name) for i, name in candidates
                 if (i, name) not in hidden and rows[i].get(name)]
        if shown:
            _value, i, name = min(shown)
            hidden.add((i, name))
            return True
        return False

    changed = True
    while changed:
        changed = False
        for i, _row in enumerate(rows):
            for whole, parts in PARTITIONS:
                members = [whole, *parts]
                if sum((i, m) in hidden for m in members) == 1:
                    changed |= hide_one_more([(i, m) for m in members])
        if len(rows) > 1:
            for name in COUNTS:
                if sum((i, name) in hidden for i in range(len(rows))) == 1:
                    changed |= hide_one_more([(i, name) for i in range(len(rows))])
    for i, name in hidden:
        rows[i][name] = None
    for row in rows:
        for rate, (numerator, denominator) in selectors.RATES.items():
            if numerator not in COUNT_DEFINITIONS:  # a derived sum (online incl. assisted)
                parts = (row.get("received_online"), row.get("received_assisted"))
                shown = None not in parts
            else:
                shown = row.get(numerator) is not None
            if not shown or row.get(denominator) is None or row[denominator] < SMALL_CELL:
                row[rate] = None
        if row.get("completed") is None or row["completed"] < SMALL_CELL:
            row["avg_processing_days"] = None
            if "processing_days_sum" in row:  # the API's rows: the sum would give the hidden mean back
                row["processing_days_sum"] = None
        if "received_online_all" in row and None in (row.get("received_online"), row.get("received_assisted")):
            row["received_online_all"] = None
        if "target_gap" in row and row.get("online_rate") is None:
            row["target_gap"] = None
    return rows


# --- rows and files -------------------------------------------------------------------------------
def _fields(group):
    """(name, frictionless type, title, description) of a grouping's columns."""
    key_title = {"agency": _("Mã cơ quan"), "district": _("Mã huyện (GSO)"), "commune": _("Mã xã, phường (GSO)"),
                 "area": _("Mã huyện cũ (GSO)"), "level": _("Cấp"), "province": _("Mã tỉnh (GSO)")}[group]
    fields = [("code", "string", key_title, _("Mã của đơn vị; trống: các cơ quan cấp tỉnh không thuộc đơn vị nào.")),
              ("name", "string", _("Tên"), _("Tên đơn vị."))]
    if group == "agency":
        fields.append(("level", "string", _("Cấp"), _("province, district hoặc commune.")))
    for name in COUNTS:
        fields.append((name, "integer", str(MonthlyAgencyStat._meta.get_field(name).verbose_name),
                       str(COUNT_DEFINITIONS[name]) + " " + _("Trống: ô nhỏ bị ẩn.")))
    for rate, (numerator, denominator) in selectors.RATES.items():
        fields.append((rate, "number", rate.replace("_", " "),
                       _("= %(n)s / %(d)s × 100, làm tròn 0,1. Trống: mẫu số bằng 0, nhỏ hơn %(k)s hoặc bị ẩn.")
                       % {"n": numerator, "d": denominator, "k": SMALL_CELL}))
    fields.append(("avg_processing_days", "number", _("Thời gian giải quyết trung bình (ngày làm việc)"),
                   _("Tổng số ngày làm việc giải quyết / completed. Trống khi completed nhỏ hơn %(k)s hoặc bị ẩn.")
                   % {"k": SMALL_CELL}))
    fields.append(("target_online_rate", "number", _("Chỉ tiêu tỷ lệ trực tuyến (%)"),
                   _("Chỉ tiêu tỷ lệ hồ sơ trực tuyến của năm áp dụng cho đơn vị.")))
    return fields


def group_rows(month, group):
    """The published rows of one grouping of a month, suppressed."""
    names = [name for name, *_rest in _fields(group)]
    rows = []
    for item in selectors.monthly_groups(month=month, group=group):
        row = {name: item.get(name) for name in names}
        row["code"] = item.get("code") or ("" if group != "level" else item.get("key"))
        row["name"] = str(item.get("name") or "")
        rows.append(row)
    return suppress(rows)


def _csv(fields, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([name for name, *_rest in fields])
    for row in rows:
        writer.writerow(["" if row[name] is None else row[name] for name, *_rest in fields])
    return buffer.getvalue()


def _hash(text):
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def build_files(package):
    """{file name: text} of a package: `<grouping>.csv`, `<grouping>.json` and `datapackage.json`.

    Always in Vietnamese (the titles and definitions), whatever the visitor's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _build_files(package)


def _build_files(package):
    month = package.month
    files, resources = {}, []
    for group in groupings(month):
        fields = _fields(group)
        rows = group_rows(month, group)
        schema = {"fields": [{"name": name, "type": kind, "title": title, "description": description}
                             for name, kind, title, description in fields],
                  "missingValues": [""]}
        files[f"{group}.csv"] = _csv(fields, rows)
        files[f"{group}.json"] = json.dumps(rows, ensure_ascii=False, indent=1)
        title = str(selectors.TABLE_TITLES[group])
        for extension, media in (("csv", "text/csv"), ("json", "application/json")):
            name = f"{group}.{extension}"
            resource = {
                "name": f"{group}-{extension}", "path": name, "title": title, "profile": "tabular-data-resource",
                "format": extension, "mediatype": media, "encoding": "utf-8", "schema": schema,
            }
            if extension == "csv":  # frictionless checks size and hash of a text file, not of parsed JSON
                resource.update({"bytes": len(files[name].encode()), "hash": _hash(files[name])})
            resources.append(resource)
    descriptor = {
        "profile": "tabular-data-package",
        "name": f"motcua-{settings.SITE_PROVINCE_CODE}-{month:%Y-%m}",
        "title": _("Kết quả tiếp nhận, giải quyết TTHC tháng %(month)s — %(site)s")
        % {"month": f"{month:%m/%Y}", "site": settings.SITE_NAME},
        "version": f"{package.version}.0.0",
        "created": timezone.now().isoformat(),
        "month": f"{month:%Y-%m}",
        "definitions_version": package.definitions_version,
        "computed_at": package.computed_at.isoformat(),
        "suppression": {"threshold": SMALL_CELL, "rule": _(
            "Số đếm từ 1 đến %(k)s hồ sơ bị ẩn; ẩn thêm một ô khi một phân tổ của dòng hoặc một cột của "
            "bảng chỉ có một ô bị ẩn; tỷ lệ chỉ công bố khi tử số và mẫu số đều được công bố và mẫu số "
            "không nhỏ hơn %(n)s.") % {"k": SMALL_CELL - 1, "n": SMALL_CELL}},
        "licenses": [LICENSE],
        "resources": resources,
    }
    files["datapackage.json"] = json.dumps(descriptor, ensure_ascii=False, indent=1)
    return files


CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def content_type(name):
    return CONTENT_TYPES[name.rsplit(".", 1)[-1]]
