"""Who said a quote, read from the dependency parse of the sentences around it.

The reader's main spaCy pass has no parser (see :mod:`storyline.read.nlp`). Attribution is where syntax decides:
in "Brynjarsson, a former minister who heads the Leave camp, Free Harbour, told supporters ..." the one
who told is the head of the subject, not the name nearest the verb. So a second, small pipeline (the same model's
``tok2vec``, ``tagger`` and ``parser``) parses only the sentences around quotation marks -- the quote's own
sentences, one after them and a few before them for pronouns -- and this module answers two questions on it:

* :meth:`Syntax.frame`: the verb outside a quote that governs it (its speech verb, climbing from a reported
  clause to the verb that reports it: "X said the firm would be 'the backbone ...'" -> said) and that verb's
  subject;
* :meth:`Syntax.subjects`: the subjects of a sentence's main clauses, for what "he" or "she" refers to (in news
  copy, the person the sentence before was about).

Spans are character offsets in the article; the speaker lookup maps them onto the article's mentions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..lang.words import SPEECH_NOUNS, SPEECH_WITH_IT, SPEECH_WORDS
from .nlp import load_nlp

PARSER_COMPONENTS = ("tok2vec", "tagger", "parser")
#: Sentences before a quote parsed for pronoun antecedents (the quote's own sentence not counted).
LOOKBACK_SENTENCES = 1  # newsdesk: 3 gave the same speakers for 80% of the text parsed instead of 68%
#: How many heads a quote's attachment climbs through reported clauses to reach its speech verb.
MAX_CLIMB = 4  # "X said [that the firm wanted [Y to become ['the backbone']]]": three; fitted on newsdesk
PRONOUNS = frozenset({"he", "she", "they"})
#: Possessive pronouns as the pronoun they stand for ("his line that ..." -> he).
POSSESSIVES = {"his": "he", "her": "she", "their": "they"}
#: How many heads above a quote a noun for something said is looked for ("X's line about engineers who should
#: not have to 'cross ...'": have -> engineers -> about -> line).
MAX_NOUN_CLIMB = 4  # fitted on newsdesk (three steps in the longest case)
#: Characters between a lead-in paragraph and the quote paragraph after it: a paragraph break, some spaces.
PARAGRAPH_GAP = 4
_SUBJECT_DEPS = ("nsubj", "nsubjpass")
_CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "conj", "advcl", "parataxis", "dep"})
_COPULAS = frozenset({"be", "is", "was", "were", "are", "been", "being", "'s", "seem", "seemed", "seems"})


def load_parser(model: str):  # -> spacy.Language
    """The model's tagger and dependency parser on its own ``tok2vec`` (no NER, no lemmatizer)."""
    return load_nlp(model, PARSER_COMPONENTS)


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    text: str
    tag: str


@dataclass(frozen=True, slots=True)
class Subject:
    """A clause's subject: its head word, the phrase in front of the head (compounds, determiner, possessor) and
    the heads of proper-noun appositions ("the mayor, Sigrun X," -> X)."""

    head: Span
    phrase: Span
    appositions: tuple[Span, ...] = ()
    compounds: tuple[Span, ...] = ()
    names: tuple[Span, ...] = ()  # proper nouns conjoined with the head ("founder and chief executive Jo Bloggs")
    owners: tuple[Span, ...] = ()  # what the head is "for", "of" or "at" ("a spokesperson for the office" -> office)

    @property
    def pronoun(self) -> str | None:
        word = self.head.text.lower()
        word = POSSESSIVES.get(word, word) if self.head.tag == "PRP$" else word
        return word if word in PRONOUNS else None


@dataclass(frozen=True, slots=True)
class Frame:
    verb: Span
    subject: Subject | None
    speech: bool  # the verb is a speech verb (else the quote is its object after a colon)


@dataclass
class Syntax:
    """The parsed windows of one article: ``(offset in the article, spaCy Doc)`` pairs."""

    docs: list[tuple[int, Any]] = field(default_factory=list)

    def _doc_at(self, offset: int) -> tuple[int, Any] | None:
        for base, doc in self.docs:
            if base <= offset < base + len(doc.text):
                return base, doc
        return None

    def frame(self, open_at: int, close_at: int) -> Frame | None:
        """The verb outside the quote marked ``open_at``..``close_at`` that governs it, and its subject."""
        found = self._doc_at(open_at)
        if found is None:
            return None
        base, doc = found

        def inside(tok: Any) -> bool:
            return open_at <= base + tok.idx <= close_at

        attached = [t for t in doc if inside(t) and t.head is not t and not inside(t.head) and not t.is_punct]
        colon = _colon_before(doc.text, open_at - base)
        for tok in attached:
            verb = tok.head
            for _ in range(MAX_CLIMB):
                if not verb.tag_.startswith("VB") and verb.dep_ in {"acl", "relcl", "pobj", "prep"}:
                    verb = verb.head if verb.head is not verb else verb
                if verb.tag_.startswith("VB") and not inside(verb) and _is_speech(verb):
                    return Frame(self._span(base, verb), self._subject(base, verb), True)
                if verb.head is verb or verb.dep_ not in _CLAUSE_DEPS or inside(verb.head):
                    break
                verb = verb.head
            noun = _speech_noun(tok.head, inside)
            if noun is not None:  # "X's line that '...'": the one the words belong to
                owner = next(c for c in noun.children if c.dep_ == "poss")
                return Frame(self._span(base, noun), self._subject_from(base, owner), True)
            first = tok.head
            if colon and first.tag_.startswith("VB") and first.text.lower() not in _COPULAS and first.i < tok.i:
                return Frame(self._span(base, first), self._subject(base, first), False)
        # the quote is the sentence's main clause and the speech verb hangs from it ("As the agency put it: '...'")
        for tok in doc:
            if not inside(tok) and inside(tok.head) and tok.dep_ in {"advcl", "parataxis"} and _is_speech(tok):
                return Frame(self._span(base, tok), self._subject(base, tok), True)
        return self._lead_in(base, doc, open_at)

    def _lead_in(self, base: int, doc: Any, open_at: int) -> Frame | None:
        """A quote opening its paragraph after a paragraph that ends with a colon ("X, chair of Y, said:"): the
        speech verb of the lead-in's last sentence."""
        if doc.text[: open_at - base].strip():
            return None
        before = [(b, d) for b, d in self.docs if b + len(d.text) <= open_at]
        if not before:
            return None
        b, d = before[-1]
        if not d.text.rstrip().endswith(":") or open_at - (b + len(d.text)) > PARAGRAPH_GAP:
            return None
        last = list(d.sents)[-1]
        verb = last.root
        if verb.tag_.startswith("VB") and _is_speech(verb):
            return Frame(self._span(b, verb), self._subject(b, verb), True)
        return None

    def subjects_before(
        self, offset: int, sentences: int, quoted: Callable[[int], bool] | None = None
    ) -> list[tuple[int, int, list[Subject]]]:
        """The parsed sentences before ``offset`` (the one holding it cut there), nearest first, at most
        ``sentences`` of them counted (a sentence ``quoted`` at its first and last character is listed but not
        counted: quoted speech introduces no one): each as ``(start, end, subjects of its main clauses in text
        order)``."""
        out: list[tuple[int, int, list[Subject]]] = []
        counted = 0
        for base, doc in reversed(self.docs):
            if base >= offset:
                continue
            for sent in reversed(list(doc.sents)):
                if base + sent.start_char >= offset:
                    continue
                subjects = [
                    self._subject_from(base, tok) for tok in sent
                    if base + tok.idx < offset and tok.dep_ in _SUBJECT_DEPS and tok.head.dep_ in {"ROOT", "conj"}
                ]
                # "..., the minister, X, who said on Monday that ...": the one a relative clause reports speaking
                subjects += [
                    self._subject_from(base, tok.head.head) for tok in sent
                    if base + tok.idx < offset and tok.dep_ == "nsubj" and tok.lower_ in {"who", "that"}
                    and tok.head.dep_ == "relcl" and _is_speech(tok.head) and tok.head.head.tag_.startswith("NN")
                ]
                start, end = base + sent.start_char, min(offset, base + sent.end_char)
                if out and out[-1][0] - (base + sent.end_char) > PARAGRAPH_GAP:
                    return out  # text left unparsed in between: the parse has no more of what came before
                out.append((start, end, subjects))
                counted += not (quoted is not None and quoted(start) and quoted(max(start, end - 1)))
                if counted >= sentences:
                    return out
        return out

    def _span(self, base: int, tok: Any) -> Span:
        return Span(base + tok.idx, base + tok.idx + len(tok.text), tok.text, tok.tag_)

    def _phrase(self, base: int, tok: Any) -> Span:
        """``tok`` with the compound words in front of it ("Ilse Darrow" for the head "Darrow")."""
        first = tok
        while first.i > 0 and first.doc[first.i - 1].dep_ == "compound" and first.doc[first.i - 1].head.i >= first.i:
            first = first.doc[first.i - 1]
        return Span(base + first.idx, base + tok.idx + len(tok.text), tok.doc[first.i : tok.i + 1].text, tok.tag_)

    def _subject(self, base: int, verb: Any) -> Subject | None:
        for _ in range(3):
            for child in verb.children:
                if child.dep_ in _SUBJECT_DEPS:
                    return self._subject_from(base, child)
            # "... visited Varnley and said", "..., declaring:": the subject of the verb it hangs from
            if verb.dep_ in {"conj", "advcl", "xcomp"} and verb.head is not verb:
                verb = verb.head
                continue
            return None
        return None

    def _subject_from(self, base: int, head: Any) -> Subject:
        left = [c for c in head.lefts if c.dep_ in {"compound", "det", "amod", "poss", "nmod", "case"}]
        first = min([head, *(t for c in left for t in c.subtree)], key=lambda t: t.i)
        phrase_text = head.doc[first.i : head.i + 1]
        appos = tuple(self._phrase(base, c) for c in head.children if c.dep_ == "appos" or _loose_apposition(c))
        compounds = tuple(self._span(base, c) for c in head.lefts if c.dep_ in {"compound", "poss"})
        names = tuple(
            self._span(base, t) for c in head.children if c.dep_ in {"conj", "appos"}
            for t in c.subtree if t.tag_ == "NNP" and t.dep_ not in {"compound", "poss", "pobj"}
        )
        owners = tuple(
            self._phrase(base, g) for c in head.children if c.dep_ == "prep" and c.lower_ in {"for", "of", "at"}
            for g in c.children if g.dep_ == "pobj"
        )
        return Subject(
            self._span(base, head),
            Span(base + first.idx, base + head.idx + len(head.text), phrase_text.text, head.tag_),
            appos,
            compounds,
            names,
            owners,
        )


def _is_speech(verb: Any) -> bool:
    word = verb.text.lower()
    return word in SPEECH_WORDS or (word in SPEECH_WITH_IT and any(c.dep_ == "dobj" and c.lower_ == "it" for c in verb.children))


def _loose_apposition(tok: Any) -> bool:
    """A name set off by commas that the parser hung as a modifier, not an apposition ("Our warden, Jo Bloggs,")."""
    i = tok.i
    first = i
    while first > 0 and tok.doc[first - 1].dep_ == "compound" and tok.doc[first - 1].head.i == i:
        first -= 1
    return (
        tok.dep_ == "npadvmod" and tok.tag_ == "NNP" and first > 0 and tok.doc[first - 1].text == ","
        and i + 1 < len(tok.doc) and tok.doc[i + 1].text == ","
    )


def _speech_noun(tok: Any, inside: Any) -> Any | None:
    """A noun for something said, outside the quote, with a possessor, at or above ``tok``: the quote's own noun
    ("the judge's observation that ...") or the subject of a verb above it ("X's line was that '...'")."""
    for _ in range(MAX_NOUN_CLIMB):
        if inside(tok):
            return None
        candidates = [tok]
        if tok.tag_.startswith("VB"):  # "X's line was that '...'", "the judge's remark that '...' will be read"
            candidates += [c for c in tok.children if c.dep_ in _SUBJECT_DEPS]
        for c in candidates:
            if c.text.lower() in SPEECH_NOUNS and any(x.dep_ == "poss" for x in c.children):
                return c
        if tok.head is tok or (tok.tag_.startswith("VB") and _is_speech(tok)):
            return None
        tok = tok.head
    return None


def _colon_before(text: str, at: int) -> bool:
    return text[:at].rstrip().endswith(":")


def paragraph_sentences(text: str, sentences: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """``sentences`` cut at paragraph breaks (the model's sentences may run over one), white space trimmed."""
    out = []
    for s, e in sentences:
        for m in re.finditer(r"[^\n]+", text[s:e]):
            piece = m.group()
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                out.append((s + m.start() + lead, s + m.start() + len(piece.rstrip())))
    return out


def windows(sentences: Sequence[tuple[int, int]], quotes: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character ranges to parse: for each quote its sentences, the one after, and ``LOOKBACK_SENTENCES`` before;
    overlapping ranges merged."""
    from .entities import sentence_index

    if not sentences:
        return []
    ranges = []
    for open_at, close_at in quotes:
        si = sentence_index(sentences, open_at)
        ei = sentence_index(sentences, max(open_at, close_at - 1))
        lo = max(0, si - LOOKBACK_SENTENCES)
        hi = min(len(sentences) - 1, ei + 1)
        ranges.append((sentences[lo][0], sentences[hi][1]))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(ranges):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def parse_windows(nlp: Any, text: str, ranges: Sequence[tuple[int, int]]) -> Syntax:
    """Parse ``text[s:e]`` for each range, one paragraph at a time (a paragraph break ends every clause; one
    ``nlp.pipe`` call for them all)."""
    pieces = []
    for s, e in ranges:
        for m in re.finditer(r"[^\n]+", text[s:e]):
            if m.group().strip():
                pieces.append((s + m.start(), s + m.end()))
    docs = list(nlp.pipe(text[s:e] for s, e in pieces)) if pieces else []
    return Syntax([(s, doc) for (s, _e), doc in zip(pieces, docs, strict=True)])
