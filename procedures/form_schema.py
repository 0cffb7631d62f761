"""Application form schemas (JSON) to Django forms — minimal version; the catalogue stream owns the full one.

    [{"name": "full_name", "label": "Họ và tên", "type": "text", "required": true, "help": "..."},
     {"name": "gender", "label": "Giới tính", "type": "choice", "required": true, "choices": ["Nam", "Nữ"]}]
"""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

FIELD_TYPES = ("text", "number", "date", "choice", "id_number", "phone", "address", "textarea")


def _form_field(spec):
    common = {"label": spec.get("label") or spec["name"], "required": bool(spec.get("required")),
              "help_text": spec.get("help", "")}
    kind = spec.get("type", "text")
    if kind == "number":
        return forms.DecimalField(**common)
    if kind == "date":
        return forms.DateField(input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                               widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}), **common)
    if kind == "choice":
        choices = [("", "—")] + [(c, c) for c in spec.get("choices", [])]
        return forms.ChoiceField(choices=choices, **common)
    if kind == "id_number":
        return forms.CharField(max_length=12, validators=[RegexValidator(
            r"^\d{12}$", _("Số định danh cá nhân gồm 12 chữ số."))], widget=forms.TextInput(
            attrs={"inputmode": "numeric"}), **common)
    if kind == "phone":
        return forms.CharField(max_length=15, validators=[RegexValidator(
            r"^0\d{9,10}$", _("Số điện thoại không hợp lệ."))], widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "tel"}), **common)
    if kind == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    return forms.CharField(max_length=500, **common)


def build_form_class(schema):
    """A Django form class with one field per schema entry."""
    for spec in schema:
        if spec.get("type", "text") not in FIELD_TYPES or not spec.get("name"):
            raise ValueError(f"invalid form field {spec!r}")
    fields = {spec["name"]: _form_field(spec) for spec in schema}
    return type("ProcedureApplicationForm", (forms.Form,), fields)
