"""Names compared as names: folded forms, a person's first-and-last key, surnames, initials and acronyms, and the
honorifics written before a name. Shared by the reading of one article (:mod:`storyline.read.entities`) and the
store-wide entities (:mod:`storyline.read.entity_store`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

HONORIFICS = frozenset({"mr", "ms", "mrs", "miss", "dr", "sir", "dame", "prof", "rev", "gen", "sen", "rep", "gov"})
MALE_HONORIFICS = frozenset({"mr", "sir"})
FEMALE_HONORIFICS = frozenset({"ms", "mrs", "miss", "dame"})
_ACRONYM_WORD = re.compile(r"^[A-Z][A-Z&]{1,7}s?$")
_CONNECTORS = frozenset({"of", "for", "and", "the", "on", "de", "du", "des", "la", "le", "&", "in", "to", "at"})


def fold(text: str) -> str:
    """Comparison form of a name: no accents, no periods or possessive, case-folded, single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"'s\b|'$", "", text)
    text = text.replace(".", "").replace("-", " ")
    return re.sub(r"\s+", " ", text).strip().casefold()


def name_tokens(name: str) -> list[str]:
    """Folded tokens of a person's name without honorifics, initials kept (``"v"``)."""
    toks = fold(name).split()
    while toks and toks[0] in HONORIFICS:
        toks = toks[1:]
    return toks


def person_key(name: str) -> str | None:
    """``"first last"`` for a multi-word name (middle names and initials ignored), else ``None``."""
    toks = [t for t in name_tokens(name) if t not in {"jr", "sr", "ii", "iii"}]
    if len(toks) < 2:
        return None
    return f"{toks[0]} {toks[-1]}"


def surname(name: str) -> str | None:
    toks = [t for t in name_tokens(name) if t not in {"jr", "sr", "ii", "iii"}]
    return toks[-1] if toks else None


def initials(words: Sequence[str]) -> set[str]:
    """Acronyms a multi-word name can have: initials of all words, or of its capitalised words only."""
    clean = [w for w in (re.sub(r"[^\w&]", "", w) for w in words) if w]
    if len(clean) < 2:
        return set()
    every = "".join(w[0] for w in clean).upper()
    content = "".join(w[0] for w in clean if w.lower() not in _CONNECTORS).upper()
    return {every, content}


def is_acronym_of(short: str, long: str) -> bool:
    """``"RDIF"`` is an acronym of ``"Russian Direct Investment Fund"`` (periods and case ignored)."""
    short = re.sub(r"[^A-Za-z&]", "", short).upper()
    if len(short) < 2:
        return False
    words = re.split(r"[\s-]+", long.strip())
    return short in initials(words) or short.rstrip("S") in initials(words)


def _strip_honorific(surface: str) -> str:
    parts = surface.split()
    if len(parts) > 1 and parts[0].rstrip(".").lower() in HONORIFICS:
        return " ".join(parts[1:])
    return surface
