"""When an account sentence tells what the account has told already.

The account takes sentences from several reports, and reports tell one event in their own words. A sentence is
left out when it shares most of its content words with one already told (:data:`REPEAT_SHARE`), gives the same two
or more figures (:func:`same_figures`: "aged 39 to 77", "between 39 and 77"), tells the same event between the same
two parties (:func:`same_event`), or retells a told event with one of its figures and names (:func:`retells`).
"""

from __future__ import annotations

import re

from .checker import sentence_claims

# Two account sentences sharing this share of their content words say the same thing; the second is left out.
REPEAT_SHARE = 0.6
# A sentence sharing a figure and a name with one already told, and this share of its content words, tells that
# event again (fitted on newsdesk: a resignation retold with its
# grant figure shares 0.45, a work scheme's figure retold with its workers' nationality 0.27).
RETELL_SHARE = 0.25

_YEAR = re.compile(r"(?:19|20)\d\d")
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\b")  # a time of day ("02:52") is no figure of the event
# Figures are written with digits and separators.
_FIGURE = re.compile(r"\d[\d,.]*\d|\d")
_STOP = frozenset(
    ["a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "is", "are", "was", "were", "be", "been", "has", "have", "had", "that", "this", "which", "who", "it", "its", "their", "his", "her", "they", "he", "she", "said", "says", "will", "would", "could", "after", "before", "than", "more"]
)


def content(text: str) -> set[str]:
    """Content words (5-letter stems) of a text."""
    return {w[:5] for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP and len(w) > 2}


def figures(text: str) -> set[str]:
    """The figures written in digits."""
    return {m.group().replace(",", "") for m in _FIGURE.finditer(text)}


def same_figures(a: set[str], b: set[str]) -> bool:
    """Two sentences state one thing when every figure of one (two or more) is a figure of the other."""
    shared = a & b
    return len(shared) >= 2 and (shared == a or shared == b)


def repeats_words(words: set[str], told: list[set[str]]) -> bool:
    """Most of the content words of a sentence are in one already told."""
    return any(len(words & t) >= REPEAT_SHARE * max(1, min(len(words), len(t))) for t in told)


def retells(text: str, words: set[str], told: str, told_words: set[str]) -> bool:
    """``text`` tells ``told``'s event again: a figure (not a year, not a time of day) and a name of both, and
    :data:`RETELL_SHARE` of the shorter one's content words."""
    shared = {f for f in figures(_CLOCK.sub(" ", text)) & figures(_CLOCK.sub(" ", told)) if not _YEAR.fullmatch(f)}
    if not shared or len(words & told_words) < RETELL_SHARE * max(1, min(len(words), len(told_words))):
        return False
    return bool(_name_stems(text) & _name_stems(told))


def _name_stems(text: str) -> set[str]:
    """The 5-letter stems of the words of the names a sentence states ("Korvan" and "Korvans" share one)."""
    return {w.lower()[:5] for n in sentence_claims(text).names for w in n.split() if len(w) > 2}


def same_event(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two sentences' events are one when their verbs share a lemma and they name two parties in common."""
    return a[0] == b[0] and len(set(a[1:]) & set(b[1:])) >= 2
