"""Where in an article a piece of text sits: body, headline, caption, credit line, dateline.

Scraped news text carries more than the story: the headline (often repeated), section
headings, photo captions with agency credits, bylines, "Read the full article at" lines and
comment widgets. spaCy's NER reads Title Case headlines badly ("Putin Advisor Visits Miami"
gives the PERSON "Visits Miami"), so the reader keeps named entities from those zones only when
the body names the same entity (see :mod:`storyline.read.entities`). This module only looks at
the shape of each line; it needs no model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ..lang.words import EDITORIAL_LABELS

Zone = Literal["body", "headline", "caption", "credit"]

# Photo and agency credits ("REUTERS/Hamad I Mohammed/File photo", "(AP Photo/...)", "Getty Images").
_CAPTION = re.compile(
    r"(?:\b[A-Z]{3,}/[A-Z]|\bFile photo\b|\bAP Photo\b|\bGetty Images\b|\bPhoto(?:graph)?:|\(Photo by|\bPhoto credit)",
    re.I,
)
# Boilerplate lines that carry no story text (agency credits such as "(Reporting by X; editing by Y)" too).
_CREDIT = re.compile(
    r"^\s*(?:Read (?:the )?(?:full|original|more)\b|\(?(?:Additional )?(?:Reporting|Writing|Editing) by\b|Source:|Locales?:|Image:|Credit:|Copyright\b|©|COMMENTS\s*$|"
    r"Related (?:Stories|Articles)\s*$|No stories found|Share this|Sign up\b|Subscribe\b|Advertisement\s*$|"
    r"\[?\s*https?://|www\.|[\w.-]+\.(?:com|org|net|news|example)\s*$)",
    re.I,
)
_END_PUNCT = re.compile(r"[.!?:;\"'\u201d\u2019)\]]\s*$")
_WORD = re.compile(r"[A-Za-z][\w'\u2019.-]*")
_MINOR = frozenset(
    "a an and as at but by for from in into nor of on or over per the to up via vs with amid after before".split()
)

# A dateline opens the first body paragraph: "WASHINGTON, Oct 9 (WNA) —", "MOSCOW (Reuters) -",
# "Miami, FL - February 5th, 2026 -". The place is group "place".
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Za-z.'\u2019-]*(?:[ -][A-Z][A-Za-z.'\u2019-]*){0,3})"
    r"(?:,\s*(?P<region>[A-Z][A-Za-z.]{1,14}(?: [A-Z][a-z]+)?))?"
    r"(?:,?\s*(?P<date>(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,\s*\d{4})?)|(?:\d{1,2}\s+[A-Z][a-z]{2,8}\.?(?:\s+\d{4})?)))?"
    r"\s*(?:\((?P<agency>[A-Za-z][\w .&-]{0,30})\))?"
    r"\s*(?:[-\u2013\u2014]{1,2}|:)\s+"
    r"(?:(?P<date2>(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,\s*\d{4})?)|(?:\d{1,2}\s+[A-Z][a-z]{2,8}\.?(?:\s+\d{4})?))"
    r"\s*[-\u2013\u2014]{1,2}\s+)?"
)


@dataclass(frozen=True, slots=True)
class Line:
    start: int
    end: int
    zone: Zone


@dataclass(frozen=True, slots=True)
class Dateline:
    start: int  # of the whole dateline
    end: int  # where the story text begins
    place: str
    place_start: int
    place_end: int
    agency: str | None = None


def _title_case_share(line: str) -> float:
    words = [w for w in _WORD.findall(line) if w.lower() not in _MINOR]
    if not words:
        return 0.0
    return sum(1 for w in words if w[0].isupper()) / len(words)


def classify_line(line: str) -> Zone:
    """The zone of one line of text, from its shape alone."""
    text = line.strip()
    if _CREDIT.search(text):
        return "credit"
    if _CAPTION.search(text):
        return "caption"
    words = _WORD.findall(text)
    if not words:
        return "credit"
    ends_like_sentence = bool(_END_PUNCT.search(text))
    if not ends_like_sentence and len(words) <= 20 and _title_case_share(text) >= 0.75:
        return "headline"  # headline, section heading or byline
    if not ends_like_sentence and len(words) <= 6:
        return "headline"
    return "body"


def lines(text: str) -> list[Line]:
    """Non-empty lines of ``text`` with their zone; offsets exclude surrounding white space."""
    out: list[Line] = []
    for match in re.finditer(r"[^\n]+", text):
        raw = match.group()
        stripped = raw.strip()
        if not stripped:
            continue
        start = match.start() + (len(raw) - len(raw.lstrip()))
        out.append(Line(start, start + len(stripped), classify_line(stripped)))
    return out


def zone_at(layout: list[Line], offset: int) -> Zone:
    for line in layout:
        if line.start <= offset < line.end:
            return line.zone
    return "body"


def find_dateline(text: str, layout: list[Line]) -> Dateline | None:
    """The dateline at the start of the first body line, if there is one."""
    first = next((ln for ln in layout if ln.zone == "body"), None)
    if first is None:
        return None
    head = text[first.start : first.end]
    match = DATELINE.match(head)
    if not match:
        return None
    place = match.group("place")
    # "The envoy - who ..." or a sentence start is not a dateline: demand a short all-caps place,
    # or a region/date/agency beside it.
    words = place.split()
    if not (place.isupper() or match.group("region") or match.group("date") or match.group("date2") or match.group("agency")):
        return None
    if len(words) > 4 or any(w.lower() in _MINOR for w in words) or place.lower() in EDITORIAL_LABELS:
        return None  # "Correction, 4 March: ..." is an editor's note, not a dateline
    return Dateline(
        start=first.start,
        end=first.start + match.end(),
        place=place.title() if place.isupper() else place,
        place_start=first.start + match.start("place"),
        place_end=first.start + match.end("place"),
        agency=match.group("agency"),
    )
