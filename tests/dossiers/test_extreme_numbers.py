"""Issue 20 item 9: numbers like 1e999999 in an application form and `remove=abc` on the documents step
answer a translated 400, never a 500 (1e999999 became a million-digit int that JSON could not write;
`remove=abc` reached the database as an id)."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossiers import services
from dossiers.models import Dossier
from procedures.form_schema import build_form_class, validate_schema
from tests import factories
from tests.dossiers.citizen_helpers import (
    desk_receive,
    desk_request_supplement,
    pdf_upload,
    private_media,  # noqa: F401 (fixture)
    required,
    submitted_dossier,
)

pytestmark = pytest.mark.django_db

SCHEMA = [
    {"name": "full_name", "label": "Họ và tên", "type": "text", "required": True},
    {"name": "area", "label": "Diện tích (m²)", "type": "number", "required": False},
    {"name": "share", "label": "Tỷ lệ", "type": "number", "min": -1, "max": 1},
    {"name": "signed_on", "label": "Ngày ký", "type": "date"},
]
HUGE = ["1e999999", "1e100", "1E+16", "1000000000000000", "9" * 5000]
REFUSED = HUGE + ["-1", "-5", "NaN", "nan", "Infinity", "-Infinity", "1e-999999", "0.0000001", "0x10", "1,5,3"]


@pytest.fixture
def number_procedure(agency):
    return factories.ProcedureFactory(agencies=[agency], form_schema=SCHEMA)


@pytest.fixture
def draft(citizen, number_procedure):
    return services.dossier_start_online(procedure=number_procedure, agency=number_procedure.agencies.get(),
                                         applicant=citizen)


@pytest.mark.parametrize("value", REFUSED)
def test_a_number_field_refuses_what_is_not_a_bounded_number(value):
    form = build_form_class(SCHEMA)({"full_name": "A", "area": value})
    assert not form.is_valid()
    assert form.errors["area"]


@pytest.mark.parametrize(("value", "message"), [
    ("1e999999", "Giá trị không được lớn hơn 999999999999999."), ("1e100", "Giá trị không được lớn hơn"),
    ("-1", "Giá trị không được nhỏ hơn 0."), ("NaN", "Vui lòng nhập một số."), ("Infinity", "Vui lòng nhập một số."),
    ("0.1234567", "Chỉ nhập tối đa 6 chữ số sau dấu thập phân."),
])
def test_the_refusal_is_translated(value, message):
    form = build_form_class(SCHEMA)({"full_name": "A", "area": value})
    assert not form.is_valid() and message in " ".join(form.errors["area"])


def test_schema_bounds_replace_the_defaults():
    form_class = build_form_class(SCHEMA)
    assert form_class({"full_name": "A", "share": "-0.5", "area": "999999999999999"}).is_valid()
    assert not form_class({"full_name": "A", "share": "1.5"}).is_valid()


@pytest.mark.parametrize("value", ["0001-01-01", "01/01/0001", "9999-12-31", "31/12/9999", "1899-12-31"])
def test_a_date_field_refuses_a_day_out_of_range(value):
    form = build_form_class(SCHEMA)({"full_name": "A", "signed_on": value})
    assert not form.is_valid()
    assert "Ngày phải nằm trong khoảng từ 01/01/1900 đến 31/12/2099." in form.errors["signed_on"]


@pytest.mark.parametrize(("item", "fragment"), [
    ({"type": "number", "min": "0"}, "min chỉ dùng cho kiểu number"),
    ({"type": "number", "max": 1e100}, "max chỉ dùng cho kiểu number"),
    ({"type": "text", "min": 1}, "min chỉ dùng cho kiểu number"),
    ({"type": "number", "min": 5, "max": 1}, "min phải nhỏ hơn hoặc bằng max"),
    ({"type": "text", "max_length": 5 * 1024 * 1024}, "max_length phải là số nguyên từ 1 đến 1000"),
    ({"type": "textarea", "max_length": 0}, "max_length phải là số nguyên từ 1 đến 5000"),
    ({"type": "number", "max_length": 10}, "chỉ trường văn bản mới có max_length"),
])
def test_schema_bounds_are_checked(item, fragment):
    errors = validate_schema([{"name": "a", "label": "A", **item}])
    assert any(fragment in error for error in errors), errors


@pytest.mark.parametrize("value", ["1e999999", "1e100", "-5", "NaN", "Infinity"])
def test_the_form_step_answers_400_with_the_message(client, citizen, draft, value):
    client.force_login(citizen)
    response = client.post(reverse("dossier_form", args=[draft.public_id]),
                           {"full_name": "Lê Văn C", "area": value, "next": ""}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert 'id="id_area_error"' in response.content.decode()


numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.from_regex(r"\A-?[0-9]{0,3}(\.[0-9]{0,9})?[eE][+-]?[0-9]{1,7}\Z"),
    st.sampled_from(REFUSED),
)


@given(value=numbers)
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_the_form_step_never_fails_on_any_number(client, citizen, draft, value):
    client.force_login(citizen)
    response = client.post(reverse("dossier_form", args=[draft.public_id]),
                           {"full_name": "A", "area": value, "share": value, "save": ""})
    assert response.status_code in (302, 400)


# --- remove=abc on the documents step and the supplement page ---------------------------------------
@pytest.mark.usefixtures("private_media")
@pytest.mark.parametrize(("value", "status"), [("abc", 400), ("1e999999", 400), ("-1", 400), ("１２", 400),
                                                (" ", 400), ("9" * 40, 404), ("0", 404)])
def test_remove_of_no_document_keeps_the_draft(client, citizen, procedure, value, status):
    dossier = services.dossier_start_online(procedure=procedure, agency=procedure.agencies.get(), applicant=citizen)
    services.dossier_save_form(dossier=dossier, actor=citizen, data={"full_name": "Phan D"})
    document = services.document_upload(dossier=dossier, actor=citizen, uploaded=pdf_upload(),
                                        required_document=required(dossier))
    client.force_login(citizen)
    response = client.post(reverse("dossier_documents", args=[dossier.public_id]), {"remove": value},
                           HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == status
    if status == 400:
        assert "Không tìm thấy giấy tờ cần gỡ bỏ; hồ sơ không thay đổi." in response.content.decode()
    dossier.refresh_from_db()
    assert list(dossier.documents.all()) == [document]
    assert dossier.form_data["full_name"] == "Phan D"


@pytest.mark.usefixtures("private_media")
def test_remove_of_another_dossiers_document_answers_404_and_removes_nothing(client, citizen, other_citizen,
                                                                            procedure):
    other = submitted_dossier(other_citizen, procedure=procedure)
    mine = services.dossier_start_online(procedure=procedure, agency=procedure.agencies.get(), applicant=citizen)
    client.force_login(citizen)
    foreign = other.documents.get()
    response = client.post(reverse("dossier_documents", args=[mine.public_id]), {"remove": foreign.pk})
    assert response.status_code == 404  # existence not revealed, as the permission sweep requires
    assert Dossier.objects.get(pk=other.pk).documents.get() == foreign


@pytest.mark.usefixtures("private_media")
@pytest.mark.parametrize("value", ["abc", "1e999999"])
def test_remove_abc_on_the_supplement_page_answers_400(client, citizen, procedure, value):
    dossier = submitted_dossier(citizen, procedure=procedure)
    dossier, officer = desk_receive(dossier)
    desk_request_supplement(dossier, officer)
    client.force_login(citizen)
    response = client.post(reverse("dossier_supplement", args=[dossier.public_id]), {"remove": value},
                           HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert "Không tìm thấy giấy tờ cần gỡ bỏ" in response.content.decode()
    assert dossier.documents.count() == 1
