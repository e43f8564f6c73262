"""Event identity: which day, which place, which one of a sequence, which identifying figure a report is about.

Two reports of the same kind of event (one minister's visits to two capitals, two floods in one valley, two
launches from one spaceport) read alike, name the same people and places, and are published days apart; text
similarity cannot tell them apart. News writing says which event a report is about in its first lines:

* the event's own day: "on Tuesday", "late on Wednesday", "March 7", "yesterday", resolved against the
  publication date by the date reader (:mod:`storyline.read.dates`); the days of the report's lead, not the publication day,
  so a follow-up published days later that says "last Wednesday's explosion" stays with that explosion;
* the event's country, from the dateline ("TUNIS, March 17 (MPA) -", "HEBDEN BRIDGE, England, Nov 6 -") with
  containment through the gazetteer (:mod:`storyline.read.gazetteer`): Rabat lies in Morocco, not in Tunisia;
* a sequence cue: "a second storm", "the second round of talks", "for the third time": reports naming different
  places in one sequence are different events;
* an identifying figure: an earthquake's magnitude, a flight number.

:func:`event_conflict` compares two sets of these and says why they are different events, in words an analyst
reads in the story's decisions ("event on 7 Mar 2034 in Rabat vs 17 Mar 2034 in Tunis: different days").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from ..read.gazetteer import Gazetteer
from ..records import Article, Reading

LEAD_CHARS = 400  # the lead: where a news report says when and where its event happened
EVENT_DAYS_APART = 5  # lead days at least this far apart name different events. Fitted on newsdesk: reports of one
# event give lead days at most 3 days apart (the day before publication, the dateline day, "on Tuesday"); its
# same-kind pairs lie 9 to 15 days apart.
# Sequence cues and identifying figures read from the text: off. With them on, ECB+ test fell from 0.955 to 0.948
# (outlets round a magnitude differently; "second" often counts something else) while newsdesk gained nothing
# over the lead days. Their comparison stays for keys built with them (and is tested).
READ_SEQUENCE_AND_FIGURES = False
MAX_DAYS = 4  # lead days kept per report (background dates in a report's lead stay few)
UNDATED_SLACK = 3  # a report without a day in its lead reports something from up to this many days before publication

_ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6}
_SEQUENCE = re.compile(
    r"\b(?P<ord>second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th)\s+(?:(?:deadly|major|big|powerful|strong|"
    r"successful|failed|straight|consecutive|fatal|serious|separate)\s+)?(?P<noun>[a-z]+)",
    re.I,
)
# Nouns after an ordinal that count a part of one event or of a day ("the second day of the trial", "a second
# body was found", "the second half"), not a repeat of the event.
_NOT_SEQUENCE = frozenset(
    "day days week weeks month year hour minute half quarter floor largest biggest time-lowest person people body "
    "bodies victim man woman child son daughter wife husband tier stage phase paragraph page reading largest-ever "
    "highest lowest most least".split()
)
_TIME = re.compile(r"\bfor\s+the\s+(?P<ord>second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th)\s+time\b", re.I)
_MAGNITUDE = re.compile(r"\bmagnitude[- ](?:of\s+)?(?P<v>\d(?:\.\d)?)\b|\b(?P<w>\d\.\d)[- ]magnitude\b", re.I)
_FLIGHT = re.compile(r"\bflight\s+(?P<v>[A-Z]{2,3}\s?\d{1,4})\b")
_DATELINE_COUNTRY = re.compile(r"^[^\n,]{2,40},\s*(?P<c>[A-Z][A-Za-z.]+(?:\s[A-Z][a-z]+){0,2})\s*(?:,|\(|[-\u2013\u2014])")


@dataclass(frozen=True, slots=True)
class EventKey:
    """What says which event a report is about (everything optional: most reports give some of it)."""

    days: frozenset[date] = frozenset()  # event days in the report's lead (resolved; never after publication)
    published: date | None = None  # used, with slack, when the lead names no day
    place: str = ""  # the dateline place, for reasons
    country: str | None = None  # the country it lies in (ISO code), when the gazetteer knows it for certain
    sequence: frozenset[tuple[str, int]] = frozenset()  # ("storm", 2) for "a second storm"; ("time", 3)
    figures: frozenset[tuple[str, str]] = frozenset()  # ("magnitude", "6.1"), ("flight", "MP412")

    def day_range(self) -> tuple[date, date] | None:
        points = self.points()
        return (date.fromordinal(min(points)), date.fromordinal(max(points))) if points else None

    def points(self) -> list[int]:
        """The days (ordinals) the report may be about: its lead days (at most ``MAX_DAYS``) and its publication day."""
        out = sorted(d.toordinal() for d in self.days)[:MAX_DAYS]
        if self.published is not None:
            out.append(self.published.toordinal())
        return out


def _published(article: Article) -> date | None:
    return article.published.date() if isinstance(article.published, datetime) else None


def _sequence(text: str) -> frozenset[tuple[str, int]]:
    found = set()
    for m in _SEQUENCE.finditer(text):
        noun = m.group("noun").lower()
        if noun not in _NOT_SEQUENCE and len(noun) > 2:
            found.add((noun.rstrip("s") if len(noun) > 4 else noun, _ORDINALS[m.group("ord").lower()]))
    for m in _TIME.finditer(text):
        found.add(("time", _ORDINALS[m.group("ord").lower()]))
    return frozenset(found)


def _figures(text: str) -> frozenset[tuple[str, str]]:
    found = {("magnitude", m.group("v") or m.group("w")) for m in _MAGNITUDE.finditer(text)}
    found.update(("flight", m.group("v").replace(" ", "")) for m in _FLIGHT.finditer(text))
    return frozenset(found)


def event_key(article: Article, reading: Reading | None, gazetteer: Gazetteer | None = None) -> EventKey:
    """The event identity of one report, read from its title and lead (and its reading's dates and places)."""
    text = article.text
    lead = f"{article.title or ''}\n{text[:LEAD_CHARS]}"
    published = _published(article)
    days: set[date] = set()
    place, country = "", None
    if reading is not None:
        latest = published or (reading.published_window[1] if reading.published_window else None)
        for d in reading.dates:
            if d.start < LEAD_CHARS and d.granularity == "day" and (latest is None or d.value <= latest):
                days.add(d.value)
        dateline = [p for p in reading.places if p.evidence == "dateline"]
        if dateline:
            place = dateline[0].name
    if place and gazetteer is not None:
        m = _DATELINE_COUNTRY.match(text.lstrip())
        country = gazetteer.country(m.group("c")) if m else None
        country = country or gazetteer.country(place)
    if not READ_SEQUENCE_AND_FIGURES:
        return EventKey(frozenset(days), published, place, country)
    return EventKey(frozenset(days), published, place, country, _sequence(lead), _figures(text[: LEAD_CHARS * 2]))


def _fmt(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def _describe(key: EventKey) -> str:
    span = key.day_range()
    when = ""
    if span is not None:
        when = _fmt(span[0]) if span[0] == span[1] else f"{_fmt(span[0])}..{_fmt(span[1])}"
        if not key.days:
            when = f"published {_fmt(key.published)}" if key.published else when
    where = f" in {key.place}" if key.place else ""
    return f"{when}{where}".strip() or "undated"


def days_apart(a: EventKey, b: EventKey) -> int | None:
    """Days between the closest of the two reports' days (None when either is undated).

    A lead may name a background date ("since August 19") beside the event's; the publication day is a point
    too, so a report is never further from another than its own publication day is. A report whose lead names
    no day may be about any of the ``UNDATED_SLACK`` days before its publication.
    """
    pa, pb = a.points(), b.points()
    if not pa or not pb:
        return None
    gaps = []
    for x in pa:
        for y in pb:
            gap = abs(x - y)
            if not a.days and x >= y or not b.days and y >= x:
                gap = max(0, gap - UNDATED_SLACK)
            gaps.append(gap)
    return min(gaps)


def event_conflict(a: EventKey, b: EventKey) -> str | None:
    """Why ``a`` and ``b`` report different events, or None when nothing says so."""
    reasons = []
    gap = days_apart(a, b)
    if gap is not None and gap >= EVENT_DAYS_APART and (a.days or b.days):
        reasons.append(f"different days ({gap} apart)")
    if a.country and b.country and a.country != b.country:
        reasons.append("different countries")
    seq_a, seq_b = dict(a.sequence), dict(b.sequence)
    for noun in set(seq_a) & set(seq_b):
        if seq_a[noun] != seq_b[noun]:
            reasons.append(f"{_ordinal_word(seq_a[noun])} vs {_ordinal_word(seq_b[noun])} {noun}")
    fig_a, fig_b = dict(a.figures), dict(b.figures)
    for kind in set(fig_a) & set(fig_b):
        if fig_a[kind] != fig_b[kind] and not (set(v for k, v in a.figures if k == kind) & set(v for k, v in b.figures if k == kind)):
            reasons.append(f"{kind} {fig_a[kind]} vs {fig_b[kind]}")
    if not reasons:
        return None
    return f"event {_describe(a)} vs {_describe(b)}: {', '.join(reasons)}"


def _ordinal_word(n: int) -> str:
    return {v: k for k, v in _ORDINALS.items() if k.isalpha()}.get(n, str(n))


def merge_keys(story: EventKey, member: EventKey) -> EventKey:
    """A story's key after ``member`` joins it: the union of days, sequence cues and figures; the founder's place
    and country stay (a later report datelined elsewhere does not move the event)."""
    published = [p for p in (story.published, member.published) if p]
    return EventKey(
        story.days | member.days, min(published) if published else None, story.place or member.place,
        story.country or member.country, story.sequence | member.sequence, story.figures | member.figures,
    )  # fmt: skip
