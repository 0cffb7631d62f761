"""Public catalogue pages: accent-insensitive search, filters, pagination, the procedure page."""

import pytest
from django.urls import reverse

from procedures.models import Procedure
from tests import factories
from tests.permissions import assert_public

LIST = "/thu-tuc/"


def names(response):
    return [p.name for p in response.context["page"].object_list]


def test_catalogue_pages_are_public(client, catalogue, citizen, desk_officer):
    for url in (LIST, "/thu-tuc/1.001193/", "/lich-lam-viec/han-giai-quyet/"):
        assert_public(client, "get", url, users=[citizen, desk_officer])


@pytest.mark.parametrize("query", ["khai sinh", "KHAI SINH", "Khai Sinh", "đăng ký khai sinh", "dang ky khai sinh",
                                   "1.001193"])
def test_search_ignores_accents_and_case(client, catalogue, query):
    response = client.get(LIST, {"q": query})
    assert response.status_code == 200
    assert names(response) == ["Đăng ký khai sinh"]


@pytest.mark.parametrize("query", ["dang ki khai sinh", "đăng kí khai sinh", "DANG KI"])
def test_search_accepts_i_for_y(client, catalogue, query):
    """Issue 21 item 3: kí/ký, lí/lý are both spellings people type."""
    assert "Đăng ký khai sinh" in names(client.get(LIST, {"q": query}))


def test_no_match_says_so_and_offers_the_closest_procedures(client, catalogue):
    """Issue 21 item 3: a typo ("khai xinh") says nothing matched and suggests "Đăng ký khai sinh"."""
    response = client.get(LIST, {"q": "khai xinh"})
    html = response.content.decode()
    assert names(response) == [] and "Không tìm thấy thủ tục phù hợp" in html
    assert [p.name for p in response.context["suggestions"]][:1] == ["Đăng ký khai sinh"]
    assert reverse("procedure_detail", args=["1.001193"]) in html
    nothing = client.get(LIST, {"q": "zzqqxx"})
    assert nothing.context["suggestions"] == [] and "Không tìm thấy thủ tục phù hợp" in nothing.content.decode()


def test_search_needs_every_word(client, catalogue):
    assert names(client.get(LIST, {"q": "khai doanh"})) == []
    assert names(client.get(LIST, {"q": "doanh nghiep"})) == ["Đăng ký thành lập doanh nghiệp tư nhân"]


def test_filters_by_field_level_agency_and_online_mode(client, catalogue):
    assert set(names(client.get(LIST, {"level": "commune"}))) == {
        "Đăng ký khai sinh", "Chứng thực bản sao từ bản chính giấy tờ"}
    assert names(client.get(LIST, {"field": "CT"})) == ["Chứng thực bản sao từ bản chính giấy tờ"]
    assert names(client.get(LIST, {"online_mode": "none"})) == ["Chứng thực bản sao từ bản chính giấy tờ"]
    justice = catalogue["justice"]
    assert names(client.get(LIST, {"agency": justice.code})) == ["Chứng thực bản sao từ bản chính giấy tờ"]
    assert names(client.get(LIST, {"q": "dang ky", "level": "province"})) == [
        "Đăng ký thành lập doanh nghiệp tư nhân"]


def test_invalid_filter_shows_the_field_error_and_no_results(client, catalogue):
    response = client.get(LIST, {"level": "village"})
    assert response.status_code == 400
    assert response.context["page"] is None
    assert "village" in response.content.decode()


def test_inactive_procedures_are_not_listed_nor_shown(client, catalogue):
    Procedure.objects.filter(code="1.001193").update(is_active=False)
    assert names(client.get(LIST, {"q": "khai sinh"})) == []
    assert client.get("/thu-tuc/1.001193/").status_code == 404


def test_list_is_paginated_and_keeps_the_filters(client, catalogue):
    field = factories.FieldFactory(code="TEST", name="Thử")
    for _ in range(25):
        factories.ProcedureFactory(field=field)
    first = client.get(LIST, {"field": "TEST"})
    assert len(names(first)) == 20
    assert "field=TEST&amp;page=2" in first.content.decode()
    assert len(names(client.get(LIST, {"field": "TEST", "page": 2}))) == 5


def test_list_page_query_count_is_pinned(client, catalogue, django_assert_max_num_queries):
    for _ in range(30):
        factories.ProcedureFactory(agencies=[catalogue["planning"]])
    with django_assert_max_num_queries(7):
        response = client.get(LIST, {"q": "thu tuc", "agency": catalogue["planning"].code, "field": "DN"})
    assert response.status_code == 200


def test_procedure_page_shows_fees_documents_times_legal_basis_and_online_button(client, catalogue):
    response = client.get("/thu-tuc/2.001610/")
    html = response.content.decode()
    assert "1.000.000 đ" in html
    assert "miễn khi nộp trực tuyến" in html
    assert "giay-de-nghi.docx" in html
    assert "3 ngày làm việc" in html and "nộp trực tuyến: 2 ngày làm việc" in html
    assert "Luật Doanh nghiệp 2020" in html
    assert 'href="/ho-so/nop/2.001610/"' in html
    assert catalogue["planning"].name in html


def test_no_online_button_without_an_online_service(client, catalogue):
    html = client.get("/thu-tuc/2.000815/").content.decode()
    assert "/ho-so/nop/" not in html
    assert "Xuất trình bản chính." in html


def test_unknown_procedure_is_404(client, catalogue):
    assert client.get("/thu-tuc/0.000000/").status_code == 404


def test_commune_procedure_page_offers_a_chooser_instead_of_every_commune(client, catalogue, settings):
    from procedures import selectors

    procedure = Procedure.objects.get(code="1.001193")
    for index in range(selectors.AGENCY_LIST_LIMIT + 5):
        unit = factories.UnitFactory(level="commune", parent=catalogue["tree"]["district"], name=f"Xã Số {index}")
        procedure.agencies.add(factories.AgencyFactory(commune=True, area=unit, name=f"UBND Xã Số {index}"))
    response = client.get("/thu-tuc/1.001193/")
    assert response.context["many_agencies"]
    assert len(response.context["agencies"]) == selectors.AGENCY_LIST_LIMIT
    found = client.get("/thu-tuc/1.001193/", {"noi_nop": "xa so 17"})
    assert [a.name for a in found.context["agencies"]] == ["UBND Xã Số 17"]


def test_nav_and_home_link_to_the_catalogue(client, db):
    html = client.get(reverse("home")).content.decode()
    assert html.count('href="/thu-tuc/"') >= 2


def test_online_only_weekdays_are_named_on_the_procedure_page(client, catalogue):
    Procedure.objects.filter(code="1.001193").update(online_only_weekdays=[3])
    assert "không nhận hồ sơ giấy vào Thứ Năm" in client.get("/thu-tuc/1.001193/").content.decode()


def test_uploaded_template_is_downloadable_and_a_missing_one_is_404(client, catalogue, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    document = Procedure.objects.get(code="1.001193").documents.first()
    without_file = f"/thu-tuc/1.001193/mau/{document.pk}/"
    assert client.get(without_file).status_code == 404
    document.template.save("to-khai.docx", ContentFile(b"mau to khai"))
    response = client.get(without_file)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"mau to khai"
    assert 'href="/thu-tuc/1.001193/mau/' in client.get("/thu-tuc/1.001193/").content.decode()
    assert client.get(f"/thu-tuc/2.001610/mau/{document.pk}/").status_code == 404  # another procedure's


def test_procedure_page_query_count_is_pinned(client, catalogue, django_assert_max_num_queries):
    procedure = Procedure.objects.get(code="1.001193")
    for index in range(40):
        unit = factories.UnitFactory(level="commune", parent=catalogue["tree"]["district"], name=f"Phường {index}")
        procedure.agencies.add(factories.AgencyFactory(commune=True, area=unit, name=f"UBND Phường {index}"))
    with django_assert_max_num_queries(7):
        response = client.get("/thu-tuc/1.001193/", {"noi_nop": "phuong"})
    assert response.status_code == 200 and response.context["agency_count"] == 40
