"""Form schemas: structure checked with named errors; built forms validate each type in Vietnamese."""

import pytest

from procedures.form_schema import build_form_class, validate_schema

SCHEMA = [
    {"name": "full_name", "label": "Họ và tên", "type": "text", "required": True, "help": "Như trên CCCD"},
    {"name": "id_number", "label": "Số định danh", "type": "id_number", "required": True},
    {"name": "phone", "label": "Điện thoại", "type": "phone", "required": False},
    {"name": "birth_date", "label": "Ngày sinh", "type": "date", "required": True},
    {"name": "sex", "label": "Giới tính", "type": "choice", "required": True, "choices": [["nam", "Nam"], ["nu", "Nữ"]]},
    {"name": "area", "label": "Diện tích", "type": "number", "required": False},
    {"name": "address", "label": "Địa chỉ", "type": "address", "required": False},
    {"name": "reason", "label": "Lý do", "type": "textarea", "required": False},
    {"name": "color", "label": "Màu", "type": "choice", "choices": ["Xanh", "Đỏ"]},
]


def test_valid_schema_has_no_errors():
    assert validate_schema(SCHEMA) == []
    assert validate_schema([]) == []


@pytest.mark.parametrize(("schema", "fragment"), [
    ({"name": "x"}, "danh sách"),
    (["text"], "đối tượng JSON"),
    ([{"name": "Họ tên", "label": "Họ tên", "type": "text"}], "tên (name)"),
    ([{"name": "a", "label": "", "type": "text"}], "nhãn (label)"),
    ([{"name": "a", "label": "A", "type": "email"}], "kiểu (type)"),
    ([{"name": "a", "label": "A", "type": "choice"}], "choices"),
    ([{"name": "a", "label": "A", "type": "choice", "choices": ["x", "x"]}], "trùng"),
    ([{"name": "a", "label": "A", "type": "text", "required": "yes"}], "required"),
    ([{"name": "a", "label": "A", "type": "text", "colour": 1}], "khóa không hợp lệ"),
    ([{"name": "a", "label": "A", "type": "text"}, {"name": "a", "label": "B", "type": "text"}], "bị trùng"),
])
def test_invalid_schema_is_reported_with_the_field_named(schema, fragment):
    errors = validate_schema(schema)
    assert errors and any(fragment in e for e in errors), errors


def test_built_form_accepts_good_values_and_cleans_them_to_json():
    form = build_form_class(SCHEMA)({
        "full_name": "Nguyễn Văn A", "id_number": "042 123 456 789", "phone": "0912.345.678",
        "birth_date": "05/09/1990", "sex": "nu", "area": "12.5", "color": "Đỏ",
    })
    assert form.is_valid(), form.errors
    assert form.cleaned_data["id_number"] == "042123456789"
    assert form.cleaned_data["phone"] == "0912345678"
    assert form.cleaned_data["birth_date"] == "1990-09-05"
    assert form.cleaned_data["area"] == "12.5"


def test_built_form_rejects_bad_values_with_vietnamese_messages():
    form = build_form_class(SCHEMA)({
        "full_name": "", "id_number": "12345", "phone": "1912345678", "birth_date": "31/02/2020",
        "sex": "khac", "area": "mười",
    })
    assert not form.is_valid()
    assert "Vui lòng nhập" in form.errors["full_name"][0]
    assert "12 chữ số" in form.errors["id_number"][0]
    assert "bắt đầu bằng 0" in form.errors["phone"][0]
    assert "dd/mm/yyyy" in form.errors["birth_date"][0]
    assert "không hợp lệ" in form.errors["sex"][0]
    assert "số" in form.errors["area"][0]


def test_iso_dates_are_accepted_too():
    form = build_form_class([{"name": "d", "label": "Ngày", "type": "date", "required": True}])({"d": "2026-02-17"})
    assert form.is_valid() and form.cleaned_data["d"] == "2026-02-17"


def test_building_from_an_invalid_schema_raises():
    with pytest.raises(ValueError, match="kiểu"):
        build_form_class([{"name": "a", "label": "A", "type": "blob"}])
