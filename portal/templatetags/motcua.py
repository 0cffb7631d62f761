"""Small display filters shared by every page."""

from django import template

register = template.Library()


@register.filter
def vnd(amount):
    """1000000 -> '1.000.000 đ' (integer đồng, Vietnamese thousands separator)."""
    try:
        return f"{int(amount):,} đ".replace(",", ".")
    except (TypeError, ValueError):
        return ""
