from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..read.layout import lines, zone_at
from ..lang.words import CORRECTION_CUES
from ..records import Amount, Article, DateRef, Mention, Place, Reading, Role
from .entities import EntityIndex
from .text import _SENT, _VERB_STOP, _words


# ---------------------------------------------------------------- sentence facts


@dataclass(eq=False)
class _Sentence:
    """One sentence of one article with the reading's records that fall inside it."""

    article_id: str
    start: int
    end: int
    text: str
    mentions: list[Mention]
    entities: set[str]
    places: list[Place]
    dates: list[DateRef]
    amounts: list[Amount]
    roles: list[Role]
    order: int = 0


def sentence_spans(article: Article, reading: Reading | None) -> list[tuple[int, int]]:
    """The reading's sentences, or a regex split when the reader gave none."""
    given = tuple(map(tuple, reading.sentences)) if reading is not None and reading.sentences else ()
    return list(_spans(article.text, given))


@functools.lru_cache(maxsize=4096)
def _spans(text: str, given: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """:func:`sentence_spans` of one text, cached: a story's comparison and its brief ask for each article's
    sentences several times."""
    spans = []
    if given:
        for s, e in given:
            # a paragraph break always ends a sentence (some sources join paragraphs into one reader sentence)
            for m in re.finditer(r"[^\n]+", text[s:e]):
                a, b = s + m.start(), s + m.end()
                while a < b and text[a].isspace():
                    a += 1
                while b > a and text[b - 1].isspace():
                    b -= 1
                if b > a:
                    spans.append((a, b))
        return tuple(_join_open_quotes(text, _join_split_abbreviations(text, spans)))
    for m in _SENT.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return tuple(_join_open_quotes(text, spans))


def _join_split_abbreviations(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A sentence the reader cut after an abbreviation's full stop ("found burning shortly after 5 a.m. | in
    Vénissieux", "Mr. | Lind") joined again: in news copy a sentence never opens with a lower-case letter, so one
    that does, in the same paragraph, continues the sentence before it."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and text[s].islower() and text[out[-1][1] - 1] == "." and "\n" not in text[out[-1][1] : s]:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _join_open_quotes(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences inside one multi-sentence quotation joined into one span, so that no fact starts mid-quote
    ("The refund will come off their bills automatically,” Mr. Adewunmi said." without its opening
    “Nobody needs to apply.). A quotation left open at a paragraph's end stops there (news opens the next
    paragraph's quote again)."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and _quote_open(text[out[-1][0] : out[-1][1]]) and "\n" not in text[out[-1][1] : s]:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _quote_open(sentence: str) -> bool:
    return sentence.count("\u201c") > sentence.count("\u201d") or sentence.count('"') % 2 == 1


def in_quotation(s: _Sentence, at: int) -> bool:
    """Whether the article offset ``at`` lies inside a quotation of sentence ``s`` (a quotation mark is open
    before it): a day a speaker names ("today", "on Tuesday") is dated from when they spoke, not from the report."""
    return _quote_open(s.text[: max(0, at - s.start)])


def sentence_bounds(article: Article, reading: Reading | None) -> list[tuple[int, int]]:
    """The spans sentence facts are made of (and cite): :func:`sentence_spans`, a leading dateline cut off.

    The dateline says where and when the report was filed, not what happened. The citation checker uses this
    to confirm that a paraphrase citation points at one whole sentence of the article.
    """
    dateline = _dateline_end(article.text)
    return [(dateline if s < dateline < e else s, e) for s, e in sentence_spans(article, reading)]


def _within(items: Sequence[Any], starts: list[int], s: int, e: int) -> list[Any]:
    lo = bisect.bisect_left(starts, s)
    hi = bisect.bisect_left(starts, e)
    return [x for x in items[lo:hi] if x.end <= e]


def _sentences_of(article: Article, reading: Reading, ents: EntityIndex) -> list[_Sentence]:
    def sort(items: Iterable[Any]) -> tuple[list[Any], list[int]]:
        out = sorted(items, key=lambda x: (x.start, x.end))
        return out, [x.start for x in out]

    mentions, m_starts = sort(reading.mentions)
    places, p_starts = sort(reading.places)
    dates, d_starts = sort(reading.dates)
    amounts, a_starts = sort(reading.amounts)
    roles, r_starts = sort(reading.roles)
    dateline = _dateline_end(article.text)
    dates = [d for d in dates if d.start >= dateline]
    d_starts = [d.start for d in dates]
    layout = lines(article.text)
    out = []
    for n, (s, e) in enumerate(sentence_bounds(article, reading)):
        text = article.text[s:e]
        if len(text) < 20 or zone_at(layout, s) in ("credit", "caption"):
            continue  # a credit line ("(Reporting by ...)") or photo caption states no story fact
        if _CORRECTION.search(text):
            continue  # a printed correction quotes the wrong value it corrects
        ms = _within(mentions, m_starts, s, e)
        sent = _Sentence(
            article.id, s, e, text, ms,
            {k for m in ms if (k := ents.resolve(article.id, m.entity))},
            _within(places, p_starts, s, e), _within(dates, d_starts, s, e),
            _within(amounts, a_starts, s, e), _within(roles, r_starts, s, e), n,
        )  # fmt: skip
        out.append(sent)  # slot-less sentences still align (and a swapped, unknown place name leaves none)
    return out


_CORRECTION = re.compile("|".join(re.escape(c) for c in CORRECTION_CUES), re.I)
_DATELINE = re.compile(r"^\s*[A-Z][A-Z .'\-]+,[^\n]{0,60}?(?:\s[\u2014\u2013-]{1,2}\s)")


def _dateline_end(text: str) -> int:
    """Where a dateline ("HALDEN FALLS, March 11 (Merriton Press) — ") ends, else 0."""
    m = _DATELINE.match(text)
    return m.end() if m else 0


def _action(sent: _Sentence) -> str | None:
    """A cheap guess at the main verb: the first verb-looking word after the first named subject."""
    after = sent.mentions[0].end - sent.start if sent.mentions else 0
    for word in _words(sent.text[after:])[:8]:
        low = word.lower()
        if low in _VERB_STOP or not word.islower():
            continue
        if low.endswith(("ed", "es", "ts", "ys", "ds", "ns")) or low in {"said", "met", "told", "took", "made", "held",
                                                                           "will", "would", "could", "may", "has", "had"}:
            return low
    return None



def _published_key(article: Article) -> str:
    return article.published.isoformat() if article.published else "9999"


def _sentence_at(sentences: list[_Sentence], aid: str, offset: int) -> _Sentence | None:
    for s in sentences:
        if s.article_id == aid and s.start <= offset < s.end:
            return s
    return None


def _sentence_around(article: Article, reading: Reading, start: int, end: int) -> tuple[int, int]:
    """The sentence span containing [start, end), else the span itself."""
    for s, e in sentence_spans(article, reading):
        if s <= start and end <= e:
            return s, e
    return start, end
