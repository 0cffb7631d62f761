"""Accent-insensitive text normalisation shared by the catalogue index and its queries."""

import re

from unidecode import unidecode

_SPACES = re.compile(r"\s+")


def normalize(text):
    """'Đăng ký khai sinh' -> 'dang ky khai sinh' (unaccented, lower case, single spaces)."""
    return _SPACES.sub(" ", unidecode(text or "").lower()).strip()
