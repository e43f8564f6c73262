"""Where the reported event happened, told apart from places merely mentioned.

Evidence, strongest first: the dateline ("WASHINGTON, Oct 9 (MPA) --"), then a place governed
by an event word in the same clause ("talks in Riyadh", "met ... in Washington", "visit
Washington"). Every GPE/LOC/FAC mention becomes a :class:`Place`; the ones naming the winning
place are flagged ``event_location``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from ..records import Mention, Place
from .layout import Dateline

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_EVENT_BEFORE = re.compile(
    r"\b(?:talks|meeting|meetings|met|meet|meets|summit|visit|visits|visited|visiting|arrive|arrived|arrives|"
    r"arriving|held|hold|holds|conference|negotiations|trip|travel|travels|traveled|travelled|traveling|"
    r"gathered|signed|rally|protest|protests|attack|attacks|explosion|fire|earthquake|quake|crash|occurred|"
    r"took place|happened|struck|killed|died|landed|hosted|hosts|ceremony|election|vote|trial|hearing|"
    r"announced|unveiled|launched|opened|closed|evacuated|collapsed|flood|flooding|storm|blast|shooting)\b"
    r"(?P<gap>(?:\s+[^\s.;!?]+){0,8}?)\s+(?:in|at|to|near|outside|inside)\s+(?:the\s+)?$"
    r"|\b(?:visit|visits|visited|visiting|arrived in|landed in|hosted by)\s+$",
    re.I,
)


def find_places(text: str, mentions: Sequence[Mention], dateline: Dateline | None) -> list[Place]:
    places: list[Place] = []
    evidence: list[tuple[str, str, int]] = []  # (name, evidence, offset)
    for m in mentions:
        if m.label not in PLACE_LABELS:
            continue
        line_start = text.rfind("\n", 0, m.start) + 1
        left = text[max(line_start, m.start - 120) : m.start]
        left = re.split(r"[.;!?]\s", left)[-1]
        kind = "in-phrase" if _EVENT_BEFORE.search(left) else "mention"
        if kind == "in-phrase":
            evidence.append((m.entity, kind, m.start))
        places.append(Place(text=m.text, start=m.start, end=m.end, name=m.entity, evidence=kind))
    chosen: str | None = None
    if dateline is not None:
        chosen = dateline.place
        places.append(
            Place(text=text[dateline.place_start : dateline.place_end], start=dateline.place_start,
                  end=dateline.place_end, name=_dateline_name(dateline, mentions), evidence="dateline")
        )
        chosen = places[-1].name
    elif evidence:
        counts = Counter(name for name, _, _ in evidence)
        first = {name: off for name, _, off in reversed(evidence)}
        chosen = max(counts, key=lambda n: (counts[n], -first[n]))
    out = [
        Place(p.text, p.start, p.end, p.name, event_location=(p.name == chosen and p.evidence != "mention"), evidence=p.evidence)
        for p in places
    ]
    return sorted(out, key=lambda p: p.start)


def _dateline_name(dateline: Dateline, mentions: Sequence[Mention]) -> str:
    """The dateline place under the name the article's own mentions use ("WASHINGTON" -> "Washington")."""
    for m in mentions:
        if m.label in PLACE_LABELS and (m.text.casefold() == dateline.place.casefold() or m.entity.casefold() == dateline.place.casefold()):
            return m.entity
    return dateline.place
