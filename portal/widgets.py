"""Form widgets shared by the apps."""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class LongSelect(forms.Select):
    """A single `<select>` whose options are written in Python instead of through one template include
    per option. For lists of hundreds of entries (every agency of the province on the desk's transfer
    form), where Django's template-rendered options cost tens of milliseconds per page. Same markup
    and attributes as `forms.Select`; no optgroups."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = "" if value is None else str(value)
        options = "".join(
            f'<option value="{escape(str(option))}"{" selected" if str(option) == chosen else ""}>'
            f"{escape(str(label))}</option>"
            for option, label in self.choices
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), mark_safe(options))
