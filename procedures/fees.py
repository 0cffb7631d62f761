"""Fees computed from their formulas and the application form, with the calculation in words.

One reading of `FeeLine` for the procedure page, the review page, the submission (the dossier's
`fee_amount`), the receipt and the desk (issue 21 item 2).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from procedures.models import FeeLine


@dataclass(frozen=True)
class FeeItem:
    name: str
    amount: int
    calculation: str
    waived: bool = False


def _count(form_data, name):
    """A positive whole number typed in the form; 1 when the form has no such field or it is empty."""
    if not name:
        return 1
    try:
        value = int(str((form_data or {}).get(name, "") or "1").strip())
    except ValueError:
        return 1
    return max(value, 1)


def _vnd(amount):
    return f"{amount:,}".replace(",", ".") + " đ"


def fee_item(line, form_data=None, *, online=False):
    """The amount of one fee line for this form, and how it was reached."""
    if online and line.waived_online:
        return FeeItem(line.name, 0, _("miễn khi nộp trực tuyến"), waived=True)
    if line.basis != FeeLine.Basis.UNIT:
        return FeeItem(line.name, line.amount, _vnd(line.amount))
    units, copies = _count(form_data, line.quantity_field), _count(form_data, line.copies_field)
    unit = line.unit_label or _("đơn vị")
    if line.tiered_units is not None and line.amount_after is not None and units > line.tiered_units:
        per_copy = line.amount * line.tiered_units + line.amount_after * (units - line.tiered_units)
        how = _("%(first)s × %(amount)s + %(rest)s × %(after)s") % {
            "first": f"{line.tiered_units} {unit}", "amount": _vnd(line.amount),
            "rest": f"{units - line.tiered_units} {unit}", "after": _vnd(line.amount_after)}
    else:
        per_copy = line.amount * units
        how = f"{units} {unit} × {_vnd(line.amount)}"
    if line.cap_per_copy is not None and per_copy > line.cap_per_copy:
        per_copy = line.cap_per_copy
        how = _("%(how)s, tối đa %(cap)s") % {"how": how, "cap": _vnd(line.cap_per_copy)}
    if line.copies_field:
        how = _("(%(how)s) mỗi bản × %(copies)s bản") % {"how": how, "copies": copies}
    return FeeItem(line.name, per_copy * copies, f"{how} = {_vnd(per_copy * copies)}")


def fee_breakdown(procedure, form_data=None, *, online=False):
    """Every fee line of the procedure for this form: (items, total in đồng)."""
    items = [fee_item(line, form_data, online=online) for line in procedure.fees.all()]
    return items, sum(item.amount for item in items)
