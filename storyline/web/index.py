"""An in-memory index of what the story list, filters and copy trees need, kept fresh in the background.

Why: listing stories with their outlets and latest activity, or filtering them by outlet
or entity, needs every story, every article's outlet and date and every copy link. With
10k articles that is ~0.5 s of store reads, far over the 200 ms a page may take. So one
:class:`Snapshot` of that metadata (never article texts) is built when the app starts and
rebuilt in a background thread when the database changed; requests read the current
snapshot and never wait for a rebuild. Everything else (one story's articles, readings
and documents) is read from the store per request, so it is always current.

Change detection: for a SQLite store we watch ``PRAGMA data_version`` on a read-only
connection of our own (it changes whenever any connection commits, including other
processes such as ``storyline process``). Other backends are re-read every
``fallback_seconds``. Writes made through this app call :meth:`StoreIndex.refresh_now`.
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
        self._watch = self._open_watch(store)

    @staticmethod
    def _open_watch(store: Store) -> sqlite3.Connection | None:
        """A read-only connection for ``PRAGMA data_version`` when the store is a SQLite file."""
        if getattr(getattr(store, "dialect", None), "name", None) != "sqlite":
            return None
        path = Path(store.url)
        if not path.exists():
            return None
        try:
            return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        except sqlite3.Error:
            return None

    def _signature(self) -> object:
        if self._watch is not None:
            try:
                return self._watch.execute("PRAGMA data_version").fetchone()[0]
            except sqlite3.Error:
                pass
        return int(time.time() // self.fallback_seconds)

    def data_version(self) -> int | None:
        """SQLite's ``PRAGMA data_version`` now (it changes whenever any connection or process commits), or None
        when the store is not a SQLite file: a key under which results read from the store stay valid."""
        with self._lock:
            if self._watch is None:
                return None
            try:
                return int(self._watch.execute("PRAGMA data_version").fetchone()[0])
            except sqlite3.Error:
                return None

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
