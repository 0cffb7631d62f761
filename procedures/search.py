"""Accent-insensitive catalogue search with PostgreSQL's built-in full-text search.

`Procedure.search_text` holds the unaccented, lower-cased code and names (maintained on save); a GIN
index on `to_tsvector('simple', search_text)` answers queries. Each word typed matches as a prefix,
so "khai sinh", "Khai Sinh", "dang ky khai si" and "1.001193" all find "Đăng ký khai sinh". Needs no
extension (the embedded PostgreSQL has none), so it runs on any PostgreSQL.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from unidecode import unidecode

_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"[a-z0-9][a-z0-9.]*")
CONFIG = "simple"


def normalize(text):
    """'Đăng ký khai sinh' -> 'dang ky khai sinh' (unaccented, lower case, single spaces)."""
    return _SPACES.sub(" ", unidecode(text or "").lower()).strip()


def search_vector():
    """The indexed expression; queries must use exactly this to hit the index."""
    return SearchVector("search_text", config=CONFIG)


def to_tsquery(text):
    """User words -> a raw tsquery of prefix terms joined by AND; None when nothing searchable."""
    tokens = _TOKEN.findall(normalize(text))
    if not tokens:
        return None
    return " & ".join(f"{token.rstrip('.')}:*" for token in tokens if token.rstrip("."))


def search_procedures(queryset, text):
    """Filter and rank `queryset` (of Procedure) by the words in `text`, best matches first."""
    raw = to_tsquery(text)
    if raw is None:
        return queryset
    query = SearchQuery(raw, search_type="raw", config=CONFIG)
    return (
        queryset.annotate(search=search_vector())
        .filter(search=query)
        .annotate(rank=SearchRank(search_vector(), query))
        .order_by("-rank", "code")
    )


# Vietnamese letters with diacritics and their plain forms, for searching small tables (agencies)
# without the unaccent extension: translate() then lower() is plain SQL.
_VIETNAMESE = (
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
)
_VIETNAMESE += _VIETNAMESE.upper()
_PLAIN = "".join(unidecode(letter) for letter in _VIETNAMESE)


def unaccented(field_name):
    """SQL expression: the column unaccented and lower-cased, comparable with `normalize(text)`."""
    from django.db.models import Func, TextField, Value
    from django.db.models.functions import Lower

    return Lower(Func(field_name, Value(_VIETNAMESE), Value(_PLAIN), function="translate",
                      output_field=TextField()))
