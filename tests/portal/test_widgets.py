"""LongSelect writes the same <select> as Django's template-rendered Select."""

import re

from django import forms

from portal.widgets import LongSelect

CHOICES = [("", "---------"), ("1", "Sở Tư pháp"), ("2", "UBND <xã> \"A\" & B"), ("3", "Sở Y tế")]


def _options(html):
    return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)


def test_long_select_renders_the_options_attributes_and_choice_of_a_select():
    class Form(forms.Form):
        plain = forms.ChoiceField(choices=CHOICES, help_text="?")
        fast = forms.ChoiceField(choices=CHOICES, help_text="?", widget=LongSelect)

    form = Form(data={"plain": "2", "fast": "2"})
    plain, fast = str(form["plain"]), str(form["fast"])
    assert _options(fast) == _options(plain)
    assert ("2", " selected", "UBND &lt;xã&gt; &quot;A&quot; &amp; B") in _options(fast)  # escaped
    for attribute in ('id="id_fast"', "required", 'aria-describedby="id_fast_helptext"', 'name="fast"'):
        assert attribute in fast
    unbound = Form()
    assert _options(str(unbound["fast"])) == _options(str(unbound["plain"]))
