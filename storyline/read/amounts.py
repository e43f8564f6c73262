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

from ..lang.numbers import CURRENCIES, NUMBER_WORDS, SCALES, SMALL_NUMBERS, words_value
from ..records import Amount

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
    r"\b(?P<what>(?:[A-Za-z][\w'\u2019-]*\s+){0,2}?[A-Za-z][\w-]*)\s+(?:has\s+|had\s+|have\s+|bringing\s+|brought\s+)?"
    r"(?:rose|risen|climbed|increased|reached|jumped|fell|fallen|dropped|stood|stands|grew|grown|hit|totaled|totalled|"
    r"soared|surged|declined|is|was|were|are|now stands)\s+(?:at\s+|to\s+)?"
    r"(?:about\s+|around\s+|nearly\s+|almost\s+|more than\s+|at least\s+|over\s+|some\s+)?$"
)
_WORD = re.compile(r"[A-Za-z][\w'\u2019-]*")


def _counted_after(text: str, end: int, limit: int) -> str | None:
    """The noun phrase after a number: up to three words before a function word, punctuation or ``limit``."""
    tail = text[end : min(end + 80, limit)]
    m = re.match(r"\s+(?:(?:in|worth of|of(?:\s+(?:the|those|these|its|their))?)\s+)?(?:[\d,.]+\s+)?", tail)
    words = []
    pos = m.end() if m else 0
    if not m or not tail[pos:pos + 1].isalpha():
        return None
    for w in _WORD.finditer(tail, pos):
        if w.start() != pos:
            break
        if w.group().lower() in _STOP or (words and re.search(r"[a-z]ed$", w.group())):
            break  # a function word, or a past-tense verb after the noun ("two sides talked")
        words.append(w.group())
        pos = w.end()
        if pos < len(tail) and tail[pos] == " ":
            pos += 1
        else:
            break
        if len(words) == 3:
            break
    return " ".join(words) or None


# counts written as words: two to ninety, "hundred" and "dozen" (one is left out: "one of the ...")
WORDS = {w: v for w, v in NUMBER_WORDS.items() if v >= 2 and w in SMALL_NUMBERS or w in ("hundred", "dozen")}
NUMBER_WORD = re.compile(r"\b(?P<word>" + "|".join(WORDS) + r")\b(?!-)", re.I)
UNIT_COMPOUND = re.compile(r"-(?P<unit>litre|liter|metre|meter|kilometre|kilometer|km|kg|kilogram|tonne|ton|inch|foot|mile|gram|hectare|acre)s?\b", re.I)
_OUTCOME = re.compile(r"(?:killed|injured|wounded|hurt|evacuated|arrested|displaced|rescued|stranded|hospitali[sz]ed)\s+(?:at least\s+|about\s+|some\s+|another\s+)?$")
_OUTCOME_AFTER = re.compile(r"\s+(?:were|are|was|have been|had been)\s+(?P<what>killed|injured|wounded|hurt|evacuated|arrested|displaced|rescued|stranded|hospitali[sz]ed)\b")


def _word_amounts(text: str, skip: Sequence[tuple[int, int]]) -> list[Amount]:
    """Counts written as words ("four workers", "rose to six"), kept only with something counted."""
    out = []
    for m in NUMBER_WORD.finditer(text):
        start, end = m.span()
        if any(s <= start < e for s, e in skip):
            continue
        value = words_value(m.group("word")) or float(WORDS[m.group("word").lower()])
        counts = _counts_for(text, start, end, skip)
        if counts:
            out.append(Amount(text=text[start:end], start=start, end=end, value=value, unit=None, counts=counts))
    return out


def _counts_for(text: str, start: int, end: int, skip: Sequence[tuple[int, int]]) -> str | None:
    nxt = min([s for s, _ in skip if s >= end], default=len(text))
    after = _OUTCOME_AFTER.match(text, end)
    if after:
        return after.group("what")
    counts = _counted_after(text, end, nxt)
    if counts:
        return counts
    before = text[max(0, start - 80) : start]
    outcome = _OUTCOME.search(before)
    if outcome:
        return outcome.group().split()[0]
    change = _CHANGE.search(before)
    if change:
        return re.sub(r"^(?:the|a|an|The|A|An)\s+", "", change.group("what"))
    return None


def find_amounts(text: str, *, skip: Sequence[tuple[int, int]] = ()) -> list[Amount]:
    """Amounts in ``text``; numbers inside ``skip`` spans (dates) are ignored."""
    out: list[Amount] = _word_amounts(text, skip)
    for m in UNIT_COMPOUND.finditer(text):  # "1.7-litre"
        num = re.search(r"(\d+(?:\.\d+)?)$", text[max(0, m.start() - 12) : m.start()])
        if num:
            start = m.start() - len(num.group(1))
            out.append(Amount(text=text[start : m.end()], start=start, end=m.end(), value=float(num.group(1)),
                              unit=m.group("unit").lower(), counts=None))
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
        if pct:
            change = _CHANGE.search(text[max(0, start - 80) : start])
            counts = re.sub(r"^(?:the|a|an|The|A|An)\s+", "", change.group("what")) if change else None
        else:
            counts = _counts_for(text, start, end, skip)
        if unit is None and counts is None and not pct:
            continue  # a bare number with nothing to count is noise (page numbers, list items)
        out.append(Amount(text=text[start:end], start=start, end=end, value=value, unit=unit, counts=counts))
    return sorted(out, key=lambda a: a.start)
