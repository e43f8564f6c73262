"""Who a noun phrase naming a speaker stands for: "the envoy" (the article's only envoy), "the Norwegian
minister" (the nearest person before it whose titles name no other nation), "his brother" (only a person named
so), "the agency" (the one organisation named so: "the Marine Agency"), "the company" (the organisation the
copy has had speaking or acting).

:class:`NounPhrases` is a part of :class:`storyline.read.quotes.Attributor`, which holds the article's text,
mentions, roles and parse.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..lang.words import KIN_NOUNS, PERSON_NOUNS
from ..records import Mention
from .entities import antecedent
from .people import ORG_NOUNS, PERSONAL_NOUNS, _word_before
from .roles import ROLE_NOUNS
from .syntax import Span, Syntax

_WORD = re.compile(r"[\w'\u2019-]+")
#: How many parsed sentences back "the company" looks for an organisation that was a clause's subject.
ORG_LOOKBACK = 8  # the window of the plain nearest-organisation look-up (entities.antecedent, window=8)
_PERSONAL_NOUNS = PERSONAL_NOUNS | PERSON_NOUNS


@dataclass(frozen=True, slots=True)
class Speaker:
    key: str | None
    start: int | None
    end: int | None
    cue: str | None
    post: bool = False


class NounPhrases:
    """The noun-phrase part of the speaker lookup (state kept by :class:`storyline.read.quotes.Attributor`)."""

    text: str
    mentions: list[Mention]
    sentences: list[tuple[int, int]]
    syntax: Syntax | None
    role_heads: dict[str, set[str]]
    titles: dict[str, list[str]]
    _nations: set[str]
    _in_quote: Callable[[int], bool]

    def _mention_at(self, offset: int) -> Mention | None:
        for m in self.mentions:
            if m.start <= offset < m.end:
                return m
        return None

    def _org_named(self, phrase: Span) -> Mention | None:
        """An organisation the article tags elsewhere, written at ``phrase`` where the model did not tag it."""
        name = re.sub(r"^(?:the|The)\s+", "", phrase.text)
        return next((m for m in self.mentions if m.label == "ORG" and m.entity == name), None)

    def _nominal(self, start: int, end: int) -> Speaker | None:
        """The one a definite noun phrase stands for: "the envoy" (the article's only envoy), "the
        Norwegian minister" (the nearest person before it), "the company" / "a spokesperson for the
        office" (the nearest organisation before it)."""
        words = _WORD.findall(self.text[start:end].lower())
        for w in words[::-1]:
            owners = self.role_heads.get(w)
            if owners and len(owners) == 1 and not self._other_nation(start, end, next(iter(owners))):
                return Speaker(next(iter(owners)), start, end, None)
        if not words:
            return None
        phrase = " ".join(words)
        head = words[-1]
        of = re.search(r"\b(?:for|of|at)\s+(?:the\s+)?([\w-]+)$", phrase)
        if of and words[0] in ORG_NOUNS - _PERSONAL_NOUNS | {"spokesperson", "spokesman", "spokeswoman"}:
            head = of.group(1)  # "a spokesperson for the office"
        elif len(words) >= 3 and words[-2] in {"for", "of", "at"}:
            head = words[-1]
        if head in ORG_NOUNS and head not in {"spokesperson", "spokesman", "spokeswoman"}:
            # "the agency": the one organisation named so before it ("the Marine Agency")
            named = {m.entity for m in self.mentions if m.end <= start and m.label == "ORG" and not self._in_quote(m.start)
                     and head in m.entity.lower().split()}  # fmt: skip
            if len(named) == 1:
                return Speaker(next(iter(named)), start, end, None)
            if self.syntax is not None:  # "the company": the organisation the copy has had speaking or acting
                for _s, _e, subjects in self.syntax.subjects_before(start, ORG_LOOKBACK):
                    for subj in subjects:
                        m = self._mention_at(subj.head.start) or self._org_named(subj.phrase)
                        if m and m.label == "ORG" and subj.head.tag in {"NNP", "NNPS"} and not self._in_quote(m.start):
                            return Speaker(m.entity, start, end, None)
            ant = antecedent(self.mentions, self.sentences, start, labels=frozenset({"ORG"}), skip=self._in_quote, window=8)
            return Speaker(ant.entity, start, end, None) if ant else None
        kin = head in KIN_NOUNS
        person_head = kin or head in _PERSONAL_NOUNS or (head.endswith("s") is False and head in ROLE_NOUNS)
        if person_head:
            owners = self.role_heads.get(head) or set()
            near = [m for m in self.mentions if m.end <= start and m.label == "PERSON" and not self._in_quote(m.start)]
            if not owners:  # "the judge": the one person the article titled so ("Judge Edda Brennick")
                titled = {m.entity for m in near if _word_before(self.text, m.start) == head
                          or m.text.lower().startswith(head + " ")}  # fmt: skip
                owners = titled if len(titled) == 1 else owners
            if kin and not owners:
                return None  # "his brother" is never the person before it
            if self._nations_in(self.text[start:end]):  # "the Norwegian minister": one titled so, else anyone
                owners = {o for o in owners if self._nations_in(self.text[start:end]) & self._titled_nations(o)}
            for m in reversed(near):
                if (not owners or m.entity in owners) and not self._other_nation(start, end, m.entity):
                    return Speaker(m.entity, start, end, None)
        return None

    def _nations_in(self, text: str) -> set[str]:
        return set(_WORD.findall(text)) & self._nations

    def _titled_nations(self, key: str) -> set[str]:
        return {w for title in self.titles.get(key, ()) for w in self._nations_in(title)}

    def _other_nation(self, start: int, end: int, key: str) -> bool:
        """The phrase at ``start:end`` names a nationality ("the Norwegian minister") and the person ``key``'s
        titles name another one ("Chilean Foreign Minister")."""
        phrase, titled = self._nations_in(self.text[start:end]), self._titled_nations(key)
        return bool(phrase) and bool(titled) and not titled & phrase

    def _nominal_before(self, start: int, end: int) -> Speaker | None:
        window = self.text[start:end]
        for m in re.finditer(r"\b(?:the|The)\s+((?:[\w'\u2019-]+\s+){0,3}[\w'\u2019-]+)\s*$", window):
            return self._nominal(start + m.start(1), start + m.end(1))
        return None
