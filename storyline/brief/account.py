"""The account: what happened, told from the sentences the most independent origins support.

The account is extractive. Every sentence the comparison aligned (an ``event`` fact: its representative sentence
with one citation per agreeing article) is a candidate; the account keeps the candidates that

1. state the event rather than background or opinion (:class:`Salience`): a news lead names who did what, where,
   when and how many, so figures, days and places count for a sentence; a copular title sentence ("X is the head
   of Y"), a sentence that is mostly a quotation, a question and an opinion (first person or a modal of obligation
   outside quotation marks) do not lead;
2. are supported by the most independent origins (copies count once): each cited span must carry every name,
   number, place and date of the sentence (the :class:`~storyline.brief.checker.CitationChecker` decides; an
   aligned paraphrase may stand for the sentence as it may for a key fact).

A story told by one origin gets its news lead: the first substantive sentences of its earliest article.
Where outlets disagree on a figure, place, date or title that a kept sentence states, the other side follows
inline as its own cited sentence ("By the account of one other outlet: “injured 15”."), never a verdict.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..records import BriefSentence, Citation, Conflict, Fact
from .checker import CitationChecker
from .inputs import StoryAnalysis, squash

# How many of an article's first substantive sentences count as its lead (news writing puts who/what/where/when
# in the first one to three sentences; fitted by reading the demo and newsdesk briefs).
LEAD_WINDOW = 3
# The account's length: a lead plus up to three supporting sentences (a brief is read in under a minute).
MAX_ACCOUNT = 4
# Two account sentences sharing this share of their content words say the same thing; the second is left out.
REPEAT_SHARE = 0.6
# Fewer words than this is a headline fragment, dateline or credit line, not a sentence of the account.
MIN_WORDS = 6

# Cues of opinion outside quotation marks (first/second person, obligation); language data of English news.
_OPINION = re.compile(r"\b(I|we|our|us|you|your|should|must|ought)\b", re.I)
# A copula after the subject: the shape of a title sentence ("X is the head of Y", "Y was X's minister").
_COPULA = re.compile(r"^[^,;:]{2,80}?\b(is|are|was|were)\b\s+(?:the\s+|a\s+|an\s+)?", re.I)
_QUOTE_MARKS = re.compile(r"[\"“”]")
_WORD = re.compile(r"[A-Za-z0-9]+")
_STOP = frozenset(
    "a an the and or but of to in on at by for with from as is are was were be been has have had that this "
    "which who it its their his her they he she said says will would could after before than more".split()
)


@dataclass(frozen=True)
class Salience:
    """What a candidate sentence states, read from the article's reading of its span."""

    position: int  # index among its article's substantive sentences (0 = the lead)
    figures: int  # amounts in the sentence
    days: int  # dates of day granularity
    places: int
    background: bool  # a title sentence
    opinion: bool
    quoted: bool  # mostly a quotation
    substantive: bool  # a full sentence (not a headline fragment, dateline or credit line)

    @property
    def importance(self) -> int:
        """Figures, days and places make an event sentence; background and opinion never lead."""
        if not self.substantive or self.background or self.opinion or self.quoted:
            return -1
        return min(self.figures, 2) + min(self.days, 1) + min(self.places, 1) + (2 if self.position < LEAD_WINDOW else 0)

    @property
    def event(self) -> bool:
        return self.importance >= 0


def salience(analysis: StoryAnalysis, cite: Citation, text: str) -> Salience:
    """The :class:`Salience` of ``text``, the sentence ``cite`` points at."""
    reading = analysis.readings.get(cite.article_id)
    inside = (lambda s, e: cite.start <= s and e <= cite.end)  # noqa: E731
    figures = days = places = 0
    quoted_chars = 0
    position = 0
    role_inside = False
    if reading is not None:
        figures = sum(1 for a in reading.amounts if inside(a.start, a.end))
        days = sum(1 for d in reading.dates if inside(d.start, d.end) and d.granularity == "day")
        places = sum(1 for p in reading.places if inside(p.start, p.end))
        quoted_chars = sum(min(q.end, cite.end) - max(q.start, cite.start) for q in reading.quotes
                           if q.start < cite.end and q.end > cite.start)  # fmt: skip
        role_inside = any(inside(r.start, r.end) for r in reading.roles)
        body = analysis.articles[cite.article_id].text if cite.article_id in analysis.articles else ""
        position = sum(1 for s, e in reading.sentences if e <= cite.start and _substantive(body[s:e]))
    words = _WORD.findall(text)
    outside = _QUOTE_MARKS.split(text)[::2]  # the text outside quotation marks
    opinion = any(_OPINION.search(part) for part in outside) or text.rstrip().endswith("?")
    background = bool(role_inside and _COPULA.match(text) and not figures and not days)
    quoted = quoted_chars > 0.5 * max(1, cite.end - cite.start) or len(_QUOTE_MARKS.findall(text)) >= 2 and (
        sum(len(p) for p in _QUOTE_MARKS.split(text)[1::2]) > 0.5 * len(text)
    )
    return Salience(position, figures, days, places, background, opinion, quoted, len(words) >= MIN_WORDS)


def _substantive(text: str) -> bool:
    return len(_WORD.findall(text)) >= MIN_WORDS


def content(text: str) -> set[str]:
    """Content words (5-letter stems) of a text."""
    return {w[:5] for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP and len(w) > 2}


class AccountWriter:
    """Writes the account of an analysed story (see the module docstring)."""

    def __init__(self, *, max_sentences: int = MAX_ACCOUNT) -> None:
        self.max_sentences = max_sentences

    def write(self, analysis: StoryAnalysis, checker: CitationChecker) -> list[BriefSentence]:
        candidates = []
        for fact in analysis.facts:
            if fact.kind not in ("event", "slot") or not fact.citations:
                continue
            text = squash(fact.text)
            rep = fact.citations[0]
            sal = salience(analysis, rep, text)
            if fact.kind == "event" and not sal.event:
                continue
            cites = self._supporting(text, fact, analysis, checker)
            if not cites:
                continue
            # the origins that state this event: those whose sentence the comparison aligned with it, agreeing
            # or not (a contested figure is still the same event), plus those whose span supports it as written
            stating = set(fact.origins) | {analysis.origins.get(c.article_id, c.article_id) for c in cites}
            importance = sal.importance if fact.kind == "event" else 2
            order = analysis.story.article_ids.index(rep.article_id) if rep.article_id in analysis.story.article_ids else 0
            candidates.append((-len(stating), -importance, sal.position, order, rep.start, text, cites, fact))
        candidates.sort(key=lambda c: c[:5])
        several = analysis.independent_origins >= 2
        out: list[BriefSentence] = []
        used: set[tuple[str, int]] = set()
        seen: list[set[str]] = []
        for _neg, _imp, _pos, _order, _start, text, cites, fact in candidates:
            if len(seen) >= self.max_sentences:  # the other sides of a disagreement do not count
                break
            keys = {(c.article_id, c.start) for c in cites}
            words = content(text)
            if keys & used or any(len(words & s) >= REPEAT_SHARE * max(1, min(len(words), len(s))) for s in seen):
                continue
            others = self._disagreement(fact, cites, analysis, checker)
            supported = len({analysis.origins.get(c.article_id, c.article_id) for c in cites})
            if several and out and supported < 2 and not others:
                continue  # beyond the lead, a multi-origin story's account states what two origins support
            used |= keys
            seen.append(words)
            out.append(BriefSentence(text, cites, "account"))
            out += others
        return out

    def _supporting(
        self, text: str, fact: Fact, analysis: StoryAnalysis, checker: CitationChecker
    ) -> tuple[Citation, ...]:
        """The fact's citations (and the closely aligned ones) whose spans support ``text`` as the checker reads it."""
        pool = list(fact.citations) + [c for c in analysis.close.get(fact.id, ()) if c not in fact.citations]
        return tuple(dict.fromkeys(c for c in pool if checker.supports(text, c, paraphrase=fact.kind == "event")))

    def _disagreement(
        self, fact: Fact, cites: Sequence[Citation], analysis: StoryAnalysis, checker: CitationChecker
    ) -> list[BriefSentence]:
        """The other side of each conflict on a value this sentence states, cited to the outlets that give it.

        Values given by the same outlets are told in one sentence ("One other outlet gives “Eastvale” and “on
        Wednesday”."); a count is written in words, so the checker never asks a span for it.
        """
        own = {c.article_id for c in cites}
        sides: dict[frozenset[str], tuple[list[str], list[Citation]]] = {}
        for conflict in _conflicts_of(fact, analysis.conflicts):
            for value in conflict.values:
                phrase = squash(value.text).strip(" ,;:.")
                if own & set(value.article_ids) or not value.citations or not phrase:
                    continue
                phrases, side_cites = sides.setdefault(frozenset(value.article_ids), ([], []))
                if phrase not in phrases:
                    phrases.append(phrase)
                side_cites.extend(c for c in value.citations if c not in side_cites)
        out = []
        for article_ids, (phrases, side_cites) in sides.items():
            n = len({analysis.origins.get(a, a) for a in article_ids})
            who = "One other outlet gives" if n == 1 else f"Other outlets ({_count_word(n)}) give"
            text = f"{who} " + " and ".join(f"“{p}”" for p in phrases) + "."
            keep = tuple(c for c in side_cites if checker.supports(text, c))
            if keep:
                out.append(BriefSentence(text, keep, "account"))
        return out


def _conflicts_of(fact: Fact, conflicts: Sequence[Conflict]) -> list[Conflict]:
    ids = set(fact.conflict_ids)
    return [c for c in conflicts if not c.update and (c.id in ids or c.fact_id == fact.id)]


_COUNT_WORDS = "zero one two three four five six seven eight nine ten".split()


def _count_word(n: int) -> str:
    """A count in words: digits would read as a figure the cited spans must carry."""
    return _COUNT_WORDS[n] if n < len(_COUNT_WORDS) else "several"
