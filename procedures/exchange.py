"""Catalogue files: CSV and XLSX, one procedure per line, read into rows and written from rows.

Columns are the row keys (`procedures.catalogue.ROW_KEYS`). Lists of words (`agency_kinds`, `tags`,
`online_only_weekdays`) are separated by ";"; nested content (`fees`, `documents`, `form_schema`) is
JSON in its cell (a document's `registry_proof` and `multiple_files` may be left out: "" and false);
`assurance_level` is 1, 2 or empty (the default for the online mode); booleans are 1/0 (true/false, có/không accepted). Line numbers are those a person
sees in a spreadsheet: the header is line 1.
"""

import csv
import io
import json

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from procedures.catalogue import ROW_KEYS, procedure_row

_LISTS = ("agency_kinds", "tags", "online_only_weekdays")
_JSON = ("fees", "documents", "form_schema")
_BOOLS = ("online_only", "is_active", "boundary_free")  # a missing boundary_free column: false
_INTS = ("processing_days", "online_processing_days", "assurance_level")
_OPTIONAL_INTS = ("online_processing_days", "assurance_level")  # an empty cell is None
_REQUIRED_COLUMNS = ("code", "name", "field", "level", "processing_days")
_TRUE = {"1", "true", "yes", "có", "x"}
_FALSE = {"0", "false", "no", "không", ""}


class CatalogueFileError(ValueError):
    """The file as a whole cannot be read (format, missing columns)."""


def _cell_out(key, value):
    if key in _LISTS:
        return ";".join(str(v) for v in value)
    if key in _JSON:
        return json.dumps(value, ensure_ascii=False)
    if key in _BOOLS:
        return "1" if value else "0"
    return "" if value is None else value


def export_rows(procedures):
    """Header and one list of cells per procedure (prefetch fees, documents, agencies)."""
    yield list(ROW_KEYS)
    for procedure in procedures:
        row = procedure_row(procedure)
        yield [_cell_out(key, row[key]) for key in ROW_KEYS]


def write_csv(procedures, stream):
    writer = csv.writer(stream)
    for cells in export_rows(procedures):
        writer.writerow(cells)


def write_xlsx(procedures, stream):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("thu_tuc")
    for cells in export_rows(procedures):
        sheet.append(cells)
    workbook.save(stream)


def _cell_in(key, raw):
    """One cell to its row value; raises ValueError with a reason naming the column."""
    text = "" if raw is None else str(raw).strip()
    if key in _LISTS:
        items = [part.strip() for part in text.split(";") if part.strip()]
        if key == "online_only_weekdays":
            if not all(item.isdigit() for item in items):
                raise ValueError(_("cột %(col)s: cần các số 0–6 cách nhau bởi dấu ;") % {"col": key})
            return [int(item) for item in items]
        return items
    if key in _JSON:
        if not text:
            return []
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(_("cột %(col)s: JSON không hợp lệ (%(error)s)") % {"col": key, "error": error.msg}) \
                from error
    if key in _BOOLS:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return key == "is_active" and text == ""  # an empty "active" cell keeps the default (active)
        raise ValueError(_("cột %(col)s: cần 1 hoặc 0") % {"col": key})
    if key in _INTS:
        if not text:
            if key in _OPTIONAL_INTS:
                return None
            raise ValueError(_("cột %(col)s: bắt buộc") % {"col": key})
        try:
            return int(float(text)) if float(text).is_integer() else float(text)
        except ValueError as error:
            raise ValueError(_("cột %(col)s: “%(value)s” không phải là số") % {"col": key, "value": text}) from error
    if key == "online_mode" and not text:
        return "none"
    return text


def _rows_from_records(header, records):
    header = [("" if h is None else str(h)).strip() for h in header]
    missing = [column for column in _REQUIRED_COLUMNS if column not in header]
    if missing:
        raise CatalogueFileError(_("Thiếu cột: %(cols)s.") % {"cols": ", ".join(missing)})
    unknown = [column for column in header if column and column not in ROW_KEYS]
    if unknown:
        raise CatalogueFileError(_("Cột không hợp lệ: %(cols)s.") % {"cols": ", ".join(unknown)})
    rows = []
    for line, cells in records:
        if all(c is None or str(c).strip() == "" for c in cells):
            continue  # blank lines are not errors
        values = dict(zip(header, cells, strict=False))
        row, problems = {}, []
        for key in ROW_KEYS:
            try:
                row[key] = _cell_in(key, values.get(key))
            except ValueError as error:
                problems.append(str(error))
        rows.append((line, "; ".join(problems) if problems else row))
    return rows


def read_csv(data):
    """(line, row or reason) pairs from CSV bytes or text (UTF-8, with or without BOM)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CatalogueFileError(_("Tệp CSV phải mã hóa UTF-8.")) from error
    reader = csv.reader(io.StringIO(data))
    try:
        header = next(reader)
    except StopIteration as error:
        raise CatalogueFileError(_("Tệp rỗng.")) from error
    except csv.Error as error:
        raise CatalogueFileError(str(error)) from error
    records = []
    try:
        for cells in reader:
            records.append((reader.line_num, cells))
    except csv.Error as error:
        raise CatalogueFileError(_("Dòng %(line)s: %(error)s") % {"line": reader.line_num, "error": error}) from error
    return _rows_from_records(header, records)


def read_xlsx(data):
    """(line, row or reason) pairs from the first sheet of an XLSX file."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise CatalogueFileError(_("Không đọc được tệp XLSX.")) from error
    sheet = workbook.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None)
    if header is None:
        raise CatalogueFileError(_("Tệp rỗng."))
    return _rows_from_records(header, [(index, list(cells)) for index, cells in enumerate(lines, start=2)])


def read_catalogue(name, data):
    """Rows from an uploaded file, by extension (.csv or .xlsx)."""
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return read_csv(data)
    if lowered.endswith(".xlsx"):
        return read_xlsx(data)
    raise CatalogueFileError(_("Chỉ nhận tệp .csv hoặc .xlsx."))
