"""Small constructors shared by the catalogue data modules (documents, fees, form fields)."""

IMG = ["pdf", "jpg", "png"]


def _doc(name, required=True, copies=1, template=None, reusable=False, kinds=IMG):
    return {"name": name, "required": required, "copies": copies, "kinds": list(kinds),
            "template": template, "reusable": reusable}


def _fee(name, amount, waived_online=False):
    return {"name": name, "amount": amount, "waived_online": waived_online}


def _f(name, label, type="text", required=True, help="", choices=None):
    field = {"name": name, "label": label, "type": type, "required": required, "help": help}
    if choices:
        field["choices"] = [list(c) for c in choices]
    return field
