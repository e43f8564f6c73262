"""The reading stage: every article read into a :class:`~storyline.records.Reading`.

``ReadStage(settings)`` loads spaCy in :meth:`warm_up` (NER + sentence splitter only, see
:mod:`storyline.read.nlp`), runs it over the batch with ``nlp.pipe`` and hands each article's
sentences and entity spans to the pure-Python readers. Store-wide entity resolution is not a
stage: it needs every reading, so the runner calls :func:`storyline.read.entities.resolve_entities`
after saving a run's readings.
"""

from __future__ import annotations

from datetime import date

from ..config import Settings
from ..errors import StageError
from ..pipeline import Batch
from ..records import Article, Reading
from . import layout as layout_mod
from .amounts import find_amounts
from .dates import find_dates, find_expressions
from .entities import RawEnt, clean_mentions, gender_hints, resolve_local
from .nlp import Parsed, load_nlp, parse
from .places import find_places
from .quotes import find_quotes
from .roles import find_roles


def read_article(article: Article, parsed: Parsed) -> Reading:
    """One article's reading from its text and the model's output (no model needed here)."""
    text = article.text
    lines = layout_mod.lines(text)
    dateline = layout_mod.find_dateline(text, lines)
    skip = (dateline.start, dateline.end) if dateline else None
    raw = clean_mentions(text, parsed.ents, lines, skip=skip)
    if dateline is not None:
        # the dateline place is a mention of its own: NER on "MIAMI, FL -" is unreliable
        raw = sorted([*raw, RawEnt(dateline.place_start, dateline.place_end, "GPE")], key=lambda e: e.start)
    entities, mentions = resolve_local(text, raw)
    body = [(ln.start, ln.end) for ln in lines if ln.zone == "body"]
    sentences = tuple(s for s in parsed.sentences if any(bs <= s[0] < be for bs, be in body)) or parsed.sentences
    roles = find_roles(text, mentions, sentences)
    quotes = find_quotes(text, sentences, mentions, roles, gender_hints(mentions))
    published: date | None = article.published.date() if article.published else None
    non_body = [(ln.start, ln.end) for ln in lines if ln.zone != "body"]
    expressions = find_expressions(text)
    dates, window = find_dates(text, published, skip=non_body, infer_from=body, found=expressions)
    amounts = find_amounts(text, skip=[(f.start, f.end) for f in expressions] + non_body)
    places = find_places(text, mentions, dateline)
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


class ReadStage:
    """Reads each article of a batch: entities, roles, quotes, dates, amounts, places."""

    name = "read"
    requires = ("articles",)
    provides = ("readings",)

    def __init__(self, settings: Settings, *, batch_size: int = 32) -> None:
        self.model = settings.spacy_model
        self.batch_size = batch_size
        self._nlp = None

    def warm_up(self) -> None:
        if self._nlp is None:
            self._nlp = load_nlp(self.model)

    def __getstate__(self) -> dict[str, object]:
        """Pickle the configuration only (the Dask runner ships stages to workers, which warm up)."""
        return {"model": self.model, "batch_size": self.batch_size, "_nlp": None}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)

    def run(self, batch: Batch) -> Batch:
        self.warm_up()
        readings = dict(batch.readings)
        articles = batch.articles
        parsed = parse(self._nlp, (model_text(a.text) for a in articles), batch_size=self.batch_size)
        for article, p in zip(articles, parsed, strict=True):
            try:
                readings[article.id] = read_article(article, p)
            except Exception as exc:  # name the article; keep the cause
                raise StageError(
                    self.name, f"{type(exc).__name__}: {exc}", item=article.id,
                    hint="report this article's text with the error; other articles are unaffected when it is removed",
                ) from exc
        return batch.replace(readings=readings)
