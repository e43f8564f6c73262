"""Per-article features for clustering: what clustering knows about one article besides its vector.

From :class:`storyline.records.Reading` when the batch has one (the spaCy reading stage); without a reading we
fall back to cheap text features: capitalised words as entities, a dateline place, and full dates in the lead
(see :func:`text_features`). Both paths give :class:`ArticleFeatures`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime

from ..read.dates import MONTHS
from ..read.gazetteer import Gazetteer
from ..records import Article, Reading
from .events import EventKey, event_key

ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """What clustering knows about one article besides its vector."""

    entities: frozenset[str] = frozenset()  # normalised names (lower case)
    places: frozenset[str] = frozenset()  # event locations (lower case)
    day: date | None = None  # best guess of the event day
    day_source: str = ""  # "published" | "lead" | "reading"
    terms: tuple[tuple[str, int], ...] = ()  # content words and their counts (the lexical TF-IDF side)
    years: tuple[int, ...] = ()  # years the text names, in order of first mention (same-kind events differ here)
    numbers: frozenset[str] = frozenset()  # other numbers in the text (tolls, magnitudes, ages, scores)
    event: EventKey = EventKey()  # which event: lead days, dateline country, sequence cue, identifying figures
    named_days: frozenset[date] = frozenset()  # full dates the text names (a follow-up names its event's day)
    named_months: frozenset[tuple[int, int]] = frozenset()  # (year, month) the text names ("in September 2010")


_MONTHS = MONTHS  # one month table, shared with the date reader
_MONTH = r"(?P<m>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ISO_DATE = re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<mo>\d\d)-(?P<d>\d\d)\b")
_DATELINE = re.compile(
    r"^\s*(?P<place>[A-Z][A-Za-z.'\-]+(?:\s[A-Z][A-Za-z.'\-]+){0,2})(?:,\s*[A-Z][A-Za-z. ]{1,20})?,?\s*(?:\([^)\n]{1,40}\))?\s*[-\u2013\u2014]\s",
    re.M,
)
_CAPS = re.compile(r"\b(?:[A-Z][a-z'\u2019]+|[A-Z]{2,}s?)(?:\s+(?:[A-Z][a-z'\u2019]+|[A-Z]{2,}))*\b")
_CAP_STOP = frozenset(
    """the a an in on at to of for from by with and but or if as it its he she they we i you his her their our this
    that these those there here after before when while where what who why how then than also more most many some
    all any both each few other such no not only own same so too very can will just should now mr mrs ms dr st
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december jan feb mar apr jun jul aug sep sept oct nov dec today yesterday tomorrow
    said says according however meanwhile although though despite since until one two three four five read""".split()
)
ENTITY_WORDS = 10_000  # entities are read from the title and this many words of the body
LEAD_CHARS = 400  # dates and datelines this close to the start describe the event, not its background


# One pass finds the month names; the words around each say which date it is: a full date ("June 24, 2005",
# "24 June 2005"), a month ("in September 2010"), or, read as its latest occurrence up to the report's own day as
# the date reader resolves them against the publication date, a month or a day without a year ("in September",
# "on March 3").
_MONTH_PREFIXES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_AT = re.compile(_MONTH + r"(?![\w-])", re.I)  # no word start: a headline runs into "SEPTEMBER 19, 2013"
_AFTER_DAY_YEAR = re.compile(r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b", re.I)
_AFTER_YEAR = re.compile(r",?\s+(?P<y>(?:19|20)\d\d)\b")
_AFTER_DAY = re.compile(r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\b(?!,?\s+\d)", re.I)
_AFTER_DIGIT = re.compile(r",?\s+\d")
_BEFORE_DAY = re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+$", re.I)
_BEFORE_WORD = re.compile(r"\b(?:in|since|by|until|during|from|early|late|mid-?)\s+$", re.I)


def _month_starts(text: str) -> list[int]:
    """Where a month name may begin (a plain substring search: far cheaper than a regex over the whole text)."""
    low = text.lower()
    if len(low) != len(text):  # a few letters lower to two characters: offsets would drift
        return [m.start() for m in re.finditer("|".join(_MONTH_PREFIXES), text, re.I)]
    out = []
    for prefix in _MONTH_PREFIXES:
        at = low.find(prefix)
        while at >= 0:
            out.append(at)
            at = low.find(prefix, at + 3)
    return sorted(out)


def _month_dates(text: str, anchor: date | None) -> list[tuple[int, int, int, int]]:
    """(offset, year, month, day or 0) of every date ``text`` names with a month: full dates ("June 24, 2005",
    "24 June 2005", "2005-06-24"), months ("in September 2010") and, with ``anchor``, those without a year."""
    found: list[tuple[int, int, int, int]] = []
    for start in _month_starts(text):
        m = _MONTH_AT.match(text, start)
        month = _MONTHS.get(m.group("m").lower()) if m else None
        if m is None or not month:
            continue
        window = max(0, start - 16)
        after, before = text[m.end() : m.end() + 24], text[window:start]
        full = _AFTER_DAY_YEAR.match(after)
        if full:
            found.append((start, int(full["y"]), month, int(full["d"])))
            continue
        lead_day = _BEFORE_DAY.search(before)
        year = _AFTER_YEAR.match(after)
        if year:
            if lead_day:
                found.append((window + lead_day.start(), int(year["y"]), month, int(lead_day["d"])))
            else:
                found.append((start, int(year["y"]), month, 0))
            continue
        if anchor is None or (start and text[start - 1].isalnum()):  # without a year: a whole word only
            continue
        yearless = _AFTER_DAY.match(after)
        if yearless:
            day = int(yearless["d"])
        elif _AFTER_DIGIT.match(after):
            continue
        elif lead_day:
            day = int(lead_day["d"])
        elif _BEFORE_WORD.search(before):
            day = 0
        else:
            continue
        found.append((start, anchor.year if (month, day) <= (anchor.month, anchor.day) else anchor.year - 1, month, day))
    found.extend((m.start(), int(m["y"]), int(m["mo"]), int(m["d"])) for m in _ISO_DATE.finditer(text))
    return found


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def named_dates(text: str, anchor: date | None = None) -> tuple[frozenset[date], frozenset[tuple[int, int]]]:
    """The full dates and the (year, month) pairs ``text`` names (a full date names its month too); with the
    report's own day as ``anchor``, also the months and days it names without a year."""
    found = _month_dates(text, anchor)
    days = {d for _, y, m, dd in found if dd and (d := _valid(y, m, dd)) is not None}
    return frozenset(days), frozenset((y, m) for _, y, m, dd in found if 1 <= m <= 12 and (not dd or _valid(y, m, dd)))


def _lead_day(text: str) -> date | None:
    """The first full date in the lead."""
    found = [(pos, d) for pos, y, m, dd in _month_dates(text[:LEAD_CHARS], None) if dd and (d := _valid(y, m, dd))]
    return min(found)[1] if found else None


_TERM = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_TERM_STOP = frozenset(
    """the and for with from that this these those was were are been being have has had will would could should
    its his her their they them there here what when where which who whom whose while after before about into over
    than then also more most said says say not but all any some such only other one two can may might just very
    new year years time last first told according people percent week day""".split()
)
MAX_TERMS = 60  # per article: enough to tell events apart, small enough for a million articles


def content_terms(text: str, limit: int = MAX_TERMS) -> tuple[tuple[str, int], ...]:
    """The most frequent content words of ``text`` with their counts (lower case, no stop words)."""
    counts = Counter(w for w in _TERM.findall(text.lower()) if w not in _TERM_STOP and w not in _CAP_STOP)
    return tuple(counts.most_common(limit))


_YEAR = re.compile(r"\b(?:19[5-9]\d|20[0-4]\d)\b")
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")


def years_and_numbers(text: str) -> tuple[tuple[int, ...], frozenset[str]]:
    """Years named in ``text`` (distinct, in order of first mention) and its other numbers."""
    years = tuple(dict.fromkeys(int(y) for y in _YEAR.findall(text)))
    numbers = frozenset(n for n in _NUMBER.findall(text) if not _YEAR.fullmatch(n))
    return years, numbers


def _published_day(article: Article) -> date | None:
    return article.published.date() if isinstance(article.published, datetime) else None


def text_features(article: Article) -> ArticleFeatures:
    """Model-free fallback: capitalised words as entities, a dateline place, a full date in the lead."""
    text = article.text
    ents: set[str] = set()
    lead = " ".join(text.split()[:ENTITY_WORDS])
    for m in _CAPS.finditer(f"{article.title or ''}\n{lead}"):
        for word in m.group(0).split():
            key = word.lower().strip("'\u2019").removesuffix("'s")
            if len(key) > 2 and key not in _CAP_STOP:
                ents.add(key)
    places = set()
    for m in _DATELINE.finditer(text[:LEAD_CHARS]):
        name = m.group("place").strip().lower()
        if name not in _CAP_STOP and len(name) > 2:
            places.add(name)
            break
    day = _published_day(article)
    source = "published" if day else ""
    if day is None:
        day = _lead_day(f"{article.title or ''}\n{text}")
        source = "lead" if day else ""
    full = f"{article.title or ''}\n{text}"
    years, numbers = years_and_numbers(full)
    days, months = named_dates(full, day)
    return ArticleFeatures(frozenset(ents), frozenset(places), day, source, content_terms(full), years, numbers,
                           named_days=days, named_months=months)  # fmt: skip


def reading_features(article: Article, reading: Reading) -> ArticleFeatures:
    """Features from the reading stage's output; dates and places fall back to the text when it found none."""
    fallback = text_features(article)
    ents: set[str] = set()
    for ent in reading.entities:
        if ent.label in ENTITY_LABELS:
            name = ent.name.lower()
            ents.add(name)
            if ent.label == "PERSON" and " " in name:
                ents.add(name.rsplit(" ", 1)[1])  # the surname alone, as most later mentions use it
    if not reading.entities:
        ents.update(m.entity.lower() for m in reading.mentions if m.label in ENTITY_LABELS)
    places = {p.name.lower() for p in reading.places if p.event_location} or set(fallback.places)
    day, source = _published_day(article), "published"
    if day is None:
        lead = [d for d in reading.dates if not d.relative and d.granularity == "day" and d.start < LEAD_CHARS]
        if lead:
            day, source = min(lead, key=lambda d: d.start).value, "reading"
        elif reading.published_window:
            lo, hi = reading.published_window
            day, source = lo + (hi - lo) / 2, "reading"
        else:
            day, source = fallback.day, fallback.day_source
    named = {d.value for d in reading.dates if d.granularity == "day" and not d.relative}
    months = {(d.value.year, d.value.month) for d in reading.dates if d.granularity in ("day", "month") and not d.relative}
    return ArticleFeatures(
        frozenset(ents) or fallback.entities, frozenset(places), day, source, fallback.terms, fallback.years, fallback.numbers,
        named_days=fallback.named_days | named, named_months=fallback.named_months | months,
    )  # fmt: skip


def features_for(article: Article, reading: Reading | None, gazetteer: Gazetteer | None = None) -> ArticleFeatures:
    """The article's features; with a ``gazetteer`` its dateline country is known (place containment)."""
    feats = reading_features(article, reading) if reading is not None else text_features(article)
    key = event_key(article, reading, gazetteer)
    if not key.days and reading is None and feats.day is not None and feats.day_source == "lead":
        key = replace(key, days=frozenset({feats.day}))
    return replace(feats, event=key)

