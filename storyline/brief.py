"""Briefs: a story told from its aligned facts, every sentence cited and checked.

:func:`build_brief` turns a :class:`~storyline.compare.StoryAnalysis` into a :class:`~storyline.records.Brief`:

- **account**: 2-4 short sentences from *agreed slot facts* ("<who> <did what> in <where> on <date>.", and
  undisputed titles, "<who> is <title>."), each kept only while the cited spans of two or more independent
  origins carry every name, number, place and date it states (copies and rewrites share their origin);
- **key facts** with their status and sources; **conflicts** (each value with the outlets that give it);
  **updates** (figures that change over time); **quote versions**; **timeline**; **sources** with the copy tree
  and the number of independent origins.

Every sentence carries citations (article id + character span). :class:`CitationChecker` reads the claims a
sentence states straight from its text (capitalized names and places, numbers, ISO dates, month-day dates,
weekdays) and verifies that *each* cited span supports all of them, using the reading of the cited article
(its resolved dates and parsed amounts) and the story's entity aliases; an agreed key fact may also cite another
outlet's sentence that the comparison aligned as an agreeing paraphrase of it (its figures must still agree after
normalisation, see :class:`CitationChecker`). While building, a citation that does
not support its sentence is dropped, and a sentence left without support is not emitted; a finished brief is
checked again in full, and an unsupported sentence makes generation fail with a :class:`StageError` naming it.

:func:`render_brief` writes Markdown, JSON or self-contained HTML (the Jinja2 template
``storyline/templates/brief.html.j2``, autoescaped, which the web UI reuses).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from .codec import to_json
from .compare import EntityIndex, StoryAnalysis, analyse_story, numbers_agree, sentence_bounds, squash
from .errors import InputError, StageError
from .lang.numbers import SCALES, SMALL_NUMBERS
from .read.amounts import find_amounts
from .read.dates import MONTHS
from .records import (
    Article,
    Brief,
    BriefItem,
    BriefSentence,
    BriefSource,
    Citation,
    Conflict,
    Fact,
    QuoteGroup,
    Reading,
)

if TYPE_CHECKING:  # the store is only used by write_story_docs, which the runner calls
    from .store import Store

__all__ = [
    "CitationChecker",
    "analyse_and_store",
    "brief_context",
    "brief_for",
    "build_brief",
    "check_brief",
    "render_brief",
    "sentence_claims",
    "stored_brief",
    "write_brief_files",
]

STAGE = "brief"
FORMATS = ("md", "html", "json")
DOC_KINDS = ("facts", "conflicts", "quote_groups", "timeline", "brief")

# ---------------------------------------------------------------- claims a sentence states

_MONTHS = MONTHS  # one month table, shared with the date reader
_WEEKDAYS = {d: n for n, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH_DAY = re.compile(
    r"\b(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b"
)
_NUMBER = re.compile(r"(?<![\w.,-])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s*(million|billion|trillion|thousand|bn|mn|tn|m)\b)?", re.I)
_SCALE = SCALES  # the one list of scales (lang/numbers.py): "£2mn" is 2,000,000 here as in reading and comparison
_NUMBER_WORDS = {w: n for w, n in SMALL_NUMBERS.items() if n <= 20}
_CAPWORD = re.compile(r"[A-Z][\w'’.&\-]*")
# Capitalized words that state nothing checkable: sentence openers and the brief's own labels.
_NOT_NAMES = frozenset(
    """a an the this that these those it its he she they we i you his her their our my there here then
    but and or so yet if when while as at by for from in into of on to with without after before during
    since until about according also although because however meanwhile no not one other some such what
    which who whom whose why how mr mrs ms dr sir yes maybe read full article more said says
    date location number title wording speaker quote quotes where when who how many sources source
    agreed contested single-source update updates timeline facts account conflict conflicts earlier
    independent outlets report""".split()
)


@dataclass(frozen=True)
class Claims:
    """What a sentence states that a source must show."""

    names: tuple[str, ...]
    numbers: tuple[tuple[float, float | None], ...]  # (as written, scaled) values
    dates: tuple[date, ...]  # ISO dates in the text
    month_days: tuple[tuple[int, int], ...]
    weekdays: tuple[int, ...]
    quotes: tuple[str, ...] = ()  # words a sentence puts in quotation marks


_QUOTED = re.compile(r"[\"“”]([^\"“”]{3,})[\"“”]")


def _quote_words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower().replace("’", "'"))


def sentence_claims(text: str) -> Claims:
    """Names, numbers, dates (ISO, "March 18"), and weekdays stated in ``text``."""
    dates: list[date] = []
    rest = text
    for m in _ISO.finditer(text):
        try:
            dates.append(date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError:
            continue
    rest = _ISO.sub(" ", rest)
    month_days = []
    for m in _MONTH_DAY.finditer(rest):
        month_days.append((_MONTHS[m[1].lower().rstrip(".")], int(m[2])))
    rest = _MONTH_DAY.sub(lambda m: " " * len(m[0]), rest)
    numbers = []
    for m in _NUMBER.finditer(rest):
        raw = float(m[1].replace(",", "") + (m[2] or ""))
        scaled = raw * _SCALE[m[3].lower()] if m[3] else None
        numbers.append((raw, scaled))
    weekdays = []
    names = []
    run: list[str] = []

    def flush() -> None:
        if run:
            names.append(" ".join(run))
            run.clear()

    for token in re.findall(r"[\w'’.&\-]+|[^\w\s]", rest):
        word = token.rstrip(".")
        low = word.lower().replace("’", "'")
        if low.endswith("'s"):
            low = low[:-2]
            word = word[:-2]
        if low in _WEEKDAYS:
            weekdays.append(_WEEKDAYS[low])
            flush()
            continue
        if _CAPWORD.fullmatch(word or " ") and low not in _NOT_NAMES and low not in _MONTHS:
            run.append(word)
            continue
        flush()
    flush()
    quotes = tuple(m.group(1) for m in _QUOTED.finditer(text))
    return Claims(
        tuple(dict.fromkeys(names)), tuple(numbers), tuple(dates), tuple(month_days), tuple(weekdays), quotes
    )


# ---------------------------------------------------------------- the checker


class CitationChecker:
    """Verifies that every cited span supports every claim of its sentence.

    Support is looked up in the cited article's text and in its reading: a name is supported by the name,
    one of the entity's aliases or surname as written in the span; a number by the same figure (digits or a
    parsed amount, rounding tolerated for amounts); an ISO or month-day date by a resolved date in the span
    or the same date written out; a weekday by that weekday written or a resolved date falling on it.

    **Paraphrases.** A key fact (section ``fact``) that two outlets agree on is cited with each outlet's own
    sentence, which may say it in other words ("$18.6m" for "$18.6 million", "the mayor" for "Ilse Varga").
    Such a span is accepted when the comparison itself aligned it as an agreeing paraphrase of exactly this
    sentence (``paraphrases``: (article id, start, end) -> fact texts, by default the analysis'
    ``entities.paraphrases``), it is one whole sentence of the article, its figures agree with the sentence's
    after normalisation (scale words, currency, rounding), it carries the sentence's quotations as usual, and
    its day is the sentence's (or it gives none: "a ruling by the High Court" for "ruled on Tuesday"); names
    may be worded differently, but at least one of them must be there. Any other span is checked word for
    word as above.
    """

    def __init__(
        self,
        articles: Mapping[str, Article],
        readings: Mapping[str, Reading],
        entities: EntityIndex | None = None,
        *,
        paraphrases: Mapping[tuple[str, int, int], Collection[str]] | None = None,
    ):
        self.articles = articles
        self.readings = readings
        self.entities = entities or EntityIndex()
        self.paraphrases = self.entities.paraphrases if paraphrases is None else paraphrases

    def problems(self, sentence: BriefSentence) -> list[str]:
        """What the citations fail to support (empty when the sentence checks)."""
        if not sentence.citations:
            return ["no citation"]
        claims = sentence_claims(sentence.text)
        out = []
        for cite in sentence.citations:
            paraphrase = sentence.section == "fact" and self._aligned(sentence.text, cite)
            for missing in self._missing(claims, cite, paraphrase=paraphrase):
                out.append(f"{cite.article_id}[{cite.start}:{cite.end}] does not state {missing}")
        return out

    def supports(self, text: str, cite: Citation, *, paraphrase: bool = False) -> bool:
        """Whether ``cite`` supports ``text``; ``paraphrase``: a key fact, which an aligned paraphrase may cite."""
        return not self._missing(sentence_claims(text), cite, paraphrase=paraphrase and self._aligned(text, cite))

    def _aligned(self, text: str, cite: Citation) -> bool:
        """Whether the comparison aligned ``cite`` as an agreeing paraphrase of ``text``, a whole sentence."""
        if squash(text) not in self.paraphrases.get((cite.article_id, cite.start, cite.end), ()):
            return False
        article = self.articles.get(cite.article_id)
        if article is None:
            return False
        return (cite.start, cite.end) in sentence_bounds(article, self.readings.get(cite.article_id))

    def check(self, sentence: BriefSentence, *, item: str | None = None) -> None:
        problems = self.problems(sentence)
        if problems:
            raise StageError(
                STAGE,
                f"unsupported sentence {sentence.text!r}: " + "; ".join(problems[:3]),
                item=item,
                hint="every name, number, place and date of a brief sentence must be in each span it cites",
            )

    # ------------------------------------------------------------ one span

    def _missing(self, claims: Claims, cite: Citation, *, paraphrase: bool = False) -> list[str]:
        article = self.articles.get(cite.article_id)
        if article is None or not (0 <= cite.start < cite.end <= len(article.text)):
            return ["anything (the citation is outside the article)"]
        span = article.text[cite.start : cite.end]
        low = " " + re.sub(r"[\W_]+", " ", span.lower().replace("’", "'").replace("'s ", " ")) + " "
        reading = self.readings.get(cite.article_id)
        dates = [d for d in (reading.dates if reading else ()) if d.start >= cite.start and d.end <= cite.end]
        amounts = [a for a in (reading.amounts if reading else ()) if a.start >= cite.start and a.end <= cite.end]
        missing = []
        for quoted in claims.quotes:
            # a quotation is a claim too: the span must carry the quoted words, in order (a cut is fine)
            words, span_words = _quote_words(quoted), _quote_words(span)
            if words and _in_order(words, span_words) < 0.9 * len(words):
                missing.append(f"the quotation {quoted[:40]!r}")
        found = [name for name in claims.names if self._name_in(name, low)]
        if not paraphrase:
            missing += [repr(name) for name in claims.names if name not in found]
        elif claims.names and not found:  # a paraphrase may name people otherwise ("the mayor"), not all of them
            missing.append("any of " + ", ".join(repr(name) for name in claims.names))
        span_numbers = {raw for raw, _ in sentence_claims_numbers(span)} | {
            scaled for _, scaled in sentence_claims_numbers(span) if scaled is not None
        }
        span_numbers |= {float(n) for w, n in _NUMBER_WORDS.items() if f" {w} " in low}
        # a paraphrase may write a figure otherwise ("$18.6m", "18,600,000", "about 18.6 million"): compared as
        # values, scale applied, rounding tolerated; "18.6 thousand" is not "$18.6m"
        values: set[float] = set()
        if paraphrase:
            values = {raw if scaled is None else scaled for raw, scaled in sentence_claims_numbers(span)}
            values |= {a.value for a in (*amounts, *find_amounts(span))}
            values |= {float(n) for w, n in _NUMBER_WORDS.items() if f" {w} " in low}
        for raw, scaled in claims.numbers:
            if paraphrase:
                value = raw if scaled is None else scaled
                ok = any(numbers_agree(value, h) for h in values)
            else:
                ok = raw in span_numbers or (scaled is not None and scaled in span_numbers)
                ok = ok or any(numbers_agree(a.value, v) for a in amounts for v in (raw, scaled) if v is not None)
            ok = ok or (raw.is_integer() and 1000 <= raw <= 2999 and any(d.value.year == raw for d in dates))
            if not ok:
                missing.append(_fmt(raw if scaled is None else scaled))
        written = {(_MONTHS[m[1].lower().rstrip(".")], int(m[2])) for m in _MONTH_DAY.finditer(span)}
        iso_written = {m[0] for m in _ISO.finditer(span)}
        if paraphrase and not (written or iso_written or any(r.granularity == "day" for r in dates)
                               or any(f" {w} " in low for w in _WEEKDAYS)):
            return missing  # an aligned paraphrase that gives no day at all leaves the day out; it names no other
        for d in claims.dates:
            if not (any(r.value == d for r in dates) or d.isoformat() in iso_written or (d.month, d.day) in written):
                missing.append(d.isoformat())
        for md in claims.month_days:
            if not (md in written or any((r.value.month, r.value.day) == md for r in dates if r.granularity == "day")):
                missing.append(f"month {md[0]} day {md[1]}")
        names = list(_WEEKDAYS)
        for wd in claims.weekdays:
            if not (f" {names[wd]} " in low or any(r.value.weekday() == wd for r in dates if r.granularity == "day")):
                missing.append(names[wd].capitalize())
        return missing

    def _name_in(self, name: str, low: str) -> bool:
        plain = " " + re.sub(r"[\W_]+", " ", name.lower().replace("’", "'")) + " "
        if plain.strip() and plain in low:
            return True
        for form in self.entities.forms(name):
            f = " " + re.sub(r"[\W_]+", " ", form) + " "
            if f.strip() and f in low:
                return True
        tokens = plain.split()
        if len(tokens) > 1 and len(tokens[-1]) >= 4 and f" {tokens[-1]} " in low and tokens[-1] not in _NOT_NAMES:
            return True  # a full name against a span that uses the surname
        return False


def _in_order(words: list[str], span_words: list[str]) -> int:
    """How many of ``words`` the span has in the same order (difflib matching blocks)."""
    import difflib

    sm = difflib.SequenceMatcher(None, words, span_words, autojunk=False)
    return sum(b.size for b in sm.get_matching_blocks())


def sentence_claims_numbers(text: str) -> list[tuple[float, float | None]]:
    """Every figure written in ``text`` (dates such as "March 18" excluded)."""
    rest = _MONTH_DAY.sub(" ", _ISO.sub(" ", text))
    out = []
    for m in _NUMBER.finditer(rest):
        raw = float(m[1].replace(",", "") + (m[2] or ""))
        out.append((raw, raw * _SCALE[m[3].lower()] if m[3] else None))
    return out


def _fmt(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else str(x)


def check_brief(brief: Brief, checker: CitationChecker) -> None:
    """Raise :class:`StageError` naming the first sentence a cited span does not support."""
    for sentence in brief.sentences():
        checker.check(sentence, item=brief.story_id)


# ---------------------------------------------------------------- building


_tidy = squash  # how a fact's text is written in a brief (and keyed among the comparison's paraphrases)


class BriefBuilder:
    """Assembles a brief from an analysis; ``max_account`` / ``max_facts`` keep it short."""

    def __init__(self, *, max_account: int = 4, max_facts: int = 12, share: float = 1.0) -> None:
        self.max_account = max_account
        self.max_facts = max_facts
        self.share = share  # content words a whole sentence must share with another origin's span to vouch

    def build(self, analysis: StoryAnalysis) -> Brief:
        checker = CitationChecker(analysis.articles, analysis.readings, analysis.entities)
        self._checker = checker
        self._analysis = analysis
        self.dropped = 0
        account = self._account(analysis)
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

    def _account(self, analysis: StoryAnalysis) -> list[BriefSentence]:
        """2-4 sentences built from agreed slot facts; sentences carried as written by two origins fill up.

        A slot fact (``kind == "slot"``, see :meth:`Comparer._slot_facts`) is a short "<who> <did what> in
        <where> on <date>" sentence; it is kept with the citations the checker accepts, and only while those
        still come from two or more independent origins. Never a verdict: contested values are never stated.
        """
        out: list[BriefSentence] = []
        for fact in (f for f in analysis.facts if f.kind == "slot" and f.status == "agreed"):
            sentence = self._vouched(fact.text, fact.citations, analysis)
            if sentence is not None:
                out.append(sentence)
            if len(out) >= self.max_account:
                break
        if len(out) < 2:
            agreed = [f for f in analysis.facts if f.kind == "event" and f.status == "agreed"]
            agreed.sort(key=lambda f: (-len(set(f.origins)), _position(f)))
            for fact in agreed:
                if len(out) >= self.max_account:
                    break
                # only the outlets whose sentence closely paraphrases this one vouch for it as written
                cites = analysis.close.get(fact.id, fact.citations)
                kept = tuple(c for c in cites if _shares_content(_tidy(fact.text), c, analysis, self.share))
                sentence = self._vouched(_tidy(fact.text), kept, analysis)
                used = {(c.article_id, c.start) for s in out for c in s.citations}
                if sentence is not None and not {(c.article_id, c.start) for c in sentence.citations} & used:
                    out.append(sentence)  # a sentence already told slot by slot is not told twice
        if len(out) < self.max_account:
            out += self._role_account(analysis, self.max_account - len(out))
        if not out:
            out = self._slot_account(analysis)
        out.sort(key=lambda s: _position_of(s, analysis))
        return out

    def _role_account(self, analysis: StoryAnalysis, room: int) -> list[BriefSentence]:
        """Who the main people are, where two independent origins give them the same, undisputed title.

        The role facts' statuses come from :meth:`Comparer._titles` (a title conflict makes the fact contested).
        Of the titles as written, the longest whose words every kept span carries is stated ("Greta Solberg is
        the general secretary of the UHWU."). At most two such sentences, people named by most origins first.
        """
        from .compare import _content_stems, _stems_of

        out: list[BriefSentence] = []
        roles = [f for f in analysis.facts if f.kind == "role" and f.status == "agreed" and f.who]
        roles.sort(key=lambda f: (-len(set(f.origins)), _position(f)))
        for fact in roles:
            name = fact.who[0]
            for title in sorted(dict.fromkeys(_tidy(t) for t in fact.roles), key=lambda t: (-len(t), t)):
                words = title.split()
                if title.lower().startswith(("former ", "ex-")) or not 2 <= len(words) <= 7:
                    continue  # a lone "Justice" or "Mayor" is an honorific, not a role worth a sentence
                # "is Trade Minister" (a formal title), "is the CPSB chair" (a job)
                text = f"{name} is {title}." if words[-1][:1].isupper() else f"{name} is the {title}."
                need = _content_stems(title)
                cites = [
                    c for c in fact.citations
                    if need <= _stems_of(analysis.articles[c.article_id].text[c.start : c.end])
                ]  # fmt: skip
                sentence = self._vouched(text, cites, analysis)
                if sentence is not None:
                    out.append(sentence)
                    break
            if len(out) >= min(room, 2):
                break
        return out

    def _vouched(self, text: str, citations: Sequence[Citation], analysis: StoryAnalysis) -> BriefSentence | None:
        """The account sentence with the citations that support it, when two independent origins remain."""
        keep = tuple(dict.fromkeys(c for c in citations if self._checker.supports(text, c)))
        if len({analysis.origins[c.article_id] for c in keep}) < 2:
            return None
        return BriefSentence(text, keep, "account")

    def _slot_account(self, analysis: StoryAnalysis) -> list[BriefSentence]:
        """When no sentence is carried as written by two origins: who, where and when that they agree on.

        Outlets that paraphrase each other rarely share a whole sentence, but they do share the actors, the
        place and the day. Each line names only values outside any conflict, and is kept only when the spans
        of two or more independent origins carry every one of them (the checker decides).
        """
        disputed = {(c.kind, v.value) for c in analysis.conflicts if not c.update for v in c.values}
        out: list[BriefSentence] = []
        seen: set[str] = set()
        facts = [f for f in analysis.facts if f.kind == "event" and len(set(f.origins)) >= 2 and f.who]
        facts.sort(key=lambda f: (-len(set(f.origins)), _position(f)))
        for fact in facts:
            rep = fact.citations[0]
            reading = analysis.readings.get(rep.article_id)
            days = [
                d.value for d in (reading.dates if reading else ())
                if rep.start <= d.start < rep.end and d.granularity == "day" and ("date", d.value.isoformat()) not in disputed
            ]  # fmt: skip
            places = [p for p in fact.where if ("location", " ".join(p.lower().split())) not in disputed]
            who = " and ".join(fact.who[:2])
            for where, when in ((places[:1], days[:1]), (places[:1], []), ([], days[:1])):
                if not where and not when:
                    continue
                text = f"Independent outlets report {who}" + (f" in {where[0]}" if where else "")
                text += f" on {when[0].isoformat()}." if when else "."
                if text in seen:
                    break
                cites = tuple(c for c in fact.citations if self._checker.supports(text, c))
                if len({analysis.origins[c.article_id] for c in cites}) >= 2:
                    seen.add(text)
                    out.append(BriefSentence(text, cites, "account"))
                    break
            if len(out) >= 3:
                break
        return out

    def _key_facts(self, analysis: StoryAnalysis) -> list[BriefItem]:
        rank = {"contested": 0, "agreed": 1, "single-source": 2}
        facts = [f for f in analysis.facts if f.kind == "event" and not f.text.rstrip().endswith("?")]
        facts.sort(key=lambda f: (rank[f.status], -len(set(f.origins)), _position(f)))
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
                    items.append(BriefItem(replace(sentence, section="conflict"), c.kind, v.article_ids, c.id))
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
                out.append(BriefItem(replace(sentence, section="quote"), flags, (v.article_id,), g.id))
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


_STOP = frozenset(
    "a an the and or but of to in on at by for with from as is are was were be been has have had that this "
    "which who it its their his her they he she said says will would could after before than more".split()
)


def _content(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP and len(w) > 2}


def _shares_content(text: str, cite: Citation, analysis: StoryAnalysis, share: float = 0.5) -> bool:
    """Whether the cited span carries at least ``share`` of the sentence's content words (5-letter stems):
    an outlet vouches for an account sentence only when it says much the same, not just names the same people."""
    own = _content(text)
    if not own:
        return False
    span = analysis.articles[cite.article_id].text[cite.start : cite.end]
    return len(own & _content(span)) >= share * len(own)


def _position(fact: Fact) -> tuple[str, int]:
    c = fact.citations[0]
    return (c.article_id, c.start)


def _position_of(sentence: BriefSentence, analysis: StoryAnalysis) -> tuple[int, int]:
    order = {aid: n for n, aid in enumerate(analysis.story.article_ids)}
    c = sentence.citations[0]
    return (order.get(c.article_id, 0), c.start)


def _first_title(analysis: StoryAnalysis) -> str:
    for aid in analysis.story.article_ids:
        a = analysis.articles.get(aid)
        if a and a.title:
            return a.title
    return analysis.story.id


def build_brief(analysis: StoryAnalysis, **options: Any) -> Brief:
    """The checked brief of one analysed story (raises :class:`StageError` on an unsupported sentence)."""
    return BriefBuilder(**options).build(analysis)


# ---------------------------------------------------------------- rendering


def render_brief(subject: StoryAnalysis | Brief, fmt: str = "md") -> str:
    """Markdown (``md``), self-contained HTML (``html``) or ``json`` for an analysis or a built brief."""
    if fmt not in FORMATS:
        raise InputError(f"unknown brief format {fmt!r}", hint="use md, html or json")
    brief = subject if isinstance(subject, Brief) else build_brief(subject)
    if fmt == "json":
        return json.dumps(to_json(brief), ensure_ascii=False, indent=2) + "\n"
    view = brief_context(brief)
    if fmt == "md":
        return _markdown(view)
    return _html(view)


def _cite_label(c: Citation) -> str:
    return f"{c.outlet or c.article_id[:10]} {c.article_id[:10]}:{c.start}-{c.end}"


def brief_context(brief: Brief) -> dict[str, Any]:
    """The template context for ``templates/brief.html.j2``: conflicts and quotes grouped, copy tree nested.

    The web UI renders the same template with ``env.get_template("brief.html.j2").render(**brief_context(b))``.
    """

    def grouped(items: Sequence[BriefItem]) -> list[dict[str, Any]]:
        groups: dict[str | None, list[BriefItem]] = {}
        for i in items:
            groups.setdefault(i.group, []).append(i)
        return [{"id": g, "kind": its[0].status, "items": its} for g, its in groups.items()]

    by_id = {s.article_id: s for s in brief.sources}
    children: dict[str, list[BriefSource]] = {}
    roots = []
    for s in brief.sources:
        parent = s.copy_of if s.copy_of in by_id else None
        if parent:
            children.setdefault(parent, []).append(s)
        else:
            roots.append(s)

    def tree(s: BriefSource, depth: int) -> list[tuple[int, BriefSource]]:
        rows = [(depth, s)]
        for child in children.get(s.article_id, []):
            rows += tree(child, depth + 1)
        return rows

    rows = [row for r in roots for row in tree(r, 0)]
    return {
        "brief": brief,
        "conflict_groups": grouped(brief.conflicts),
        "update_groups": grouped(brief.updates),
        "quote_groups": grouped(brief.quotes),
        "source_rows": rows,
        "cite": _cite_label,
        "safe_url": _safe_url,
    }


def _safe_url(url: str | None) -> str | None:
    """Only http(s) links reach the page (an article's URL is input, not trusted markup)."""
    return url if url and re.match(r"^https?://", url.strip(), re.I) else None


def _md_cites(sentence: BriefSentence) -> str:
    return " " + " ".join(f"[{_cite_label(c)}]" for c in sentence.citations)


def _md(text: str) -> str:
    """Article text in Markdown: angle brackets escaped so a renderer never meets raw HTML from a source."""
    return " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _markdown(view: dict[str, Any]) -> str:
    b: Brief = view["brief"]
    out = [f"# {_md(b.title)}", "", f"Story `{b.story_id}` · {len(b.sources)} articles · {b.independent_origins} independent origins", ""]
    out += ["## Account", ""]
    if b.account:
        out += [f"{_md(s.text)}{_md_cites(s)}" for s in b.account]
    else:
        out.append("_No fact is yet reported by two independent origins._")
    out += ["", "## Key facts", ""]
    out += [f"- **{i.status}** — {_md(i.sentence.text)}{_md_cites(i.sentence)}" for i in b.key_facts]
    for heading, groups in (("Conflicts", view["conflict_groups"]), ("Updates", view["update_groups"])):
        out += ["", f"## {heading}", ""]
        if not groups:
            out.append("_None found._")
        for g in groups:
            out.append(f"- **{g['kind']}**")
            out += [f"  - {_md(i.sentence.text)}{_md_cites(i.sentence)}" for i in g["items"]]
    out += ["", "## Quote versions", ""]
    if not view["quote_groups"]:
        out.append("_None found._")
    for n, g in enumerate(view["quote_groups"], 1):
        out.append(f"- Quote {n}")
        for i in g["items"]:
            flags = f" _({i.status})_" if i.status else ""
            out.append(f"  - {_md(i.sentence.text)}{flags}{_md_cites(i.sentence)}")
    out += ["", "## Timeline", ""]
    out += [
        f"- {_md(i.sentence.text)}{' _(earlier)_' if i.group == 'earlier' else ''}{_md_cites(i.sentence)}" for i in b.timeline
    ] or ["_No dated events._"]
    out += ["", "## Sources", ""]
    for depth, s in view["source_rows"]:
        pad = "  " * depth
        kind = f" ({s.copy_kind} copy)" if s.copy_kind else ""
        when = s.published.date().isoformat() if s.published else "undated"
        out.append(f"{pad}- `{s.article_id[:10]}` {_md(s.outlet or '—')}: {_md(s.title or '(untitled)')}, {when}{kind}")
    return "\n".join(out) + "\n"


def _html(view: dict[str, Any]) -> str:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("storyline", "templates"), autoescape=True, undefined=StrictUndefined, trim_blocks=True,
        lstrip_blocks=True,
    )  # fmt: skip
    return env.get_template("brief.html.j2").render(**view)


# ---------------------------------------------------------------- runner / CLI glue


def analyse_and_store(store: Store, story_id: str, embedder: Any) -> Brief:
    """Analyse one stored story, build its checked brief, and store the five story documents.

    What a runner calls per touched story; also what ``storyline brief`` uses when no brief is stored yet.
    Sentence and quote vectors are kept in the store (``Comparer``'s ``vector_store``), so analysing the story
    again after an article joins it only embeds the new article's sentences.
    """
    story = store.get_story(story_id)
    articles = {a.id: a for a in store.articles(ids=list(story.article_ids))}
    readings = store.readings(list(story.article_ids))
    copies = {c.article_id: c for c in store.copies() if c.article_id in articles}
    analysis = analyse_story(story, articles, readings, copies, embedder, vector_store=store)
    for kind, payload in analysis.documents().items():
        store.put_story_doc(story.id, kind, payload)
    brief = build_brief(analysis)  # raises StageError naming an unsupported sentence; the facts stay stored
    store.put_story_doc(story.id, "brief", to_json(brief))
    return brief


def stored_brief(store: Store, story_id: str) -> Brief | None:
    """The brief stored for a story, rebuilt as a record (None when the runner has not written one)."""
    from .codec import from_json

    payload = store.get_story_doc(story_id, "brief")
    return None if payload is None else from_json(Brief, payload)


def brief_for(store: Store, story_ref: str, *, embedder: Any = None, refresh: bool = False) -> Brief:
    """The stored brief of a story (by id or prefix), built and stored first when missing or ``refresh``.

    ``embedder`` defaults to MiniLM (loaded only when a brief has to be built).
    """
    story = store.get_story(story_ref)
    if not refresh:
        stored = stored_brief(store, story.id)
        if stored is not None:
            return stored
    if embedder is None:
        from .embed import MiniLMEmbedder

        embedder = MiniLMEmbedder()
    return analyse_and_store(store, story.id, embedder)


def write_brief_files(
    store: Store, out_dir: Any, *, formats: Sequence[str] = FORMATS, embedder: Any = None
) -> list[Any]:
    """Write every live story's brief as ``<out_dir>/<story id>.<md|html|json>``; returns the paths.

    What ``storyline demo`` calls after processing; stories without a stored brief are analysed first.
    """
    from pathlib import Path

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for story in store.stories():
        brief = brief_for(store, story.id, embedder=embedder)
        for fmt in formats:
            path = out / f"{story.id}.{fmt}"
            path.write_text(render_brief(brief, fmt), encoding="utf-8")
            paths.append(path)
    return paths
