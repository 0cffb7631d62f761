"""The citizen journey through the API: drafts by id, submitted dossiers by code; 400 / 404 / 409."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dossiers.models import Dossier, Status
from tests import factories
from tests.dossiers.citizen_helpers import (  # noqa: F401
    desk_receive,
    desk_return_result,
    fake_pdf_upload,
    pdf_upload,
    private_media,
    submitted_dossier,
)
from tests.permissions import assert_permission_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]


@pytest.fixture
def api(citizen):
    client = APIClient()
    token = Token.objects.create(user=citizen)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_whole_journey_through_the_api_with_token_auth(api, citizen, procedure, django_assert_max_num_queries):
    agency = procedure.agencies.first()
    response = api.post("/api/v1/dossiers/", {"procedure": procedure.code, "agency": agency.code,
                                              "form_data": {"birth_date": "1990-01-31"}}, format="json")
    assert response.status_code == 201, response.data
    draft_id = response.data["id"]
    assert response.data["code"] is None and response.data["status"] == "draft"
    response = api.post(f"/api/v1/dossiers/{draft_id}/submit/")
    assert response.status_code == 400
    assert "Thiếu giấy tờ bắt buộc: Tờ khai." in response.data["problems"]
    response = api.patch(f"/api/v1/dossiers/{draft_id}/", {"form_data": {"full_name": "Võ Thị E"}}, format="json")
    assert response.status_code == 200 and response.data["form_data"]["birth_date"] == "1990-01-31"
    requirement = procedure.documents.get(required=True)
    response = api.post(f"/api/v1/dossiers/{draft_id}/documents/",
                        {"file": pdf_upload(), "required_document": requirement.pk}, format="multipart")
    assert response.status_code == 201 and response.data["content_type"] == "application/pdf"
    response = api.post(f"/api/v1/dossiers/{draft_id}/submit/")
    assert response.status_code == 200 and response.data["status"] == "submitted"
    code = response.data["code"]
    assert api.post(f"/api/v1/dossiers/{code}/submit/").status_code == 409
    with django_assert_max_num_queries(5):
        listing = api.get("/api/v1/dossiers/")
    assert [row["code"] for row in listing.data["results"]] == [code]
    dossier = Dossier.objects.get(code=code)
    dossier, officer = desk_receive(dossier)
    dossier, _result = desk_return_result(dossier, officer)
    detail = api.get(f"/api/v1/dossiers/{code}/")
    assert [e["action"] for e in detail.data["events"]] == [
        "submit", "receive", "assign", "submit_for_approval", "approve", "return_result"]
    assert detail.data["events"][1]["text"] == "Bộ phận Một cửa đã tiếp nhận hồ sơ."
    assert any(d["source"] == "result" for d in detail.data["documents"])
    assert api.post(f"/api/v1/dossiers/{code}/rating/", {"value": "satisfied"}).status_code == 201
    second = api.post(f"/api/v1/dossiers/{code}/rating/", {"value": "unsatisfied"})
    assert second.status_code == 409 and second.data["detail"] == "Hồ sơ này đã được đánh giá."


def test_invalid_form_data_is_reported_in_vietnamese_and_not_stored(api, citizen, agency):
    procedure = factories.ProcedureFactory(agencies=[agency], form_schema=[
        {"name": "id_number", "label": "Số CCCD", "type": "id_number", "required": True}])
    response = api.post("/api/v1/dossiers/", {"procedure": procedure.code, "agency": agency.code,
                                              "form_data": {"id_number": "12"}}, format="json")
    assert response.status_code == 400
    assert response.data["form_errors"] == {"id_number": ["Số định danh cá nhân gồm 12 chữ số."]}
    assert Dossier.objects.get(applicant=citizen).form_data == {}  # issue 20 item 13: not stored as typed


def test_upload_refusal_is_a_translated_400(api, citizen, procedure):
    draft = api.post("/api/v1/dossiers/", {"procedure": procedure.code, "agency": procedure.agencies.first().code},
                     format="json").data["id"]
    response = api.post(f"/api/v1/dossiers/{draft}/documents/", {"file": fake_pdf_upload()}, format="multipart")
    assert response.status_code == 400 and "không đúng định dạng" in response.data["detail"]


def test_withdraw_and_conflicts(api, citizen):
    dossier = submitted_dossier(citizen)
    assert api.post(f"/api/v1/dossiers/{dossier.code}/withdraw/", {"reason": ""}).status_code == 400
    stale = api.post(f"/api/v1/dossiers/{dossier.code}/withdraw/", {"reason": "x", "version": dossier.version - 1})
    assert stale.status_code == 409
    response = api.post(f"/api/v1/dossiers/{dossier.code}/withdraw/", {"reason": "Nộp nhầm"})
    assert response.status_code == 200 and response.data["status"] == Status.WITHDRAWN
    again = api.post(f"/api/v1/dossiers/{dossier.code}/withdraw/", {"reason": "Nộp nhầm"})
    assert again.status_code == 409 and "Công dân yêu cầu rút hồ sơ" in again.data["detail"]


def test_payment_start_returns_the_bank_url(api, citizen, agency):
    dossier = submitted_dossier(citizen, procedure=factories.ProcedureFactory(agencies=[agency], with_fees=30_000))
    response = api.post(f"/api/v1/dossiers/{dossier.code}/payment/")
    assert response.status_code == 201 and response.data["amount"] == 30_000
    assert reverse("payment_sandbox", args=[response.data["order_id"]]) in response.data["redirect_url"]


def test_every_endpoint_follows_the_permission_matrix(client, citizen, other_citizen, procedure):
    draft = submitted_dossier(citizen, procedure=procedure)  # a submitted one, reachable by code and id
    dossier, officer = desk_receive(draft)
    stranger_officer = factories.officer(factories.AgencyFactory(), "desk_officer")
    for ref in (dossier.code, str(dossier.public_id)):
        assert_permission_matrix(client, "get", f"/api/v1/dossiers/{ref}/",
                                 outsiders=[other_citizen, stranger_officer], insiders=[citizen, officer])
    writes = [("patch", "", {"form_data": {}}, (409,)), ("post", "documents/", {"reuse_document": dossier.documents.get().pk}, (409,)),
              ("post", "submit/", None, (409,)), ("post", "rating/", {"value": "normal"}, (409,)),
              ("post", "payment/", None, (400,)), ("post", "supplement/", {}, (409,)),
              ("post", "withdraw/", {"reason": "x"}, (200,))]
    for method, suffix, data, ok in writes:
        kwargs = {"content_type": "application/json"} if method == "patch" else {}
        payload = data if method != "patch" else '{"form_data": {}}'
        assert_permission_matrix(client, method, f"/api/v1/dossiers/{dossier.code}/{suffix}", data=payload,
                                 outsiders=[other_citizen, stranger_officer, officer], insiders=[citizen],
                                 ok_statuses=ok, **kwargs)
    assert_permission_matrix(client, "get", "/api/v1/dossiers/", outsiders=[], insiders=[citizen])


def test_citizen_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/dossiers/", "/api/v1/dossiers/{ref}/", "/api/v1/dossiers/{ref}/documents/",
                 "/api/v1/dossiers/{ref}/submit/", "/api/v1/dossiers/{ref}/withdraw/",
                 "/api/v1/dossiers/{ref}/rating/", "/api/v1/dossiers/{ref}/payment/"):
        assert path in schema


def test_the_result_downloads_through_the_api_with_the_token_only_for_its_readers(api, citizen, procedure):
    from tests.dossiers.citizen_helpers import pdf_bytes

    dossier, officer = desk_receive(submitted_dossier(citizen, procedure=procedure))
    dossier, result = desk_return_result(dossier, officer)
    detail = api.get(f"/api/v1/dossiers/{dossier.code}/").json()
    [listed] = [d for d in detail["documents"] if d["source"] == "result"]
    assert listed["download_url"] == f"/api/v1/documents/{result.pk}/file/"
    response = api.get(listed["download_url"])  # token only: no session
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == pdf_bytes()

    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=factories.UserFactory()).key}")
    assert stranger.get(listed["download_url"]).status_code == 404
    assert APIClient().get(listed["download_url"]).status_code in (401, 403)
    assert api.get("/api/v1/documents/999999999/file/").status_code == 404
