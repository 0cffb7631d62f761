"""Issue 20 item 14: bidirectional-override and zero-width characters never reach a stored name."""

import unicodedata

import pytest

from dossiers.forms import RegistrationForm
from dossiers.forms_desk import ApplicantForm
from portal.text import clean_text
from procedures.form_schema import build_form_class

# "Nguyễn Văn An" with a right-to-left override, a zero-width space and a BOM inside it, the "ễ"
# decomposed (e + U+0302 + U+0303) as some keyboards send it.
SPOOFED = "\u202eNguy\u0065\u0302\u0303n\u200b V\u0103n\ufeff An\u202c"
CLEAN = "Nguyễn Văn An"


def test_clean_text_strips_controls_and_composes():
    assert clean_text(SPOOFED) == CLEAN
    assert unicodedata.is_normalized("NFC", clean_text(SPOOFED))
    assert clean_text("\u2066abc\u2069\u200d\u00ad") == "abc"
    assert clean_text("") == "" and clean_text(None) is None


def test_application_form_text_fields_are_cleaned():
    form_class = build_form_class([
        {"name": "ho_ten", "label": "Họ tên", "type": "text", "required": True},
        {"name": "ghi_chu", "label": "Ghi chú", "type": "textarea"},
        {"name": "dia_chi", "label": "Địa chỉ", "type": "address"},
    ])
    form = form_class(data={"ho_ten": SPOOFED, "ghi_chu": "a\u202eb", "dia_chi": "\u200b Hà Tĩnh"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"ho_ten": CLEAN, "ghi_chu": "ab", "dia_chi": "Hà Tĩnh"}


def test_only_invisible_characters_is_not_a_name():
    form_class = build_form_class([{"name": "ho_ten", "label": "Họ tên", "type": "text", "required": True}])
    form = form_class(data={"ho_ten": "\u202e\u200b\u202c"})
    assert not form.is_valid()


def test_counter_applicant_name_is_cleaned():
    form = ApplicantForm(data={"applicant_name": SPOOFED, "applicant_address": "Số 1\u202e Trần Phú"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["applicant_name"] == CLEAN
    assert form.cleaned_data["applicant_address"] == "Số 1 Trần Phú"


@pytest.mark.django_db
def test_registration_name_is_cleaned():
    form = RegistrationForm(data={"full_name": SPOOFED, "email": "an@example.com", "phone": "",
                                  "id_number": "", "address": "\u200bHà Tĩnh",
                                  "password1": "Mot-Cua-2026-x", "password2": "Mot-Cua-2026-x"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["full_name"] == CLEAN
    assert form.cleaned_data["address"] == "Hà Tĩnh"
