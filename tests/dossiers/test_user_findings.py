"""Issue 21 items 1, 8 and 11: what citizens and officers met in the browser, checked through the pages."""

import pytest
from django.urls import reverse

from dossiers.models import Role
from tests import factories
from tests.dossiers.citizen_helpers import (  # noqa: F401
    desk_receive,
    desk_request_supplement,
    private_media,
    submitted_dossier,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]


def test_lookup_accepts_a_lowercase_code_and_any_phone_spelling(client, citizen):
    dossier = submitted_dossier(citizen)
    phone = citizen.phone
    for code, typed in [(dossier.code.lower(), phone), (f"  {dossier.code.lower()} ", "+84" + phone[1:])]:
        response = client.get(reverse("dossier_lookup"), {"code": code, "phone": typed})
        assert response.status_code == 200 and "Mới đăng ký" in response.content.decode(), (code, typed)


def test_the_papers_to_bring_are_listed_on_the_dossier_and_supplement_pages(client, citizen):
    from dossiers import services

    dossier = submitted_dossier(citizen)
    dossier, officer = desk_receive(dossier)
    services.dossier_request_supplement(dossier=dossier, actor=officer, reason="Thiếu giấy tờ",
                                        missing=["Bản sao giấy khai sinh", "Sổ hộ khẩu (bản chụp)"])
    client.force_login(citizen)
    for url in (reverse("dossier_detail", args=[dossier.public_id]),
                reverse("dossier_supplement", args=[dossier.public_id])):
        html = client.get(url).content.decode()
        assert "Bản sao giấy khai sinh" in html and "Sổ hộ khẩu (bản chụp)" in html, url
        assert f'href="/ho-so/{dossier.public_id}/bo-sung/#slot-2"' in html or 'name="slot_2"' in html, url


@pytest.mark.parametrize("who, lands", [("monitor", "reports:dashboard"), ("officer", "desk:queue"),
                                        ("citizen", "home")])
def test_each_kind_of_user_lands_where_they_work(client, agency, who, lands):
    user = {"monitor": factories.monitor, "officer": lambda: factories.officer(agency, Role.DESK_OFFICER),
            "citizen": factories.UserFactory}[who]()
    response = client.post(reverse("login"), {"username": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse(lands)
    client.logout()
    nxt = reverse("my_dossiers")
    response = client.post(reverse("login") + f"?next={nxt}", {"username": user.email, "password": factories.PASSWORD})
    assert response["Location"] == nxt  # an explicit next still wins


def test_password_reset_labels_are_vietnamese(client):
    html = client.get(reverse("password_reset")).content.decode()
    assert "Thư điện tử đã đăng ký" in html and ">Email<" not in html and "Email:" not in html


def test_review_and_desk_pages_show_choice_labels_and_vietnamese_dates(client, citizen, agency):
    """Issue 21 item 5: "Giới tính: Nữ" and 20/11/2026, not "nu" and 2026-11-20."""
    from dossiers import services

    procedure = factories.ProcedureFactory(agencies=[agency], form_schema=[
        {"name": "full_name", "label": "Họ và tên", "type": "text", "required": True},
        {"name": "gender", "label": "Giới tính", "type": "choice", "required": True,
         "choices": [["nam", "Nam"], ["nu", "Nữ"]]},
        {"name": "birth_date", "label": "Ngày sinh", "type": "date", "required": True},
        {"name": "land_area", "label": "Diện tích (m²)", "type": "number", "required": False},
    ])
    dossier = services.dossier_start_online(procedure=procedure, agency=agency, applicant=citizen)
    services.dossier_save_form(dossier=dossier, actor=citizen,
                               data={"full_name": "Lê Thị Hoa", "gender": "nu", "birth_date": "20/11/2026",
                                     "land_area": "1250"})
    client.force_login(citizen)
    html = client.get(reverse("dossier_review", args=[dossier.public_id])).content.decode()
    assert "<dd>Nữ</dd>" in html and "<dd>20/11/2026</dd>" in html
    assert "<dd>nu</dd>" not in html and "2026-11-20" not in html
    from dossiers.selectors import dossier_form_rows

    dossier.refresh_from_db()
    rows = dict(dossier_form_rows(dossier=dossier))
    assert rows["Giới tính"] == "Nữ" and rows["Ngày sinh"] == "20/11/2026"


def test_date_fields_refuse_the_future_and_too_early_days_and_name_what_was_typed():
    """Issue 21 item 6: a birth date in 2027 is refused when the schema says not_future; 31/02 is named."""
    import time_machine

    from procedures.form_schema import build_form_class, validate_schema

    schema = [{"name": "birth_date", "label": "Ngày sinh", "type": "date", "required": True, "not_future": True},
              {"name": "since", "label": "Từ ngày", "type": "date", "required": False, "not_before": "2025-07-01"}]
    assert validate_schema(schema) == []
    assert validate_schema([{"name": "x", "label": "X", "type": "text", "not_future": True}])
    assert validate_schema([{"name": "x", "label": "X", "type": "date", "not_before": "01/07/2025"}])
    Form = build_form_class(schema)
    with time_machine.travel("2026-12-02 10:00 +07:00", tick=False):
        form = Form({"birth_date": "05/01/2027", "since": "30/06/2025"})
        assert not form.is_valid()
        assert form.errors["birth_date"] == ["Ngày 05/01/2027 ở tương lai: hãy kiểm tra lại."]
        assert form.errors["since"] == ["Ngày 30/06/2025 phải từ 01/07/2025 trở đi."]
        form = Form({"birth_date": "31/02/2026"})
        assert not form.is_valid() and "31/02/2026" in form.errors["birth_date"][0]
        assert 'value="31/02/2026"' in str(form["birth_date"])  # what was typed stays in the field
        assert Form({"birth_date": "02/12/2026", "since": "01/07/2025"}).is_valid()


def test_the_desk_dossier_page_puts_the_actions_before_the_documents(client, citizen, agency):
    """Issue 21 item 11: the actions are not 2,000 px down below the PDF previews."""
    dossier = submitted_dossier(citizen, agency=agency)
    officer = factories.officer(dossier.receiving_agency, Role.DESK_OFFICER)
    client.force_login(officer)
    html = client.get(reverse("desk:dossier", args=[dossier.code])).content.decode()
    assert html.index('id="h-actions"') < html.index('id="h-applicant"') < html.index('id="h-docs"')
    assert 'loading="lazy"' in html


def test_the_agency_step_lists_agencies_in_force_and_finds_one_by_name(client, citizen):
    """Issue 21 item 4: no pre-2025 communes among the choices; a search box, accents or not."""
    from datetime import date

    from procedures.models import Level

    old = factories.AgencyFactory(name="UBND xã Thạch Bình (cũ)", level=Level.COMMUNE, valid_until=date(2025, 6, 30))
    ward = factories.AgencyFactory(name="UBND phường Trần Phú", level=Level.COMMUNE)
    other = factories.AgencyFactory(name="UBND xã Cẩm Bình", level=Level.COMMUNE)
    procedure = factories.ProcedureFactory(agencies=[old, ward, other], level=Level.COMMUNE)
    client.force_login(citizen)
    url = reverse("dossier_start", args=[procedure.code])
    html = client.get(url).content.decode()
    assert "Trần Phú" in html and "Cẩm Bình" in html and "Thạch Bình (cũ)" not in html
    found = client.get(url, {"q": "phuong tran phu"}).content.decode()
    assert "UBND phường Trần Phú" in found and "UBND xã Cẩm Bình" not in found
    none = client.get(url, {"q": "Hồng Lĩnh"}).content.decode()
    assert "Không có cơ quan nào có tên chứa “Hồng Lĩnh”." in none
    assert client.post(url, {"agency": old.pk}).status_code == 400  # not a choice any more


def test_the_file_limit_is_stated_beside_each_file_field(client, citizen, agency, settings):
    """Issue 21 item 7: the 10 MB limit is said before the upload, and the field carries it for the browser."""
    from dossiers import services

    settings.UPLOAD_MAX_FILE_BYTES = 10 * 1024 * 1024
    procedure = factories.ProcedureFactory(agencies=[agency])
    dossier = services.dossier_start_online(procedure=procedure, agency=agency, applicant=citizen)
    client.force_login(citizen)
    html = client.get(reverse("dossier_documents", args=[dossier.public_id])).content.decode()
    assert "Tối đa 10 MB mỗi tệp." in html
    assert f'data-max-bytes="{10 * 1024 * 1024}"' in html and "mỗi tệp tối đa 10 MB" in html
