"""Application form schemas (biểu mẫu điện tử): checking a schema and building a Django form from it.

Minimal version written by the citizen stream so the wizard can work; the catalogue stream owns the
full one and the two are reconciled at merge. Contract: `validate_schema(schema) -> list[str]` and
`build_form_class(schema) -> type[forms.Form]`.

A schema is a list of fields: {"name", "label", "type", "required", "help", "choices"}; types are
text, number, date, choice, id_number (12 digits), phone (10 digits, leading 0), address, textarea.
"""

import re

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIELD_TYPES = ("text", "number", "date", "choice", "id_number", "phone", "address", "textarea")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,49}$")

_REQUIRED = gettext_lazy("Vui lòng nhập “%(label)s”.")
id_number_validator = RegexValidator(r"^\d{12}$", gettext_lazy("Số định danh cá nhân gồm 12 chữ số."))
phone_validator = RegexValidator(r"^0\d{9}$", gettext_lazy("Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0."))


def validate_schema(schema):
    """Problems with a schema, in Vietnamese; an empty list means it is usable."""
    if not isinstance(schema, list):
        return [_("Biểu mẫu phải là một danh sách trường.")]
    problems, seen = [], set()
    for position, spec in enumerate(schema, start=1):
        if not isinstance(spec, dict):
            problems.append(_("Trường thứ %(n)d không hợp lệ.") % {"n": position})
            continue
        name = spec.get("name", "")
        if not isinstance(name, str) or not _NAME.match(name):
            problems.append(_("Trường thứ %(n)d: tên trường không hợp lệ.") % {"n": position})
        elif name in seen:
            problems.append(_("Tên trường “%(name)s” bị trùng.") % {"name": name})
        seen.add(name)
        if not spec.get("label"):
            problems.append(_("Trường thứ %(n)d: thiếu nhãn.") % {"n": position})
        if spec.get("type") not in FIELD_TYPES:
            problems.append(_("Trường thứ %(n)d: loại trường không hợp lệ.") % {"n": position})
        if spec.get("type") == "choice" and not spec.get("choices"):
            problems.append(_("Trường thứ %(n)d: cần danh sách lựa chọn.") % {"n": position})
    return problems


def _choices(spec):
    choices = []
    for choice in spec.get("choices") or []:
        if isinstance(choice, (list, tuple)):
            choices.append((str(choice[0]), str(choice[1])))
        elif isinstance(choice, dict):
            choices.append((str(choice.get("value")), str(choice.get("label", choice.get("value")))))
        else:
            choices.append((str(choice), str(choice)))
    return choices


def _field(spec):
    kind = spec["type"]
    common = {
        "label": spec["label"], "required": bool(spec.get("required")), "help_text": spec.get("help", ""),
        "error_messages": {"required": _REQUIRED % {"label": spec["label"]}},
    }
    if kind == "number":
        return forms.DecimalField(**common, max_digits=18, decimal_places=4,
                                  widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}))
    if kind == "date":
        common["error_messages"]["invalid"] = gettext_lazy("Ngày không hợp lệ (dd/mm/yyyy).")
        return forms.DateField(**common, input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    if kind == "choice":
        common["error_messages"]["invalid_choice"] = gettext_lazy("Lựa chọn không hợp lệ.")
        return forms.ChoiceField(**common, choices=[("", "—")] + _choices(spec))
    if kind == "id_number":
        return forms.CharField(**common, max_length=12, validators=[id_number_validator],
                               widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    if kind == "phone":
        return forms.CharField(**common, max_length=10, validators=[phone_validator],
                               widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    if kind == "address":
        return forms.CharField(**common, max_length=300,
                               widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    if kind == "textarea":
        return forms.CharField(**common, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    return forms.CharField(**common, max_length=500)


def build_form_class(schema):
    """A Form class with one field per schema entry, validated server-side with Vietnamese messages."""
    fields = {spec["name"]: _field(spec) for spec in schema or [] if isinstance(spec, dict) and spec.get("name")}
    return type("ProcedureForm", (forms.Form,), fields)
