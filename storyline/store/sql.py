"""The SQL both backends share. A backend supplies a DB-API connection and a dialect."""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from ..codec import from_json, to_json
from ..errors import Conflict, NotFound, StoreError
from ..records import Article, Assignment, CopyLink, Entity, LocalEntity, Reading, Story
from .base import FeedState, Job, Override
from .migrations import MIGRATIONS
from .pipeline_lock import PipelineLock
from .upkeep import Upkeep, id_chunks

_ARTICLE_COLUMNS = (
    "id", "external_id", "outlet", "url", "title", "author", "published",
    "language", "text", "source", "ingested_at",
)  # fmt: skip
_LOCAL_ENTITIES = tuple[LocalEntity, ...]


@dataclass(frozen=True, slots=True)
class Dialect:
    name: str
    seq: str  # auto-increment primary key column type
    blob: str
    param: str  # "?" or "%s"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _sort_time(value: datetime | None) -> str | None:
    """A fixed-width UTC timestamp for sort columns: its text order is time order on every backend and collation
    (plain ISO strings in mixed time zones, or with and without microseconds, do not sort by time)."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def _like_prefix(prefix: str) -> str:
    """A LIKE pattern matching ``prefix`` literally (``%`` and ``_`` in it are not wildcards); use with ESCAPE '\\'."""
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _dumps(record: Any) -> str:
    return json.dumps(to_json(record), ensure_ascii=False, separators=(",", ":"))


def _by_key(records: Iterable[Any], key: str) -> list[Any]:
    """Records sorted by their primary key (stable, so of two with one key the later still wins).

    Writing rows in key order means two processes upserting overlapping rows lock them in the same order."""
    return sorted(records, key=lambda r: getattr(r, key))


class SQLStore(Upkeep, PipelineLock):
    """Store protocol implemented once in portable SQL (deleting, failures and stale marks in :class:`Upkeep`;
    the one-run-at-a-time lock in :class:`PipelineLock`, its hooks in each backend)."""

    dialect: Dialect

    def __init__(self, url: str, conn: Any, dialect: Dialect, *, label: str | None = None) -> None:
        self.url = url
        self._label = label or url  # names the store in errors; a backend passes the URL without its password
        self.dialect = dialect
        self._conn = conn
        self._lock = threading.RLock()  # one writer per process; the database serialises processes
        self._tx = 0  # depth of open transaction() blocks: writes inside them wait for the outermost to commit
        self._tx_failed = False  # a statement inside the open transaction failed: it was rolled back
        self._migrate()

    # ------------------------------------------------------------ plumbing

    def _sql(self, sql: str) -> str:
        """Our SQL uses ``?`` placeholders. For a ``%s`` driver (psycopg) a literal ``%`` must be doubled, or the
        driver reads it as the start of a placeholder; every statement is run with a parameter tuple, so the
        driver always undoes the doubling."""
        if self.dialect.param == "?":
            return sql
        return sql.replace("%", "%%").replace("?", self.dialect.param)

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._lock:
            try:
                cur = self._conn.cursor()
                cur.execute(self._sql(sql), tuple(params))
                return cur
            except Exception as exc:  # DB-API errors differ per driver
                self._abort()
                raise StoreError(f"{type(exc).__name__}: {exc}", item=self._label) from exc

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._execute(sql, params).fetchall())

    def _write(self, statements: Iterable[tuple[str, Sequence[Any]]], *, lock: str | None = None) -> int:
        """Run statements in one transaction; returns the summed rowcount. ``lock``: see :meth:`_lock_table`."""
        with self._lock:
            changed = 0
            try:
                cur = self._conn.cursor()
                if lock:
                    self._lock_table(cur, lock)
                # Runs of one statement go to executemany: psycopg then pipelines them (one round trip, not one
                # per row) and sqlite3 reuses the prepared statement. Both sum the rowcount over the run.
                for sql, run in itertools.groupby(statements, key=lambda statement: statement[0]):
                    cur.executemany(self._sql(sql), [tuple(params) for _, params in run])
                    changed += max(cur.rowcount, 0)
                self._commit()
            except Exception as exc:
                self._abort()
                raise StoreError(f"write failed: {type(exc).__name__}: {exc}", item=self._label) from exc
            return changed

    def _rollback(self) -> None:
        try:
            self._conn.rollback()
        except Exception:  # noqa: BLE001 - the connection may already be gone
            pass

    def _commit(self) -> None:
        """Commit a write, unless it runs inside :meth:`transaction` (whose end commits it with the rest)."""
        if not self._tx:
            self._conn.commit()

    def _abort(self) -> None:
        """Roll back after a failed statement. Inside :meth:`transaction` that undoes the block's earlier writes
        too (PostgreSQL refuses anything else in a failed transaction), so the block is marked failed: it
        cannot commit, whatever its caller does with the error."""
        self._rollback()
        if self._tx:
            self._tx_failed = True

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Writes inside the block commit together at its end, or not at all (see :meth:`Store.transaction`).

        The store's lock is held for the whole block, so other threads of this process wait; other processes
        see nothing of it before the commit, and after a crash (kill -9) nothing of it at all.
        """
        with self._lock:
            if self._tx:  # nested: the outermost block commits
                self._tx += 1
                try:
                    yield
                finally:
                    self._tx -= 1
                return
            self._tx, self._tx_failed = 1, False
            try:
                yield
                if self._tx_failed:
                    raise StoreError("a write inside the transaction failed; nothing of it was stored", item=self._label)
                self._conn.commit()
            except BaseException:
                self._rollback()
                raise
            finally:
                self._tx, self._tx_failed = 0, False

    def _lock_table(self, cur: Any, table: str) -> None:
        """Make writers of ``table`` take turns until the transaction ends, for writes that row locks cannot
        keep apart (a no-op where the database lets one writer in at a time, as SQLite does)."""

    def _lock_migrations(self, cur: Any) -> None:
        """Serialise concurrent migrators (a no-op where the database does it for us)."""

    def _migrate(self) -> None:
        d = self.dialect
        with self._lock:
            cur = self._conn.cursor()
            try:
                self._lock_migrations(cur)
                cur.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations "
                    "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
                cur.execute("SELECT version FROM schema_migrations")
                done = {row[0] for row in cur.fetchall()}
                for version, name, statements in MIGRATIONS:
                    if version in done:
                        continue
                    for statement in statements:
                        cur.execute(statement.format(seq=d.seq, blob=d.blob))
                    self._after_migration(cur, version)
                    cur.execute(
                        self._sql("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
                        (version, name, datetime.now(UTC).isoformat()),
                    )
                self._conn.commit()
            except Exception as exc:
                self._rollback()
                hint = "is this a storyline database?"
                raise StoreError(f"migration failed: {exc}", item=self._label, hint=hint) from exc

    def _after_migration(self, cur: Any, version: int) -> None:
        """Dialect-specific extras after a migration (full-text index, ...)."""

    def schema_version(self) -> int:
        rows = self._rows("SELECT MAX(version) FROM schema_migrations")
        return int(rows[0][0] or 0)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> SQLStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ articles

    _INSERT_CHUNK = 200  # articles per INSERT statement (11 parameters each; SQLite allows 32766)

    def add_articles(self, articles: Iterable[Article]) -> tuple[list[str], list[str]]:
        batch = list(articles)
        first: dict[str, Article] = {}
        for a in batch:
            first.setdefault(a.id, a)
        unique = list(first.values())  # the first occurrence of each id, in input order
        cols = ", ".join(_ARTICLE_COLUMNS)
        row = "(" + ", ".join("?" for _ in _ARTICLE_COLUMNS) + ")"
        now = datetime.now(UTC)
        new: set[str] = set()
        with self._lock:
            try:
                cur = self._conn.cursor()
                # Two processes adding overlapping batches in different orders would each wait for a row the
                # other inserted (a deadlock PostgreSQL breaks by failing one); article writers take turns instead.
                self._lock_table(cur, "articles")
                # Many rows per statement (one round trip to a server per chunk, not per article); RETURNING
                # names the rows actually inserted, ON CONFLICT skips those already stored. Rows get their seq
                # in VALUES order, so ingest order is kept.
                for start in range(0, len(unique), self._INSERT_CHUNK):
                    chunk = unique[start : start + self._INSERT_CHUNK]
                    params = [
                        value
                        for a in chunk
                        for value in (
                            a.id, a.external_id, a.outlet, a.url, a.title, a.author, _iso(a.published),
                            a.language, a.text, a.source, _iso(a.ingested_at or now),
                        )
                    ]  # fmt: skip
                    values = ", ".join(row for _ in chunk)
                    sql = f"INSERT INTO articles ({cols}) VALUES {values} ON CONFLICT (id) DO NOTHING RETURNING id"
                    cur.execute(self._sql(sql), params)
                    new.update(aid for (aid,) in cur.fetchall())
                self._commit()
            except Exception as exc:
                self._abort()
                raise StoreError(f"could not store articles: {exc}", item=self._label) from exc
        added: list[str] = []
        present: list[str] = []
        for a in batch:  # in input order; a repeat within the batch counts as present
            if a.id in new:
                added.append(a.id)
                new.discard(a.id)
            else:
                present.append(a.id)
        return added, present

    @staticmethod
    def _article(row: Sequence[Any]) -> Article:
        values = dict(zip(_ARTICLE_COLUMNS, row, strict=True))
        values["published"] = _dt(values["published"])
        values["ingested_at"] = _dt(values["ingested_at"])
        return Article(**values)

    def get_article(self, ref: str) -> Article:
        cols = ", ".join(_ARTICLE_COLUMNS)
        rows = self._rows(
            f"SELECT {cols} FROM articles WHERE id = ? OR external_id = ? "
            "ORDER BY CASE WHEN id = ? THEN 0 ELSE 1 END, seq LIMIT 2",  # an exact id wins over external ids
            (ref, ref, ref),
        )
        if not rows and len(ref) >= 4:
            rows = self._rows(
                f"SELECT {cols} FROM articles WHERE id LIKE ? ESCAPE '\\' ORDER BY seq LIMIT 2", (_like_prefix(ref),)
            )
        if not rows:
            raise NotFound("no such article", item=ref, hint="`storyline articles` lists ids")
        if len(rows) > 1 and rows[0][0] != ref:
            raise NotFound("ambiguous article reference", item=ref, hint="give more characters of the id")
        return self._article(rows[0])

    def articles(self, *, ids: Sequence[str] | None = None, limit: int | None = None, offset: int = 0) -> list[Article]:
        cols = ", ".join(_ARTICLE_COLUMNS)
        if ids is not None:
            out: list[Article] = []
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                marks = ", ".join("?" for _ in chunk)
                out += [self._article(r) for r in self._rows(f"SELECT {cols} FROM articles WHERE id IN ({marks}) ORDER BY seq", chunk)]
            order = {i: n for n, i in enumerate(ids)}
            return sorted(out, key=lambda a: order[a.id])
        sql = f"SELECT {cols} FROM articles ORDER BY seq"
        params: list[Any] = []
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = [limit, offset]
        return [self._article(r) for r in self._rows(sql, params)]

    def iter_articles(self, *, batch_size: int = 500) -> Iterator[Article]:
        cols = ", ".join(_ARTICLE_COLUMNS)
        last = -1
        while True:
            rows = self._rows(f"SELECT seq, {cols} FROM articles WHERE seq > ? ORDER BY seq LIMIT ?", (last, batch_size))
            if not rows:
                return
            for row in rows:
                yield self._article(row[1:])
            last = rows[-1][0]

    def count_articles(self) -> int:
        return int(self._rows("SELECT COUNT(*) FROM articles")[0][0])

    def update_article(self, article: Article) -> None:
        self.get_article(article.id)  # NotFound when absent (an exact id: get_article's first match)
        a = article
        update = (
            "UPDATE articles SET title = ?, outlet = ?, author = ?, published = ?, language = ? WHERE id = ?",
            (a.title, a.outlet, a.author, _iso(a.published), a.language, a.id),
        )
        self._write(self._search_update(a.id, [update]))

    def _search_update(self, article_id: str, statements: list[tuple[str, Sequence[Any]]]) -> list[tuple[str, Sequence[Any]]]:
        """``statements`` (which change an article's row) plus what keeps a backend's full-text index in step."""
        return statements

    # ------------------------------------------------------------ embeddings

    def put_embeddings(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        sql = (
            "INSERT INTO embeddings (article_id, model, dim, vector) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (article_id, model) DO UPDATE SET dim = excluded.dim, vector = excluded.vector"
        )
        self._write(
            (sql, (aid, model, int(v.shape[-1]), np.asarray(v, dtype=np.float32).tobytes()))
            for aid, v in sorted(vectors.items(), key=lambda kv: kv[0])  # key order: see add_articles
        )

    def get_embeddings(self, model: str, ids: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        ids = list(ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            for aid, blob in self._rows(
                f"SELECT article_id, vector FROM embeddings WHERE model = ? AND article_id IN ({marks})", [model, *chunk]
            ):
                out[aid] = np.frombuffer(bytes(blob), dtype=np.float32).copy()
        return out

    # ------------------------------------------------------------ copies

    def put_copies(self, links: Iterable[CopyLink]) -> None:
        sql = (
            "INSERT INTO copies (article_id, copy_of, payload) VALUES (?, ?, ?) "
            "ON CONFLICT (article_id) DO UPDATE SET copy_of = excluded.copy_of, payload = excluded.payload"
        )
        self._write((sql, (link.article_id, link.copy_of, _dumps(link))) for link in _by_key(links, "article_id"))

    def copies(self, ids: Sequence[str] | None = None) -> list[CopyLink]:
        if ids is None:
            rows = self._rows("SELECT payload FROM copies ORDER BY article_id")
        else:
            rows = []
            for chunk in id_chunks(sorted(set(ids))):
                marks = ", ".join("?" for _ in chunk)
                rows += self._rows(f"SELECT payload FROM copies WHERE article_id IN ({marks}) ORDER BY article_id", chunk)
        return [from_json(CopyLink, json.loads(p)) for (p,) in rows]

    def delete_copies(self, ids: Sequence[str]) -> None:
        self._write(
            (f"DELETE FROM copies WHERE article_id IN ({', '.join('?' for _ in chunk)})", chunk)
            for chunk in id_chunks(sorted(set(ids)))
        )

    # ------------------------------------------------------------ readings

    def put_readings(self, readings: Iterable[Reading]) -> None:
        sql = (
            "INSERT INTO readings (article_id, payload) VALUES (?, ?) "
            "ON CONFLICT (article_id) DO UPDATE SET payload = excluded.payload"
        )
        self._write((sql, (r.article_id, _dumps(r))) for r in _by_key(readings, "article_id"))

    def readings(self, ids: Sequence[str] | None = None) -> dict[str, Reading]:
        if ids is None:
            rows = self._rows("SELECT article_id, payload FROM readings")
        else:
            rows = []
            ids = list(ids)
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join("?" for _ in chunk)
                rows += self._rows(f"SELECT article_id, payload FROM readings WHERE article_id IN ({marks})", chunk)
        return {aid: from_json(Reading, json.loads(p)) for aid, p in rows}

    def local_entities(self) -> dict[str, tuple[LocalEntity, ...]]:
        rows = self._rows("SELECT article_id, payload FROM readings")
        return {aid: from_json(_LOCAL_ENTITIES, json.loads(p).get("entities", ())) for aid, p in rows}

    # ------------------------------------------------------------ stories

    def put_assignments(self, assignments: Iterable[Assignment]) -> None:
        sql = (
            "INSERT INTO assignments (article_id, story_id, payload) VALUES (?, ?, ?) "
            "ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id, payload = excluded.payload"
        )
        self._write((sql, (a.article_id, a.story_id, _dumps(a))) for a in _by_key(assignments, "article_id"))

    def assignments(self) -> dict[str, Assignment]:
        return {aid: from_json(Assignment, json.loads(p)) for aid, p in self._rows("SELECT article_id, payload FROM assignments")}

    def save_stories(self, stories: Iterable[Story]) -> None:
        sql = (
            "INSERT INTO stories (id, redirect_to, last_published, payload) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET redirect_to = excluded.redirect_to, "
            "last_published = excluded.last_published, payload = excluded.payload"
        )
        self._write(
            (sql, (s.id, s.redirect_to, _sort_time(s.last_published), _dumps(s))) for s in _by_key(stories, "id")
        )

    def stories(self, *, include_merged: bool = False) -> list[Story]:
        where = "" if include_merged else " WHERE redirect_to IS NULL"
        # Newest first, undated stories last (SQLite and PostgreSQL disagree on where NULLs go unless told).
        rows = self._rows(f"SELECT payload FROM stories{where} ORDER BY last_published DESC NULLS LAST, id")
        return [from_json(Story, json.loads(p)) for (p,) in rows]

    def get_story(self, ref: str) -> Story:
        seen: set[str] = set()
        while True:
            rows = self._rows("SELECT id, payload FROM stories WHERE id = ?", (ref,))
            if not rows and len(ref) >= 4:
                rows = self._rows(
                    "SELECT id, payload FROM stories WHERE id LIKE ? ESCAPE '\\' LIMIT 2", (_like_prefix(ref),)
                )
                if len(rows) > 1:
                    raise NotFound("ambiguous story reference", item=ref, hint="give more characters of the id")
            if not rows:
                raise NotFound("no such story", item=ref, hint="`storyline stories` lists ids")
            story = from_json(Story, json.loads(rows[0][1]))
            if not story.redirect_to:
                return story
            if story.id in seen:
                raise Conflict("story redirects form a cycle", item=ref)
            seen.add(story.id)
            ref = story.redirect_to

    # ------------------------------------------------------------ overrides

    def add_override(self, kind: str, args: Sequence[str], *, created_at: datetime | None = None) -> Override:
        now = created_at or datetime.now(UTC)
        sql = self._sql("INSERT INTO overrides (kind, args, created_at) VALUES (?, ?, ?) RETURNING id")
        with self._lock:
            try:
                cur = self._conn.cursor()
                cur.execute(sql, (kind, json.dumps(list(args)), now.isoformat()))
                (new_id,) = cur.fetchone()  # RETURNING, not "the last row": another process may add one meanwhile
                self._commit()
            except Exception as exc:
                self._abort()
                raise StoreError(f"could not store override: {exc}", item=self._label) from exc
        return Override(int(new_id), kind, tuple(args), now)

    def overrides(self) -> list[Override]:
        return [
            Override(int(i), k, tuple(json.loads(a)), datetime.fromisoformat(c))
            for i, k, a, c in self._rows("SELECT id, kind, args, created_at FROM overrides ORDER BY id")
        ]

    # ------------------------------------------------------------ entities

    def put_entities(self, entities: Iterable[Entity]) -> None:
        sql = "INSERT INTO entities (id, name, label, payload) VALUES (?, ?, ?, ?)"
        # Locked: a second replacer's DELETE would not see the rows the first one inserts, and then collide with them.
        statements = [("DELETE FROM entities", ()), *((sql, (e.id, e.name, e.label, _dumps(e))) for e in entities)]
        self._write(statements, lock="entities")

    def entities(self) -> list[Entity]:
        found = [from_json(Entity, json.loads(p)) for (p,) in self._rows("SELECT payload FROM entities")]
        return sorted(found, key=lambda e: (e.name, e.id))  # in Python: SQL text order depends on the collation

    # ------------------------------------------------------------ story documents

    def put_story_doc(self, story_id: str, kind: str, payload: Any) -> None:
        sql = (
            "INSERT INTO story_docs (story_id, kind, payload) VALUES (?, ?, ?) "
            "ON CONFLICT (story_id, kind) DO UPDATE SET payload = excluded.payload"
        )
        self._write([(sql, (story_id, kind, json.dumps(to_json(payload), ensure_ascii=False)))])

    def get_story_doc(self, story_id: str, kind: str) -> Any | None:
        rows = self._rows("SELECT payload FROM story_docs WHERE story_id = ? AND kind = ?", (story_id, kind))
        return json.loads(rows[0][0]) if rows else None

    # ------------------------------------------------------------ search

    def search(self, query: str, *, limit: int = 20) -> list[tuple[str, str]]:
        """Portable fallback: case-insensitive substring match. Backends override with real full-text search."""
        like = "%" + _like_prefix(query.lower())
        rows = self._rows(
            "SELECT id, title FROM articles WHERE LOWER(title) LIKE ? ESCAPE '\\' OR LOWER(text) LIKE ? ESCAPE '\\' "
            "ORDER BY seq LIMIT ?",
            (like, like, limit),
        )
        return [(aid, title or "") for aid, title in rows]

    # ------------------------------------------------------------ feed state (storyline watch)

    _FEED_COLUMNS = (
        "url", "etag", "last_modified", "next_poll", "failures", "last_error", "last_polled", "last_status", "articles",
    )  # fmt: skip

    def feed_states(self) -> dict[str, FeedState]:
        rows = self._rows(f"SELECT {', '.join(self._FEED_COLUMNS)} FROM feed_state ORDER BY url")
        out: dict[str, FeedState] = {}
        for url, etag, modified, next_poll, failures, error, polled, status, articles in rows:
            out[url] = FeedState(
                url, etag, modified, _dt(next_poll), int(failures), error, _dt(polled),
                None if status is None else int(status), int(articles),
            )  # fmt: skip
        return out

    def put_feed_state(self, state: FeedState) -> None:
        cols = self._FEED_COLUMNS
        updates = ", ".join(f"{c} = excluded.{c}" for c in cols[1:])
        sql = (
            f"INSERT INTO feed_state ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)}) "
            f"ON CONFLICT (url) DO UPDATE SET {updates}"
        )
        s = state
        self._write([(sql, (s.url, s.etag, s.last_modified, _iso(s.next_poll), s.failures, s.last_error,
                            _iso(s.last_polled), s.last_status, s.articles))])  # fmt: skip

    # ------------------------------------------------------------ work queue (server -> storyline worker)

    def enqueue(self, kind: str, args: Sequence[str] = ()) -> None:
        packed = json.dumps(list(args))
        self._write([(
            "INSERT INTO jobs (kind, args, created_at) SELECT ?, ?, ? "
            "WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE kind = ? AND args = ?)",
            (kind, packed, datetime.now(UTC).isoformat(), kind, packed),
        )])  # fmt: skip

    def jobs(self, *, limit: int = 100) -> list[Job]:
        rows = self._rows("SELECT id, kind, args, created_at FROM jobs ORDER BY id LIMIT ?", (limit,))
        return [Job(int(i), k, tuple(json.loads(a)), datetime.fromisoformat(c)) for i, k, a, c in rows]

    def finish_jobs(self, ids: Sequence[int]) -> None:
        self._write(("DELETE FROM jobs WHERE id = ?", (int(i),)) for i in sorted(ids))

    # ------------------------------------------------------------ backup

    def backup(self, dest: str) -> None:
        raise StoreError(f"no online backup for the {self.dialect.name} backend", item=self._label,
                         hint="use the database's own tool")  # fmt: skip
