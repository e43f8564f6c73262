from __future__ import annotations

import difflib
import re

from ..read.gazetteer import COUNTRY_ALIASES, Gazetteer, fold_place
from .sentences import _Sentence
from ..lang.words import STOP_WORDS
from .text import _ARTICLES, _norm_name


def _place_key(name: str) -> str:
    toks = [t for t in _norm_name(name) if t not in _ARTICLES]
    return " ".join(toks)


def _places_agree(a: str, b: str) -> bool:
    """Same place, allowing one name to contain the other ("Washington" / "Washington D.C.")."""
    ta, tb = set(a.split()), set(b.split())
    return a == b or (bool(ta) and bool(tb) and (ta <= tb or tb <= ta))



def _event_places(s: _Sentence) -> set[str]:
    return {_place_key(p.name) for p in s.places if p.event_location or p.evidence in ("dateline", "in-phrase")}



_CAP_RUN = re.compile(r"^(?:[A-Z][\w'.\-]*)(?:\s+(?:of\s+|the\s+)?[A-Z][\w'.\-]*)*$")


def _place_swaps(a: _Sentence, b: _Sentence) -> list[tuple[_Sentence, str, str, int, int]]:
    """Places two near-identical sentences swap: a word-level diff replaces a place in one by a proper name.

    The reader may not know a place name at all ("in Brightwater"), so only one side needs to be a known
    place (a Place, or a GPE/LOC/FAC mention); the other side must be a capitalized name.
    """
    def spans(s: _Sentence) -> list[tuple[int, int]]:
        return [(p.start, p.end) for p in s.places] + [
            (m.start, m.end) for m in s.mentions if m.label in ("GPE", "LOC", "FAC")
        ]

    known_a, known_b = spans(a), spans(b)
    if not (known_a or known_b):
        return []  # no known place on either side: no swap can touch one (most aligned pairs; skips the diff)
    wa = [(m.group(), a.start + m.start(), a.start + m.end()) for m in re.finditer(r"[\w'.\-]+", a.text)]
    wb = [(m.group(), b.start + m.start(), b.start + m.end()) for m in re.finditer(r"[\w'.\-]+", b.text)]
    sm = difflib.SequenceMatcher(None, [w[0] for w in wa], [w[0] for w in wb], autojunk=False)
    rows = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op != "replace" or i2 - i1 > 4 or j2 - j1 > 4:
            continue
        # a sentence-initial article is capitalized but names nothing ("A Lyon court" / "The court")
        while i1 < i2 and wa[i1][0].lower() in _ARTICLES:
            i1 += 1
        while j1 < j2 and wb[j1][0].lower() in _ARTICLES:
            j1 += 1
        if i1 == i2 or j1 == j2:
            continue
        sa, ea, sb, eb = wa[i1][1], wa[i2 - 1][2], wb[j1][1], wb[j2 - 1][2]
        ta, tb = a.text[sa - a.start : ea - a.start], b.text[sb - b.start : eb - b.start]
        if not (_CAP_RUN.match(ta) and _CAP_RUN.match(tb)):
            continue
        if ta[:_STEM].lower() == tb[:_STEM].lower():
            continue  # "Brazil's" / "Brazilian": one place written as a possessive and as an adjective
        hit_a = any(s < ea and sa < e for s, e in known_a)
        hit_b = any(s < eb and sb < e for s, e in known_b)
        if hit_a or hit_b:
            rows += [(a, _place_key(ta), ta, sa, ea), (b, _place_key(tb), tb, sb, eb)]
    return rows


def _modifier(s: _Sentence, end: int) -> bool:
    """A place name that qualifies the noun after it ("jobs in Brazil's mining sector", "in Brazilian
    shipbuilding"): it says whose, not where."""
    rest = s.text[end - s.start :]
    if rest[:2] in ("'s", "’s"):
        return True
    # an adjective of a place before a noun ("Brazilian shipbuilding"), not a place before a verb ("Mumbai killed")
    name = re.findall(r"\w+", s.text[: end - s.start])[-1:]
    m = re.match(r" ([a-z][a-z\-]+)\b", rest)
    return bool(m and name) and m.group(1) not in _FUNCTION_WORDS and name[0].lower().endswith(_DEMONYM_ENDINGS)


_DEMONYM_ENDINGS = ("ese", "ian", "ish", "ean", "ic", "ch")
# a place and its adjective share their opening letters ("Brazi-l" / "Brazi-lian", "Niger-ia" / "Niger-ian")
_STEM = 5


# words that may follow a place without it qualifying them ("in Lagos on Friday", "in Kelby Bridge and Varnley")
_FUNCTION_WORDS = STOP_WORDS | frozenset(
    "near after before during from over under into since until as while when where but than then late early "
    "last this next yesterday today tonight overnight itself".split()
)


def _country(gaz: Gazetteer, name: str) -> str | None:
    """The country code ``name`` names when it is a country's own name (or everyday alias), else None."""
    code = gaz.country(name)
    folded = fold_place(name)
    return code if code and (folded == fold_place(gaz.country_name(code)) or folded in COUNTRY_ALIASES) else None


def contains(gaz: Gazetteer, a: str, b: str, *, known_only: bool = False) -> bool:
    """One place lies in the other: a town and its country. A country and a place the gazetteer does not know (a
    county, a district) may well contain each other, unless ``known_only``: then the gazetteer must place it."""
    ca, cb = _country(gaz, a), _country(gaz, b)
    inside = (ca,) if known_only else (ca, None)
    if ca and gaz.country(b) in inside and not gaz.countries(b) - {ca}:
        return True
    inside = (cb,) if known_only else (cb, None)
    return bool(cb and gaz.country(a) in inside and not gaz.countries(a) - {cb})
