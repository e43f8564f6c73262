"""Checks a mention's type against how the article uses it: junk dropped, a wrong type fixed, each with a reason.

The small NER model types by the shape of a word, so it calls a platform a person ("posted on Twitter"), a city
a person ("fighting in Kiev"), a credit line a person ("REL"), a person a facility, a product a place ("218,000
Brewline kettles"), and cuts an organisation before its closing bracket ("Industrial Safety Inspectorate (ISI").
Each rule here reads general evidence of English news text, never a list of names:

- **brackets**: a span with an unclosed "(" or "[" is cut before it (the acronym is read separately by
  :func:`storyline.read.entities.acronym_pairs`); a stray closing bracket is trimmed;
- **credit lines and tickers**: a PERSON written in capitals only ("REL", "AP") is not a person's name;
- **places**: a string the article also types GPE/LOC is a place wherever it is typed PERSON or ORG; a lone
  PERSON word after a locative preposition ("in", "near", "across", ...) and not possessive is a place; a
  gazetteer, when given, confirms a place name the model typed PERSON;
- **platforms and products**: a lone PERSON word after "on"/"via" ("said on Telegram") or between a determiner
  and a lower-case noun ("the Telegram messaging app") names a thing, not a person; a lone GPE word the gazetteer
  does not know, that the article never puts after a locative preposition and always uses before a noun
  ("Brewline electric kettles"), is a product;
- **people typed as places**: a FAC/GPE/ORG span that the article also types PERSON, or that a speech verb
  follows ("Barack Obama said"), is a person.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..lang.titles import CORPORATE_SUFFIXES, ORGANISATION_NOUNS
from .entities import RawEnt, fold
from .quotes import SPEECH_VERBS

# A preposition of place right before a name: "in Kiev", "near Odesa", "across Crimea".
_LOCATIVE = re.compile(r"\b(?:in|near|across|throughout|outside|inside|around|into)\s+(?:the\s+)?$", re.I)
# A platform or channel: "posted on Twitter", "via Telegram".
_CHANNEL = re.compile(r"\b(?:on|via)\s+$", re.I)
_DETERMINER = re.compile(r"\b(?:the|a|an|its|their|his|her|our)\s+$", re.I)
# A lower-case word after the name: the name premodifies a noun ("Brewline kettles", "Telegram messaging app").
_NOUN_AFTER = re.compile(r"^\s+(?:\d[\d,.]*\s+)?([a-z][a-z-]+)\b")
_SPEECH_AFTER = re.compile(rf"^\s*,?\s+(?:{SPEECH_VERBS})\b", re.I)
_POSSESSIVE_AFTER = re.compile(r"^['\u2019]s?\b")
_CAPS_ONLY = re.compile(r"^[A-Z][A-Z.&-]*(?:\s+[A-Z][A-Z.&-]*)*$")
# Words after a name that make it a verb's subject or a clause, not a noun's premodifier ("Kiev said", "Brewline
# is"): a premodifier is followed by a noun, so these end the test.
_NOT_NOUN = frozenset(
    "is was are were has had have will would could can may might said says told and or but to of in on at for "
    "with from by as that which who after before than".split()
)
_PAIRS = {"(": ")", "[": "]"}
_ORG_NOUN = "(?:" + "|".join(sorted(map(re.escape, ORGANISATION_NOUNS))) + ")(?:s|es)?"
# "Tarrowby Homes, a timber-frame manufacturer", "Pellam Stores, one of the biggest retailers", "X, which"
# (the noun heads the apposition: "X, a party activist" and "X, a spokesman for the company" are people)
_ORG_APPOSITION = re.compile(
    rf"^\s*,\s+(?:which\b|(?:a|an|the|one\s+of\s+the)\s+"
    rf"(?:(?!(?:of|for|at|with|in|to|on|by|from)\s)[\w\u2019-]+\s+){{0,4}}?{_ORG_NOUN}"
    rf"(?=\s*(?:[,.;:)]|$)|\s+(?:based|in|of|for|that|which|whose|with|from|founded|owned|run|listed)\b))",
    re.I,
)
# "Marlby firm Corvel Space", "engineering group Falcaro Systèmes", "Marlby-based Corvel Space"
_FIRM_BEFORE = "named after a noun for an organisation in the article ('garden tools company X'), and no known place"
_ORG_BEFORE = re.compile(rf"(?:\b{_ORG_NOUN}|\b[A-Z][\w-]*-based)\s+$")
# "the Corran Belle", "the 132-metre Corran Belle", "a Pellam Stores spokesperson": news copy names people bare
_ARTICLE_BEFORE = re.compile(r"\b(?:the|a|an)\s+(?:\d[\w.-]*\s+)?$", re.I)
# "Explainer: why ...", "Photo: ..." at a line's start: a label, not a name
_LABEL = re.compile(r"^\s*:")
# "his X (formerly Twitter) account": a name glossing another inside brackets, a noun after the bracket
_BRACKET_GLOSS = re.compile(r"\(\s*(?:formerly|previously|now|aka|or|also)?\s*$", re.I)
_RENAMED = re.compile(r"\(\s*(?:formerly|previously)\s+$", re.I)  # "X (formerly Twitter)": things are renamed
_AFTER_BRACKET_NOUN = re.compile(r"^\s*\)\s+(?!(?:is|was|are|were|has|had|have|will|said|says|and|or|but)\b)[a-z][a-z-]+\b")
# a preposition that takes a place ("from Kelby", "between Varnley and Tolby", "the streets of Kirkby")
_PLACE_PREP = r"\b(?:in|near|to|from|between|of|at|across|outside|around|into|via)\s+(?:the\s+)?"
# earlier items of a list the preposition governs: "in Tolby, Varnley and Marrowby"
_LIST_BEFORE = r"(?:[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*)*(?:,\s+|\s+and\s+))*"
_HONORIFIC = re.compile(r"\b(?:Mr|Ms|Mrs|Miss|Dr|Sir|Dame|Prof|Professor|Cllr)\.?\s+$")
_AGE_AFTER = re.compile(r"^\s*,\s*\d{1,3}\s*,")
_SUFFIX_AFTER = re.compile(r"^,?\s+(" + "|".join(sorted(CORPORATE_SUFFIXES)) + r")\.?\b", re.I)


@dataclass(frozen=True, slots=True)
class Retyped:
    """What happened to one raw mention, and why (a dropped mention has ``label`` None)."""

    start: int
    end: int
    surface: str
    was: str
    label: str | None
    reason: str


def balance_brackets(text: str, ent: RawEnt) -> tuple[RawEnt | None, str | None]:
    """The span with its brackets balanced: cut before an unclosed opener, trimmed of a stray closer."""
    surface = text[ent.start : ent.end]
    start, end = ent.start, ent.end
    reason = None
    for open_, close in _PAIRS.items():
        depth, cut = 0, None
        for i, ch in enumerate(surface):
            if ch == open_:
                depth += 1
                cut = i if depth == 1 else cut
            elif ch == close:
                if depth == 0 and not surface[i + 1 :].strip():  # "ISI)": the closer ran into the span
                    end = min(end, ent.start + i)
                    reason = f"stray {close!r} trimmed"
                elif depth == 0:  # "ISI) said Kiev": the span began inside a bracket
                    start = ent.start + i + 1
                    reason = f"stray {close!r} trimmed"
                else:
                    depth -= 1
        if depth > 0 and cut is not None:
            end = ent.start + cut
            reason = f"unclosed {open_!r}: cut before it"
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in ".)]"):
        end -= 1
    if end <= start:
        return None, reason or "nothing left"
    return (RawEnt(start, end, ent.label), reason) if reason else (ent, None)


def check_types(
    text: str, ents: Sequence[RawEnt], *, is_place: Callable[[str], bool] | None = None
) -> tuple[list[RawEnt], list[Retyped]]:
    """The mentions with junk dropped and types fixed; the second list says what changed and why.

    ``is_place``: a gazetteer look-up (folded name -> known place), optional; without it only the article's own
    evidence is used.
    """
    labels: dict[str, set[str]] = defaultdict(set)
    for e in ents:
        labels[fold(text[e.start : e.end])].add(e.label)
    surfaces = {fold(text[e.start : e.end]): text[e.start : e.end] for e in ents}
    locative = {key for key, surface in surfaces.items() if _after_locative_anywhere(text, surface)}
    out: list[RawEnt] = []
    changes: list[Retyped] = []

    def change(e: RawEnt, label: str | None, reason: str) -> None:
        changes.append(Retyped(e.start, e.end, text[e.start : e.end], e.label, label, reason))

    for raw in ents:
        ent, why = balance_brackets(text, raw)
        if ent is None:
            change(raw, None, why or "empty")
            continue
        if why:
            change(raw, ent.label, why)
        new, reason = _judge(text, ent, labels, locative, is_place)
        if reason:
            change(ent, new, reason)
        if new is not None:
            out.append(RawEnt(ent.start, ent.end, new))
    # a one-word name the article puts right after a noun for an organisation ("garden tools company X") and no
    # gazetteer knows is an organisation's in every mention the model, or a rule above, took for a place ("shares
    # in X" elsewhere does not make a firm a place)
    firms = {fold(text[e.start : e.end]) for e in out if e.label in {"ORG", "GPE"} and _firm_named(text, e, is_place)}
    for n, e in enumerate(out):
        if e.label == "GPE" and fold(text[e.start : e.end]) in firms:
            change(e, "ORG", _FIRM_BEFORE)
            out[n] = RawEnt(e.start, e.end, "ORG")
    out = _people_inside_names(text, out, labels, change)
    return out, changes


def _people_inside_names(
    text: str, ents: list[RawEnt], labels: dict[str, set[str]], change: Callable[[RawEnt, str | None, str], None]
) -> list[RawEnt]:
    """A person's name the model swallowed into a longer name ("Minister of Harbour Affairs Ana Lind" typed as one
    organisation): its last two capitalised words are a person's when the model types the last one alone as a
    person somewhere and the article uses it as a person's (a speech verb after it, an honorific, an age); the
    surname's own mentions follow."""
    out = list(ents)
    people: set[str] = set()
    for n, e in enumerate(out):
        words = list(re.finditer(r"\S+", text[e.start : e.end]))
        if e.label == "PERSON" or len(words) < 3:
            continue
        first, last = words[-2].group(), words[-1].group()
        if not (first.istitle() and last.istitle()) or {first.lower(), last.lower()} & (ORGANISATION_NOUNS | CORPORATE_SUFFIXES):
            continue
        if "PERSON" in labels.get(fold(last), set()) and _person_evidence(text, last):
            span = RawEnt(e.start + words[-2].start(), e.end, "PERSON")
            change(e, "PERSON", "a person's name at the end of a longer name: the article uses its last word as a person's")
            out[n] = span
            people.add(last)
    for n, e in enumerate(out):
        if e.label != "PERSON" and text[e.start : e.end] in people:
            change(e, "PERSON", "the surname of a person the article names in full")
            out[n] = RawEnt(e.start, e.end, "PERSON")
    return out


def _firm_named(text: str, e: RawEnt, is_place: Callable[[str], bool] | None) -> bool:
    surface = text[e.start : e.end]
    if len(surface.split()) != 1 or (is_place is not None and is_place(fold(surface))):
        return False
    return _ORG_BEFORE.search(text[max(0, e.start - 24) : e.start]) is not None


def _judge(
    text: str,
    ent: RawEnt,
    labels: dict[str, set[str]],
    locative: set[str],
    is_place: Callable[[str], bool] | None,
) -> tuple[str | None, str | None]:
    surface = text[ent.start : ent.end]
    key = fold(surface)
    before = text[max(0, ent.start - 24) : ent.start]
    after = text[ent.end : ent.end + 40]
    lone = len(surface.split()) == 1
    other = labels.get(key, set()) - {ent.label}
    if ent.label == "PERSON":
        if _CAPS_ONLY.match(surface) and any(c.isalpha() for c in surface):
            return None, "capitals only: a credit line, ticker or acronym, not a person's name"
        if other & {"GPE", "LOC"}:
            return "GPE", "typed as a place elsewhere in the article"
        if lone and _opens_sentence(text, ent.start) and re.search(rf"\b{re.escape(surface.lower())}\b", text):
            return None, "a common noun capitalised at the start of a sentence (the article writes it in lower case)"
        if lone and any(label == "ORG" for label in _longer_names(surface, labels)):
            return "ORG", "the first word of an organisation's name in the article"
        if lone and _LABEL.match(after) and _opens_line(text, ent.start):
            return None, "a label before a colon at a line's start (a headline or caption fragment)"
        last = surface.split()[-1].strip(".").lower()
        if (len(surface.split()) > 1 and last in CORPORATE_SUFFIXES) or _SUFFIX_AFTER.match(after):
            return "ORG", "a company's legal suffix ends the name"
        if _ORG_APPOSITION.match(after) or (_ORG_BEFORE.search(before) and not _role_governs(text, ent.start)):
            return "ORG", "in apposition to a noun for an organisation"
        if not lone and any(label == "ORG" for label in _longer_names(surface, labels)):
            return "ORG", "the first words of an organisation's name in the article"
        if (
            is_place is not None
            and is_place(key)
            and not _person_evidence(text, surface)
            and (not lone or re.search(rf"{_PLACE_PREP}{_LIST_BEFORE}{re.escape(surface)}\b", text))
        ):
            return "GPE", "a known place name the article never uses as a person's (no speech verb, honorific or age)"
        if lone and (_RENAMED.search(before) or (_BRACKET_GLOSS.search(before) and _AFTER_BRACKET_NOUN.match(after))):
            return "PRODUCT", "the other name of a thing in brackets before a noun ('X (formerly Twitter) account')"
        if _ARTICLE_BEFORE.search(before) and not _POSSESSIVE_AFTER.match(after):
            noun = _NOUN_AFTER.match(after)
            if lone and noun and _noun_like(noun.group(1)):
                return "PRODUCT", "a determiner before it and a noun after it: it names a thing"
            return "ORG", "an article before it: news copy names a person without one"
        if lone and not _POSSESSIVE_AFTER.match(after):
            noun = _NOUN_AFTER.match(after)
            if _DETERMINER.search(before) and noun and _noun_like(noun.group(1)):
                return "PRODUCT", "a determiner before it and a noun after it: it names a thing"
            if _LOCATIVE.search(before):
                return "GPE", "after a preposition of place"
            if _CHANNEL.search(before):
                return "PRODUCT", "after 'on'/'via': a platform or channel"
            if key in locative:
                return "GPE", "the article puts it after a preposition of place elsewhere"
        return ent.label, None
    if ent.label in {"FAC", "GPE", "ORG", "LOC"}:
        if "PERSON" in other and len(surface.split()) >= 2:
            return "PERSON", "typed as a person elsewhere in the article"
        if ent.label != "ORG" and _SPEECH_AFTER.match(after) and 2 <= len(surface.split()) <= 3:
            return "PERSON", "a speech verb follows: a person speaks"
    if ent.label in {"ORG", "PRODUCT"} and lone and other & {"GPE", "LOC"}:
        return "GPE", "typed as a place elsewhere in the article"
    if ent.label == "ORG" and lone and key in locative and is_place is not None and is_place(key):
        return "GPE", "a known place name after a preposition of place"
    if ent.label == "GPE" and lone and key not in locative and not (is_place and is_place(key)):
        if _premodifies_everywhere(text, surface) and _counted_or_determined(text, surface):
            return "PRODUCT", "never after a preposition of place and always before a noun: a product or brand"
    return ent.label, None


def _after_locative_anywhere(text: str, surface: str) -> bool:
    """Whether the article puts this name after a preposition of place anywhere ("in Kiev"; "in Lind's view" is
    a person's)."""
    if not surface.strip():
        return False
    pattern = rf"\b(?:in|near|across|throughout|outside|inside|around|into)\s+{re.escape(surface)}\b(?!['\u2019]s?\b)"
    return re.search(pattern, text) is not None


def _role_governs(text: str, start: int) -> bool:
    """Whether a role noun shortly before heads the phrase ("the head of Portmere's ferry company Ana Lind")."""
    from .roles import ROLE_NOUNS

    words = re.findall(r"[a-z][\w-]*", text[max(0, start - 60) : start].lower())
    return any(w in ROLE_NOUNS for w in words[-6:])


def _person_evidence(text: str, surface: str) -> bool:
    """Whether some use of the name reads as a person's: a speech verb after it, an honorific before it, an age."""
    for m in re.finditer(rf"\b{re.escape(surface)}\b", text):
        after = text[m.end() : m.end() + 40]
        if _SPEECH_AFTER.match(after) or _AGE_AFTER.match(after) or _HONORIFIC.search(text[max(0, m.start() - 12) : m.start()]):
            return True
    return False


def _opens_line(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t")
    return not before or before[-1] in "\n|"


def _opens_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \"'\u201c\u2018")
    return not before or before[-1] in ".!?\n"


def _longer_names(surface: str, labels: dict[str, set[str]]) -> list[str]:
    """The labels of the article's longer mentions that begin with this word ("Kestrel Home Appliances")."""
    head = fold(surface) + " "
    return [label for key, found in labels.items() if key.startswith(head) for label in found]


def _counted_or_determined(text: str, surface: str) -> bool:
    """Whether some use has a count or a determiner right before it ("218,000 Brewline kettles", "the Brewline
    kettles"): things are counted and determined, a bare place name is not."""
    pattern = rf"(?:\b(?:the|a|an|its|their|his|her|our|of)\s+|\d[\d,.]*\s+(?:[a-z]+\s+)?){re.escape(surface)}\b"
    return re.search(pattern, text) is not None


def _noun_like(word: str) -> bool:
    """A lower-case word that can be the noun a name premodifies: not a function word, not a past-tense verb."""
    return word not in _NOT_NOUN and not word.endswith("ed")


def _premodifies_everywhere(text: str, surface: str) -> bool:
    """Whether every use of the name stands before a noun, never opening a sentence (where a lower-case word
    after a name is most often its verb: "Russia annexed")."""
    uses = list(re.finditer(rf"\b{re.escape(surface)}\b", text))
    if not uses:
        return False
    for m in uses:
        noun = _NOUN_AFTER.match(text[m.end() : m.end() + 40])
        opens = not text[: m.start()].strip() or re.search(r"[.!?]['\"\u201d\u2019]?\s*$", text[: m.start()])
        if not noun or not _noun_like(noun.group(1)) or opens:
            return False
    return True
