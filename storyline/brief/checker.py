"""The citation checker: every name, number, place and date a brief sentence states must be in each span it cites.

:func:`sentence_claims` reads the claims straight from a sentence's text (capitalized names and places, numbers,
ISO dates, month-day dates, weekdays); :class:`CitationChecker` verifies them against the cited span, using the
reading of the cited article (its resolved dates and parsed amounts) and the story's entity aliases.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..lang.numbers import SCALES, SMALL_NUMBERS
from ..errors import StageError
from ..read.amounts import find_amounts
from ..read.dates import MONTHS
from ..records import Article, Brief, BriefSentence, Citation, Reading
from .inputs import EntityIndex, numbers_agree, sentence_bounds, squash

STAGE = "brief"
# sections whose sentences may cite another outlet's aligned paraphrase (see CitationChecker)
PARAPHRASE_SECTIONS = frozenset({"fact", "account"})


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
    return _claims(text)


# A brief asks about the same few hundred sentences again and again (each candidate against each citation).
CLAIMS_CACHE = 4096


@functools.lru_cache(maxsize=CLAIMS_CACHE)
def _claims(text: str) -> Claims:
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
    sentence, which may say it in other words ("$14.3m" for "$14.3 million", "the mayor" for "Ilse Varga").
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
        # answers and per-span work, kept for the checker's life (one brief): the account and the key facts ask
        # about the same sentences and spans many times
        self._answers: dict[tuple[str, str, int, int, bool], list[str]] = {}
        self._spans: dict[tuple[str, int, int], _Span] = {}
        self._bounds: dict[str, set[tuple[int, int]]] = {}
        self._forms: dict[str, tuple[str, ...]] = {}

    def problems(self, sentence: BriefSentence) -> list[str]:
        """What the citations fail to support (empty when the sentence checks)."""
        if not sentence.citations:
            return ["no citation"]
        out = []
        for cite in sentence.citations:
            paraphrase = sentence.section in PARAPHRASE_SECTIONS and self._aligned(sentence.text, cite)
            for missing in self._answer(sentence.text, cite, paraphrase):
                out.append(f"{cite.article_id}[{cite.start}:{cite.end}] does not state {missing}")
        return out

    def supports(self, text: str, cite: Citation, *, paraphrase: bool = False) -> bool:
        """Whether ``cite`` supports ``text``; ``paraphrase``: a key fact, which an aligned paraphrase may cite."""
        return not self._answer(text, cite, paraphrase and self._aligned(text, cite))

    def _answer(self, text: str, cite: Citation, paraphrase: bool) -> list[str]:
        key = (text, cite.article_id, cite.start, cite.end, paraphrase)
        if key not in self._answers:
            self._answers[key] = self._missing(sentence_claims(text), cite, paraphrase=paraphrase)
        return self._answers[key]

    def _aligned(self, text: str, cite: Citation) -> bool:
        """Whether the comparison aligned ``cite`` as an agreeing paraphrase of ``text``, a whole sentence."""
        if squash(text) not in self.paraphrases.get((cite.article_id, cite.start, cite.end), ()):
            return False
        article = self.articles.get(cite.article_id)
        if article is None:
            return False
        if article.id not in self._bounds:
            self._bounds[article.id] = set(sentence_bounds(article, self.readings.get(cite.article_id)))
        return (cite.start, cite.end) in self._bounds[article.id]

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
        known = self._span(article, cite)
        low, dates, amounts = known.low, known.dates, known.amounts
        missing = []
        for quoted in claims.quotes:
            # a quotation is a claim too: the span must carry the quoted words, in order (a cut is fine)
            words, span_words = _quote_words(quoted), known.words
            if words and _in_order(words, span_words) < 0.9 * len(words):
                missing.append(f"the quotation {quoted[:40]!r}")
        found = [name for name in claims.names if self._name_in(name, low)]
        if not paraphrase:
            missing += [repr(name) for name in claims.names if name not in found]
        elif claims.names and not found:  # a paraphrase may name people otherwise ("the mayor"), not all of them
            missing.append("any of " + ", ".join(repr(name) for name in claims.names))
        span_numbers = known.numbers
        # a paraphrase may write a figure otherwise ("$18.6m", "18,600,000", "about 18.6 million"): compared as
        # values, scale applied, rounding tolerated; "18.6 thousand" is not "$18.6m"
        values: set[float] = known.values() if paraphrase else set()
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
        written, iso_written = known.written, known.iso_written
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

    def _span(self, article: Article, cite: Citation) -> _Span:
        key = (cite.article_id, cite.start, cite.end)
        if key not in self._spans:
            self._spans[key] = _Span(article.text[cite.start : cite.end], self.readings.get(cite.article_id), cite)
        return self._spans[key]

    def _name_in(self, name: str, low: str) -> bool:
        return any(form in low for form in self._name_forms(name))

    def _name_forms(self, name: str) -> tuple[str, ...]:
        """The padded, normalised forms that state ``name`` in a span: itself, the entity's aliases, and for a
        full name its surname (worked out once per name)."""
        if name not in self._forms:
            plain = " " + re.sub(r"[\W_]+", " ", name.lower().replace("’", "'")).strip() + " "  # "Farmers'" too
            forms = [plain] if plain.strip() else []
            for form in self.entities.forms(name):
                f = " " + re.sub(r"[\W_]+", " ", form).strip() + " "
                if f.strip():
                    forms.append(f)
            tokens = plain.split()
            if len(tokens) > 1 and len(tokens[-1]) >= 4 and tokens[-1] not in _NOT_NAMES:
                forms.append(f" {tokens[-1]} ")  # a full name against a span that uses the surname
            self._forms[name] = tuple(dict.fromkeys(forms))
        return self._forms[name]


class _Span:
    """What the checks read from one cited span, worked out once."""

    def __init__(self, text: str, reading: Reading | None, cite: Citation) -> None:
        self.text = text
        self.low = " " + re.sub(r"[\W_]+", " ", text.lower().replace("’", "'").replace("'s ", " ")) + " "
        self.dates = [d for d in (reading.dates if reading else ()) if d.start >= cite.start and d.end <= cite.end]
        self.amounts = [a for a in (reading.amounts if reading else ()) if a.start >= cite.start and a.end <= cite.end]
        self.figures = sentence_claims_numbers(text)
        self.words_said = {float(n) for w, n in _NUMBER_WORDS.items() if f" {w} " in self.low}
        self.numbers = {raw for raw, _ in self.figures} | {s for _, s in self.figures if s is not None} | self.words_said
        self.written = {(_MONTHS[m[1].lower().rstrip(".")], int(m[2])) for m in _MONTH_DAY.finditer(text)}
        self.iso_written = {m[0] for m in _ISO.finditer(text)}
        self._words: list[str] | None = None
        self._values: set[float] | None = None

    @property
    def words(self) -> list[str]:
        if self._words is None:
            self._words = _quote_words(self.text)
        return self._words

    def values(self) -> set[float]:
        """Every figure of the span as a value (for a paraphrase): written, parsed amounts, number words."""
        if self._values is None:
            values: set[Any] = {raw if scaled is None else scaled for raw, scaled in self.figures}
            values |= {a.value for a in (*self.amounts, *find_amounts(self.text))}
            self._values = values | self.words_said
        return self._values


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
