"""Template filters shared by every app."""

from django import template

register = template.Library()


@register.filter
def money(amount):
    """1000000 -> "1.000.000 đ" (Vietnamese thousands separator, integer đồng)."""
    if amount in (None, ""):
        return ""
    return f"{int(amount):,} đ".replace(",", ".")
