"""Virtual assistant (trợ lý ảo) over the catalogue: an everyday question -> the procedures it is about.

Runs on the catalogue search (procedures.search), with no outside service (issue 21 item 17):

1. The question is folded (`search.fold`: accents, case and punctuation dropped, y read as i), so
   "đăng kí", "dang ky" and "Đăng ký" are the same words.
2. Question phrasing ("tôi muốn", "làm thế nào để", "ở đâu") is left out, and everyday words are expanded
   into the catalogue's ("bằng lái" -> "giấy phép lái xe"): both lists are `AssistantTerm` rows that
   administrators edit; the longest phrase wins where phrases overlap.
3. A word the catalogue does not know is read as the nearest word it does know, when close enough
   ("sinj" -> "sinh", difflib like `search.closest_procedures`; no extension needed).
4. The candidates are the procedures with any of the words (the full-text index, `search.any_word_tsquery`),
   ranked by the words they share with the question, each weighted by how rare it is in the catalogue
   (inverse document frequency from PostgreSQL's `ts_stat`), with a bonus for two words in the same order
   ("khai sinh") and a small cost for name words the question did not mention (so "Đăng ký khai sinh" comes
   before "Đăng ký khai sinh có yếu tố nước ngoài" unless a foreigner is mentioned) and a bonus for words of
   action it did ("cải chính"); both word lists are `AssistantTerm` rows too.
5. When too little of the question matched, the answer says it does not know (`Answer.known` False); the
   page then offers the catalogue search.
"""

import math
import re
from dataclasses import dataclass, field
from difflib import get_close_matches
from itertools import pairwise

from django.core.cache import cache
from django.db import connection

from procedures.models import AssistantTerm
from procedures.search import accented_words, any_word_tsquery, fold, normalize, search_procedures

# How long the word lists and the catalogue's vocabulary are cached (an edit in the admin clears them).
CACHE_SECONDS = 300
TERMS_KEY = "procedures:assistant-terms:v2"
VOCABULARY_KEY = "procedures:assistant-vocabulary"
# Weights of a query word by where it came from. A synonym's catalogue words share the weight of the words
# typed: sqrt(typed words / catalogue words) each, so "mở quán" -> six words does not outweigh "game".
TYPED, CORRECTED, SYNONYM_PHRASE = 1.0, 0.8, 0.3
# A word typed with accents that matches a name word only once accents are dropped ("lái" in "cấp lại").
ACCENT_MISMATCH = 0.5
# A word the catalogue never uses still counts this much in "how much of the question was understood".
UNKNOWN_WORD_WEIGHT = 2.0
BIGRAM_BONUS = 1.0
# Bonus times the share of the name's weight the question covers: the shortest fitting name first.
NAME_COVERAGE = 2.0
# Variant words ("lại", "gia hạn", "nước ngoài": a name with one the question does not say costs this much) and
# action words ("cải chính", "thành lập": a name with one the question says gains this much) are AssistantTerm
# rows (kinds "variant" and "action"; initial lists in procedures/assistant_terms.py); a variant word said
# counts as an action word.
VARIANT_COST = 1.0
ACTION_BONUS = 2.0
CANDIDATES = 60
# A runner-up is shown when its score is at least this share of the best one's.
RUNNER_UP_SHARE = 0.6
# The question is understood when this share of it (by weight) matched the best procedure, and one of the
# words matched is distinctive: used by at most a tenth of the catalogue ("đăng ký" alone is not enough).
KNOWN_COVERAGE = 0.4
DISTINCTIVE_SHARE = 0.1
_CODE = re.compile(r"^\d+(\.\d+)+$")


@dataclass(frozen=True)
class Understanding:
    """What the assistant made of a question (shown on the page: "Tôi hiểu là: …")."""

    question: str
    words: dict  # folded word -> weight
    accents: dict = field(
        default_factory=dict
    )  # folded word -> the accented forms typed (none typed: absent)
    pairs: frozenset = frozenset()  # two words next to each other in the question (or in one synonym)
    removed: tuple = ()  # question phrases left out
    synonyms: tuple = ()  # (phrase, meaning) applied, as the administrator wrote them
    corrected: tuple = ()  # (typed, read as)
    content: frozenset = frozenset()  # the words typed (or read for a typo) outside every listed phrase

    @property
    def text(self):
        return " ".join(word for word, weight in self.words.items() if weight > SYNONYM_PHRASE)


@dataclass
class Match:
    procedure: object
    score: float
    coverage: float
    matched: tuple = ()
    distinctive: bool = False
    evidence: int = 0  # words shared with the name, a typo's reading only when its neighbour confirms it


@dataclass
class Answer:
    understanding: Understanding
    matches: list = field(default_factory=list)
    known: bool = False


def clear_cache():
    cache.delete_many([TERMS_KEY, VOCABULARY_KEY])


def terms():
    """({filler phrase key}, {synonym phrase key: meaning key}, {synonym phrase key: (phrase, meaning) as
    written}) of the active AssistantTerm rows, cached."""
    lists = _term_lists()
    return lists["fillers"], lists["synonyms"], lists["labels"]


def ranking_words():
    """(variant words, action words) of the active AssistantTerm rows, in lower case with their accents as
    written (compared with the question's accents by `mentions`), cached."""
    lists = _term_lists()
    return lists["variants"], lists["actions"]


def _term_lists():
    def load():
        lists = {"fillers": set(), "synonyms": {}, "labels": {}, "variants": [], "actions": []}
        rows = AssistantTerm.objects.filter(is_active=True).values_list(
            "kind", "phrase_key", "phrase", "meaning"
        ).order_by("kind", "phrase_key")
        for kind, key, phrase, meaning in rows:
            if kind == AssistantTerm.Kind.FILLER:
                lists["fillers"].add(key)
            elif kind == AssistantTerm.Kind.VARIANT:
                lists["variants"].append(" ".join((phrase or "").lower().split()))
            elif kind == AssistantTerm.Kind.ACTION:
                lists["actions"].append(" ".join((phrase or "").lower().split()))
            elif fold(meaning):
                lists["synonyms"][key], lists["labels"][key] = fold(meaning), (phrase, meaning)
        lists["variants"], lists["actions"] = tuple(lists["variants"]), tuple(lists["actions"])
        return lists

    return cache.get_or_set(TERMS_KEY, load, CACHE_SECONDS)


def vocabulary():
    """({folded word: number of active procedures using it}, number of active procedures), from the
    full-text index's own statistics (ts_stat over the indexed expression), cached."""

    def load():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word, ndoc FROM ts_stat($$SELECT to_tsvector('simple', search_text) "
                "FROM procedures_procedure WHERE is_active$$)"
            )
            rows = cursor.fetchall()
            cursor.execute("SELECT count(*) FROM procedures_procedure WHERE is_active")
            total = cursor.fetchone()[0]
        counts = {}
        for word, ndoc in rows:
            key = fold(word)
            if key and not _CODE.match(key):
                counts[key] = max(counts.get(key, 0), ndoc)
        return counts, total

    return cache.get_or_set(VOCABULARY_KEY, load, CACHE_SECONDS)


def _phrase_spans(tokens, phrases):
    """The (start, end) spans of `tokens` that spell a phrase of `phrases`, leaving out any span inside a longer
    one ("bằng lái xe" keeps neither "bằng lái" nor "bằng"); partly overlapping spans are all kept ("mở quán" and
    "quán game" in "mở quán game")."""
    longest = max((len(p.split()) for p in phrases), default=0)
    spans = [
        (start, start + size)
        for start in range(len(tokens))
        for size in range(1, min(longest, len(tokens) - start) + 1)
        if " ".join(tokens[start : start + size]) in phrases
    ]
    return [(a, b) for a, b in spans if not any(c <= a and b <= d and (c, d) != (a, b) for c, d in spans)]


def understand(question):
    """Fold the question, leave out question phrases, correct near-miss words, expand synonyms."""
    fillers, synonyms, labels = terms()
    counts, _total = vocabulary()
    known_words = (
        set(counts)
        | {w for key in synonyms for w in key.split()}
        | {w for key in fillers for w in key.split()}
    )
    typed_accents = normalize(question) != (question or "").lower().strip()
    tokens, corrected, accents = [], [], {}
    for token, written in accented_words(question):
        # Only words typed without accents are read as typos ("sinj"): "tiết", "chào" are real words.
        if token not in known_words and len(token) >= 4 and written.isascii() and not token.isdigit():
            near = [w for w in get_close_matches(token, known_words, n=3, cutoff=0.75) if w[0] == token[0]]
            if near:
                corrected.append((token, near[0]))
                token, written = near[0], None
        if typed_accents and written is not None:
            accents.setdefault(token, set()).add(written)
        tokens.append(token)
    corrected_words = {read for _typed, read in corrected}
    words, applied, pairs = {}, [], set()

    def add(word, weight):
        words[word] = max(words.get(word, 0.0), weight)

    found = _phrase_spans(tokens, fillers | set(synonyms))
    synonym_spans = [(a, b) for a, b in found if " ".join(tokens[a:b]) in synonyms]
    in_synonym = {i for a, b in synonym_spans for i in range(a, b)}
    # A question phrase gives way to a synonym it overlaps ("mất" the synonym inside "mất bao lâu" does not).
    filler_spans = [
        (a, b)
        for a, b in found
        if (a, b) not in synonym_spans and not any(i in in_synonym for i in range(a, b))
    ]
    left_out = {i for a, b in filler_spans for i in range(a, b)}
    removed = [" ".join(tokens[a:b]) for a, b in filler_spans]
    for a, b in synonym_spans:
        text = " ".join(tokens[a:b])
        meaning = synonyms[text].split()
        applied.append(labels[text])
        pairs.update(pairwise(meaning))
        share = min(1.0, math.sqrt((b - a) / len(meaning)))
        for word in meaning:
            add(word, TYPED * share)
            accents.pop(word, None)  # the catalogue's own spelling: any accents of the name fit
        for word in tokens[a:b]:
            add(word, SYNONYM_PHRASE)
    for index, token in enumerate(tokens):
        if index in left_out or index in in_synonym:
            continue
        add(token, CORRECTED if token in corrected_words else TYPED)
        if index > 0 and index - 1 not in left_out and index - 1 not in in_synonym:
            pairs.add((tokens[index - 1], token))
    content = frozenset(t for i, t in enumerate(tokens) if i not in left_out and i not in in_synonym)
    return Understanding(
        question=question,
        words=words,
        accents=accents,
        pairs=frozenset(pairs),
        content=content,
        removed=tuple(removed),
        synonyms=tuple(applied),
        corrected=tuple(corrected),
    )


def mentions(understanding, phrase):
    """Whether the question says `phrase` (accents compared where it was typed with them)."""
    for folded, written in accented_words(phrase):
        if folded not in understanding.words:
            return False
        if folded in understanding.accents and written not in understanding.accents[folded]:
            return False
    return True


def _idf(word, counts, total):
    ndoc = counts.get(word)
    return math.log(1 + total / ndoc) if ndoc else 0.0


def rank(queryset, understanding, *, limit=3):
    """The best `limit` procedures of `queryset` for the understood question, best first."""
    counts, total = vocabulary()
    raw = any_word_tsquery([w for w in understanding.words if w in counts])
    if raw is None:
        return []
    weights = {w: weight * _idf(w, counts, total) for w, weight in understanding.words.items()}
    asked = (
        sum(
            weights[w] if w in counts else UNKNOWN_WORD_WEIGHT * understanding.words[w]
            for w in understanding.words
        )
        or 1.0
    )
    reads = {read for _typed, read in understanding.corrected}
    variant_words, action_words = ranking_words()
    unsaid = [variant for variant in variant_words if not mentions(understanding, variant)]
    said = [action for action in variant_words + action_words if mentions(understanding, action)]
    matches = []
    for procedure in search_procedures(queryset.only("pk", "code", "name"), "", raw=raw)[:CANDIDATES]:
        pairs = accented_words(procedure.name)
        name = [folded for folded, _written in pairs]
        written = {}
        for folded, form in pairs:
            written.setdefault(folded, set()).add(form)
        factor = {
            w: 1.0
            if w not in understanding.accents or understanding.accents[w] & written[w]
            else ACCENT_MISMATCH
            for w in written
            if w in weights
        }
        shared = list(factor)
        matched = sum(weights[w] * factor[w] for w in shared)
        bigrams = {(a, b) for a, b in pairwise(name) if (a, b) in understanding.pairs}  # "khai sinh"
        bonus = BIGRAM_BONUS * sum((weights[a] * factor[a] + weights[b] * factor[b]) / 2 for a, b in bigrams)
        name_weight = sum(_idf(w, counts, total) for w in written) or 1.0
        bonus += NAME_COVERAGE * sum(_idf(w, counts, total) for w in shared) / name_weight
        written_name = f" {' '.join(form for _folded, form in pairs)} "
        bonus -= VARIANT_COST * sum(f" {variant} " in written_name for variant in unsaid)
        bonus += ACTION_BONUS * sum(f" {action} " in written_name for action in said)
        distinctive = any(counts.get(w, total) <= DISTINCTIVE_SHARE * total for w in shared)
        # "sinj" read as "sinh" counts after "khai" (the name's "khai sinh"); "tiet" read as "tiep" alone does not.
        confirmed = {w for pair in bigrams for w in pair}
        evidence = sum(1 for w in shared if w not in reads or w in confirmed)
        matches.append(
            Match(procedure, matched + bonus, matched / asked, tuple(shared), distinctive, evidence)
        )
    matches.sort(key=lambda m: (-m.score, m.procedure.code))
    return matches[:limit]


def is_known(match, understanding):
    """Whether the best match answers the question, or the assistant should say it does not know: enough of
    the question matched, one matched word is distinctive, and two words matched unless the question is one
    word ("karaoke")."""
    if match is None or match.score <= 0 or not match.distinctive or match.coverage < KNOWN_COVERAGE:
        return False
    return match.evidence >= 2 or match.evidence >= len(understanding.content)


def answer(queryset, question, *, limit=3):
    understanding = understand(question)
    matches = rank(queryset, understanding, limit=limit)
    known = is_known(matches[0] if matches else None, understanding)
    if not known:
        return Answer(understanding=understanding, known=False)
    # The runners-up only when they are close: "đổi bằng lái" shows no building permit.
    close = [m for m in matches if m.score >= RUNNER_UP_SHARE * matches[0].score]
    return Answer(understanding=understanding, matches=close, known=True)
