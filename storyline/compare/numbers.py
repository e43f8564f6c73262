from __future__ import annotations

import difflib
import functools
import math
import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from ..read.amounts import find_amounts
from ..lang.numbers import SCALES, SMALL_NUMBERS, read_quantity
from ..lang.words import LOWER_BOUNDS, STOP_WORDS
from ..records import Amount, Article
from .sentences import _Sentence
from .text import _ARTICLES, _CHANGE_VERBS, _UPDATE_CUES, _WORD


@functools.lru_cache(maxsize=4096)
def _sig_digits(x: float) -> int:
    text = f"{abs(x):.6g}".replace(".", "").lstrip("0").split("e")[0]
    return max(1, len(text.rstrip("0")))


# two figures of one thing written by different outlets agree only up to rounding: a relative slack lets
# "61.2 percent" and "61.6 percent" pass as one turnout (newsdesk); rounding ("about 340,000") is read below
FIGURE_TOLERANCE = 0.0


def numbers_agree(a: float, b: float, *, tolerance: float = 0.01) -> bool:
    """Equal up to rounding: within ``tolerance`` relative, or one is the other rounded to its precision.

    "about 340,000" and "338,512" agree (338,512 rounded to two significant digits is 340,000);
    340,000 and 430,000 do not.
    """
    if a == b:
        return True
    if max(abs(a), abs(b)) == 0:
        return True
    if abs(a - b) <= tolerance * max(abs(a), abs(b)):
        return True
    for x, y in ((a, b), (b, a)):
        digits = _sig_digits(y)
        if digits < _sig_digits(x) and y != 0:
            rounded = round(x, -int(math.floor(math.log10(abs(x)))) + digits - 1) if x else 0.0
            if math.isclose(rounded, y, rel_tol=1e-9):
                return True
    return False


def _fmt_number(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")


def _counts_key(amount: Amount) -> str | None:
    """What an amount counts, reduced to a comparable key ("air fryers" -> "fryer")."""
    raw = amount.counts or ""
    toks = [t.lower() for t in _WORD.findall(raw) if t.lower() not in _ARTICLES | {"of", "in", "people's"}]
    if toks:
        last = toks[-1]
        if last.endswith("ies") and len(last) > 4:
            last = last[:-3] + "y"
        elif last.endswith("s") and not last.endswith("ss") and len(last) > 3:
            last = last[:-1]
        return last
    return f"unit:{amount.unit}" if amount.unit else None



# ---------------------------------------------------------------- helpers used above

_GENERIC_COUNTS = frozenset({"people", "person", "percent", "time", "year", "day", "month", "week", "hour", "minute"})


def _num(text: str) -> float:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return float("nan")


def _is_update(per_article: Mapping[str, list[tuple[Any, ...]]], arts: Mapping[str, Article]) -> bool:
    """Whether differing figures read as a figure changing over time rather than a disagreement.

    The figure must change with publication time *and* be written as a change or a later state: every two dated
    articles that disagree were published on different days, and the later of some such pair carries an update
    cue ("rose to", "has now", "up from", "as of", in the figure's paragraph, or a present-tense state). Two different
    figures published the same day are a conflict, unless the later one's sentence says it changed ("the toll rose
    to 15"); so are figures no later sentence writes as a
    change. An article without a publication date cannot be placed in time and is left out of the decision, unless
    only it disagrees: then a cue in a dated one decides.
    """
    timed: list[tuple[Any, list[Any], list[Any]]] = []
    undated: list[list[Any]] = []
    for aid, rows in per_article.items():
        published = arts[aid].published
        if published is not None:
            timed.append((published, [r[1] for r in rows], rows))
        else:
            undated.append([r[1] for r in rows])
    timed.sort(key=lambda t: t[0])
    cued = [any(not _at_the_moment(r) and (_UPDATE_CUES.search(r[0].text) or _present(r)
                or _cue_nearby(arts[r[0].article_id].text, r[0].start, r[0].end)) for r in rows)
            for _, _, rows in timed]
    # the later figure's own sentence writes it as a change ("the toll rose to 15"): an update even the same day
    changed = [any(_CHANGE_VERBS.search(r[0].text) for r in rows) for _, _, rows in timed]
    disagreeing = 0
    later_cued = False
    for i, (t1, v1, _) in enumerate(timed):
        for j in range(i + 1, len(timed)):
            t2, v2, _ = timed[j]
            if any(numbers_agree(x, y, tolerance=FIGURE_TOLERANCE) for x in v1 for y in v2):
                continue
            disagreeing += 1
            # a floor ("at least three") that a later report raises ("eight") is that figure moving on
            later_cued = later_cued or cued[j] or (any(_floor(r) for r in timed[i][2]) and min(v2) > max(v1))
            if t2 <= t1 or (t2.date() == t1.date() and not changed[j]):
                return False  # two different figures the same day are a conflict, unless the later says it changed
    if disagreeing == 0:
        # only an undated article disagrees: it cannot be placed, so a cue in a dated one decides
        return any(cued) and any(not any(numbers_agree(x, y, tolerance=FIGURE_TOLERANCE) for x in u for y in v)
                                 for u in undated for _, v, _ in timed)
    return later_cued  # the later figure of a disagreeing pair is written as a change or a state now


# "one in three of the kettles": the figure after "in" is a ratio's, not a count
_RATIO_BEFORE = re.compile(r"\b(?:one|\d+)\s+(?:in|out\s+of)\s+$", re.I)
# a figure stated as the state at publication ("Thirty people are in hospital")
_PRESENT = re.compile(r"\b(?:is|are)\b")
# how far (characters) from a figure a present-tense "is"/"are" states that figure as the state now: its own clause
# ("30 are still in hospital"), not a clause about something else ("divers are searching the hull ... after it
# ran aground with 300 passengers"); set by hand, checked on newsdesk
PRESENT_REACH = 30


# a figure in a clause fixing the moment of the event ("when 52 passengers were aboard", "while 120 guests
# were on board"): a fact of that moment, which later reports cannot move on
_AT_THE_MOMENT = re.compile(r"\b(?:when|while)\s+(?:about\s+|some\s+|around\s+|nearly\s+|almost\s+)?$", re.I)


def _at_the_moment(row: tuple[Any, ...]) -> bool:
    """The figure of a (sentence, value, text, start, end) row opens a "when"/"while" clause."""
    s, start = row[0], row[3]
    return isinstance(start, int) and bool(_AT_THE_MOMENT.search(s.text[max(0, start - s.start - 20) : start - s.start]))


def _floor(row: tuple[Any, ...]) -> bool:
    """The figure of a (sentence, value, text, start, end) row is written as a floor ("at least three")."""
    s, start = row[0], row[3]
    if not isinstance(start, int):
        return False
    before = " ".join(s.text[max(0, start - s.start - 20) : start - s.start].lower().split())
    return before.endswith(LOWER_BOUNDS)


def _present(row: tuple[Any, ...]) -> bool:
    """The figure of a (sentence, value, text, start, end) row is written in the present tense next to it."""
    s, start, end = row[0], row[3], row[4]
    if not isinstance(start, int) or not isinstance(end, int):
        return bool(_PRESENT.search(s.text))
    at, to = start - s.start, end - s.start
    return bool(_PRESENT.search(s.text[max(0, at - PRESENT_REACH) : to + PRESENT_REACH]))


@functools.lru_cache(maxsize=8192)
def _cue_nearby(text: str, start: int, end: int) -> bool:
    """An update cue in the paragraph around ``text[start:end]``, cached: a story's figure keys ask it of the same
    sentences many times."""
    return bool(_UPDATE_CUES.search(_paragraph(text, start, end)))


def _paragraph(text: str, start: int, end: int) -> str:
    """The paragraph around a sentence: an update cue is often one sentence away ("The toll rose to 14 this
    morning. ... In total, 56 people were injured.")."""
    left = text.rfind("\n\n", 0, start)
    right = text.find("\n\n", end)
    return text[left + 1 if left >= 0 else 0 : right if right >= 0 else len(text)]


# five-letter stems of words that say nothing about what a figure counts (prepositions, conjunctions, clocks)
_FUNCTION_STEMS = frozenset("and but nor per from into onto than then about after befor under over with gmt utc bst "
                            "local hours".split())
_NUM_WORDS = {w: n for w, n in SMALL_NUMBERS.items() if n <= 20}
_NUM_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|[A-Za-z]+(?:['’-][A-Za-z]+)*")


def _tokens_with_numbers(s: _Sentence) -> tuple[tuple[str, float | None, int, int], ...]:
    """(stem, number value or None, start, end) per word; numbers stem to '#' so they line up in a diff."""
    return _number_tokens(s.text, s.start)


@functools.lru_cache(maxsize=1 << 14)
def _number_tokens(text: str, offset: int) -> tuple[tuple[str, float | None, int, int], ...]:
    """:func:`_tokens_with_numbers` of a sentence's text at ``offset``, cached: a story's comparison diffs each
    sentence against every sentence aligned with it and looks its figures up for every slot fact."""
    out: list[tuple[str, float | None, int, int]] = []
    for m in _NUM_TOKEN.finditer(text):
        tok = m.group()
        value: float | None = None
        if tok[0].isdigit():
            try:
                value = float(tok.replace(",", "").rstrip("."))
            except ValueError:
                value = None
        elif tok.lower() in _NUM_WORDS:
            value = float(_NUM_WORDS[tok.lower()])
        elif tok.lower() in SCALES and len(tok) > 2 and out and out[-1][1] is not None and out[-1][1] < 100 and (
            text[out[-1][2] - offset : out[-1][2] - offset + 1].isalpha()
        ):
            # "seven hundred", "two million": one figure, as "700" and "2,000,000" are
            stem, before, start, _ = out[-1]
            out[-1] = (stem, before * SCALES[tok.lower()], start, offset + m.end())  # type: ignore[operator]
            continue
        stem = "#" if value is not None else tok.lower()[:5]
        out.append((stem, value, offset + m.start(), offset + m.end()))
    return tuple(out)


def _has_figure(tokens: tuple[tuple[str, float | None, int, int], ...]) -> bool:
    return any(t[1] is not None for t in tokens)


def normalised(s: _Sentence, value: float, start: int) -> tuple[float, str | None]:
    """The figure at ``start`` read with its scale and unit by the one quantity reader ("2.4 gigawatts" and
    "2,400-megawatt" are both 2.4e9 W, "two weeks" and "14 days" both 14 days, "£2mn" is 2e6 GBP)."""
    at = start - s.start
    back = len(s.text[max(0, at - 3) : at]) - len(s.text[max(0, at - 3) : at].rstrip("$€£¥₹US ").rstrip())
    found = read_quantity(s.text[at - back if back else at : at + 40])  # "$18.6m": the currency before the digits
    if found is None:
        return value, None
    return found.value, found.unit


def _number_pairs(
    a: _Sentence, b: _Sentence, *, keyed: bool = True, min_block: int = 3
) -> list[tuple[str, list[tuple[_Sentence, float, str, int, int]]]]:
    """Figures two aligned sentences give in the same place: by the amount's counted thing, or by word diff.

    The diff lines the words up with every number stemmed to '#', so "injuring 12 others" and "injured 15"
    pair 12 with 15 under the context word "injur"; the matched run around the figures must be at least
    ``min_block`` words long. ``keyed``: also pair amounts by what they count. Years are left to the dates.
    """
    out: list[tuple[str, list[tuple[_Sentence, float, str, int, int]]]] = []
    keyed_a = defaultdict(list)
    keyed_b = defaultdict(list)
    for s, keyed in ((a, keyed_a), (b, keyed_b)):
        for amount in s.amounts:
            key = _counts_key(amount)
            if key and not _RATIO_BEFORE.search(s.text[max(0, amount.start - s.start - 16) : amount.start - s.start]):
                keyed[key].append((s, amount.value, amount.text, amount.start, amount.end))
    for key in sorted(keyed_a.keys() & keyed_b.keys()) if keyed else ():  # sorted: the same order in every run
        out.append((key, keyed_a[key] + keyed_b[key]))
    ta, tb = _tokens_with_numbers(a), _tokens_with_numbers(b)
    if not (_has_figure(ta) and _has_figure(tb)):  # the diff pairs figures only: none on a side, nothing to pair
        return out
    sm = difflib.SequenceMatcher(None, [t[0] for t in ta], [t[0] for t in tb], autojunk=False)
    for block in sm.get_matching_blocks():
        if block.size < min_block:
            continue
        for k in range(block.size):
            x, y = ta[block.a + k], tb[block.b + k]
            if x[1] is None or y[1] is None or (1900 <= x[1] <= 2100 and 1900 <= y[1] <= 2100):
                continue
            ctx = _context(ta, block.a + k) or _context(tb, block.b + k)
            if not ctx or _inside_date(a, x[2]) or _inside_date(b, y[2]):
                continue
            out.append((
                "word:" + ctx,
                [(a, x[1], _window(a, x[2], x[3]), x[2], x[3]), (b, y[1], _window(b, y[2], y[3]), y[2], y[3])],
            ))  # fmt: skip
    return out


def _stated_numbers(s: _Sentence) -> list[float]:
    """Every figure a sentence states, as written and scaled ("$18.6m" gives 18.6 and 18,600,000).

    Years and numbers inside a resolved date are left out (dates are compared on their own).
    """
    out = [
        v for _stem, v, start, _end in _tokens_with_numbers(s)
        if v is not None and not (v.is_integer() and 1900 <= v <= 2100) and not _inside_date(s, start)
    ]  # fmt: skip
    out += _amount_values(s.text, tuple((d.start - s.start, d.end - s.start) for d in s.dates))
    out += [a.value for a in s.amounts]
    return out


@functools.lru_cache(maxsize=8192)
def _amount_values(text: str, skip: tuple[tuple[int, int], ...]) -> tuple[float, ...]:
    """The values of the amounts the reader's amount finder sees in ``text`` outside ``skip``, cached per text."""
    return tuple(a.value for a in find_amounts(text, skip=list(skip)))


def _context(tokens: list[tuple[str, float | None, int, int]], i: int) -> str | None:
    """The word after a number (what it counts), else the word before (the verb); a function word or a clock
    ("2310 GMT", "or 33") pairs nothing. A scale word is part of the figure ("€36 million and", "£4.2 bn in"):
    what it counts is the word after that."""
    after = i + 1
    while after < len(tokens) and tokens[after][0] in _SCALE_STEMS:
        after += 1
    for j in (after, i - 1):
        if 0 <= j < len(tokens) and tokens[j][1] is None and _content_word(tokens[j][0]):
            return tokens[j][0]
    return None


_SCALE_STEMS = frozenset(w[:5] for w in SCALES)


def _content_word(stem: str) -> bool:
    return stem.isalpha() and len(stem) >= 3 and stem not in STOP_WORDS and stem not in _FUNCTION_STEMS


def _inside_date(s: _Sentence, offset: int) -> bool:
    return any(d.start <= offset < d.end for d in s.dates)


def _window(s: _Sentence, start: int, end: int) -> str:
    """The figure with a word either side, as the article writes it."""
    left = s.text[: start - s.start].split()[-1:]
    right = s.text[end - s.start :].split()[:1]
    return " ".join([*left, s.text[start - s.start : end - s.start], *right]).strip(" ,.;:")
