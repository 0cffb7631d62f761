"""Catalogue import/export (CSV, XLSX): round trip, all or nothing, bad lines reported with reasons."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from procedures.exchange import export_rows, read_csv, read_xlsx, write_csv, write_xlsx
from procedures.models import FeeLine, Procedure, ProcedureVersion
from procedures.selectors import procedure_export_list
from procedures.services import CatalogueImportError, catalogue_import

HEADER = ["code", "name", "field", "level", "online_mode", "processing_days", "online_processing_days",
          "agency_kinds", "fees"]


def _csv(lines):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *lines])
    return buffer.getvalue().encode("utf-8")


GOOD_1 = ["9.000001", "Cấp phép thử nghiệm", "DN", "province", "full", "5", "3", "SO_KHDT",
          json.dumps([{"name": "Lệ phí", "amount": 50000, "waived_online": True}])]
GOOD_2 = ["9.000002", "Xác nhận thử nghiệm", "HT", "commune", "partial", "2", "", "UBND_XA", ""]


def test_import_creates_procedures_with_agencies_fees_and_a_version(catalogue):
    counts = catalogue_import(rows=read_csv(_csv([GOOD_1, GOOD_2])))
    assert counts == {"created": 2, "updated": 0, "unchanged": 0}
    permit = Procedure.objects.get(code="9.000001")
    assert list(permit.agencies.all()) == [catalogue["planning"]]
    assert [(f.name, f.amount, f.waived_online) for f in permit.fees.all()] == [("Lệ phí", 50000, True)]
    assert permit.current_version == 1
    assert Procedure.objects.get(code="9.000002").online_processing_days is None


def test_one_bad_line_is_reported_with_its_number_and_reason_and_nothing_is_imported(catalogue):
    bad = ["9.000003", "Thủ tục sai", "HT", "commune", "full", "5", "8", "UBND_XA", ""]
    before = (Procedure.objects.count(), ProcedureVersion.objects.count(), FeeLine.objects.count())
    with pytest.raises(CatalogueImportError) as error:
        catalogue_import(rows=read_csv(_csv([GOOD_1, bad, GOOD_2])))
    assert len(error.value.errors) == 1
    line, reason = error.value.errors[0]
    assert line == 3  # header is line 1
    assert "Thời hạn trực tuyến" in reason
    assert (Procedure.objects.count(), ProcedureVersion.objects.count(), FeeLine.objects.count()) == before
    assert not Procedure.objects.filter(code__in=["9.000001", "9.000002"]).exists()


@pytest.mark.parametrize(("cells", "fragment"), [
    ({"field": "XX"}, "Lĩnh vực “XX”"),
    ({"level": "village"}, "Cấp thực hiện"),
    ({"processing_days": "năm"}, "processing_days"),
    ({"agency_kinds": "SO_KHONG_CO"}, "SO_KHONG_CO"),
    ({"fees": "[{"}, "JSON"),
])
def test_each_kind_of_bad_cell_is_explained(catalogue, cells, fragment):
    row = dict(zip(HEADER, GOOD_1, strict=True)) | cells
    with pytest.raises(CatalogueImportError) as error:
        catalogue_import(rows=read_csv(_csv([[row[h] for h in HEADER]])))
    assert any(line == 2 and fragment in reason for line, reason in error.value.errors), error.value.errors


def test_duplicate_codes_in_one_file_are_refused(catalogue):
    with pytest.raises(CatalogueImportError) as error:
        catalogue_import(rows=read_csv(_csv([GOOD_1, GOOD_1])))
    assert error.value.errors[0][0] == 3 and "dòng 2" in error.value.errors[0][1]


def test_csv_export_then_import_is_a_no_op(catalogue):
    buffer = io.StringIO()
    write_csv(procedure_export_list(), buffer)
    counts = catalogue_import(rows=read_csv(buffer.getvalue().encode("utf-8")))
    assert counts == {"created": 0, "updated": 0, "unchanged": 3}


def test_xlsx_export_then_edited_import_updates_and_versions(catalogue):
    buffer = io.BytesIO()
    write_xlsx(procedure_export_list(), buffer)
    rows = read_xlsx(buffer.getvalue())
    assert [line for line, _row in rows] == [2, 3, 4]
    rows[0][1]["name"] = "Đăng ký khai sinh (sửa đổi)"
    counts = catalogue_import(rows=rows)
    assert counts == {"created": 0, "updated": 1, "unchanged": 2}
    procedure = Procedure.objects.get(code=rows[0][1]["code"])
    assert procedure.current_version == 2


def test_xlsx_bad_row_reports_the_spreadsheet_line(catalogue):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(GOOD_1)
    sheet.append(["9.000009", "Sai", "DN", "province", "half", "5", "", "SO_KHDT", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(CatalogueImportError) as error:
        catalogue_import(rows=read_xlsx(buffer.getvalue()))
    assert [(line, "Mức độ trực tuyến" in reason) for line, reason in error.value.errors] == [(3, True)]
    assert not Procedure.objects.filter(code="9.000001").exists()


def test_export_header_lists_every_column(catalogue):
    header = next(iter(export_rows([])))
    assert {"code", "fees", "documents", "form_schema", "agency_kinds"} <= set(header)


def test_import_command_lists_bad_lines_and_fails(catalogue, tmp_path, capsys):
    path = tmp_path / "catalogue.csv"
    path.write_bytes(_csv([GOOD_1, ["9.000004", "", "DN", "province", "full", "5", "", "SO_KHDT", ""]]))
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_catalogue", str(path))
    assert "line 3:" in capsys.readouterr().err
    assert not Procedure.objects.filter(code="9.000001").exists()


def test_export_and_import_commands_round_trip(catalogue, tmp_path, capsys):
    path = tmp_path / "out.xlsx"
    call_command("export_catalogue", str(path))
    call_command("import_catalogue", str(path))
    assert "0 created, 0 updated, 3 unchanged" in capsys.readouterr().out


def _identity_settings(procedure):
    """The identity and file-slot settings of a procedure: its own level, each paper's registry proof and
    whether its slot takes several files."""
    return (procedure.assurance_level, procedure.boundary_free,
            [(d.name, d.registry_proof, d.multiple_files) for d in procedure.documents.order_by("position")])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_assurance_level_registry_proof_and_multiple_files_round_trip(catalogue, fmt):
    """Issue 17: the identity level a procedure needs and the papers the population registry replaces
    travel through export and import, as does a slot's several-files flag (issue 21 item 7)."""
    procedure = Procedure.objects.order_by("code").first()
    Procedure.objects.filter(pk=procedure.pk).update(assurance_level=2, boundary_free=True)
    first, *rest = procedure.documents.order_by("position")
    first.registry_proof, first.multiple_files = "residence", True
    first.save()
    expected = _identity_settings(Procedure.objects.get(pk=procedure.pk))
    assert expected[:2] == (2, True) and expected[2][0][1:] == ("residence", True)

    buffer = io.StringIO() if fmt == "csv" else io.BytesIO()
    (write_csv if fmt == "csv" else write_xlsx)(procedure_export_list(), buffer)
    data = buffer.getvalue().encode("utf-8") if fmt == "csv" else buffer.getvalue()
    rows = (read_csv if fmt == "csv" else read_xlsx)(data)
    row = next(row for _line, row in rows if row["code"] == procedure.code)
    assert row["assurance_level"] == 2 and row["boundary_free"] is True  # Decree 118: any competent centre
    assert row["documents"][0]["registry_proof"] == "residence" and row["documents"][0]["multiple_files"] is True

    # Another catalogue without them (a fresh database) gets them from the file.
    Procedure.objects.filter(pk=procedure.pk).update(assurance_level=None, boundary_free=False)
    procedure.documents.update(registry_proof="", multiple_files=False)
    counts = catalogue_import(rows=rows)
    assert counts["updated"] == 1
    assert _identity_settings(Procedure.objects.get(pk=procedure.pk)) == expected
    # And a second import of the same file changes nothing.
    assert catalogue_import(rows=(read_csv if fmt == "csv" else read_xlsx)(data))["updated"] == 0


def test_a_file_without_the_new_columns_keeps_the_defaults(catalogue):
    """Files written before assurance_level, registry_proof and multiple_files existed still import."""
    docs = json.dumps([{"name": "Tờ khai", "required": True, "copies": 1, "kinds": ["pdf"]}])
    header = [*HEADER, "documents"]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, [*GOOD_1, docs]])
    assert catalogue_import(rows=read_csv(buffer.getvalue().encode("utf-8")))["created"] == 1
    procedure = Procedure.objects.get(code="9.000001")
    assert _identity_settings(procedure) == (None, False, [("Tờ khai", "", False)])
    assert procedure.assurance_level_needed() == 2  # full-process online: level 2 by default


@pytest.mark.parametrize(("cells", "fragment"), [
    ({"assurance_level": "3"}, "Mức độ định danh"),
    ({"documents": json.dumps([{"name": "A", "copies": 1, "kinds": [], "registry_proof": "ho_khau"}])},
     "registry_proof"),
    ({"documents": json.dumps([{"name": "A", "copies": 1, "kinds": [], "multiple_files": "nhiều"}])},
     "multiple_files"),
    ({"documents": json.dumps([{"name": "A", "copies": 1, "kinds": [], "so_ban": 2}])}, "so_ban"),
])
def test_bad_identity_and_document_cells_are_explained(catalogue, cells, fragment):
    header = [*HEADER, "assurance_level", "documents"]
    row = dict(zip(HEADER, GOOD_1, strict=True)) | {"assurance_level": "", "documents": ""} | cells
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, [row[h] for h in header]])
    with pytest.raises(CatalogueImportError) as error:
        catalogue_import(rows=read_csv(buffer.getvalue().encode("utf-8")))
    assert any(line == 2 and fragment in reason for line, reason in error.value.errors), error.value.errors
