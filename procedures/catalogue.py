"""The catalogue's content as plain rows: one dict per procedure, shared by seeding, import and export.

A *row* uses the model's names::

    {"code", "name", "name_en", "field" (Field.code), "level", "agency_kinds" [Agency.kind …],
     "online_mode", "processing_days", "online_processing_days", "steps", "description", "result_type",
     "legal_basis", "form_schema", "online_only", "online_only_weekdays", "tags", "is_active",
     "fees": [{"name", "amount", "waived_online", and the formula: see FeeLine.FORMULA_FIELDS}],
     "documents": [{"name", "required", "copies", "kinds", "template_name", "reusable", "registry_proof",
                    "multiple_files"}]}

`assurance_level` is the identity level online submission needs (1, 2, or None for the default);
`boundary_free` lets any competent centre of the province receive the procedure (Decree 118/2025);
a document's `registry_proof` names what of the population registry's record replaces the paper
("identity", "residence" or ""), `multiple_files` lets its slot hold several files.

Pure functions here (no writes): building a row from a procedure, from the demo data format, and
checking a row. The writes live in `procedures.services`.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from procedures.form_schema import validate_schema
from procedures.models import DocumentKind, FeeLine, Level, OnlineMode, Procedure, RegistryProof

SCALAR_FIELDS = (
    "name", "name_en", "level", "online_mode", "processing_days", "online_processing_days", "steps",
    "description", "result_type", "legal_basis", "form_schema", "online_only", "online_only_weekdays",
    "tags", "is_active", "assurance_level", "boundary_free",
)
def fee_row(item):
    """A fee line of a catalogue file, with the formula's defaults (a flat fee per dossier)."""
    defaults = {"waived_online": False, "basis": FeeLine.Basis.DOSSIER, "unit_label": "", "quantity_field": "",
                "copies_field": "", "tiered_units": None, "amount_after": None, "cap_per_copy": None}
    return {key: item.get(key, defaults.get(key)) for key in FEE_KEYS}


def fee_errors(index, fee, form_names):
    """Why a fee line cannot be saved: name and amount, a known basis, whole amounts, and a per-unit fee's
    quantity and copies read from fields the form has."""
    errors = []
    if not isinstance(fee.get("name"), str) or not fee["name"].strip() or not _is_int(fee.get("amount")):
        errors.append(_("Khoản phí thứ %(n)s cần tên và số tiền (đồng, số nguyên không âm).") % {"n": index})
    unknown = sorted(set(fee) - set(FEE_KEYS))
    if unknown:
        errors.append(_("Khoản phí thứ %(n)s: không có mục %(keys)s.") % {"n": index, "keys": ", ".join(unknown)})
    if fee.get("basis", FeeLine.Basis.DOSSIER) not in FeeLine.Basis.values:
        errors.append(_("Khoản phí thứ %(n)s: cách tính phải là “dossier” hoặc “unit”.") % {"n": index})
    for key in ("tiered_units", "amount_after", "cap_per_copy"):
        if fee.get(key) is not None and not _is_int(fee.get(key)):
            errors.append(_("Khoản phí thứ %(n)s: %(key)s phải là số nguyên không âm.") % {"n": index, "key": key})
    if fee.get("basis") == FeeLine.Basis.UNIT:
        for key in ("quantity_field", "copies_field"):
            if fee.get(key) and fee[key] not in form_names:
                errors.append(_("Khoản phí thứ %(n)s: tờ khai không có trường “%(name)s”.")
                              % {"n": index, "name": fee[key]})
    return errors


ROW_KEYS = ("code", "field", "agency_kinds", *SCALAR_FIELDS, "fees", "documents")
FEE_KEYS = FeeLine.FORMULA_FIELDS
DOCUMENT_KEYS = ("name", "required", "copies", "kinds", "template_name", "reusable", "registry_proof",
                 "multiple_files")
# Keys a document of an older file may leave out (files exported before they existed import unchanged).
DOCUMENT_DEFAULTS = {"template_name": "", "reusable": False, "registry_proof": "", "multiple_files": False}


def document_row(doc):
    """A document of a row with the optional keys filled in (unknown keys kept, for row_errors to name)."""
    return {**DOCUMENT_DEFAULTS, **doc} if isinstance(doc, dict) else doc


def procedure_row(procedure):
    """The row of a saved procedure (expects fees, documents and agencies prefetched for bulk use)."""
    row = {"code": procedure.code, "field": procedure.field.code,
           "agency_kinds": sorted({a.kind for a in procedure.agencies.all() if a.kind})}
    for name in SCALAR_FIELDS:
        value = getattr(procedure, name)
        row[name] = list(value) if name in ("online_only_weekdays", "tags") else value
    row["fees"] = [{key: getattr(fee, key) for key in FEE_KEYS} for fee in procedure.fees.all()]
    row["documents"] = [
        {key: list(getattr(doc, key)) if key == "kinds" else getattr(doc, key) for key in DOCUMENT_KEYS}
        for doc in procedure.documents.all()
    ]
    return row


def content_of(row):
    """The part of a row a version freezes (everything but the agencies, which change with the map)."""
    return {key: row[key] for key in ROW_KEYS if key != "agency_kinds"}


def _text(value):
    """Demo data may give steps or legal bases as a list of lines."""
    if isinstance(value, list | tuple):
        return "\n".join(str(line) for line in value)
    return value or ""


def row_from_demo(item):
    """A row from the demo data format (`procedures/demo_data/catalogue.py`)."""
    return {
        "code": item["code"],
        "name": item["name"],
        "name_en": item.get("name_en", ""),
        "field": item["field"],
        "level": item["level"],
        "agency_kinds": list(item.get("agencies", [])),
        "online_mode": item.get("online_mode", OnlineMode.NONE),
        "processing_days": item["processing_days"],
        "online_processing_days": item.get("online_processing_days"),
        "steps": _text(item.get("steps")),
        "description": _text(item.get("description")),
        "result_type": _text(item.get("result_type")),
        "legal_basis": _text(item.get("legal_basis")),
        "form_schema": item.get("form", []),
        "online_only": bool(item.get("online_only", False)),
        "online_only_weekdays": list(item.get("online_only_weekdays", [])),
        "tags": list(item.get("tags", [])),
        "is_active": item.get("is_active", True),
        "assurance_level": item.get("assurance_level"),
        "boundary_free": bool(item.get("boundary_free", False)),
        "fees": [fee_row(f) for f in item.get("fees", [])],
        "documents": [
            {"name": d["name"], "required": bool(d.get("required", True)), "copies": d.get("copies", 1),
             "kinds": list(d.get("kinds", [])), "template_name": d.get("template") or "",
             "reusable": bool(d.get("reusable", False)), "registry_proof": d.get("registry_proof", ""),
             "multiple_files": bool(d.get("multiple_files", False))}
            for d in item.get("documents", [])
        ],
    }


def _is_int(value, *, minimum=0):
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def row_errors(row, *, field_codes, agency_kinds):
    """Everything wrong with a row, as translated sentences (empty when the row can be saved)."""
    errors = []
    if not isinstance(row.get("code"), str) or not row["code"].strip():
        errors.append(_("Thiếu mã thủ tục."))
    if row.get("field") not in field_codes:
        errors.append(_("Lĩnh vực “%(code)s” không tồn tại.") % {"code": row.get("field")})
    if row.get("level") not in Level.values:
        errors.append(_("Cấp thực hiện “%(value)s” không hợp lệ (province, district, commune).")
                      % {"value": row.get("level")})
    if row.get("online_mode") not in OnlineMode.values:
        errors.append(_("Mức độ trực tuyến “%(value)s” không hợp lệ (none, partial, full).")
                      % {"value": row.get("online_mode")})
    unknown_kinds = [kind for kind in row.get("agency_kinds", []) if kind not in agency_kinds]
    if unknown_kinds:
        errors.append(_("Không có cơ quan thuộc loại: %(kinds)s.") % {"kinds": ", ".join(unknown_kinds)})
    days = row.get("processing_days")
    online_days = row.get("online_processing_days")
    if not _is_int(days) or days > 365:
        errors.append(_("Thời hạn giải quyết phải là số ngày làm việc từ 0 đến 365."))
    if online_days is not None and (not _is_int(online_days) or (_is_int(days) and online_days > days)):
        errors.append(_("Thời hạn trực tuyến phải là số nguyên không lớn hơn thời hạn giải quyết."))
    weekdays = row.get("online_only_weekdays", [])
    if not all(_is_int(day) and day <= 6 for day in weekdays):
        errors.append(_("Ngày chỉ tiếp nhận trực tuyến phải là số từ 0 (Thứ Hai) đến 6 (Chủ nhật)."))
    errors += [_("Biểu mẫu: %(error)s") % {"error": e} for e in validate_schema(row.get("form_schema"))]
    form_names = {f.get("name") for f in row.get("form_schema") or [] if isinstance(f, dict)}
    for index, fee in enumerate(row.get("fees", []), start=1):
        errors += fee_errors(index, fee, form_names)
    level = row.get("assurance_level")
    if level is not None and level not in (1, 2):
        errors.append(_("Mức độ định danh điện tử phải là 1, 2 hoặc để trống."))
    for index, doc in enumerate(row.get("documents", []), start=1):
        if not isinstance(doc, dict):
            errors.append(_("Thành phần hồ sơ thứ %(n)s phải là một đối tượng JSON.") % {"n": index})
            continue
        doc = document_row(doc)
        unknown = sorted(set(doc) - set(DOCUMENT_KEYS))
        if unknown:
            errors.append(_("Thành phần hồ sơ thứ %(n)s: không có mục %(keys)s.")
                          % {"n": index, "keys": ", ".join(unknown)})
        if doc.get("registry_proof") not in ("", *RegistryProof.values):
            errors.append(_("Thành phần hồ sơ thứ %(n)s: registry_proof phải là %(values)s hoặc để trống.")
                          % {"n": index, "values": ", ".join(RegistryProof.values)})
        if not isinstance(doc.get("multiple_files"), bool):
            errors.append(_("Thành phần hồ sơ thứ %(n)s: multiple_files phải là true hoặc false.") % {"n": index})
        if not isinstance(doc.get("name"), str) or not doc["name"].strip():
            errors.append(_("Thành phần hồ sơ thứ %(n)s thiếu tên.") % {"n": index})
        if not _is_int(doc.get("copies"), minimum=1):
            errors.append(_("Thành phần hồ sơ thứ %(n)s: số bản phải từ 1 trở lên.") % {"n": index})
        bad_kinds = [kind for kind in doc.get("kinds", []) if kind not in DocumentKind.values]
        if bad_kinds:
            errors.append(_("Thành phần hồ sơ thứ %(n)s: định dạng không hỗ trợ: %(kinds)s.")
                          % {"n": index, "kinds": ", ".join(map(str, bad_kinds))})
    if not errors:
        # The model's own rules (lengths, constraints) last, on an unsaved instance.
        candidate = Procedure(code=row["code"], field_id=0, **{k: row[k] for k in SCALAR_FIELDS})
        try:
            candidate.full_clean(exclude=["field"], validate_unique=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                label = Procedure._meta.get_field(name).verbose_name if name != "__all__" else ""
                errors += [f"{label}: {m}" if label else m for m in messages]
    return errors
