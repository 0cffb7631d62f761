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


def words(text):
    """The searchable words of `text`, unaccented and lower case: "Đăng ký (1.001193)" -> ["dang", "ky", "1.001193"]."""
    return [token.rstrip(".") for token in _TOKEN.findall(normalize(text)) if token.rstrip(".")]


def fold(text):
    """normalize() with y read as i and punctuation dropped, for comparing spellings: "Lý lịch, kí" -> "li lich ki"."""
    return " ".join(word.replace("y", "i") for word in words(text))


_WORD = re.compile(r"[^\W_][\w.]*")


def accented_words(text):
    """[(folded, as written in lower case)] of each word: "Cấp lại, lái" -> [("cap", "cấp"), ("lai", "lại"),
    ("lai", "lái")]: folding keeps the words aligned with their accents, for telling "lại" from "lái"."""
    pairs = []
    for written in _WORD.findall((text or "").lower()):
        written = written.rstrip(".")
        for folded in fold(written).split():
            pairs.append((folded, written))
    return pairs


def search_vector():
    """The indexed expression; queries must use exactly this to hit the index."""
    return SearchVector("search_text", config=CONFIG)


def _variants(token):
    """A word and its i/y spellings (kí/ký, lí/lý, sĩ/sỹ: "dang ki" finds "đăng ký"; issue 21 item 3)."""
    forms = {token, token.replace("y", "i"), token.replace("i", "y")}
    terms = sorted(f"{form}:*" for form in forms)
    return terms[0] if len(terms) == 1 else "(" + " | ".join(terms) + ")"


def to_tsquery(text):
    """User words -> a raw tsquery of prefix terms (each with its i/y spellings) joined by AND; None when
    nothing searchable."""
    return _tsquery(words(text), " & ")


def any_word_tsquery(tokens):
    """A raw tsquery matching procedures with ANY of `tokens` (each a prefix, with its i/y spellings): the
    virtual assistant's candidates, ranked afterwards (procedures.assistant); None when nothing searchable."""
    return _tsquery(tokens, " | ")


def _tsquery(tokens, operator):
    if not tokens:
        return None
    return operator.join(_variants(token) if not any(ch.isdigit() for ch in token) else f"{token}:*"
                      for token in tokens)


def closest_procedures(queryset, text, limit=5):
    """When nothing matched: the procedures whose names are nearest to what was typed ("khai xinh" ->
    "Đăng ký khai sinh"), by word similarity (difflib: no PostgreSQL extension needed)."""
    from difflib import SequenceMatcher

    words = normalize(text).replace("y", "i").split()
    if not words:
        return []

    def score(name):
        name_words = normalize(name).replace("y", "i").split()
        if not name_words:
            return 0.0
        best = [max(SequenceMatcher(None, word, candidate).ratio() for candidate in name_words) for word in words]
        return sum(best) / len(best)

    scored = sorted(((score(p.name), p.code, p) for p in queryset.select_related(None).only("code", "name")),
                    key=lambda item: (-item[0], item[1]))
    return [p for value, _code, p in scored[:limit] if value >= 0.6]


def search_procedures(queryset, text, *, raw=None):
    """Filter and rank `queryset` (of Procedure) by the words in `text` (or a `raw` tsquery), best first."""
    raw = raw or to_tsquery(text)
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
