"""Accent-insensitive desk search by the applicant's name (issue 21 item 10), without any PostgreSQL
extension (the embedded server has no `unaccent` nor `pg_trgm`).

`Dossier.applicant_name_search` is a STORED generated column: the name with combining marks removed
(names typed in decomposed form), Vietnamese letters unaccented with `translate()` (đ -> d) and lower
case. PostgreSQL computes it on every INSERT and UPDATE, so no write path (save, bulk_create,
QuerySet.update, raw SQL, the API, imports) can leave it stale. A GIN index on
`to_tsvector('simple', applicant_name_search)` answers word-prefix queries: every word typed must start
a word of the name, in any order, so "le van tra", "Lê Văn Trả", "van tra" and "dang" (for "Đặng Thị
Hoa") all match, and an accented query still finds the name written with those accents.

Why not a btree with text_pattern_ops: it serves only a prefix of the WHOLE name ("le van"), while desk
officers type the given name ("tra") as often as the family name; a trigram index needs pg_trgm.
"""

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import F, Func, TextField, Value

from procedures.search import CONFIG, unaccented, words

# Combining diacritics (grave, acute, circumflex, tilde, breve, hook above, horn, dot below) of a name
# typed in decomposed Unicode: translate() drops them (no counterpart in the empty target).
_COMBINING = "\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323"


def folded_name_expression():
    """SQL of the generated column: immutable (translate, lower), as a generated column requires."""
    without_marks = Func(F("applicant_name"), Value(_COMBINING), Value(""), function="translate",
                         output_field=TextField())
    return unaccented(without_marks)


def name_vector():
    """The indexed expression (dossier_applicant_name_fts_idx); queries must use exactly this."""
    return SearchVector("applicant_name_search", config=CONFIG)


def name_tsquery(text):
    """'Lê Văn Trả' -> 'le:* & van:* & tra:*' (each word a prefix, all required); None if no word."""
    tokens = words(text)
    return " & ".join(f"{token}:*" for token in tokens) if tokens else None


def filter_by_name(queryset, text):
    """Dossiers whose applicant's name has every word of `text` as a word prefix, accents ignored."""
    raw = name_tsquery(text)
    if raw is None:
        return queryset.none()
    return queryset.annotate(applicant_name_words=name_vector()).filter(
        applicant_name_words=SearchQuery(raw, search_type="raw", config=CONFIG))
