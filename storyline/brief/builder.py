"""Assembles a :class:`~storyline.records.Brief` from a :class:`StoryAnalysis`, every sentence checked.

The account comes from :class:`~storyline.brief.account.AccountWriter`; this module adds the **key facts**
(ranked by independent origins, then importance), **conflicts** and **updates** (each value with the outlets that
give it, named by what is contested: "title of Hugo Ferrant"), **quote versions** (named by speaker),
the **timeline** and the **sources** with the copy tree. While building, a citation that does not support its
sentence is dropped and a sentence left without support is not emitted; the finished brief is checked again in
full, and an unsupported sentence makes generation fail with a :class:`~storyline.errors.StageError` naming it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

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
            title=analysis.story.title or _first_title(analysis),
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
            when = ev.date.isoformat() if ev.granularity == "day" else ev.date.strftime("%Y-%m")
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
    return analysis.story.id


def build_brief(analysis: StoryAnalysis, **options: Any) -> Brief:
    """The checked brief of one analysed story (raises :class:`StageError` on an unsupported sentence)."""
    return BriefBuilder(**options).build(analysis)




def _subject(subject: str) -> str:
    """What a conflict is about, as the comparison names it ("title of Hugo Ferrant"), in one short line."""
    text = " ".join(subject.split())
    return text if len(text) <= 90 else text[:88].rstrip() + "…"
