"""An in-memory index of what the story list, filters and copy trees need, kept fresh in the background.

Why: listing stories with their outlets and latest activity, or filtering them by outlet
or entity, needs every story, every article's outlet and date and every copy link. With
10k articles that is ~0.5 s of store reads, far over the 200 ms a page may take. So one
:class:`Snapshot` of that metadata (never article texts) is built when the app starts and
rebuilt in a background thread when the database changed; requests read the current
snapshot and never wait for a rebuild. Everything else (one story's articles, readings
and documents) is read from the store per request, so it is always current.

Change detection: a :class:`Watch` on a connection of our own gives the database's version, which
changes whenever any connection or process commits (e.g. the worker process running the pipeline):
SQLite's ``PRAGMA data_version``, PostgreSQL's ``pg_current_snapshot()`` (its in-progress list and
horizon move when a writing transaction commits; read-only transactions leave it alone). Without a
watch the index is re-read every ``fallback_seconds``. Writes made through this app also call
:meth:`StoreIndex.refresh_now`.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..records import CopyLink, Entity, Story
from ..store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """The article fields lists need (no text)."""

    id: str
    title: str | None
    outlet: str | None
    published: datetime | None
    url: str | None
    external_id: str | None


@dataclass(frozen=True, slots=True)
class StoryRow:
    """A story with the counts the story list shows."""

    story: Story
    outlets: tuple[str, ...]
    articles: int
    copies: int

    @property
    def latest(self) -> datetime | None:
        return self.story.last_published


@dataclass(frozen=True)
class Snapshot:
    """Read-only metadata of the whole store at one moment."""

    stories: tuple[StoryRow, ...] = ()  # latest activity first
    by_story: dict[str, StoryRow] = field(default_factory=dict)
    articles: dict[str, ArticleMeta] = field(default_factory=dict)
    article_order: tuple[str, ...] = ()  # ingest order
    position: dict[str, int] = field(default_factory=dict)  # article id -> its place in article_order
    story_of: dict[str, str] = field(default_factory=dict)  # article id -> story id
    copies: dict[str, CopyLink] = field(default_factory=dict)  # article id -> its copy link
    copied_by: dict[str, tuple[str, ...]] = field(default_factory=dict)  # article id -> ids copying it
    entities: tuple[Entity, ...] = ()
    outlets: tuple[str, ...] = ()
    built_at: float = 0.0
    build_seconds: float = 0.0


def build_snapshot(store: Store) -> Snapshot:
    """Read the metadata of everything stored (the only full scan the web app makes)."""
    began = time.perf_counter()
    articles: dict[str, ArticleMeta] = {}
    for a in store.iter_articles(batch_size=2000):
        articles[a.id] = ArticleMeta(a.id, a.title, a.outlet, a.published, a.url, a.external_id)
    copies = {c.article_id: c for c in store.copies()}
    copied_by: dict[str, list[str]] = {}
    for link in copies.values():
        if link.copy_of:
            copied_by.setdefault(link.copy_of, []).append(link.article_id)
    rows: list[StoryRow] = []
    story_of: dict[str, str] = {}
    for story in store.stories():
        outlets = sorted({m.outlet for i in story.article_ids if (m := articles.get(i)) and m.outlet})
        for aid in story.article_ids:
            story_of[aid] = story.id
        n_copies = sum(1 for i in story.article_ids if i in copies)
        rows.append(StoryRow(story, tuple(outlets), len(story.article_ids), n_copies))
    rows.sort(key=lambda r: (r.latest is None, -(r.latest.timestamp() if r.latest else 0), r.story.id))
    return Snapshot(
        stories=tuple(rows),
        by_story={r.story.id: r for r in rows},
        articles=articles,
        article_order=tuple(articles),
        position={aid: n for n, aid in enumerate(articles)},
        story_of=story_of,
        copies=copies,
        copied_by={k: tuple(v) for k, v in copied_by.items()},
        entities=tuple(store.entities()),
        outlets=tuple(sorted({m.outlet for m in articles.values() if m.outlet})),
        built_at=time.time(),
        build_seconds=time.perf_counter() - began,
    )


class Watch:
    """The version of a database, read on a connection of its own; None when it cannot be read."""

    def version(self) -> object | None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SQLiteWatch(Watch):
    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)

    def version(self) -> object | None:
        try:
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:
            return None

    def close(self) -> None:
        self._conn.close()


class PostgresWatch(Watch):
    """A snapshot taken on an autocommit connection: a transaction that has committed and become visible is no
    longer in it, so a page read after this call sees at least what the snapshot says."""

    def __init__(self, url: str) -> None:
        import psycopg

        self._conn = psycopg.connect(url, autocommit=True, connect_timeout=10, application_name="storyline-watch")

    def version(self) -> object | None:
        try:
            row = self._conn.execute("SELECT pg_current_snapshot()::text").fetchone()
        except Exception:  # noqa: BLE001 - psycopg errors, a closed connection: no version, so nothing is cached
            return None
        return row[0] if row else None

    def close(self) -> None:
        self._conn.close()


def open_watch(store: Store) -> Watch | None:
    """A watch over ``store``'s database: SQLite files and PostgreSQL; None for anything else or on failure."""
    name = getattr(getattr(store, "dialect", None), "name", None)
    try:
        if name == "sqlite":
            path = Path(store.url)
            return SQLiteWatch(path) if path.exists() else None
        if name == "postgres":
            return PostgresWatch(store.url)
    except Exception:  # noqa: BLE001 - sqlite3 / psycopg connection errors: fall back to re-reading on a timer
        log.warning("cannot watch the database for changes; the web index is re-read on a timer", exc_info=True)
    return None


class StoreIndex:
    """Holds the current :class:`Snapshot` and rebuilds it when the database changes."""

    def __init__(
        self,
        store: Store,
        *,
        check_seconds: float = 0.5,
        fallback_seconds: float = 30.0,
        build: Callable[[Store], Snapshot] = build_snapshot,
    ) -> None:
        self.store = store
        self.check_seconds = check_seconds
        self.fallback_seconds = fallback_seconds
        self._build = build
        self._snapshot = Snapshot()
        self._lock = threading.Lock()  # guards the fields below
        self._building = False
        self._thread: threading.Thread | None = None
        self._checked = 0.0
        self._version: object = None
        self._watch = open_watch(store)

    def _signature(self) -> object:
        version = self._watch.version() if self._watch is not None else None
        return version if version is not None else ("timer", int(time.time() // self.fallback_seconds))

    def data_version(self) -> object | None:
        """The database's version now (see :class:`Watch`), or None when it cannot be told: a key under which
        results read from the store stay valid."""
        with self._lock:
            return self._watch.version() if self._watch is not None else None

    @property
    def snapshot(self) -> Snapshot:
        """The current snapshot; starts a background rebuild when the database changed."""
        now = time.monotonic()
        if now - self._checked >= self.check_seconds:
            with self._lock:
                if now - self._checked >= self.check_seconds:
                    self._checked = now
                    version = self._signature()
                    if version != self._version and not self._building:
                        self._building = True
                        self._thread = threading.Thread(
                            target=self._rebuild, args=(version,), name="storyline-index", daemon=True
                        )
                        self._thread.start()
        return self._snapshot

    def refresh_now(self) -> Snapshot:
        """Rebuild synchronously (at start-up and after this app wrote to the store)."""
        with self._lock:
            version = self._signature()
        snap = self._build(self.store)
        with self._lock:
            self._snapshot, self._version = snap, version
        return snap

    def _rebuild(self, version: object) -> None:
        try:
            snap = self._build(self.store)
            with self._lock:
                self._snapshot, self._version = snap, version
        except Exception:  # noqa: BLE001 - keep serving the previous snapshot; the next check retries
            log.exception("rebuilding the web index failed")
        finally:
            with self._lock:
                self._building = False

    def close(self) -> None:
        """Stop watching; waits briefly for a rebuild in flight so it does not outlive its store."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout=10)
        with self._lock:
            if self._watch is not None:
                self._watch.close()
                self._watch = None
