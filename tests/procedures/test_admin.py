"""Catalogue administration: schema checked with a clear message, saving publishes a version,
CSV/XLSX import page (all or nothing) and export actions."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from procedures.models import Procedure
from tests import factories


@pytest.fixture
def admin_client(client, db):
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def _post_data(procedure, **overrides):
    data = {
        "code": procedure.code, "name": procedure.name, "name_en": procedure.name_en, "field": procedure.field_id,
        "level": procedure.level, "agencies": [a.pk for a in procedure.agencies.all()],
        "online_mode": procedure.online_mode, "processing_days": procedure.processing_days,
        "online_processing_days": procedure.online_processing_days or "", "steps": procedure.steps,
        "description": "", "result_type": procedure.result_type, "legal_basis": procedure.legal_basis,
        "form_schema": '[{"name": "a", "label": "A", "type": "text", "required": true}]',
        "online_only_weekdays": "", "tags": "", "is_active": "on",
        "version_effective_from": "2026-04-01", "version_note": "Sửa",
        "fees-TOTAL_FORMS": 0, "fees-INITIAL_FORMS": 0, "documents-TOTAL_FORMS": 0, "documents-INITIAL_FORMS": 0,
    }
    return data | overrides


def test_admin_refuses_an_invalid_form_schema_with_a_clear_message(admin_client, catalogue):
    procedure = Procedure.objects.get(code="2.000815")
    url = f"/admin/procedures/procedure/{procedure.pk}/change/"
    response = admin_client.post(url, _post_data(procedure, form_schema='[{"name": "a", "label": "A", "type": "email"}]'))
    assert response.status_code == 200
    assert "kiểu (type) phải là một trong" in response.content.decode()
    procedure.refresh_from_db()
    assert procedure.current_version == 1


def test_admin_save_publishes_a_new_version_with_its_effective_date(admin_client, catalogue):
    procedure = Procedure.objects.get(code="2.000815")
    url = f"/admin/procedures/procedure/{procedure.pk}/change/"
    response = admin_client.post(url, _post_data(procedure, processing_days=2))
    assert response.status_code == 302, response.context["adminform"].form.errors
    procedure.refresh_from_db()
    assert procedure.current_version == 2
    version = procedure.versions.get(number=2)
    assert str(version.effective_from) == "2026-04-01" and version.snapshot["processing_days"] == 2


def test_admin_import_page_lists_bad_lines_and_imports_nothing(admin_client, catalogue):
    content = ("code,name,field,level,processing_days\n9.1,Thủ tục tốt,HT,commune,3\n9.2,Thủ tục xấu,HT,xa,3\n")
    response = admin_client.post("/admin/procedures/procedure/import/",
                                 {"file": SimpleUploadedFile("c.csv", content.encode())})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<td>3</td>" in html and "Cấp thực hiện" in html
    assert not Procedure.objects.filter(code="9.1").exists()


def test_admin_import_page_imports_a_good_file(admin_client, catalogue):
    content = "code,name,field,level,processing_days\n9.1,Thủ tục tốt,HT,commune,3\n"
    response = admin_client.post("/admin/procedures/procedure/import/",
                                 {"file": SimpleUploadedFile("c.csv", content.encode())})
    assert response.status_code == 302
    assert Procedure.objects.get(code="9.1").current_version == 1


def test_admin_export_actions(admin_client, catalogue):
    ids = list(Procedure.objects.values_list("pk", flat=True))
    csv_response = admin_client.post("/admin/procedures/procedure/",
                                     {"action": "export_csv", "_selected_action": ids})
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "Đăng ký khai sinh" in csv_response.content.decode("utf-8-sig")
    xlsx_response = admin_client.post("/admin/procedures/procedure/",
                                      {"action": "export_xlsx", "_selected_action": ids})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    assert sheet.max_row == 4


def test_admin_import_needs_staff(client, citizen):
    client.force_login(citizen)
    assert client.get("/admin/procedures/procedure/import/").status_code == 302


def test_admin_pages_render(admin_client, catalogue):
    procedure = Procedure.objects.get(code="1.001193")
    assert admin_client.get(f"/admin/procedures/procedure/{procedure.pk}/change/").status_code == 200
    assert admin_client.get("/admin/procedures/procedure/add/").status_code == 200
    changelist = admin_client.get("/admin/procedures/procedure/").content.decode()
    assert "/admin/procedures/procedure/import/" in changelist
    assert admin_client.get("/admin/procedures/procedure/import/").status_code == 200
