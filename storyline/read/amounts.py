"""Numbers and amounts with their unit and what they count.

"$324 billion in losses" -> 324e9 USD counting "losses"; "340,000 air fryers" -> 340000 counting
"air fryers"; "the death toll rose to 15" -> 15 counting "death toll"; "3.5%" -> 3.5 "%". Numbers
that are parts of dates, ages ("49-year-old"), compounds ("30-day"), times, ordinals and bare
years are not amounts. Pure regular expressions: amounts in news copy are written in a few fixed
shapes, and a pattern is easier to audit than a model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..records import Amount

CURRENCIES = {"$": "USD", "us$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP",
              "¥": "JPY", "rs": "INR", "₹": "INR", "dollars": "USD", "euros": "EUR", "pounds": "GBP"}  # fmt: skip
SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9,
          "trillion": 1e12, "tn": 1e12}  # fmt: skip
NUMBER = re.compile(
    r"(?<![\w.,/:-])(?P<cur>US\$|[$€£¥₹]|(?:USD|EUR|GBP)\s?)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn|tn|[mbk])\b)?"
    r"(?:\s?(?P<pct>%|percent\b|per cent\b))?"
    r"(?:\s(?P<curword>dollars|euros|pounds)\b)?"
    r"(?![\w-]|[.,:/]\d)",
    re.I,
)
_STOP = frozenset(
    """in of on at to from for by with and or but that which who were was are is have has had will would than as
    the a an this these those its their his her after before since during over under about more less per each
    said says told last next this earlier later""".split()
)
_CHANGE = re.compile(
    r"\b(?P<what>(?:[A-Za-z][\w'\u2019-]*\s+){0,2}?[A-Za-z][\w-]*)\s+(?:has\s+|had\s+|have\s+)?"
    r"(?:rose|risen|climbed|increased|reached|jumped|fell|fallen|dropped|stood|stands|grew|grown|hit|totaled|totalled|"
    r"soared|surged|declined|is|was|were|are|now stands)\s+(?:at\s+|to\s+)?"
    r"(?:about\s+|around\s+|nearly\s+|almost\s+|more than\s+|at least\s+|over\s+|some\s+)?$"
)
_WORD = re.compile(r"[A-Za-z][\w'\u2019-]*")


def _counted_after(text: str, end: int, limit: int) -> str | None:
    """The noun phrase after a number: up to three words before a function word, punctuation or ``limit``."""
    tail = text[end : min(end + 80, limit)]
    m = re.match(r"\s+(?:(?:in|of|worth of)\s+)?", tail)
    words = []
    pos = m.end() if m else 0
    if not m or not tail[pos:pos + 1].isalpha():
        return None
    for w in _WORD.finditer(tail, pos):
        if w.start() != pos:
            break
        if w.group().lower() in _STOP:
            break
        words.append(w.group())
        pos = w.end()
        if pos < len(tail) and tail[pos] == " ":
            pos += 1
        else:
            break
        if len(words) == 3:
            break
    return " ".join(words) or None


def find_amounts(text: str, *, skip: Sequence[tuple[int, int]] = ()) -> list[Amount]:
    """Amounts in ``text``; numbers inside ``skip`` spans (dates) are ignored."""
    out: list[Amount] = []
    for m in NUMBER.finditer(text):
        start, end = m.span()
        if any(s <= start < e or s < end <= e for s, e in skip):
            continue
        raw = m.group("num").replace(",", "")
        value = float(raw)
        cur = (m.group("cur") or "").strip().lower() or (m.group("curword") or "").lower()
        scale = (m.group("scale") or "").lower()
        pct = m.group("pct")
        if scale in {"m", "b", "k"} and not cur:
            continue  # "5 m" is a distance more often than millions
        if not cur and not scale and not pct:
            if re.fullmatch(r"(?:19|20)\d\d", raw) and not re.match(r"\s+[a-z]", text[end : end + 2]):
                continue  # a year
            if re.match(r"(?:st|nd|rd|th)\b", text[end : end + 3]):
                continue
        value *= SCALES.get(scale, 1.0)
        unit = CURRENCIES.get(cur) if cur else ("%" if pct else None)
        counts = None
        if pct:
            counts = None
        else:
            nxt = min([s for s, _ in skip if s >= end], default=len(text))
            counts = _counted_after(text, end, nxt)
        if counts is None:
            change = _CHANGE.search(text[max(0, start - 80) : start])
            if change:
                what = re.sub(r"^(?:the|a|an|The|A|An)\s+", "", change.group("what"))
                counts = what
        if unit is None and counts is None and not pct:
            continue  # a bare number with nothing to count is noise (page numbers, list items)
        out.append(Amount(text=text[start:end], start=start, end=end, value=value, unit=unit, counts=counts))
    return out
