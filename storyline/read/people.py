"""Which names in an article are people's: undoing the small NER model's worst label errors for speakers.

Read from evidence in the text (a title or honorific before a name, an age after it, a role in apposition, a name
only ever written after a locative preposition), decided per entity so every mention of it agrees.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from ..records import Mention, Role
from .entities import HONORIFICS
from .roles import ROLE_NOUNS

_WORD = re.compile(r"[\w'\u2019-]+")

#: Prepositions that put a name in a place ("in Dalvik", "from Tolby"): such a mention is not a speaker.
LOCATIVE_PREPOSITIONS = frozenset({"in", "at", "from", "near", "outside", "inside", "across", "around", "to", "towards"})
#: Common nouns an organisation is referred back to by ("the company said in a statement").
ORG_NOUNS = frozenset(
    """company firm group agency ministry department office council authority authorities government operator
    regulator board union association society institute commission committee court police service bank
    airline insurer club league federation party campaign organisation organization charity foundation
    university hospital trust embassy spokesperson spokesman spokeswoman""".split()
)
#: Person words that stand for a person without naming one ("the minister", "the analyst").
PERSONAL_NOUNS = ROLE_NOUNS - ORG_NOUNS


#: An age right before a name, at most one word between ("41-year-old Jo Bloggs", "the 19-year-old forward Jo").
_AGE_BEFORE = re.compile(r"\b\d{1,3}-year-old\s+(?:[a-z][\w-]*\s+)?$")


def _word_before(text: str, start: int) -> str:
    m = re.search(r"([\w.'\u2019-]+)\s*$", text[max(0, start - 40) : start])
    return m.group(1).rstrip(".").lower() if m else ""


def _person_cue(text: str, m: Mention) -> bool:
    """Local evidence that a name is a person's: a title or honorific right before it ("chair Philippa
    Corrigan", "Dr Alun Tregarth"), an age right after it ("Sofia Markaki, 52,"), or an apposition
    naming a role ("Liesbet Van Roosen, Varden Chemicals' chief executive,")."""
    before = _word_before(text, m.start)
    if before in HONORIFICS or (before in ROLE_NOUNS and text[m.start - 1 : m.start] == " "):
        return True
    role = re.search(r"\b([a-z][\w-]*),\s*$", text[max(0, m.start - 40) : m.start])
    if role and role.group(1) in PERSONAL_NOUNS:  # "the EU's foreign policy chief, Ilse Darrow,"
        return True
    if _AGE_BEFORE.search(text[max(0, m.start - 50) : m.start]):  # "the 19-year-old substitute Jo Bloggs"
        return True
    after = text[m.end : m.end + 90]
    if re.match(r",\s+\d{1,3},", after):
        return True
    appos = re.match(r",\s+((?:the|a|an)\s+)?([^,.;\u201c\u201d\"]{1,70}?)(?:,|\s+(?:said|told|says|added|wrote)\b)", after)
    if appos:
        words = [w.lower() for w in _WORD.findall(appos.group(2))]
        return any(w in PERSONAL_NOUNS or (w.endswith("s") and w[:-1] in PERSONAL_NOUNS) for w in words[-3:])
    return False


def relabel_people(text: str, mentions: Sequence[Mention], roles: Sequence[Role] = ()) -> list[Mention]:
    """Mentions with the small model's worst label errors for speakers undone, by evidence in the text.

    The small NER model tags unfamiliar names as ORG ("Philippa Corrigan") and small places as PERSON
    ("Dalvik"). An entity is a person when some mention of it carries a person cue (:func:`_person_cue`)
    or the article gives it a role; a single-word PERSON entity that is only ever written after a locative
    preposition or with a possessive ("in Skarvik", "Skarvik's mayor") and never with a person cue is a
    place. Decided per entity so every mention of it agrees.
    """
    person: set[str] = {r.entity for r in roles}
    place_votes: dict[str, int] = {}
    plain_votes: dict[str, int] = {}
    for m in mentions:
        if m.label in {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"} and len(m.text.split()) >= 1 and _person_cue(text, m):
            if m.label == "PERSON" or len(m.text.split()) >= 2:
                person.add(m.entity)
        if m.label == "PERSON" and len(m.entity.split()) == 1:
            possessive = re.match(r"['\u2019]s\b", text[m.end : m.end + 3]) is not None
            if _word_before(text, m.start) in LOCATIVE_PREPOSITIONS or possessive or m.text.isupper():
                place_votes[m.entity] = place_votes.get(m.entity, 0) + 1
            else:
                plain_votes[m.entity] = plain_votes.get(m.entity, 0) + 1
    out = []
    for m in mentions:
        if m.entity in person and m.label != "PERSON" and len(m.text.split()) >= 2 and m.text[:1].isupper():
            m = dataclasses.replace(m, label="PERSON")
        elif m.label == "PERSON" and m.entity not in person and place_votes.get(m.entity) and not plain_votes.get(m.entity):
            m = dataclasses.replace(m, label="GPE")
        out.append(m)
    return out
