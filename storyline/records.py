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

CopyKind = Literal["syndicated", "rewrite"]


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
