"""Read-only catalogue API: search, filters, 400 naming the field, 404, schema and Swagger UI offline."""

import pytest

from tests import factories
from tests.permissions import assert_public


def codes(response):
    return [p["code"] for p in response.json()["results"]]


def test_catalogue_endpoints_are_public(client, catalogue, citizen):
    for url in ("/api/v1/procedures/", "/api/v1/procedures/1.001193/", "/api/v1/fields/", "/api/v1/agencies/",
                "/api/v1/units/", "/api/v1/calendar/due-date/?received_at=2026-03-02T09:00&days=1"):
        assert_public(client, "get", url, users=[citizen])


@pytest.mark.parametrize("query", ["khai sinh", "Khai Sinh", "khai sinh", "đăng ký khai sinh"])
def test_api_search_ignores_accents(client, catalogue, query):
    assert codes(client.get("/api/v1/procedures/", {"q": query})) == ["1.001193"]


def test_api_filters(client, catalogue):
    assert codes(client.get("/api/v1/procedures/", {"level": "province"})) == ["2.001610"]
    assert codes(client.get("/api/v1/procedures/", {"field": "HT"})) == ["1.001193"]
    assert codes(client.get("/api/v1/procedures/", {"online_mode": "none"})) == ["2.000815"]
    assert codes(client.get("/api/v1/procedures/", {"agency": catalogue["justice"].code})) == ["2.000815"]


@pytest.mark.parametrize(("params", "field"), [
    ({"level": "village"}, "level"), ({"online_mode": "half"}, "online_mode"),
    ({"field": "NOPE"}, "field"), ({"agency": "000.00.00.X00"}, "agency"),
])
def test_api_invalid_filter_is_400_naming_the_field(client, catalogue, params, field):
    response = client.get("/api/v1/procedures/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_api_procedure_detail_and_404(client, catalogue):
    data = client.get("/api/v1/procedures/2.001610/").json()
    assert data["fees"] == [{"name": "Lệ phí đăng ký doanh nghiệp", "amount": 1000000, "waived_online": True,
                             "basis": "dossier", "unit_label": "", "quantity_field": "", "copies_field": "",
                             "tiered_units": None, "amount_after": None, "cap_per_copy": None}]
    assert data["documents"][0]["template_name"] == "giay-de-nghi.docx"
    assert data["form_schema"][0]["type"] == "id_number"
    assert data["agencies_url"] == "/api/v1/agencies/?procedure=2.001610"
    assert client.get("/api/v1/procedures/0.000000/").status_code == 404


def test_api_fields_agencies_and_units_filters(client, catalogue):
    assert {f["code"] for f in client.get("/api/v1/fields/").json()} == {"HT", "CT", "DN"}
    communes = client.get("/api/v1/agencies/", {"level": "commune"}).json()["results"]
    assert {a["code"] for a in communes} == {a.code for a in catalogue["communes"]}
    district = catalogue["tree"]["district"]
    in_district = client.get("/api/v1/agencies/", {"district": district.pk}).json()["results"]
    assert {a["code"] for a in in_district} == {a.code for a in [*catalogue["communes"], catalogue["justice"]]}
    handling = client.get("/api/v1/agencies/", {"procedure": "2.001610"}).json()["results"]
    assert [a["code"] for a in handling] == [catalogue["planning"].code]
    units = client.get("/api/v1/units/", {"parent": district.pk, "level": "commune"}).json()["results"]
    assert {u["id"] for u in units} == {u.pk for u in catalogue["tree"]["communes"]}
    assert client.get("/api/v1/units/", {"scheme": "1999"}).status_code == 400
    assert "level" in client.get("/api/v1/agencies/", {"level": "x"}).json()


def test_api_list_query_count_is_pinned(client, catalogue, django_assert_max_num_queries):
    for _ in range(30):
        factories.ProcedureFactory(agencies=[catalogue["planning"]])
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/procedures/", {"q": "thu tuc", "agency": catalogue["planning"].code})
    assert response.status_code == 200 and len(response.json()["results"]) == 20


def test_openapi_schema_and_swagger_ui_are_served_without_a_cdn(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/calendar/due-date/" in schema.content
    docs = client.get("/api/docs/")
    html = docs.content.decode()
    assert docs.status_code == 200
    assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html
