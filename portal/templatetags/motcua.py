"""Tiny display filters shared by every template."""

from django import template

register = template.Library()


@register.filter
def money(value):
    """1000000 -> '1.000.000 đ' (integer đồng, Vietnamese grouping)."""
    try:
        return f"{int(value):,} đ".replace(",", ".")
    except (TypeError, ValueError):
        return ""


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (None when missing)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
