"""SQLite backend: one file, WAL journal, full-text search with FTS5."""

from __future__ import annotations

import os

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock between processes
    fcntl = None  # type: ignore[assignment]
import re
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import StoreError
from .pipeline_lock import holder_text
from .sql import Dialect, SQLStore

SQLITE = Dialect(name="sqlite", seq="INTEGER PRIMARY KEY AUTOINCREMENT", blob="BLOB", param="?")

_FTS = (
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='seq')",
    """CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
    END""",
    """CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
    END""",
)


def _set_wal(conn: sqlite3.Connection, *, wait: float = 30.0) -> None:
    """Switch to WAL, retrying while another process holds the file.

    Changing the journal mode needs an exclusive lock, and SQLite answers "database is locked" at
    once instead of calling the busy handler, so two processes opening a fresh database together
    (two ingests, or an ingest and the web server) would otherwise fail.
    """
    deadline = time.monotonic() + wait
    delay = 0.01
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.25)


class SQLiteStore(SQLStore):
    def __init__(self, path: str | Path) -> None:
        path = Path(path)
        if path.parent and not path.parent.exists():
            raise StoreError("folder does not exist", item=str(path), hint="create it or choose another --db")
        try:
            conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
            _set_wal(conn)
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open SQLite database: {exc}", item=str(path)) from exc
        super().__init__(str(path), conn, SQLITE)

    def _lock_migrations(self, cur: Any) -> None:
        cur.execute("BEGIN IMMEDIATE")

    # ------------------------------------------------------------ pipeline lock (storyline/store/pipeline_lock.py)

    _lock_fd: int | None = None

    def _lock_path(self) -> Path | None:
        if self.url in ("", ":memory:") or self.url.startswith("file:"):
            return None  # no other process can open it
        return Path(self.url + ".pipeline-lock")

    def _try_pipeline_lock(self) -> bool:
        path = self._lock_path()
        if path is None or fcntl is None:
            return True
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot create the pipeline lock file: {exc}", item=str(path)) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, holder_text().encode())
        self._lock_fd = fd
        return True

    def _release_pipeline_lock(self) -> None:
        fd, self._lock_fd = self._lock_fd, None
        if fd is not None:
            os.close(fd)  # closing the descriptor releases the flock

    def _pipeline_holder(self) -> str | None:
        path = self._lock_path()
        try:
            return path.read_text(errors="replace").strip() or None if path else None
        except OSError:
            return None

    def _after_migration(self, cur: Any, version: int) -> None:
        if version == 1:
            for statement in _FTS:
                cur.execute(statement)

    def _search_update(self, article_id: str, statements: list[tuple[str, Sequence[Any]]]) -> list[tuple[str, Sequence[Any]]]:
        # The FTS5 table holds a copy of title and text (external content): take the old row out before
        # the update and put the new one in after it, in the same transaction.
        drop = ("INSERT INTO articles_fts (articles_fts, rowid, title, text) "
                "SELECT 'delete', seq, title, text FROM articles WHERE id = ?", (article_id,))  # fmt: skip
        add = ("INSERT INTO articles_fts (rowid, title, text) SELECT seq, title, text FROM articles WHERE id = ?", (article_id,))
        return [drop, *statements, add]

    def backup(self, dest: str) -> None:
        """Copy the database with SQLite's online backup API (``Connection.backup``): a consistent snapshot
        while other connections and processes keep reading and writing. Written to a temporary file beside
        ``dest`` and renamed into place, so ``dest`` is never a half-written database."""
        target = Path(dest)
        if target.exists():
            raise StoreError("the backup file already exists", item=str(target), hint="choose a new file name or remove it")
        if not target.parent.exists():
            raise StoreError("folder does not exist", item=str(target.parent), hint="create it first")
        if target.resolve() == Path(self.url).resolve():
            raise StoreError("cannot back a database up onto itself", item=str(target))
        partial = target.with_name(target.name + ".partial")
        try:
            copy = sqlite3.connect(str(partial))
            try:
                with self._lock:
                    self._conn.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file, no -wal beside it
            finally:
                copy.close()
            os.replace(partial, target)
        except (sqlite3.Error, OSError) as exc:
            partial.unlink(missing_ok=True)
            raise StoreError(f"backup failed: {exc}", item=str(target)) from exc

    def search(self, query: str, *, limit: int = 20) -> list[tuple[str, str]]:
        terms = re.findall(r"\w+", query)
        if not terms:
            return []
        match = " ".join(f'"{t}"' for t in terms)
        rows = self._rows(
            "SELECT a.id, snippet(articles_fts, 1, '[', ']', ' … ', 12) FROM articles_fts "
            "JOIN articles a ON a.seq = articles_fts.rowid WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
            (match, limit),
        )
        return [(aid, snip) for aid, snip in rows]
