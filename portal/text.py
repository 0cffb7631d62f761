"""Text as people meant to type it: NFC-normalised, without invisible direction or width controls.

Bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C) can make a
name read differently on a desk page or a printed receipt than it is stored ("Trojan Source" spoofing);
zero-width characters (U+200B–U+200D, U+2060–U+2064, U+FEFF) and the soft hyphen make two equal-looking
names differ. Vietnamese needs none of them, and NFC makes a decomposed "ễ" (e + two combining marks,
as some phones type it) equal the precomposed one the search and the registry use.
"""

import re
import unicodedata

from django import forms

INVISIBLE = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def clean_text(value):
    """`value` in NFC without invisible controls (None and "" pass through)."""
    if not value:
        return value
    return INVISIBLE.sub("", unicodedata.normalize("NFC", value))


class CleanCharField(forms.CharField):
    """A CharField whose value is `clean_text`-ed (then stripped again, as a CharField strips)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        value = clean_text(value)
        return value.strip() if self.strip else value
