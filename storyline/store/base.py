"""The ``Store`` protocol every backend implements, and :func:`open_store`.

Backends: SQLite (default, a file path or ``sqlite:///path``) and PostgreSQL
(``postgresql://...``). Both share the SQL in :mod:`storyline.store.sql`; one
conformance suite (``tests/store/test_conformance.py``) runs on each.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import numpy as np

from ..errors import StoreError
from ..records import Article, Assignment, CopyLink, Entity, LocalEntity, Reading, Story


@dataclass(frozen=True, slots=True)
class Override:
    """An analyst decision later runs respect: ``merge`` (a, b) or ``split`` (story, articles)."""

    id: int
    kind: str  # "merge" | "split" | "entity-merge" | "entity-rename"
    args: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Job:
    """Work the server hands to the ``storyline worker`` process through the store, so that no pipeline
    run happens inside the web server: ``process`` (run the pipeline over stored, unprocessed articles)
    or ``reprocess`` (one edited article, ``args == (article_id,)``)."""

    id: int
    kind: str
    args: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class FeedState:
    """What ``storyline watch`` knows about one feed between polls; stored, so a restart resumes.

    ``etag`` and ``last_modified`` are the server's validators, verbatim, sent back as ``If-None-Match`` and
    ``If-Modified-Since``. ``failures`` counts consecutive failed polls (it sets the backoff); ``next_poll``
    is when the feed is due again (``None``: at once).
    """

    url: str
    etag: str | None = None
    last_modified: str | None = None
    next_poll: datetime | None = None
    failures: int = 0
    last_error: str | None = None
    last_polled: datetime | None = None
    last_status: int | None = None  # HTTP status of the last answer (304: not modified)
    articles: int = 0  # articles this feed has added, in all


@dataclass(frozen=True, slots=True)
class ArticleFailure:
    """Why processing an article failed: later runs skip it until it is retried (``storyline retry``) or deleted.

    ``stage`` names where it failed (a pipeline stage such as ``read`` or ``cluster``, or ``store`` when its
    results could not be written); ``reason`` is the error's message.
    """

    article_id: str
    stage: str
    reason: str
    failed_at: datetime


#: Kinds of stale marks (:meth:`Store.mark_stale`): work a committed batch leaves for the end of its run.
#: ``tidy``: stories (by id) to consolidate; ``entities``: the store-wide entity table (key ``""``);
#: ``brief``: stories whose facts and brief no longer describe their members.
STALE_KINDS = ("tidy", "entities", "brief")


class Store(Protocol):
    url: str

    def close(self) -> None: ...

    def transaction(self) -> AbstractContextManager[None]:
        """``with store.transaction():`` every write inside commits together when the block ends, or none does
        (an exception rolls them all back). Blocks nest: only the outermost commits. Reads inside see the
        block's own writes."""
        ...

    # -- articles
    def add_articles(self, articles: Iterable[Article]) -> tuple[list[str], list[str]]:
        """Store new articles; returns (ids added, ids already present). Idempotent."""
        ...

    def get_article(self, ref: str) -> Article:
        """By id, unique id prefix, or external id. Raises NotFound."""
        ...

    def articles(self, *, ids: Sequence[str] | None = None, limit: int | None = None, offset: int = 0) -> list[Article]:
        """In ingest order (then id)."""
        ...

    def iter_articles(self, *, batch_size: int = 500) -> Iterator[Article]: ...

    def count_articles(self) -> int: ...

    def delete_articles(self, ids: Sequence[str]) -> list[str]:
        """Remove these articles and every row keyed by them: vectors, own copy link, reading, assignment,
        failure. Returns the ids that were stored. Stories, links of other articles and entities are the
        caller's to fix (:mod:`storyline.maintenance`)."""
        ...

    def update_article(self, article: Article) -> None:
        """Replace the metadata a user may fix (``title``, ``outlet``, ``author``, ``published``, ``language``)
        of the stored article with ``article.id``; its id, text, url, source and ingest time stay. Raises NotFound."""
        ...

    # -- embeddings
    def put_embeddings(self, model: str, vectors: Mapping[str, np.ndarray]) -> None: ...

    def get_embeddings(self, model: str, ids: Sequence[str]) -> dict[str, np.ndarray]: ...

    # -- copies
    def put_copies(self, links: Iterable[CopyLink]) -> None:
        """Replace the copy link of each article named."""
        ...

    def copies(self, ids: Sequence[str] | None = None) -> list[CopyLink]:
        """Every copy link, or those of the articles ``ids``; by article id."""
        ...

    def delete_copies(self, ids: Sequence[str]) -> None:
        """Remove the copy links of the articles ``ids`` (they become originals)."""
        ...

    # -- readings
    def put_readings(self, readings: Iterable[Reading]) -> None: ...

    def readings(self, ids: Sequence[str] | None = None) -> dict[str, Reading]: ...

    def local_entities(self) -> dict[str, tuple[LocalEntity, ...]]:
        """Every stored reading's local entities by article id, without decoding the rest of the reading.

        The store-wide entity refresh needs only these; decoding whole readings cost it ~9 ms an article."""
        ...

    # -- stories
    def put_assignments(self, assignments: Iterable[Assignment]) -> None: ...

    def assignments(self) -> dict[str, Assignment]: ...

    def save_stories(self, stories: Iterable[Story]) -> None:
        """Upsert stories (by id). Member lists come from assignments, not from here."""
        ...

    def stories(self, *, include_merged: bool = False) -> list[Story]: ...

    def get_story(self, ref: str) -> Story:
        """By id or unique prefix, following merge redirects. Raises NotFound."""
        ...

    def delete_stories(self, ids: Sequence[str]) -> None:
        """Remove these stories and their documents (a story left without members)."""
        ...

    # -- overrides
    def add_override(self, kind: str, args: Sequence[str], *, created_at: datetime | None = None) -> Override:
        """Store an override; ``created_at`` (default: now) lets a restore keep the original time."""
        ...

    def overrides(self) -> list[Override]: ...

    # -- entities
    def put_entities(self, entities: Iterable[Entity]) -> None:
        """Replace the entity table with these (the resolver recomputes it whole)."""
        ...

    def entities(self) -> list[Entity]: ...

    # -- per-story documents (facts, conflicts, quote groups, timeline, briefs)
    def put_story_doc(self, story_id: str, kind: str, payload: Any) -> None: ...

    def get_story_doc(self, story_id: str, kind: str) -> Any | None: ...

    # -- failed articles (skipped by later runs) and stale marks (work left for the end of a run)
    def put_failures(self, failures: Iterable[ArticleFailure]) -> None:
        """Record (or replace) why these articles failed."""
        ...

    def failures(self) -> dict[str, ArticleFailure]:
        """Every failed article's failure, by article id."""
        ...

    def clear_failures(self, ids: Sequence[str] | None = None) -> list[str]:
        """Forget the failures of ``ids`` (all when None) so the next run processes them; returns the ids cleared."""
        ...

    def mark_stale(self, kind: str, keys: Iterable[str]) -> None:
        """Mark ``keys`` of ``kind`` (one of :data:`STALE_KINDS`) as needing work; marking twice is marking once."""
        ...

    def stale(self, kind: str) -> set[str]:
        """The keys of ``kind`` marked and not cleared yet."""
        ...

    def clear_stale(self, kind: str, keys: Iterable[str] | None = None) -> None:
        """Clear marks of ``kind``: these keys, or all of them when None."""
        ...

    def search(self, query: str, *, limit: int = 20) -> list[tuple[str, str]]:
        """Full-text search over titles and text: (article id, snippet)."""
        ...

    # -- feed watching (storyline watch)
    def feed_states(self) -> dict[str, FeedState]:
        """Every stored feed state, by feed URL."""
        ...

    def put_feed_state(self, state: FeedState) -> None:
        """Insert or replace the state of ``state.url``."""
        ...

    # -- work queue (server -> storyline worker)
    def enqueue(self, kind: str, args: Sequence[str] = ()) -> None:
        """Queue a job for the worker; a job equal to one still queued is not added again."""
        ...

    def jobs(self, *, limit: int = 100) -> list[Job]:
        """Queued jobs, oldest first."""
        ...

    def finish_jobs(self, ids: Sequence[int]) -> None:
        """Remove jobs the worker has done."""
        ...

    # -- one pipeline run per database (storyline/store/pipeline_lock.py)
    def pipeline_lock(self, *, wait: float = 0.0) -> AbstractContextManager[None]:
        """Hold the database's pipeline lock for a ``with`` block (re-entrant within this store object); wait up to
        ``wait`` seconds while another process holds it, then raise :class:`~storyline.errors.PipelineBusy`."""
        ...

    # -- backup
    def backup(self, dest: str) -> None:
        """A consistent copy of the whole database at ``dest`` while others keep reading and writing
        (SQLite's online backup); backends without one raise StoreError naming their own tool."""
        ...


def open_store(url: str) -> Store:
    """Open (and migrate) the store named by ``url``: a path, ``sqlite:///...`` or ``postgresql://...``."""
    if url.startswith(("postgresql://", "postgres://")):
        try:
            from .postgres import PostgresStore
        except ImportError as exc:  # pragma: no cover - depends on install
            raise StoreError("PostgreSQL support needs psycopg", item=url, hint="pip install 'psycopg[binary]'") from exc
        return PostgresStore(url)
    from .sqlite import SQLiteStore

    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
    return SQLiteStore(path)
