"""Personal ID numbers (CCCD) in full only for those who need them: the applicant and the officers of
the dossier's agency; masked (or absent) for the monitor, in lists, reports, exports and audit pages."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from dossiers import lifecycle
from portal.privacy import mask_id_number, mask_personal_ids
from tests.dossiers.desk_helpers import at_monday, received  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_monday")]

ID_NUMBER = "042188000123"
MASKED = "042*******23"


@pytest.fixture
def dossier(procedure, desk_officer):
    return received(procedure, desk_officer, applicant_id_number=ID_NUMBER,
                    form_data={"full_name": "Lê Thị Hoa", "owner_id_number": ID_NUMBER})


def test_one_helper_masks_an_id_number_and_leaves_anything_else():
    assert mask_id_number(ID_NUMBER) == MASKED
    assert mask_id_number("12345") == "12345" and mask_id_number(None) is None and mask_id_number(7) == 7
    assert mask_personal_ids(f"CCCD {ID_NUMBER}, ĐT 0912345678") == f"CCCD {MASKED}, ĐT 091****678"


def _api_form_data(user, dossier):
    api = APIClient()
    api.force_authenticate(user)
    response = api.get(f"/api/v1/dossiers/{dossier.code}/")
    assert response.status_code == 200
    return response.json()["form_data"]


def test_the_api_masks_id_numbers_for_the_monitor_only(dossier, monitor, desk_officer, specialist):
    assert _api_form_data(monitor, dossier) == {"full_name": "Lê Thị Hoa", "owner_id_number": MASKED}
    for entitled in (dossier.applicant, desk_officer, specialist):
        assert _api_form_data(entitled, dossier)["owner_id_number"] == ID_NUMBER


def test_the_desk_officer_handling_the_dossier_sees_the_full_number_on_its_page(client, dossier, desk_officer):
    client.force_login(desk_officer)
    assert ID_NUMBER in client.get(reverse("desk:dossier", args=[dossier.code])).content.decode()


def test_desk_queues_list_no_id_numbers(client, dossier, desk_officer):
    client.force_login(desk_officer)
    page = client.get(reverse("desk:queue"), {"tab": "da-tiep-nhan"}).content.decode()
    assert dossier.code in page and ID_NUMBER not in page
    api = APIClient()
    api.force_authenticate(desk_officer)
    listed = api.get("/api/v1/desk/queue/", {"tab": "da-tiep-nhan"}).content.decode()
    assert dossier.code in listed and ID_NUMBER not in listed


def test_the_reports_drilldown_and_its_exports_show_no_id_numbers(client, dossier, monitor):
    client.force_login(monitor)
    query = {"month": "2026-12", "metric": "received"}
    page = client.get(reverse("reports:dossiers"), query).content.decode()
    assert dossier.code in page and ID_NUMBER not in page
    for fmt in ("csv", "xlsx"):
        export = client.get(reverse("reports:export"), {**query, "table": "dossiers", "format": fmt})
        assert export.status_code == 200 and ID_NUMBER.encode() not in export.content
    csv = client.get(reverse("reports:export"), {**query, "table": "dossiers", "format": "csv"}).content.decode()
    assert dossier.code in csv


def test_the_audit_page_masks_numbers_an_officer_quoted_in_a_reason(client, dossier, desk_officer, monitor):
    lifecycle.apply(dossier=dossier, action=lifecycle.Action.STOP, actor=desk_officer,
                    reason=f"Người nộp dùng CCCD {ID_NUMBER} của người khác")
    client.force_login(monitor)
    body = client.get(reverse("audit_log"), {"action": "stop"}).content.decode()
    assert f"CCCD {MASKED}" in body and ID_NUMBER not in body
