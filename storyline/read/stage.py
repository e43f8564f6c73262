"""The reading stage: every article read into a :class:`~storyline.records.Reading`.

``ReadStage(settings)`` loads spaCy in :meth:`warm_up` (NER + sentence splitter only, see
:mod:`storyline.read.nlp`, and the parser that quote speakers are read from, see :mod:`storyline.read.syntax`),
runs it over the batch with ``nlp.pipe`` and hands each article's sentences and entity spans to the readers. Store-wide entity resolution is not a
stage: it needs every reading, so the runner calls :func:`storyline.read.entities.resolve_entities`
after saving a run's readings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import date

from ..config import Settings
from ..errors import StageError
from ..pipeline import Batch
from ..records import Article, CopyLink, Reading
from . import layout as layout_mod
from .amounts import find_amounts
from .dates import find_dates, find_expressions
from .entities import RawEnt, clean_mentions, gender_hints, resolve_local
from .place_names import Gazetteer as PlaceNames
from .nlp import Parsed, load_nlp, parse
from .places import find_places
from .quotes import find_quotes
from .people import relabel_people
from .roles import find_roles
from .syntax import load_parser, paragraph_sentences, parse_windows, windows


def read_article(
    article: Article, parsed: Parsed, *, is_place: Callable[[str], bool] | None = None, parser: object | None = None
) -> Reading:
    """One article's reading from its text and the model's output; ``is_place``: a gazetteer look-up that checks
    the model's entity types; ``parser``: the dependency parser run on the sentences around quotes (speakers)."""
    text = article.text
    lines = layout_mod.lines(text)
    dateline = layout_mod.find_dateline(text, lines)
    skip = (dateline.start, dateline.end) if dateline else None
    raw = clean_mentions(text, parsed.ents, lines, skip=skip, is_place=is_place)
    if dateline is not None:
        # the dateline place is a mention of its own: NER on "MIAMI, FL -" is unreliable
        raw = sorted([*raw, RawEnt(dateline.place_start, dateline.place_end, "GPE")], key=lambda e: e.start)
    entities, mentions = resolve_local(text, raw)
    body = [(ln.start, ln.end) for ln in lines if ln.zone == "body"]
    sentences = tuple(s for s in parsed.sentences if any(bs <= s[0] < be for bs, be in body)) or parsed.sentences
    # roles of every name the text shows to be a person's, whatever the small model typed it ("Chief executive
    # Jo Bloggs" as an ORG): the same evidence the speakers use (:func:`.people.relabel_people`)
    people = relabel_people(text, mentions)
    roles = find_roles(text, people, sentences)
    # speakers read sentences that end at paragraph breaks (a byline or a lead-in ending "said:" is no part of the
    # paragraph after it)
    clauses = tuple(s for s in paragraph_sentences(text, parsed.sentences) if any(bs <= s[0] < be for bs, be in body))
    clauses = clauses or sentences
    parse = None
    if parser is not None:
        def parse(quotes):  # type: ignore[no-untyped-def]
            return parse_windows(parser, text, windows(clauses, quotes))
    quotes = find_quotes(text, clauses, mentions, roles, gender_hints(mentions), parse=parse)
    published: date | None = article.published.date() if article.published else None
    non_body = [(ln.start, ln.end) for ln in lines if ln.zone != "body"]
    expressions = find_expressions(text)
    dates, window = find_dates(text, published, skip=non_body, infer_from=body, found=expressions)
    amounts = find_amounts(text, skip=[(f.start, f.end) for f in expressions] + non_body)
    # a name the model typed otherwise but the text shows to be a person's is not the place a lead without other
    # evidence names first
    persons = frozenset(p.entity for p, m in zip(people, mentions, strict=True) if p.label == "PERSON" != m.label)
    places = find_places(text, mentions, dateline, persons=persons)
    return Reading(
        article_id=article.id,
        sentences=tuple(parsed.sentences),
        entities=entities,
        mentions=mentions,
        roles=tuple(roles),
        quotes=tuple(quotes),
        dates=tuple(dates),
        amounts=tuple(amounts),
        places=tuple(places),
        published_window=window,
    )


def model_text(text: str) -> str:
    """The text the model reads: the dateline blanked out (same length, so offsets hold).

    "Miami, FL - February 5th, 2026 - Kirill Dmitriev, ..." makes the small model miss the
    name right after the dateline; the dateline place is added back by :func:`read_article`.
    """
    lines = layout_mod.lines(text)
    dateline = layout_mod.find_dateline(text, lines)
    if dateline is None:
        return text
    return text[: dateline.start] + " " * (dateline.end - dateline.start) + text[dateline.end :]


#: How many characters a syndicated copy may add around its origin's text (credit line, "Read more at ..."
#: footer, wire boilerplate) and still take the origin's reading instead of being read again.
MAX_BOILERPLATE = 400


def copy_offset(copy_text: str, origin_text: str, *, max_extra: int = MAX_BOILERPLATE) -> int | None:
    """Where ``origin_text`` sits in ``copy_text`` when the copy is the origin plus at most ``max_extra``
    characters of boilerplate around it (None otherwise: the copy must be read on its own)."""
    extra = len(copy_text) - len(origin_text)
    if not origin_text or extra < 0 or extra > max_extra:
        return None
    at = copy_text.find(origin_text)
    return at if at >= 0 else None


def copy_reading(copy: Article, origin: Article, reading: Reading) -> Reading | None:
    """The origin's reading moved onto the copy's text (every character offset shifted), or None when the
    copy is more than the origin's text plus a credit line or boilerplate.

    Why this is safe: the copy's story text *is* the origin's, so the model would find the same entities and
    sentences there. Dates keep the origin's resolution: relative expressions ("on Wednesday") were written
    on the origin's day, and resolving them the same way keeps copy and origin from looking like a conflict.
    The boilerplate itself goes unread (it carries no story facts).
    """
    at = copy_offset(copy.text, origin.text)
    if at is None:
        return None
    return shift_reading(reading, copy.id, at)


def shift_reading(reading: Reading, article_id: str, by: int) -> Reading:
    """``reading`` for article ``article_id`` whose text holds the read text ``by`` characters further on."""

    def moved(items: tuple, *, speaker: bool = False) -> tuple:  # type: ignore[type-arg]
        out = []
        for item in items:
            changes = {"start": item.start + by, "end": item.end + by}
            if speaker and item.speaker_start is not None:
                changes.update(speaker_start=item.speaker_start + by, speaker_end=item.speaker_end + by)
            out.append(dataclasses.replace(item, **changes))
        return tuple(out)

    return dataclasses.replace(
        reading,
        article_id=article_id,
        sentences=tuple((s + by, e + by) for s, e in reading.sentences),
        mentions=moved(reading.mentions),
        roles=moved(reading.roles),
        quotes=moved(reading.quotes, speaker=True),
        dates=moved(reading.dates),
        amounts=moved(reading.amounts),
        places=moved(reading.places),
    )


def _origin_in(batch_articles: Mapping[str, Article], link: CopyLink | None, article: Article) -> Article | None:
    """The origin of a syndicated copy when it is in the same batch and the copy only adds boilerplate to it."""
    if link is None or link.kind != "syndicated" or not link.copy_of or link.copy_of == article.id:
        return None
    origin = batch_articles.get(link.copy_of)
    if origin is None or copy_offset(article.text, origin.text) is None:
        return None
    return origin


class ReadStage:
    """Reads each article of a batch: entities, roles, quotes, dates, amounts, places.

    The model runs once per distinct text: an article whose reading the batch already carries (the runner
    fills in syndicated copies whose origin was read in an earlier batch, see :func:`copy_reading`) is left
    as it is, and a syndicated copy whose origin is in the same batch takes the origin's reading, moved onto
    its own offsets. Copies that differ from their origin by more than boilerplate are read like any article.
    """

    name = "read"
    requires = ("articles",)
    provides = ("readings",)

    def __init__(self, settings: Settings, *, batch_size: int = 32) -> None:
        self.model = settings.spacy_model
        self.batch_size = batch_size
        self._nlp = None
        self._parser = None
        self._places: PlaceNames | None = None
        self.copies_reused = 0  # syndicated copies that took their in-batch origin's reading (no model pass)

    def warm_up(self) -> None:
        if self._nlp is None:
            self._nlp = load_nlp(self.model)
        if self._parser is None:
            self._parser = load_parser(self.model)
        if self._places is None:
            self._places = PlaceNames()
            self._places.warm_up()

    def __getstate__(self) -> dict[str, object]:
        """Pickle the configuration only (the Dask runner ships stages to workers, which warm up)."""
        return {"model": self.model, "batch_size": self.batch_size, "_nlp": None, "_parser": None, "_places": None, "copies_reused": 0}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)

    def run(self, batch: Batch) -> Batch:
        self.warm_up()
        readings = dict(batch.readings)
        by_id = {a.id: a for a in batch.articles}
        todo = [a for a in batch.articles if a.id not in readings]
        copies = {a.id: o for a in todo if (o := _origin_in(by_id, batch.copies.get(a.id), a)) is not None}
        self._read(readings, [a for a in todo if a.id not in copies])
        unread = []
        for copy_id, origin in copies.items():
            found = readings.get(origin.id)
            mapped = copy_reading(by_id[copy_id], origin, found) if found is not None else None
            if mapped is None:
                unread.append(by_id[copy_id])
            else:
                readings[copy_id] = mapped
        self._read(readings, unread)  # the origin was itself a copy left unread: read these after all
        self.copies_reused += len(copies) - len(unread)
        return batch.replace(readings=readings)

    def _read(self, readings: dict[str, Reading], articles: list[Article]) -> None:
        if not articles:
            return
        parsed = parse(self._nlp, (model_text(a.text) for a in articles), batch_size=self.batch_size)
        for article, p in zip(articles, parsed, strict=True):
            try:
                readings[article.id] = read_article(
                    article, p, is_place=self._places.is_place if self._places else None, parser=self._parser
                )
            except Exception as exc:  # name the article; keep the cause
                raise StageError(
                    self.name, f"{type(exc).__name__}: {exc}", item=article.id,
                    hint="report this article's text with the error; other articles are unaffected when it is removed",
                ) from exc
