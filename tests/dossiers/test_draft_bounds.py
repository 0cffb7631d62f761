"""Issue 20 item 13: a draft stores only values its schema accepts (5 MB of text, 1e100 and -5 were stored
as typed); on an invalid value the page shows what was typed and the draft keeps its last valid value."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from dossiers import services
from dossiers.models import Dossier
from tests import factories

pytestmark = pytest.mark.django_db

SCHEMA = [
    {"name": "full_name", "label": "Họ và tên", "type": "text", "required": True},
    {"name": "reason", "label": "Lý do", "type": "textarea"},
    {"name": "note", "label": "Ghi chú", "type": "text", "max_length": 20},
    {"name": "area", "label": "Diện tích (m²)", "type": "number"},
    {"name": "signed_on", "label": "Ngày ký", "type": "date"},
]
FIVE_MB = "x" * (5 * 1024 * 1024)


@pytest.fixture
def draft(citizen, agency):
    procedure = factories.ProcedureFactory(agencies=[agency], form_schema=SCHEMA)
    draft = services.dossier_start_online(procedure=procedure, agency=agency, applicant=citizen)
    errors = services.dossier_save_form(dossier=draft, actor=citizen, data={
        "full_name": "Lê Văn C", "reason": "Kết hôn", "note": "ngắn", "area": "12.5", "signed_on": "01/07/2025"})
    assert errors == {}
    return draft


def saved(draft):
    return Dossier.objects.get(pk=draft.pk).form_data


@pytest.mark.parametrize(("field", "value"), [
    ("full_name", FIVE_MB), ("reason", FIVE_MB), ("reason", "y" * 4001), ("note", "z" * 21),
    ("area", "1e100"), ("area", "-5"), ("area", "1e999999"), ("area", "NaN"),
    ("signed_on", "9999-12-31"), ("signed_on", "0001-01-01"),
])
def test_a_value_out_of_bounds_is_refused_and_the_draft_keeps_the_last_valid_one(citizen, draft, field, value):
    before = saved(draft)
    other = "reason" if field == "note" else "note"
    errors = services.dossier_save_form(dossier=draft, actor=citizen, data={field: value, other: "mới"})
    assert list(errors) == [field]
    after = saved(draft)
    assert after[field] == before[field]
    assert after[other] == "mới"  # the valid field of the same save is stored
    assert draft.form_data == after


def test_a_five_megabyte_field_is_not_stored(citizen, draft):
    services.dossier_save_form(dossier=draft, actor=citizen, data={"reason": FIVE_MB})
    assert len(saved(draft)["reason"]) < 5000
    fresh = services.dossier_start_online(procedure=draft.procedure, agency=draft.receiving_agency, applicant=citizen)
    services.dossier_save_form(dossier=fresh, actor=citizen, data={"reason": FIVE_MB, "area": "1e100"})
    assert saved(fresh) == {}


def test_an_emptied_field_is_stored_empty(citizen, draft):
    errors = services.dossier_save_form(dossier=draft, actor=citizen, data={"full_name": "", "area": ""})
    assert list(errors) == ["full_name"]  # required: reported, but a draft may be incomplete
    assert saved(draft)["full_name"] == "" and saved(draft)["area"] is None


@pytest.mark.parametrize(("value", "message"), [
    ("1e100", "Giá trị không được lớn hơn 999999999999999."), ("-5", "Giá trị không được nhỏ hơn 0."),
])
def test_the_page_shows_the_typed_values_and_the_errors(client, citizen, draft, value, message):
    client.force_login(citizen)
    response = client.post(reverse("dossier_form", args=[draft.public_id]), {
        "full_name": "Trần Thị D", "reason": "Kết hôn", "note": "z" * 21, "area": value, "signed_on": "2025-07-01",
        "save": "",
    }, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'value="{value}"' in html and 'value="Trần Thị D"' in html and f'value="{"z" * 21}"' in html
    stored = saved(draft)
    assert stored["area"] == "12.5" and stored["note"] == "ngắn"
    assert stored["full_name"] == "Trần Thị D"  # valid fields of the same save are kept
    # The next visit shows the stored draft, not the refused values.
    again = client.get(reverse("dossier_form", args=[draft.public_id])).content.decode()
    assert 'value="12.5"' in again and f'value="{value}"' not in again


def test_the_api_refuses_and_does_not_store_out_of_bounds_values(citizen, draft):
    api = APIClient()
    api.force_authenticate(citizen)
    response = api.patch(f"/api/v1/dossiers/{draft.public_id}/",
                         {"form_data": {"area": "1e100", "reason": FIVE_MB[:10000], "note": "hợp lệ"}}, format="json")
    assert response.status_code == 400
    assert set(response.data["form_errors"]) == {"area", "reason"}
    assert saved(draft)["area"] == "12.5" and saved(draft)["reason"] == "Kết hôn" and saved(draft)["note"] == "hợp lệ"
