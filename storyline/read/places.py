"""Where the reported event happened, told apart from places merely mentioned.

Evidence, strongest first: the dateline ("WASHINGTON, Oct 9 (WNA) --"); then a place governed
by an event word in the same clause ("talks in Riyadh", "met ... in Washington", "visit
Washington", "the fire at the plant in Halden Falls"); then, when neither exists, the first
place named in the lead paragraph (news leads say where). Every GPE/LOC/FAC mention becomes a
:class:`Place`; the ones carrying the winning evidence are flagged ``event_location``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from ..lang.calendar import MONTHS, WEEKDAYS
from ..records import Mention, Place
from .entities import fold
from .layout import Dateline

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
EVENT_WORDS = (
    r"talks|meeting|meetings|met|meet|meets|summit|visit|visits|visited|visiting|arrive|arrived|arrives|"
    r"arriving|held|hold|holds|conference|negotiations|trip|travel|travels|traveled|travelled|traveling|"
    r"gathered|signed|rally|protest|protests|attack|attacks|explosion|fire|blaze|earthquake|quake|crash|"
    r"occurred|took place|happened|struck|killed|died|landed|hosted|hosts|ceremony|election|vote|trial|"
    r"hearing|announced|unveiled|launched|opened|closed|evacuated|collapsed|flood|flooding|storm|blast|"
    r"shooting|strike|walked off|reached|agreed|ruled|ruling|recall|briefing|court"
)
_EVENT_BEFORE = re.compile(
    rf"\b(?:{EVENT_WORDS})\b(?:\s+[^\s.;!?]+){{0,8}}?\s+(?:in|at|to|near|outside|inside)\s+(?:the\s+)?$"
    r"|\b(?:visit|visits|visited|visiting|arrived in|landed in|hosted by)\s+$"
    # where a statement was made is where the news happened ("the board said in Caldwick on Tuesday");
    # only with "in"/"at" right after the verb, so "said the fund would invest in X" does not count
    r"|\b(?:said|says|announced|told reporters|told a news conference)\s+(?:in|at)\s+$",
    re.I,
)


def _lead_end(text: str) -> int:
    """End of the first body paragraph (at least 200 characters in)."""
    for m in re.finditer(r"\n\s*\n|\n", text):
        if m.start() >= 200:
            return m.start()
    return len(text)


_ORG_WORDS = re.compile(
    r"\b(?:Inc|Ltd|LLC|Corp|Company|Co|Group|Chemicals|Appliances|Court|Board|Union|Authority|Service|Council|"
    r"Ministry|Department|Agency|Bank|Fund|Party|Association|Alliance|Club|University|Hospital|Water|Press|News)\b"
)
# months written out and weekdays (not "Mar", "Jan": the opening of "Mar del Plata" and of names)
CALENDAR_WORDS = frozenset(m for m in MONTHS if len(m) > 3 or m == "may") | frozenset(WEEKDAYS)
_CAPS_AFTER_IN = re.compile(r"\b(?:in|at)\s+((?:[A-Z][a-z]+)(?:\s+[A-Z][a-z]+){0,2})\b")


def _untagged_places(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """Place names the model missed or mislabelled, read from "<event word> ... in/at <Name>".

    The small model often tags an unfamiliar town as an organisation or a person, or not at
    all. A capitalised name after "in"/"at" that is not a person, has no organisation word and
    follows an event word counts as a place; its other mentions keep their own label.
    """
    extra = []
    for m in _CAPS_AFTER_IN.finditer(text):
        start, end = m.span(1)
        covering = [x for x in mentions if x.start <= start < x.end]
        if any(x.label in PLACE_LABELS | {"PERSON"} for x in covering) or _ORG_WORDS.search(m.group(1)):
            continue
        if m.group(1).split()[0].lower() in CALENDAR_WORDS:
            continue  # "in March", "on Tuesday": a time, not a place
        left = text[max(text.rfind("\n", 0, start) + 1, start - 120) : start]
        left = re.split(r"[.;!?]\s", left)[-1]
        if not _EVENT_BEFORE.search(left):
            continue
        extra.append(Mention(m.group(1), start, end, "GPE", m.group(1)))
    return extra


def find_places(
    text: str, mentions: Sequence[Mention], dateline: Dateline | None, *, persons: frozenset[str] = frozenset()
) -> list[Place]:
    """Every place mention, the event's flagged. ``persons``: entities the text shows to be people's, which the
    lead's first place may not be (the model types an unfamiliar name "Jo Bloggs" as a place)."""
    places: list[Place] = []
    evidence: list[tuple[str, int]] = []  # (place entity, offset)
    for m in sorted([*mentions, *_untagged_places(text, mentions)], key=lambda x: x.start):
        if m.label not in PLACE_LABELS:
            continue
        line_start = text.rfind("\n", 0, m.start) + 1
        left = text[max(line_start, m.start - 120) : m.start]
        left = re.split(r"[.;!?]\s", left)[-1]
        kind = "in-phrase" if _EVENT_BEFORE.search(left) else "mention"
        if kind == "in-phrase":
            evidence.append((m.entity, m.start))
        places.append(Place(text=m.text, start=m.start, end=m.end, name=m.entity, evidence=kind))
    chosen: str | None = None
    if dateline is not None:
        name = _dateline_name(dateline, mentions)
        places.append(
            Place(text=text[dateline.place_start : dateline.place_end], start=dateline.place_start,
                  end=dateline.place_end, name=name, evidence="dateline")
        )
        chosen = name
    elif evidence:
        counts = Counter(name for name, _ in evidence)
        first = {name: off for name, off in reversed(evidence)}
        chosen = max(counts, key=lambda n: (counts[n], -first[n]))
    else:
        lead = _lead_end(text)
        in_lead = [p for p in places if p.start < lead and p.name not in persons]
        if in_lead:
            p0 = min(in_lead, key=lambda p: p.start)
            places = [p if p is not p0 else Place(p.text, p.start, p.end, p.name, evidence="lead") for p in places]
            chosen = p0.name
    out = [
        Place(p.text, p.start, p.end, p.name, event_location=(p.name == chosen and p.evidence != "mention"), evidence=p.evidence)
        for p in places
    ]
    return sorted(out, key=lambda p: p.start)


def _dateline_name(dateline: Dateline, mentions: Sequence[Mention]) -> str:
    """The dateline place under the name the article's own mentions use ("WASHINGTON" -> "Washington")."""
    for m in mentions:
        if m.label in PLACE_LABELS and fold(m.entity) == fold(dateline.place) and not m.entity.isupper():
            return m.entity
    return dateline.place
