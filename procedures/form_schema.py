"""Application form schemas (biểu mẫu điện tử): checking their structure and turning them into forms.

A schema is a JSON list of fields::

    [{"name": "full_name", "label": "Họ và tên", "type": "text", "required": true, "help": "..."},
     {"name": "gender", "label": "Giới tính", "type": "choice", "required": true,
      "choices": [["nam", "Nam"], ["nu", "Nữ"]]}]

`choices` items are strings (value = label), [value, label] pairs or {"value", "label"} objects.
Optional bounds (issue 20 items 9 and 13): `max_length` for text types (at most TEXT_LIMITS), `min` and
`max` for numbers (default 0 and NUMBER_MAX); dates lie in 1900–2099 (portal.dates).

Contract used by other apps (the citizen wizard): `validate_schema(schema) -> list[str]` (empty when
valid) and `build_form_class(schema) -> forms.Form subclass` whose `cleaned_data` holds JSON-safe
values (dates as ISO strings, numbers as int or str of a Decimal).
"""

import re
from datetime import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.dates import EARLIEST_DAY, LAST_DAY, check_day
from portal.text import CleanCharField

FIELD_TYPES = ("text", "number", "date", "choice", "id_number", "phone", "address", "textarea")
_ALLOWED_KEYS = {"name", "label", "type", "required", "help", "choices", "max_length", "min", "max", "not_future",
                 "not_before", "registry"}
# `"registry": attribute`: the field is filled from the population registry for a verified applicant and
# locked (dossiers/registry.py returns these attributes).
REGISTRY_ATTRIBUTES = ("full_name", "birth_date", "id_number", "gender", "address", "hometown", "nationality")
# Longest value per text type: (default, the most a schema may allow). Bounds every draft (item 13).
TEXT_LIMITS = {"text": (500, 1000), "address": (500, 1000), "textarea": (4000, 5000)}
# Numbers: non-negative and below 10^15 unless the schema says otherwise; 6 decimals at most.
NUMBER_MIN, NUMBER_MAX, NUMBER_DECIMALS = 0, 10**15 - 1, 6
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
_ID_NUMBER = re.compile(r"^\d{12}$")
_PHONE = re.compile(r"^0\d{9}$")
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


def _choice_pairs(choices):
    """[(value, label)] from ["Nam", …], [["nam", "Nam"], …] or [{"value": "nam", "label": "Nam"}, …];
    None if malformed or empty."""
    if not isinstance(choices, list) or not choices:
        return None
    pairs = []
    for choice in choices:
        if isinstance(choice, str) and choice.strip():
            pairs.append((choice, choice))
        elif (isinstance(choice, list | tuple) and len(choice) == 2
              and all(isinstance(part, str) and part.strip() for part in choice)):
            pairs.append((choice[0], choice[1]))
        elif isinstance(choice, dict) and isinstance(choice.get("value"), str) and choice["value"].strip():
            pairs.append((choice["value"], str(choice.get("label") or choice["value"])))
        else:
            return None
    return pairs


def validate_schema(schema):
    """Every structural problem of `schema`, as Vietnamese sentences naming the field; [] if valid."""
    if not isinstance(schema, list):
        return [_("Biểu mẫu phải là một danh sách (JSON array) các trường.")]
    errors = []
    seen = set()
    for index, item in enumerate(schema, start=1):
        where = _("Trường thứ %(n)s") % {"n": index}
        if not isinstance(item, dict):
            errors.append(_("%(where)s phải là một đối tượng JSON.") % {"where": where})
            continue
        name = item.get("name")
        if isinstance(name, str) and name:
            where = _("Trường thứ %(n)s (%(name)s)") % {"n": index, "name": name}
        unknown = sorted(set(item) - _ALLOWED_KEYS)
        if unknown:
            errors.append(_("%(where)s có khóa không hợp lệ: %(keys)s.") % {"where": where, "keys": ", ".join(unknown)})
        if not isinstance(name, str) or not _NAME.match(name):
            errors.append(_("%(where)s: tên (name) phải gồm chữ thường không dấu, số, dấu gạch dưới và "
                            "bắt đầu bằng chữ.") % {"where": where})
        elif name in seen:
            errors.append(_("%(where)s: tên (name) bị trùng.") % {"where": where})
        else:
            seen.add(name)
        label = item.get("label")
        if not isinstance(label, str) or not label.strip():
            errors.append(_("%(where)s: thiếu nhãn (label).") % {"where": where})
        field_type = item.get("type")
        if field_type not in FIELD_TYPES:
            errors.append(_("%(where)s: kiểu (type) phải là một trong %(types)s.")
                          % {"where": where, "types": ", ".join(FIELD_TYPES)})
        if "required" in item and not isinstance(item["required"], bool):
            errors.append(_("%(where)s: required phải là true hoặc false.") % {"where": where})
        if "help" in item and not isinstance(item["help"], str):
            errors.append(_("%(where)s: hướng dẫn (help) phải là chuỗi.") % {"where": where})
        if "registry" in item and item["registry"] not in REGISTRY_ATTRIBUTES:
            errors.append(_("%(where)s: registry phải là một trong %(names)s.")
                          % {"where": where, "names": ", ".join(REGISTRY_ATTRIBUTES)})
        choices = item.get("choices")
        if field_type == "choice":
            pairs = _choice_pairs(choices)
            if not pairs:
                errors.append(_("%(where)s: kiểu choice cần danh sách lựa chọn (choices) không rỗng, mỗi lựa chọn "
                                "là một chuỗi hoặc cặp [giá trị, nhãn].") % {"where": where})
            elif len({value for value, _label in pairs}) != len(pairs):
                errors.append(_("%(where)s: danh sách lựa chọn có giá trị trùng.") % {"where": where})
        elif choices not in (None, []):
            errors.append(_("%(where)s: chỉ kiểu choice mới có choices.") % {"where": where})
        errors += _bound_errors(item, field_type, where)
    return errors


def _iso_day(value):
    try:
        return datetime.strptime(value, "%Y-%m-%d").date() if isinstance(value, str) else None
    except ValueError:
        return None


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool) and abs(value) <= NUMBER_MAX


def _bound_errors(item, field_type, where):
    """Problems of the optional `max_length`, `min` and `max` keys."""
    errors = []
    if "max_length" in item:
        limit = TEXT_LIMITS.get(field_type, (0, 0))[1]
        value = item["max_length"]
        if not limit:
            errors.append(_("%(where)s: chỉ trường văn bản mới có max_length.") % {"where": where})
        elif isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limit:
            errors.append(_("%(where)s: max_length phải là số nguyên từ 1 đến %(limit)s.")
                          % {"where": where, "limit": limit})
    for key in ("min", "max"):
        if key in item and (field_type != "number" or not _is_number(item[key])):
            errors.append(_("%(where)s: %(key)s chỉ dùng cho kiểu number và phải là một số có trị tuyệt đối "
                            "không quá %(limit)s.") % {"where": where, "key": key, "limit": NUMBER_MAX})
    if "not_future" in item and (field_type != "date" or not isinstance(item["not_future"], bool)):
        errors.append(_("%(where)s: not_future chỉ dùng cho kiểu date, giá trị true hoặc false.") % {"where": where})
    if "not_before" in item and (field_type != "date" or not _iso_day(item["not_before"])):
        errors.append(_("%(where)s: not_before chỉ dùng cho kiểu date, dạng yyyy-mm-dd.") % {"where": where})
    if _is_number(item.get("min")) and _is_number(item.get("max")) and item["min"] > item["max"]:
        errors.append(_("%(where)s: min phải nhỏ hơn hoặc bằng max.") % {"where": where})
    return errors


class VietnameseDateField(forms.CharField):
    """A date typed dd/mm/yyyy (or ISO yyyy-mm-dd) in 1900–2099; cleaned to an ISO string (JSON).

    The schema may bound it further (issue 21 item 6): `not_future` (a birth date, an issue date) and
    `not_before` ("2025-07-01"); the message names the date that was typed.
    """

    def __init__(self, *args, not_future=False, not_before=None, **kwargs):
        self.not_future, self.not_before = not_future, _iso_day(not_before)
        super().__init__(*args, **kwargs)

    def validate(self, value):
        super().validate(value)
        if not value:
            return
        day = datetime.strptime(value, "%Y-%m-%d").date()
        shown = day.strftime("%d/%m/%Y")
        if self.not_future and day > timezone.localdate():
            raise forms.ValidationError(_("Ngày %(day)s ở tương lai: hãy kiểm tra lại.") % {"day": shown},
                                        code="future")
        if self.not_before and day < self.not_before:
            raise forms.ValidationError(_("Ngày %(day)s phải từ %(first)s trở đi.")
                                        % {"day": shown, "first": self.not_before.strftime("%d/%m/%Y")},
                                        code="too_early")

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        for fmt in _DATE_FORMATS:
            try:
                day = datetime.strptime(value, fmt).date()
            except ValueError:
                continue
            return check_day(day, first=EARLIEST_DAY, last=LAST_DAY).isoformat()
        raise forms.ValidationError(_("“%(typed)s” không phải là ngày hợp lệ: nhập theo dạng dd/mm/yyyy.")
                                    % {"typed": value[:20]}, code="invalid")

    def widget_attrs(self, widget):
        # max_length still bounds what is accepted, but HTML forbids maxlength on <input type="date">.
        attrs = super().widget_attrs(widget)
        if widget.input_type == "date":
            attrs.pop("maxlength", None)
        return attrs


class TypedDateInput(forms.TextInput):
    """A date typed as dd/mm/yyyy: a stored ISO value is shown that way; what was typed is shown as typed."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "placeholder": "dd/mm/yyyy", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return datetime.strptime(value, "%Y-%m-%d").strftime("%d/%m/%Y")
            except ValueError:
                return value
        if hasattr(value, "strftime"):
            return value.strftime("%d/%m/%Y")
        return super().format_value(value)


class JsonNumberField(forms.DecimalField):
    """A number, kept as int when whole and as a string otherwise (JSON-safe, exact).

    Bounded (issue 20 item 9): 1e999999 became a million-digit int that JSON could not write (a 500).
    """

    def __init__(self, *, min_value=NUMBER_MIN, max_value=NUMBER_MAX, **kwargs):
        messages = {
            "min_value": _("Giá trị không được nhỏ hơn %(limit_value)s."),
            "max_value": _("Giá trị không được lớn hơn %(limit_value)s."),
            "max_decimal_places": _("Chỉ nhập tối đa %(max)s chữ số sau dấu thập phân."),
            **kwargs.pop("error_messages", {}),
        }
        super().__init__(min_value=Decimal(str(min_value)), max_value=Decimal(str(max_value)),
                         decimal_places=NUMBER_DECIMALS,
                         error_messages=messages, **kwargs)

    def widget_attrs(self, widget):
        # Any number of decimals up to the limit, as before (decimal_places would make it step=0.000001).
        return {**super().widget_attrs(widget), "step": "any"}

    def clean(self, value):
        number = super().clean(value)
        if number is None:
            return None
        return int(number) if number == number.to_integral_value() else str(number)


class DigitsField(forms.RegexField):
    """ID and phone numbers: spaces and dots typed between digits are dropped before the check."""

    def to_python(self, value):
        return re.sub(r"[\s.]", "", super().to_python(value) or "")


_INVALID_MESSAGES = {
    "number": gettext_lazy("Vui lòng nhập một số."),
    "choice": gettext_lazy("Lựa chọn không hợp lệ."),
    "id_number": gettext_lazy("Số định danh cá nhân gồm 12 chữ số."),
    "phone": gettext_lazy("Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0."),
}


def _form_field(spec):
    field_type = spec["type"]
    required = spec.get("required", False)
    messages = {"required": _("Vui lòng nhập “%(label)s”.") % {"label": spec["label"]}}
    if field_type in _INVALID_MESSAGES:
        messages["invalid_choice" if field_type == "choice" else "invalid"] = _INVALID_MESSAGES[field_type]
    common = {"label": spec["label"], "required": required, "help_text": spec.get("help", ""),
              "error_messages": messages}
    if field_type == "number":
        return JsonNumberField(min_value=spec.get("min", NUMBER_MIN), max_value=spec.get("max", NUMBER_MAX), **common)
    if field_type == "date":
        common["help_text"] = common["help_text"] or _("Nhập ngày/tháng/năm, ví dụ 20/11/1990.")
        # Typed dd/mm/yyyy in a text box, not the native picker: Chromium's picker turns an impossible day
        # (31/02) into an empty value, so the page answered "please enter" and lost what was typed (issue 21
        # item 6). ISO yyyy-mm-dd is still accepted.
        return VietnameseDateField(max_length=10, widget=TypedDateInput(),
                                   not_future=spec.get("not_future", False), not_before=spec.get("not_before"),
                                   **common)
    if field_type == "choice":
        empty = [] if required else [("", "---------")]
        return forms.ChoiceField(choices=empty + _choice_pairs(spec["choices"]), **common)
    if field_type == "id_number":
        return DigitsField(regex=_ID_NUMBER, widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                                           "autocomplete": "off"}), **common)
    if field_type == "phone":
        return DigitsField(regex=_PHONE, widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel",
                                                                       "autocomplete": "tel"}), **common)
    max_length = spec.get("max_length") or TEXT_LIMITS.get(field_type, TEXT_LIMITS["text"])[0]
    if field_type == "textarea":
        return CleanCharField(max_length=max_length, widget=forms.Textarea(attrs={"rows": 4}), **common)
    if field_type == "address":
        return CleanCharField(max_length=max_length,
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}), **common)
    return CleanCharField(max_length=max_length, **common)


def build_form_class(schema):
    """A Django form class for a valid schema (raises ValueError listing the problems otherwise)."""
    errors = validate_schema(schema)
    if errors:
        raise ValueError("; ".join(errors))
    fields = {spec["name"]: _form_field(spec) for spec in schema}
    return type("ProcedureApplicationForm", (forms.Form,), fields)


def registry_fields(schema):
    """{field name: registry attribute} of the fields a verified applicant's registry record fills."""
    return {spec["name"]: spec["registry"] for spec in (schema or [])
            if isinstance(spec, dict) and spec.get("registry") in REGISTRY_ATTRIBUTES and spec.get("name")}


def display_value(spec, value):
    """A stored value as a person reads it (issue 21 item 5): a choice's label ("Nữ", not "nu"), a date
    as dd/mm/yyyy, a number with Vietnamese grouping. Unknown or malformed values are shown as stored."""
    from django.utils.dateparse import parse_date
    from django.utils.formats import date_format, number_format

    if value in (None, ""):
        return ""
    field_type = (spec or {}).get("type")
    if field_type == "choice":
        return dict(_choice_pairs(spec.get("choices")) or []).get(str(value), value)
    if field_type == "date" and isinstance(value, str):
        try:
            day = parse_date(value)
        except ValueError:
            day = None
        return date_format(day, "SHORT_DATE_FORMAT") if day else value
    if field_type == "number" and _is_number(value):
        return number_format(value, force_grouping=True)
    return value


def display_rows(schema, data):
    """[(label, shown value, name)] of filled form `data` in the schema's order; keys the schema no longer
    names come last under their own name. The one reading of form data for review pages and the desk."""
    specs = {field.get("name"): field for field in (schema or []) if isinstance(field, dict)}
    data = data or {}
    names = [*[n for n in specs if n in data], *[n for n in data if n not in specs]]
    return [(specs.get(name, {}).get("label") or name, display_value(specs.get(name), data[name]), name)
            for name in names]
