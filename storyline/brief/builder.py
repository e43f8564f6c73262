"""Assembles a :class:`~storyline.records.Brief` from a :class:`StoryAnalysis`, every sentence checked.

The account comes from :class:`~storyline.brief.account.AccountWriter`; this module adds the **key facts**
(ranked by independent origins, then importance), **conflicts** and **updates** (each value with the outlets that
give it, named by what is contested: "title of Hugo Ferrant"), **quote versions** (named by speaker),
the **timeline** and the **sources** with the copy tree. While building, a citation that does not support its
sentence is dropped and a sentence left without support is not emitted; the finished brief is checked again in
full, and an unsupported sentence makes generation fail with a :class:`~storyline.errors.StageError` naming it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ..lang.words import FUNCTION_WORDS
from ..records import Brief, BriefItem, BriefSentence, BriefSource, Citation, Conflict, Fact, QuoteGroup
from .account import MAX_ACCOUNT, AccountWriter, salience
from .checker import CitationChecker, check_brief
from .inputs import StoryAnalysis, squash

_tidy = squash  # how a fact's text is written in a brief (and keyed among the comparison's paraphrases)


class BriefBuilder:
    """Assembles a brief from an analysis; ``max_account`` / ``max_facts`` keep it short."""

    def __init__(self, *, max_account: int = MAX_ACCOUNT, max_facts: int = 12) -> None:
        self.max_account = max_account
        self.max_facts = max_facts

    def build(self, analysis: StoryAnalysis) -> Brief:
        checker = CitationChecker(analysis.articles, analysis.readings, analysis.entities)
        self._checker = checker
        self._analysis = analysis
        self.dropped = 0
        account = AccountWriter(max_sentences=self.max_account).write(analysis, checker)
        key_facts = self._key_facts(analysis)
        conflicts = self._conflicts([c for c in analysis.conflicts if not c.update])
        updates = self._conflicts([c for c in analysis.conflicts if c.update])
        quotes = self._quotes(analysis.quote_groups)
        timeline = self._timeline(analysis)
        brief = Brief(
            story_id=analysis.story.id,
            title=_title(analysis, account),
            account=tuple(account),
            key_facts=tuple(key_facts),
            conflicts=tuple(conflicts),
            quotes=tuple(quotes),
            timeline=tuple(timeline),
            sources=tuple(self._sources(analysis)),
            independent_origins=analysis.independent_origins,
            updates=tuple(updates),
        )
        check_brief(brief, checker)
        return brief

    def _supported(self, text: str, citations: Sequence[Citation], *, paraphrase: bool = False) -> BriefSentence | None:
        """The sentence with the citations that support it, or None (counted in ``dropped``).

        ``paraphrase``: a key fact, which the aligned paraphrases of other outlets may support too.
        """
        keep = tuple(dict.fromkeys(c for c in citations if self._checker.supports(text, c, paraphrase=paraphrase)))
        if not keep:
            self.dropped += 1
            return None
        return BriefSentence(text, keep)

    def _key_facts(self, analysis: StoryAnalysis) -> list[BriefItem]:
        # ranked by support (independent origins), then importance: event sentences (figures, days, places, the
        # lead) before background, opinion and quotations, which come last and only when room is left
        scored = []
        leads: dict[str, list[int]] = {}
        for f in analysis.facts:
            if f.kind != "event" or not f.citations or f.text.rstrip().endswith("?"):
                continue
            sal = salience(analysis, f.citations[0], _tidy(f.text), leads)
            scored.append(((not sal.event, -len(set(f.origins)), -sal.importance, sal.position, _position(f)), f))
        facts = [f for _, f in sorted(scored, key=lambda x: x[0])]
        out = []
        for fact in facts:
            # an agreed fact cites one sentence per agreeing origin, in that outlet's own words
            sentence = self._supported(_tidy(fact.text), fact.citations, paraphrase=True)
            if sentence is None:
                continue
            out.append(BriefItem(replace(sentence, section="fact"), fact.status, fact.article_ids, fact.id))
            if len(out) >= self.max_facts:
                break
        return out

    def _conflicts(self, conflicts: Sequence[Conflict]) -> list[BriefItem]:
        out = []
        for c in conflicts:
            items = []
            for v in c.values:
                text = _tidy(v.text)
                if c.kind == "date":
                    text = f"{text} ({v.value})"
                elif c.kind == "quote_wording":
                    text = f"“{text}”"
                sentence = self._supported(text, v.citations)
                if sentence is not None:
                    items.append(
                        BriefItem(replace(sentence, section="conflict"), c.kind, v.article_ids, c.id, _subject(c.subject))
                    )
            if len({a for i in items for a in i.article_ids}) >= 2 and len(items) >= 2:
                out.extend(items)
        return out

    def _quotes(self, groups: Sequence[QuoteGroup]) -> list[BriefItem]:
        out = []
        for g in groups:
            for v in g.versions:
                sentence = self._supported(f"“{_tidy(v.text)}”", [Citation(v.article_id, v.start, v.end, v.outlet)])
                if sentence is None:
                    continue
                flags = ", ".join(v.flags) or None
                speaker = v.speaker or g.speaker
                subject = f"quote by {speaker}" if speaker else "quote, speaker not named"
                out.append(BriefItem(replace(sentence, section="quote"), flags, (v.article_id,), g.id, subject))
        return out

    def _timeline(self, analysis: StoryAnalysis) -> list[BriefItem]:
        out = []
        for ev in analysis.timeline:
            when = ev.when
            text = f"{when}: {_tidy(ev.text)}" if ev.granularity == "day" else _tidy(ev.text)
            sentence = self._supported(text, ev.citations)
            if sentence is None:
                continue
            out.append(BriefItem(replace(sentence, section="timeline"), when, ev.article_ids, "earlier" if ev.earlier else None))
        return out

    def _sources(self, analysis: StoryAnalysis) -> list[BriefSource]:
        out = []
        for aid in analysis.story.article_ids:
            a = analysis.articles.get(aid)
            if a is None:
                continue
            link = analysis.copies.get(aid)
            out.append(
                BriefSource(
                    aid, a.outlet, a.title, a.url, a.published,
                    (link.copy_of or link.credited_url) if link else None, link.kind if link else None,
                    analysis.origins.get(aid, aid),
                )
            )  # fmt: skip
        return out


def _position(fact: Fact) -> tuple[str, int]:
    c = fact.citations[0]
    return (c.article_id, c.start)


def _first_title(analysis: StoryAnalysis) -> str:
    for aid in analysis.story.article_ids:
        a = analysis.articles.get(aid)
        if a and a.title:
            return a.title
    return ""


def build_brief(analysis: StoryAnalysis, **options: Any) -> Brief:
    """The checked brief of one analysed story (raises :class:`StageError` on an unsupported sentence)."""
    return BriefBuilder(**options).build(analysis)




def _subject(subject: str) -> str:
    """What a conflict is about, in one short line that ends on a whole word.

    The comparison names a conflict "<what>: <the sentence or quotation it is in>" ("location: The Sable Star,
    operated by ..., struck rocks near ...", "wording of Eli Varn: All the passengers ..."). The brief keeps
    what is contested and who said it; the sentence's asides between commas are left out and the rest is cut at a
    word boundary after :data:`SUBJECT_WORDS` words, so the line names the event instead of clipping a sentence
    (the values below it give each outlet's words in full).
    """
    text = " ".join(subject.split())
    label, sep, rest = text.partition(": ")
    if not sep or len(label) > SUBJECT_LABEL_CHARS:
        label, sep, rest = text.partition(" “")  # "who said “...”"
        if not sep or len(label) > SUBJECT_LABEL_CHARS:
            return _short(text)
    if label.startswith("wording of ") or not rest:
        return label  # the versions below give the quotation
    core = _short(_ASIDE.sub("", rest.strip("“”\" ")))
    if len(core.split()) < SENTENCE_WORDS and sep == ": ":
        return f"{label}: {core}"  # a short name of what is counted ("number: injured")
    return f"{label}: “{core}”" if sep == ": " else f"{label} “{core}”"


# How many words of a sentence name a conflict's event (a clause: who did what, where).
SUBJECT_WORDS = 9
# Fewer words than this after the label name what is counted, not a sentence to quote.
SENTENCE_WORDS = 4
# A label longer than this before ": " is part of the sentence, not the comparison's name for the slot.
SUBJECT_LABEL_CHARS = 40
# An aside between commas ("The Sable Star, operated by Fen Ferries, struck ...") or brackets.
_ASIDE = re.compile(r",[^,]{1,80},(?=\s)|\s*\([^()]*\)")


def _short(text: str) -> str:
    """The first :data:`SUBJECT_WORDS` words, ending on a content word ("near Marrow Bay…", not "near Marrow Bay in…")."""
    cut = text.rstrip().endswith("…")  # the comparison clipped it already
    words = text.rstrip(" …").split()
    if len(words) <= SUBJECT_WORDS and not cut:
        return text.rstrip(" ,;:")
    words = words[:SUBJECT_WORDS]
    while len(words) > 1 and words[-1].lower().strip(",;:") in FUNCTION_WORDS:
        words.pop()
    return " ".join(words).rstrip(" ,;:.") + "…"


def _title(analysis: StoryAnalysis, account: Sequence[BriefSentence]) -> str:
    """The story's title; when it has none, or only an identifier or an outlet's name (reports without a
    headline), a member's headline, else the start of the account's opening sentence."""
    title = " ".join((analysis.story.title or "").split())
    ids = {analysis.story.id, *analysis.story.article_ids}
    outlets = {a.outlet for a in analysis.articles.values() if a.outlet}  # a report's label without its headline
    if title and title not in ids and title not in outlets:
        return title
    first = _first_title(analysis)
    if first and first not in ids:
        return first
    return _short(account[0].text) if account else analysis.story.id
