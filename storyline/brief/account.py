"""The account: what happened, told from the sentences the most independent origins support.

The account is extractive. Every sentence the comparison aligned (an ``event`` fact: its representative sentence
with one citation per agreeing article) is a candidate; the account keeps the candidates that

1. state the event rather than background or opinion (:class:`Salience`): a news lead names who did what to
   whom, where, when and how many, so figures, days, places and an event between two named parties ("X met Y":
   a verb of :mod:`storyline.lang.events` between two people or organisations) count for a sentence; a title
   sentence (a copular "X is the head of Y", or one the reading's roles nearly fill: "X, the envoy, heads Y and
   serves as Z"), a sentence that is mostly a quotation, a question and an opinion (first person or a modal of
   obligation outside quotation marks) do not lead. A sentence's place in its article counts body sentences
   only: a photo caption, credit line or headline above the text is not the lead;
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

from ..lang.events import CONTEXT, INTERACTION_VERBS, LEMMA_OF, LINKING_OPENERS
from ..read.layout import DATELINE, classify_line
from ..records import BriefSentence, Citation, Conflict, Fact, Reading
from .checker import CitationChecker
from .inputs import StoryAnalysis, sentence_bounds, squash
from .latest import latest_figures
from .lead import LEAD_WINDOW, Candidate, article_leads, choose_opening, development_figures
from .repeats import content, repeats_words, retells, same_event, same_figures
from .repeats import figures as _figures

# The account's length: a lead plus up to three supporting sentences (a brief is read in under a minute).
MAX_ACCOUNT = 4
# A sentence of another report carrying every name, number and date of an account sentence and this share of its
# content words states it too, and is cited (fitted on newsdesk: a company's head count told in a fifth
# outlet's longer sentence shares 0.8; sentences on the same topic that say something else share under 0.5).
SUPPORT_SHARE = 0.6
# A report's first sentences that are candidates even when no other report has them: its lead and the sentence after.
OWN_LEAD = 2
# Fewer words than this is a headline fragment, dateline or credit line, not a sentence of the account.
MIN_WORDS = 6
# A sentence with at most this many content words outside its people's titles (roles), names and dates only gives
# titles ("The envoy, Kirill Dmitriev, heads Russia's wealth fund and serves as ..."); fitted on the demo stories'
# and the seed reports' title sentences (0 or 1 word left), event sentences keep 4 or more.
TITLE_REST = 2
# The parties of an event: people and organisations as the reader labels them.
PARTY_LABELS = frozenset({"PERSON", "ORG"})

# Cues of opinion outside quotation marks (first/second person, obligation); language data of English news.
_OPINION = re.compile(r"\b(?:I|[Ww]e|[Oo]ur|us|[Yy]ou|[Yy]our|[Ss]hould|[Mm]ust|[Oo]ught)\b")  # "US" is a place
# A copula after the subject: the shape of a title sentence ("X is the head of Y"); the title must follow it
# (a role read there), so "is scheduled to visit" or "is expected to" is not background.
_COPULA = re.compile(r"^[^,;:]{2,80}?\b(?:is|are|was|were)\s+(?:the\s+|a\s+|an\s+)?", re.I)
# How far after the copula a title may start (possessives and a determiner: "is Russia's sovereign fund head").
TITLE_GAP = 16
_DETERMINERS = frozenset("a an the this that these those its his her their our some one".split())
_PRONOUNS = frozenset("it them this that these those him her us me you something".split())
# Third-person pronouns: one before the sentence's first name needs an antecedent the account's opening lacks
# ("Four of its 9 coaches came off the track").
_ANAPHORS = re.compile(r"\b(?:he|she|it|its|his|her|they|their|them)\b", re.I)
_PERSONAL = re.compile(r"\b(?:he|she|his|her|him|hers|himself|herself)\b", re.I)
_QUOTED_SPAN = re.compile(r"[\"“][^\"“”]*[\"”]")
# A capitalised word that is not part of a compound modifier ("Tollford-based"): a name as written.
_CAPITALISED = re.compile(r"(?<![\w-])[A-Z][\w'’]*\b(?!-)")
_NOT_A_NAME = frozenset("i the a an he she it they his her its their this that these those".split())
# The second word of a two-word hedge and the words that open it ("at least four"): a value's wording cut after
# the first word is given whole again.
_HEDGE_OPENERS = {"least": ("at",), "most": ("at",), "than": ("more", "less", "fewer")}
# Prepositions a conflict value's wording may open with ("with five people"): the value is what follows.
_LEADING_PREPOSITION = re.compile(r"^(?:with|of|for|to|by|from)\s+", re.I)
_QUOTE_MARKS = re.compile(r"[\"“”]")
_CONTEXT = re.compile(CONTEXT, re.I)
# A sentence ends with a full stop, a question or exclamation mark, possibly inside a closing quotation mark or
# bracket; a headline or subheading ("Talks on Trade and Ports") does not.
_ENDED = re.compile(r"[.!?…][\"”’')\]]*\s*$")
_WORD = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class Salience:
    """What a candidate sentence states, read from the article's reading of its span."""

    position: int  # index among its article's substantive body sentences (0 = the lead)
    figures: int  # amounts in the sentence
    days: int  # dates of day granularity
    places: int
    background: bool  # a title sentence
    opinion: bool
    quoted: bool  # mostly a quotation
    substantive: bool  # a full sentence (not a headline fragment, dateline or credit line)
    interaction: tuple[str, ...] = ()  # an event between two named parties: (verb lemma, *its parties), else ()
    named: bool = False  # names a person or organisation (not inside a compound modifier: "Tollford-based")

    @property
    def importance(self) -> int:
        """Figures, days and places make an event sentence; background and opinion never lead."""
        if not self.substantive or self.background or self.opinion or self.quoted:
            return -1
        facts = min(self.figures, 2) + min(self.days, 1) + min(self.places, 1) + int(bool(self.interaction))
        return facts + (2 if facts and self.position < LEAD_WINDOW else 0)

    @property
    def event(self) -> bool:
        return self.importance >= 0


def salience(
    analysis: StoryAnalysis, cite: Citation, text: str, leads: dict[str, list[int]] | None = None
) -> Salience:
    """The :class:`Salience` of ``text``, the sentence ``cite`` points at.

    ``leads``: a cache (article id -> ends of its substantive sentences) for callers that ask about many sentences.
    """
    reading = analysis.readings.get(cite.article_id)
    inside = (lambda s, e: cite.start <= s and e <= cite.end)  # noqa: E731
    figures = days = places = 0
    quoted_chars = 0
    position = 0
    role_inside = titles_only = False
    interaction: tuple[str, ...] = ()
    named = False
    if reading is not None:
        figures = sum(1 for a in reading.amounts if inside(a.start, a.end))
        days = sum(1 for d in reading.dates if inside(d.start, d.end) and d.granularity == "day")
        places = sum(1 for p in reading.places if inside(p.start, p.end))
        quoted_chars = sum(min(q.end, cite.end) - max(q.start, cite.start) for q in reading.quotes
                           if q.start < cite.end and q.end > cite.start)  # fmt: skip
        span = analysis.articles[cite.article_id].text[cite.start : cite.end] if cite.article_id in analysis.articles else text
        copula = _COPULA.match(span)
        if copula:  # a role read right after the copula: "X is the head of Y"
            at = cite.start + copula.end()
            role_inside = any(at <= r.start <= at + TITLE_GAP and inside(r.start, r.end) for r in reading.roles)
        titles_only, interaction = _parties(reading, cite.start, cite.end, span)
        source = analysis.articles[cite.article_id].text if cite.article_id in analysis.articles else ""
        named = any(inside(m.start, m.end) and m.label in PARTY_LABELS and source[m.end : m.end + 1] != "-"
                    for m in reading.mentions)  # fmt: skip
        if interaction:  # the parties as the story names them, so two outlets' sentences compare
            resolve = analysis.entities.resolve
            interaction = (interaction[0], *sorted({resolve(cite.article_id, k) or k for k in interaction[1:]}))
    article = analysis.articles.get(cite.article_id)
    if article is not None:  # the sentences as the comparison cuts them (the reading's, or split from the text)
        cache = {} if leads is None else leads
        if article.id not in cache:
            cache[article.id] = _body_sentence_ends(article.text, sentence_bounds(article, reading))
        position = sum(1 for e in cache[article.id] if e <= cite.start)
    words = _WORD.findall(text)
    outside = _QUOTE_MARKS.split(text)[::2]  # the text outside quotation marks
    opinion = any(_OPINION.search(part) for part in outside) or text.rstrip().endswith("?")
    context = any(_CONTEXT.search(part) for part in outside)  # "The visit comes as ...": a context paragraph
    context = context or bool(words) and words[0].lower() in LINKING_OPENERS  # "However, tensions remain ..."
    background = ((role_inside or titles_only) and not figures and not days and not interaction) or (context and not days)
    quoted = quoted_chars > 0.5 * max(1, cite.end - cite.start) or len(_QUOTE_MARKS.findall(text)) >= 2 and (
        sum(len(p) for p in _QUOTE_MARKS.split(text)[1::2]) > 0.5 * len(text)
    )
    full = len(words) >= MIN_WORDS and _ENDED.search(text) is not None  # a subheading has no full stop
    return Salience(position, figures, days, places, background, opinion, quoted, full, interaction, named)


def _without_dateline(text: str) -> str:
    """A sentence without the dateline it opens with ("ALDRIDGE, ON — "): where the report was filed is no part
    of what happened. Only a place in capitals counts, as datelines are set, so "John Smith — the mayor" stays."""
    m = DATELINE.match(text)
    if m is None or not m.group("place").replace(" ", "").replace(".", "").isupper() or m.end() >= len(text):
        return text
    return text[m.end() :]


def _needs_antecedent(text: str, cite: Citation, analysis: StoryAnalysis) -> bool:
    """A third-person pronoun comes before the sentence's first named entity (or the sentence names none).

    A name inside a compound modifier ("The Tollford-based company said ... its kettle") names no one: the
    sentence still speaks of someone the reader has not met."""
    reading = analysis.readings.get(cite.article_id)
    first = len(text)
    if reading is not None:
        span = _text_of(analysis, cite)
        article = analysis.articles.get(cite.article_id)
        source = article.text if article is not None else ""
        mentions = [m for m in reading.mentions if cite.start <= m.start < cite.end and source[m.end : m.end + 1] != "-"]
        names = [m.start - cite.start for m in mentions]
        if names and squash(span) == text:
            first = min(names)
        elif names:  # the candidate is another wording: find the first name by its surface form
            at = [text.find(m.text) for m in mentions]
            first = min((i for i in at if i >= 0), default=len(text))
    written = next((m.start() for m in _CAPITALISED.finditer(text) if m.start() > 0 and m.group().lower() not in _NOT_A_NAME), None)
    if written is not None:  # a name the reader missed, as written ("Appliance maker Orvane is recalling ... their")
        first = min(first, written)
    return bool(_ANAPHORS.search(text[:first]))


def _unnamed_person(text: str, cite: Citation, analysis: StoryAnalysis) -> bool:
    """A personal pronoun outside quotation marks ("he", "her") in a sentence that names no person: in its report it
    points back to someone an earlier sentence named, whom the account may never have named."""
    if not _PERSONAL.search(_QUOTED_SPAN.sub(" ", text)):
        return False
    reading = analysis.readings.get(cite.article_id)
    if reading is None:
        return False
    return not any(cite.start <= m.start < cite.end and m.label == "PERSON" for m in reading.mentions)


def _parties(reading: Reading, start: int, end: int, span: str) -> tuple[bool, tuple[str, ...]]:
    """Whether the sentence at ``[start, end)`` only gives titles, and the event it tells between two parties
    (verb lemma and the local entity keys of every party the sentence names; ``()`` when it tells none).

    Titles only: at most :data:`TITLE_REST` content words are left outside the roles, names and dates the reading
    found in it. An event between parties: two different people or organisations named outside any role (a name
    inside a title, "Putin's envoy", is not a party) with a verb of :data:`INTERACTION_VERBS` between them.
    """
    roles = [(r.start, r.end) for r in reading.roles if start <= r.start and r.end <= end]
    in_role = (lambda s, e: any(a <= s and e <= b for a, b in roles))  # noqa: E731
    named = [(m.start, m.end) for m in reading.mentions if start <= m.start and m.end <= end]
    dated = [(d.start, d.end) for d in reading.dates if start <= d.start and d.end <= end]
    covered = sorted(roles + named + dated)
    rest, at = [], start
    for s, e in covered:
        if s > at:
            rest.append(span[at - start : s - start])
        at = max(at, e)
    rest.append(span[at - start :])
    titles_only = bool(roles) and len(content(" ".join(rest))) <= TITLE_REST
    parties = [m for m in reading.mentions if start <= m.start and m.end <= end and m.label in PARTY_LABELS
               and not in_role(m.start, m.end)]  # fmt: skip
    plain = list(span.lower())  # the sentence without its titles: a verb inside one ("his appointed envoy") is no event
    for a, b in roles:
        plain[a - start : b - start] = " " * (b - a)
    untitled = "".join(plain)
    for n, first in enumerate(parties):
        for second in parties[n + 1 :]:
            if second.entity == first.entity or second.start < first.end:
                continue
            between = untitled[first.end - start : second.start - start]
            verb = next((w for w in _WORD.findall(between) if w in INTERACTION_VERBS), None)
            if verb is not None:
                return titles_only, (LEMMA_OF[verb], *dict.fromkeys(p.entity for p in parties))
    return titles_only, ()


def _unaligned_leads(analysis: StoryAnalysis, cache: dict[str, list[int]]) -> list[Fact]:
    """Each report's first :data:`OWN_LEAD` body sentences the comparison aligned with no other report's, as facts of
    their own: a later report's lead often tells a development no one else has reported yet, with its figures next."""
    cited = {(c.article_id, c.start) for f in analysis.facts for c in f.citations}
    out = []
    for aid in analysis.story.article_ids:
        article = analysis.articles.get(aid)
        if article is None:
            continue
        reading = analysis.readings.get(aid)
        bounds = sentence_bounds(article, reading)
        if aid not in cache:
            cache[aid] = _body_sentence_ends(article.text, bounds)
        ends = set(cache[aid][:OWN_LEAD])
        origin = analysis.origins.get(aid, aid)
        for start, end in bounds:
            if end not in ends or (aid, start) in cited:
                continue
            cite = Citation(aid, start, end, article.outlet)
            out.append(Fact(f"lead:{aid}:{start}", analysis.story.id, "event", article.text[start:end], "single-source",
                            article_ids=(aid,), origins=(origin,), citations=(cite,)))  # fmt: skip
    return out


def _more_support(
    text: str, cites: Sequence[Citation], analysis: StoryAnalysis, checker: CitationChecker, words: set[str]
) -> tuple[Citation, ...]:
    """Sentences of the other origins' reports that state ``text`` too, though the comparison aligned them
    elsewhere: each carries every name, number and date of it (the checker, word for word) and
    :data:`SUPPORT_SHARE` of its content words. A sentence is cited to every origin that supports it."""
    cited = {analysis.origins.get(c.article_id, c.article_id) for c in cites}
    out: list[Citation] = []
    for aid in analysis.story.article_ids:
        article = analysis.articles.get(aid)
        if article is None or analysis.origins.get(aid, aid) in cited:
            continue
        for start, end in sentence_bounds(article, analysis.readings.get(aid)):
            if len(words & content(article.text[start:end])) < SUPPORT_SHARE * max(1, len(words)):
                continue
            cite = Citation(aid, start, end, article.outlet)
            if not checker.problems(BriefSentence(text, (cite,), "account")):  # as the finished brief is checked
                out.append(cite)
                break
    return tuple(out)


def _named(who: Sequence[str]) -> bool:
    """A template's subject is a name: it opens with a capital that is not a determiner ("The rocket", "A van")."""
    first = (who[0].split() or [""])[0] if who else ""
    return first[:1].isupper() and first.lower() not in _DETERMINERS


def _text_of(analysis: StoryAnalysis, cite: Citation) -> str:
    article = analysis.articles.get(cite.article_id)
    return article.text[cite.start : cite.end] if article else ""


def _body_sentence_ends(text: str, bounds: Sequence[tuple[int, int]]) -> list[int]:
    """The ends of the substantive sentences of the report's text: captions, credit lines and headlines above
    it are passed over until its lead is found (the zones of the lines below it are not worked out: captions
    there shift a sentence's place by one or two, which only orders sentences beyond the lead)."""
    out: list[int] = []
    zones: dict[int, str] = {}
    for s, e in bounds:
        if not _substantive(text[s:e]):
            continue
        if len(out) < LEAD_WINDOW:
            line_start = text.rfind("\n", 0, s) + 1
            if line_start not in zones:
                line_end = text.find("\n", s)
                zones[line_start] = classify_line(text[line_start : len(text) if line_end < 0 else line_end])
            if zones[line_start] != "body":
                continue
        out.append(e)
    return out


def _substantive(text: str) -> bool:
    return len(_WORD.findall(text)) >= MIN_WORDS


class AccountWriter:
    """Writes the account of an analysed story (see the module docstring)."""

    def __init__(self, *, max_sentences: int = MAX_ACCOUNT) -> None:
        self.max_sentences = max_sentences

    def write(self, analysis: StoryAnalysis, checker: CitationChecker) -> list[BriefSentence]:
        candidates = sorted(self._candidates(analysis, checker), key=lambda c: c.rank)
        leads = article_leads(candidates)
        opening, developed = choose_opening(
            candidates, analysis.articles, leads, can_open=lambda c: not _needs_antecedent(c.text, c.own, analysis)
        )
        first: list[Candidate] = []
        if opening is not None:  # the account opens with one article lead; the others tell the event again
            figures = development_figures(opening, candidates) if developed else None
            first = [opening] + ([figures] if figures is not None else [])
            candidates = first + [c for c in candidates if c not in first and (c.own.article_id, c.own.start) not in leads]
        several = analysis.independent_origins >= 2
        out: list[BriefSentence] = []
        used: set[tuple[str, int]] = set()
        seen: list[set[str]] = []
        told: set[str] = set()  # facts already told, in one outlet's words or another's
        events: set[tuple[str, ...]] = set()  # who did what to whom, already told
        told_figures: list[set[str]] = []
        told_texts: list[str] = []
        shown: set[str] = set()  # conflicts whose sides the account has told
        for cand in candidates:
            text, cites, fact = cand.text, cand.cites, cand.fact
            if len(seen) >= self.max_sentences:  # the other sides of a disagreement do not count
                break
            if fact.id in told:
                continue
            keys = {(c.article_id, c.start) for c in cites}
            words = content(text)
            if keys & used or repeats_words(words, seen):
                continue
            event = self._events.get(text, ())
            if event and any(same_event(event, e) for e in events):
                continue  # the same verb between the same parties: another outlet's words for an event already told
            if not out and _needs_antecedent(text, cand.own, analysis):
                continue  # the account's opening sentence must stand on its own
            if out and _unnamed_person(text, cand.own, analysis):
                continue  # "her nomination" with no person named: she is someone the account has not met
            if any(c.id in shown for c in _inline_conflicts(fact, analysis, cand.own.article_id)):
                continue  # a side of a disagreement the account has told: it would tell it again the other way round
            figures = _figures(text)
            if any(same_figures(figures, f) for f in told_figures):
                continue  # the same figures in other words ("aged 39 to 77", "between 39 and 77")
            if any(retells(text, words, t, w) for t, w in zip(told_texts, seen)):
                continue  # the event again with its figure and its party ("Ms Roe resigned ... 3.8 million grant")
            others = self._disagreement(text, fact, cites, analysis, checker)
            stating = -cand.rank[1]
            if several and out and cand not in first and cand.supported < 2 and cand.carried < 2 and not others and stating < 2:
                continue  # beyond the lead, a multi-origin story's account states what several origins (or the
                # copies of one: a wire report other outlets ran) report
            used |= keys
            told.add(fact.id)
            if event:
                events.add(event)
            told_figures.append(figures)
            told_texts.append(text)
            seen.append(words)
            out.append(BriefSentence(text, cites + _more_support(text, cites, analysis, checker, words), "account"))
            out += others
            if others:
                shown |= {c.id for c in _inline_conflicts(fact, analysis, cand.own.article_id)}
        return latest_figures(out, analysis, checker)

    def _candidates(self, analysis: StoryAnalysis, checker: CitationChecker) -> list[Candidate]:
        """Every aligned sentence in each outlet's own words, ranked: leads first, then by the independent
        origins that state the event, the origins whose spans support the wording, importance, position."""
        out = []
        order = {aid: n for n, aid in enumerate(analysis.story.article_ids)}
        leads: dict[str, list[int]] = {}
        self._events: dict[str, tuple[str, ...]] = {}  # a candidate's event between two parties, by its text
        for fact in (*analysis.facts, *_unaligned_leads(analysis, leads)):
            if fact.kind not in ("event", "slot") or not fact.citations:
                continue
            if fact.kind == "slot" and not (fact.where or fact.when or any(_WORD.search(w) and w.lower() not in _PRONOUNS for w in fact.what)):
                continue  # "X called it.": a template with nothing but a name and a verb says nothing
            if fact.kind == "slot" and not _named(fact.who):
                continue  # "A white van found burning.": a subject that is no name is often a clause cut short
            # the origins that state this event: those whose sentence the comparison aligned with it, agreeing
            # or not (a contested figure is still the same event)
            stating = set(fact.origins) | {analysis.origins.get(c.article_id, c.article_id) for c in fact.citations}
            versions = [(squash(fact.text), fact.citations[0], True)]
            if fact.kind == "event":  # each outlet's own sentence is a candidate too: its lead, in its words
                versions += [(squash(_text_of(analysis, c)), c, False) for c in fact.citations[1:]]
            for text, own, representative in versions:
                text = _without_dateline(text)
                if not text:
                    continue
                sal = salience(analysis, own, text, leads)
                if fact.kind == "event" and sal.importance <= 0:
                    continue  # background, opinion, a quotation, or no event content (who/where/when/how many)
                if sal.interaction:
                    self._events[text] = sal.interaction
                cites = self._supporting(text, fact, analysis, checker, paraphrase=representative)
                if own not in cites:
                    continue
                supported = {analysis.origins.get(c.article_id, c.article_id) for c in cites}
                importance = sal.importance if fact.kind == "event" else 2
                lead = 0 if fact.kind == "slot" or sal.position < LEAD_WINDOW else 1
                # several origins state it, or one: a count beyond that is loose (aligned sentences of a long
                # story share people more than events), so importance decides among the well-covered ones
                several = min(len(stating), 2)
                minority = _minority_values(fact, own, analysis)  # an outlier's wording does not lead
                carried = len({c.article_id for c in cites})  # copies carry a lead further: the story's main event
                rank = (lead, -several, minority, -importance, -len(supported), -carried, sal.position,
                        order.get(own.article_id, 0), own.start)  # fmt: skip
                out.append(Candidate(rank, text, cites, fact, own, sal.position, importance, len(supported), carried, minority,
                                     sal.figures, sal.named))
        return out

    def _supporting(
        self, text: str, fact: Fact, analysis: StoryAnalysis, checker: CitationChecker, *, paraphrase: bool = True
    ) -> tuple[Citation, ...]:
        """The fact's citations (and the closely aligned ones) whose spans support ``text`` as the checker reads it."""
        pool = list(fact.citations) + [c for c in analysis.close.get(fact.id, ()) if c not in fact.citations]
        ok = paraphrase and fact.kind == "event"
        return tuple(dict.fromkeys(c for c in pool if checker.supports(text, c, paraphrase=ok)))

    def _disagreement(
        self, text: str, fact: Fact, cites: Sequence[Citation], analysis: StoryAnalysis, checker: CitationChecker
    ) -> list[BriefSentence]:
        """The other side of each conflict on a value this sentence states, cited to the outlets that give it.

        Values given by the same outlets are told in one sentence ("One other outlet gives “Eastvale” and “on
        Wednesday”."); a count is written in words, so the checker never asks a span for it.
        """
        own = {c.article_id for c in cites}
        own_outlets = {analysis.articles[a].outlet for a in own if a in analysis.articles} - {None, ""}
        sides: dict[frozenset[str], tuple[list[str], list[Citation]]] = {}
        stated = text.lower()
        for conflict in _conflicts_of(fact, analysis.conflicts):
            if conflict.kind not in INLINE_KINDS:
                continue
            mine = [v for v in conflict.values if own & set(v.article_ids)]
            if not any(squash(v.text).strip(" ,;:.").lower() in stated for v in mine if v.text.strip()):
                continue  # the conflict is about something this sentence does not say
            for value in conflict.values:
                phrase = _whole_hedge(_value_phrase(squash(value.text), value.value), value.citations, analysis)
                if own & set(value.article_ids) or not value.citations or not phrase or _plain(phrase) in stated:
                    continue  # the sentence's own side, or a value it already states in the same words
                if own_outlets & {analysis.articles[a].outlet for a in value.article_ids if a in analysis.articles}:
                    continue  # the same outlet's other report: an earlier day's news, not another outlet's account
                if not re.search(r"[A-Za-z]", phrase) and conflict.subject.startswith("number: "):
                    phrase = f"{phrase} {conflict.subject.split(': ', 1)[1]}".strip()  # "23" -> "23 injured"
                phrases, side_cites = sides.setdefault(frozenset(value.article_ids), ([], []))
                low = phrase.lower()
                if any(low in p.lower() for p in phrases):
                    pass  # this side's value is already told in fuller words
                else:
                    phrases[:] = [p for p in phrases if p.lower() not in low] + [phrase]
                side_cites.extend(c for c in value.citations if c not in side_cites)
        out = []
        for article_ids, (phrases, side_cites) in sides.items():
            n = len({analysis.origins.get(a, a) for a in article_ids})
            who = "One other outlet gives" if n == 1 else f"Other outlets ({_count_word(n)}) give"
            line = f"{who} " + " and ".join(f"“{p}”" for p in phrases) + "."
            keep = tuple(c for c in side_cites if checker.supports(line, c))
            if keep:
                out.append(BriefSentence(line, keep, "account"))
        return out


def _plain(phrase: str) -> str:
    """A value as the sentence would state it: lower case, without a possessive ("Norway's" -> "norway")."""
    return re.sub(r"['’]s\b", "", phrase.lower())


def _minority_values(fact: Fact, own: Citation, analysis: StoryAnalysis) -> int:
    """How many contested values of ``fact`` the article of ``own`` gives that fewer origins give than another."""
    count = 0
    for conflict in _conflicts_of(fact, analysis.conflicts):
        if conflict.kind not in INLINE_KINDS:
            continue
        sizes = [(len({analysis.origins.get(a, a) for a in v.article_ids}), own.article_id in v.article_ids) for v in conflict.values]
        mine = [n for n, has in sizes if has]
        if mine and max(mine) < max(n for n, _ in sizes):
            count += 1
    return count


def _inline_conflicts(fact: Fact, analysis: StoryAnalysis, article_id: str) -> list[Conflict]:
    """The conflicts told inline that ``fact`` is part of and the article gives a value of."""
    return [c for c in _conflicts_of(fact, analysis.conflicts)
            if c.kind in INLINE_KINDS and any(article_id in v.article_ids for v in c.values)]  # fmt: skip


def _conflicts_of(fact: Fact, conflicts: Sequence[Conflict]) -> list[Conflict]:
    ids = set(fact.conflict_ids)
    return [c for c in conflicts if not c.update and (c.id in ids or c.fact_id == fact.id)]


# conflicts told inline in the account: what a sentence states (quote wording and speakers have their section)
INLINE_KINDS = frozenset({"number", "date", "location"})  # titles are background: the Conflicts section has them

_COUNT_WORDS = "zero one two three four five six seven eight nine ten".split()


def _count_word(n: int) -> str:
    """A count in words: digits would read as a figure the cited spans must carry."""
    return _COUNT_WORDS[n] if n < len(_COUNT_WORDS) else "several"


def _whole_hedge(phrase: str, citations: Sequence[Citation], analysis: StoryAnalysis) -> str:
    """``phrase`` with the opening word of its hedge when the wording lost it ("least four" -> "at least four")."""
    words = phrase.split(maxsplit=1)
    openers = _HEDGE_OPENERS.get(words[0].lower()) if words else None
    if not openers:
        return phrase
    for cite in citations:
        span = _text_of(analysis, cite)
        at = span.find(phrase)
        before = span[:at].split()[-1:] if at > 0 else []
        if before and before[0].lower() in openers:
            return f"{before[0]} {phrase}"
    return phrase


def _value_phrase(text: str, value: str) -> str:
    """The part of a conflict value's wording that carries the value ("injured 15, raising" -> "injured 15")."""
    parts = [p.strip(" ,;:.") for p in re.split(r"[,;]\s+", text)]
    keep = [p for p in parts if p and (value.lower() in p.lower() or any(ch.isdigit() for ch in p))]
    phrase = (keep[0] if keep else text.strip(" ,;:.")) if len(parts) > 1 else text.strip(" ,;:.")
    return _LEADING_PREPOSITION.sub("", phrase)
