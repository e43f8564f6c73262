"""Written numbers and quantities: the word lists, and the one reader that reading, comparison and the brief use.

``read_quantity("£2mn")`` is 2,000,000 GBP, ``read_quantity("$4.2bn")`` and ``read_quantity("$4.2 billion")``
are both 4.2e9 USD, ``read_quantity("2.4 gigawatts")`` and ``read_quantity("2,400-megawatt")`` are both 2.4e9
W, ``read_quantity("nine")`` is 9. Runs of number words ("twenty-one", "three hundred") are read by
``text2num`` (a maintained PyPI library for number words in several languages; ``word2number`` is unmaintained
and ``quantulum3`` brings a classifier and a large unit catalogue this does not need); "dozen" and "a/an"
before a scale are read here since text2num leaves them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

CURRENCIES = {"$": "USD", "us$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP",
              "¥": "JPY", "rs": "INR", "₹": "INR", "dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR",
              "pounds": "GBP", "pound": "GBP"}  # fmt: skip
#: the units of a sum of money
MONEY_UNITS = frozenset(CURRENCIES.values())
SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "mln": 1e6, "billion": 1e9, "bn": 1e9,
          "b": 1e9, "trillion": 1e12, "tn": 1e12}  # fmt: skip
# unit word -> (base unit, factor): one figure in two units ("2.4 gigawatts" / "2,400 megawatts") compares equal
UNITS = {
    "w": ("W", 1.0), "watt": ("W", 1.0), "kw": ("W", 1e3), "kilowatt": ("W", 1e3), "mw": ("W", 1e6),
    "megawatt": ("W", 1e6), "gw": ("W", 1e9), "gigawatt": ("W", 1e9), "twh": ("Wh", 1e12), "gwh": ("Wh", 1e9),
    "mwh": ("Wh", 1e6), "kwh": ("Wh", 1e3), "terawatt-hour": ("Wh", 1e12), "gigawatt-hour": ("Wh", 1e9),
    "m": ("m", 1.0), "metre": ("m", 1.0), "meter": ("m", 1.0), "km": ("m", 1e3), "kilometre": ("m", 1e3),
    "kilometer": ("m", 1e3), "cm": ("m", 0.01), "centimetre": ("m", 0.01), "centimeter": ("m", 0.01),
    "mm": ("m", 0.001), "millimetre": ("m", 0.001), "millimeter": ("m", 0.001), "mile": ("m", 1609.344),
    "foot": ("m", 0.3048), "feet": ("m", 0.3048), "ft": ("m", 0.3048), "inch": ("m", 0.0254),
    "kg": ("g", 1e3), "kilogram": ("g", 1e3), "g": ("g", 1.0), "gram": ("g", 1.0), "tonne": ("g", 1e6),
    "ton": ("g", 1e6), "t": ("g", 1e6), "litre": ("l", 1.0), "liter": ("l", 1.0), "ml": ("l", 1e-3),
    "hectare": ("m2", 1e4), "ha": ("m2", 1e4), "acre": ("m2", 4046.86), "%": ("%", 1.0), "percent": ("%", 1.0),
    "per cent": ("%", 1.0), "pct": ("%", 1.0), "day": ("day", 1.0), "week": ("day", 7.0),
    "fortnight": ("day", 14.0), "hour": ("h", 1.0), "minute": ("h", 1 / 60),
}  # fmt: skip
SMALL_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
NUMBER_WORDS = {**SMALL_NUMBERS, "hundred": 100, "dozen": 12}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
            "ninth": 9, "tenth": 10}  # fmt: skip

_NUMBER_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_SCALE = "|".join(sorted(SCALES, key=len, reverse=True))
_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_CURRENCY = r"US\$|[$€£¥₹]|(?:USD|EUR|GBP)\s?"
QUANTITY = re.compile(
    rf"(?P<cur>{_CURRENCY})?"
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|(?:(?:{_NUMBER_WORD})(?:[\s-]+(?:and\s+)?)?)+)"
    rf"(?:[\s-]?(?P<scale>{_SCALE})\b)?"
    rf"(?:[\s-]?(?P<unit>{_UNIT})s?\b|\s?(?P<pct>%))?"
    r"(?:\s(?P<curword>dollars?|euros?|pounds?)\b)?",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A figure as written, read: ``value`` in base units (currency units, W, m, g, %), with its unit."""

    value: float
    unit: str | None  # "USD", "GBP", "W", "m", "%", or None for a bare count
    text: str


def words_value(phrase: str) -> float | None:
    """The value of a run of number words ("twenty-one", "three hundred", "a dozen"), else None."""
    low = " ".join(phrase.lower().replace("-", " ").split())
    if not low:
        return None
    if low in NUMBER_WORDS:
        return float(NUMBER_WORDS[low])
    if low.endswith("dozen"):
        head = low.removesuffix("dozen").strip()
        base = 1.0 if head in ("", "a") else words_value(head)
        return None if base is None else base * 12
    try:
        from text_to_num import text2num
    except ImportError:  # pragma: no cover - a hard dependency; the small words above still read
        return None
    try:
        return float(text2num(low.replace(" and ", " "), "en"))
    except ValueError:
        return None


@functools.lru_cache(maxsize=8192)
def read_quantity(text: str) -> Quantity | None:
    """Read one written figure ("£2mn", "$4.2 billion", "2,400-megawatt", "61.7 percent", "nine"), else None.

    Cached (the result is immutable): comparison reads each figure of a sentence once per pair it is diffed in.

    The figure must open the text (after "about"-like hedges are stripped by the caller); what follows the
    quantity is ignored ("2.4 gigawatts of capacity" reads as 2.4e9 W).
    """
    m = QUANTITY.search(text.strip())
    if not m or not m.group("num").strip(" -"):
        return None
    raw = m.group("num").strip(" -")
    if raw[0].isdigit():
        value = float(raw.replace(",", ""))
    else:
        words = words_value(re.sub(r"\s+and$", "", raw))
        if words is None:
            return None
        value = words
    scale = (m.group("scale") or "").lower()
    cur = (m.group("cur") or "").strip().lower() or (m.group("curword") or "").lower()
    unit_word = "%" if m.group("pct") else (m.group("unit") or "").lower()
    if scale in ("m", "b", "k") and not cur:
        scale = ""  # "5 m" is a distance or millions: without a currency, neither is read
    value *= SCALES.get(scale, 1.0)
    unit: str | None = CURRENCIES.get(cur) if cur else None
    if unit is None and unit_word:
        base, factor = UNITS.get(unit_word, UNITS.get(unit_word.rstrip("s"), (None, 1.0)))
        if base is not None:
            unit, value = base, value * factor
    return Quantity(value, unit, m.group().strip())


def number_value(token: str) -> float | None:
    """The value of one token: digits ("1,200", "4.2") or a number word ("nine"); None for anything else."""
    tok = token.strip().rstrip(".")
    if tok[:1].isdigit():
        try:
            return float(tok.replace(",", ""))
        except ValueError:
            return None
    low = tok.lower()
    return float(NUMBER_WORDS[low]) if low in NUMBER_WORDS and low != "hundred" else None
