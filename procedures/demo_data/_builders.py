"""Small constructors shared by the catalogue data modules (documents, fees, form fields)."""

IMG = ["pdf", "jpg", "png"]


def _doc(name, required=True, copies=1, template=None, reusable=False, kinds=IMG, registry_proof="",
         multiple_files=False):
    return {"name": name, "required": required, "copies": copies, "kinds": list(kinds),
            "template": template, "reusable": reusable, "registry_proof": registry_proof,
            "multiple_files": multiple_files}


def _fee(name, amount, waived_online=False):
    return {"name": name, "amount": amount, "waived_online": waived_online}


# Chứng thực bản sao: 2.000 đ/trang for pages 1–2, 1.000 đ/trang from page 3, at most 200.000 đ per copy
# (the fee as the catalogue states it, after Circular 226/2016/TT-BTC), read from the form's `pages`
# and `copies` fields.
COPY_CERTIFICATION_FEE = {
    "name": "Phí chứng thực bản sao (trang 1–2: 2.000 đ/trang; từ trang 3: 1.000 đ/trang; tối đa 200.000 đ/bản)",
    "amount": 2000, "waived_online": False, "basis": "unit", "unit_label": "trang", "quantity_field": "pages",
    "copies_field": "copies", "tiered_units": 2, "amount_after": 1000, "cap_per_copy": 200000,
}


def _f(name, label, type="text", required=True, help="", choices=None, registry=None):
    field = {"name": name, "label": label, "type": type, "required": required, "help": help}
    if choices:
        field["choices"] = [list(c) for c in choices]
    if registry:  # filled from the population registry for a verified applicant (docs/identity.md)
        field["registry"] = registry
    return field
