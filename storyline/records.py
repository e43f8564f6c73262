"""Frozen records that flow through the pipeline.

Stages never mutate a record: they return new ones (``dataclasses.replace``).
Every character offset is into ``Article.text`` (Python ``str`` indices).
Ids are content hashes so the same input always gets the same id.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

# ---------------------------------------------------------------- helpers

_WS = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Unicode NFKC, unified quotes/dashes, collapsed white space: the form ids hash."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_PUNCT)
    return _WS.sub(" ", text).strip()


_PUNCT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def content_id(*parts: str | None, prefix: str = "", length: int = 16) -> str:
    """A short, stable hex id from the given parts (``None`` counts as empty)."""
    digest = hashlib.sha256("\x1f".join(p or "" for p in parts).encode("utf-8")).hexdigest()
    return prefix + digest[:length]


# ---------------------------------------------------------------- ingest


@dataclass(frozen=True, slots=True)
class Article:
    """One news report as ingested."""

    id: str
    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    author: str | None = None
    published: datetime | None = None  # timezone-aware, or absent
    language: str | None = None
    external_id: str | None = None  # verbatim from the input (e.g. a JSON record's "id")
    source: str = ""  # file path, "file.jsonl#3", or URL it was read from
    ingested_at: datetime | None = None

    @staticmethod
    def make_id(text: str, url: str | None) -> str:
        """Content hash of the normalized text plus the URL."""
        return content_id(normalize_text(text), (url or "").strip(), prefix="a")

    @property
    def label(self) -> str:
        """A short human name: outlet and title, else the id."""
        bits = [b for b in (self.outlet, self.title) if b]
        return " — ".join(bits) if bits else self.id


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input item that did not become an article, and why."""

    source: str  # file, "file.jsonl#line", or URL
    reason: str


@dataclass(frozen=True, slots=True)
class IngestSummary:
    added: tuple[str, ...] = ()  # article ids newly stored
    present: tuple[str, ...] = ()  # article ids that were already stored
    skipped: tuple[Skipped, ...] = ()


# ---------------------------------------------------------------- copies and stories

CopyKind = Literal["syndicated", "rewrite", "partial"]


@dataclass(frozen=True, slots=True)
class CopyLink:
    """``article_id`` is a copy of ``copy_of`` (an article id) or of ``credited_url``."""

    article_id: str
    kind: CopyKind
    score: float
    copy_of: str | None = None
    credited_url: str | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where the clusterer put one article, and why."""

    article_id: str
    story_id: str
    score: float
    new_story: bool
    reason: str


@dataclass(frozen=True, slots=True)
class Story:
    id: str
    title: str
    article_ids: tuple[str, ...]
    first_published: datetime | None = None
    last_published: datetime | None = None
    independent_origins: int = 0
    reason: str = ""
    redirect_to: str | None = None  # set when merged into another story


# ---------------------------------------------------------------- reading

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Mention:
    """A named-entity mention; ``entity`` is the article-local entity key it resolves to."""

    text: str
    start: int
    end: int
    label: str  # PERSON, ORG, GPE, LOC, NORP, FAC, EVENT, ...
    entity: str  # local key (canonical name within the article)


@dataclass(frozen=True, slots=True)
class Role:
    """A title or role an article gives a person ("White House envoy for the Middle East")."""

    entity: str  # local entity key of the person
    title: str
    start: int
    end: int
    former: bool = False


@dataclass(frozen=True, slots=True)
class Quote:
    text: str  # verbatim, without the quotation marks
    start: int
    end: int
    speaker: str | None  # local entity key, or the name as written when unresolved
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None  # "said", "wrote", "according to", "post"
    kind: Literal["direct", "partial", "post"] = "direct"


@dataclass(frozen=True, slots=True)
class DateRef:
    text: str
    start: int
    end: int
    value: date  # first day of the period
    granularity: Literal["day", "week", "month", "year"] = "day"
    relative: bool = False
    inferred: bool = False  # resolved against an inferred, not a stated, publication date


@dataclass(frozen=True, slots=True)
class Amount:
    text: str
    start: int
    end: int
    value: float
    unit: str | None = None  # "USD", "%", "people", ...
    counts: str | None = None  # what is counted: "losses", "air fryers", "death toll"


@dataclass(frozen=True, slots=True)
class Place:
    text: str
    start: int
    end: int
    name: str  # normalized ("Washington")
    event_location: bool = False
    evidence: str = "mention"  # "dateline", "in-phrase", "mention"


@dataclass(frozen=True, slots=True)
class LocalEntity:
    """An entity resolved within one article: its canonical name and the aliases used."""

    key: str
    name: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reading:
    """Everything the reading stage found in one article."""

    article_id: str
    sentences: tuple[Span, ...] = ()
    entities: tuple[LocalEntity, ...] = ()
    mentions: tuple[Mention, ...] = ()
    roles: tuple[Role, ...] = ()
    quotes: tuple[Quote, ...] = ()
    dates: tuple[DateRef, ...] = ()
    amounts: tuple[Amount, ...] = ()
    places: tuple[Place, ...] = ()
    published_window: tuple[date, date] | None = None  # inferred when the article has no date


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical entity across the whole store."""

    id: str
    name: str
    label: str
    aliases: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------- outlets side by side

FactStatus = Literal["agreed", "single-source", "contested"]
ConflictKind = Literal["location", "date", "number", "title", "quote_wording", "quote_speaker"]


@dataclass(frozen=True, slots=True)
class Citation:
    """Evidence for a statement: a character span of one article's text."""

    article_id: str
    start: int
    end: int
    outlet: str | None = None


@dataclass(frozen=True, slots=True)
class FactValue:
    """One value a slot takes ("Portmere", "2026-03-18", "340000") and the articles that give it."""

    value: str  # normalized, comparable form
    text: str  # as one article writes it
    article_ids: tuple[str, ...]
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True, slots=True)
class Fact:
    """A statement aligned across a story's articles, with its slots and its status.

    ``kind`` is "event" (a sentence-level who-did-what), "role" (a person's title) or "quote".
    """

    id: str
    story_id: str
    kind: str
    text: str  # the representative sentence, verbatim
    status: FactStatus
    who: tuple[str, ...] = ()  # canonical entity names
    action: str | None = None
    what: tuple[str, ...] = ()
    where: tuple[str, ...] = ()
    when: tuple[date, ...] = ()
    how_many: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()  # independent origins among article_ids
    citations: tuple[Citation, ...] = ()  # one span per article
    conflict_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Conflict:
    """Outlets disagree on one slot: every value with the articles that give it (no verdict).

    Not :class:`storyline.errors.Conflict` (a store error). ``update`` marks a figure that changes in
    step with publication time (a rising toll): shown as an update, not counted as a disagreement.
    """

    id: str
    story_id: str
    kind: ConflictKind
    subject: str
    values: tuple[FactValue, ...]
    fact_id: str | None = None
    update: bool = False


@dataclass(frozen=True, slots=True)
class WordChange:
    """One word-level difference of a quote version against its group's reference version."""

    op: Literal["replace", "delete", "insert"]
    reference: str
    version: str


@dataclass(frozen=True, slots=True)
class QuoteVersion:
    article_id: str
    text: str
    start: int
    end: int
    speaker: str | None  # canonical name across the story
    outlet: str | None = None
    changes: tuple[WordChange, ...] = ()
    flags: tuple[str, ...] = ()  # "truncated", "speaker_differs"


@dataclass(frozen=True, slots=True)
class QuoteGroup:
    """One statement as quoted by different outlets."""

    id: str
    story_id: str
    speaker: str | None  # the speaker most versions name
    text: str  # the reference version (the longest most-quoted one)
    versions: tuple[QuoteVersion, ...]
    wording_differs: bool = False
    speaker_differs: bool = False


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    date: date
    granularity: str  # "day", "week", "month", "year"
    text: str  # the sentence that dates the event, verbatim
    article_ids: tuple[str, ...]
    citations: tuple[Citation, ...]
    earlier: bool = False  # before the story's first publication: an event the articles refer back to

    @property
    def when(self) -> str:
        """The date as precisely as the text gives it: "2026-03-05", "2026-03", "2026"."""
        if self.granularity == "year":
            return f"{self.date.year:04d}"
        if self.granularity == "month":
            return self.date.strftime("%Y-%m")
        return self.date.isoformat()


@dataclass(frozen=True, slots=True)
class BriefSentence:
    """A sentence of a brief and the spans that must support every name, number, place and date in it."""

    text: str
    citations: tuple[Citation, ...]
    section: str = "account"  # account, fact, conflict, quote, timeline


@dataclass(frozen=True, slots=True)
class BriefSource:
    article_id: str
    outlet: str | None
    title: str | None
    url: str | None
    published: datetime | None
    copy_of: str | None = None  # article id or credited URL
    copy_kind: str | None = None
    origin: str = ""  # the independent origin this article counts towards


@dataclass(frozen=True, slots=True)
class BriefItem:
    """A key fact, conflict value, quote version or timeline entry: a checked sentence plus its labels."""

    sentence: BriefSentence
    status: str | None = None  # fact status, conflict kind, quote flags, or timeline date
    article_ids: tuple[str, ...] = ()
    group: str | None = None  # conflict / quote group / fact id the item belongs to
    subject: str | None = None  # what a conflict is about ("title of X"), or whose quote ("quote by X")


@dataclass(frozen=True, slots=True)
class Brief:
    story_id: str
    title: str
    account: tuple[BriefSentence, ...]
    key_facts: tuple[BriefItem, ...]
    conflicts: tuple[BriefItem, ...]
    quotes: tuple[BriefItem, ...]
    timeline: tuple[BriefItem, ...]
    sources: tuple[BriefSource, ...]
    independent_origins: int
    updates: tuple[BriefItem, ...] = ()

    def sentences(self) -> tuple[BriefSentence, ...]:
        """Every checked sentence of the brief, in reading order."""
        items = (*self.key_facts, *self.conflicts, *self.updates, *self.quotes, *self.timeline)
        return (*self.account, *(i.sentence for i in items))
