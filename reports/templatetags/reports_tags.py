"""Small display filters for the statistics pages."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from reports.opendata import SMALL_CELL

register = template.Library()


@register.filter
def pct(value):
    """42.9 → '42,9%' (locale decimal separator); None → '—' (no denominator)."""
    if value is None:
        return "—"
    return f"{number_format(value, 1)}%"


@register.filter
def signed(value):
    """A change in percentage points: '+1,5' / '−2,0'; None → '—'."""
    if value is None:
        return "—"
    text = str(abs(value)) if isinstance(value, int) else number_format(abs(value), 1)
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else "0")


@register.filter
def target_status(row):
    """(css class, text label) of a row against its online-rate target: colour is never alone."""
    gap = row.get("target_gap")
    if gap is None:
        return ("status-none", _("Chưa có số liệu"))
    if gap >= 0:
        return ("status-ok", _("Đạt"))
    if gap >= -10:
        return ("status-warn", _("Chưa đạt"))
    return ("status-bad", _("Thấp xa chỉ tiêu"))


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def plan_value(value, indicator):
    """A one-stop plan value in its unit (`reports.plan.PlanIndicator.unit`); None → 'chưa có dữ liệu'."""
    if value is None:
        return _("chưa có dữ liệu")
    if indicator.unit == "percent":
        return pct(value)
    if indicator.unit == "minutes":
        return _("%(minutes)s phút") % {"minutes": number_format(value, 1)}
    return _("%(count)s hồ sơ/năm") % {"count": number_format(value, 0, force_grouping=True)}


@register.filter
def cell(value):
    """A published count: the number, or 'ẩn (< 5)' for a suppressed small cell (reports.opendata)."""
    if value is None:
        return _("ẩn (< %(threshold)s)") % {"threshold": SMALL_CELL}
    return number_format(value, 0, force_grouping=True)
