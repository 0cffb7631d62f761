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


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (None when missing)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
