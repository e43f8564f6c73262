"""The part of the SQL store that keeps processing recoverable: deleting articles, failed articles, stale marks.

Mixed into :class:`~storyline.store.sql.SQLStore`, whose plumbing (``_rows``, ``_write``, ``transaction``) it uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from ..errors import StoreError
from .base import STALE_KINDS, ArticleFailure


def id_chunks(ids: Sequence[str], size: int = 500) -> Iterator[list[str]]:
    """``ids`` in lists of at most ``size`` (one ``IN (...)`` each: SQLite caps the parameters of a statement)."""
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _literal(text: str) -> str:
    """``text`` for a LIKE pattern, its ``%`` and ``_`` matched literally (with ESCAPE '\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _marks(chunk: Sequence[str]) -> str:
    return ", ".join("?" for _ in chunk)


class Upkeep:
    """Deleting articles and stories, failed articles and stale marks, in portable SQL."""

    _rows: Any
    _write: Any
    transaction: Any

    #: Tables with one row per article (or several, per model), keyed by ``article_id``: what deleting an article
    #: deletes with it.
    _ARTICLE_TABLES = ("embeddings", "copies", "readings", "assignments", "failures")

    def delete_articles(self, ids: Sequence[str]) -> list[str]:
        wanted = sorted(set(ids))
        if not wanted:
            return []
        found: list[str] = []
        for chunk in id_chunks(wanted):
            marks = _marks(chunk)
            found += [aid for (aid,) in self._rows(f"SELECT id FROM articles WHERE id IN ({marks})", chunk)]
        statements: list[tuple[str, Sequence[Any]]] = []
        for chunk in id_chunks(wanted):
            marks = _marks(chunk)
            statements += [(f"DELETE FROM {table} WHERE article_id IN ({marks})", chunk) for table in self._ARTICLE_TABLES]
            statements.append((f"DELETE FROM articles WHERE id IN ({marks})", chunk))
        # Vectors of an article's sentences and quotes (briefs) are keyed "<article id>#<span>:<crc>".
        statements += [("DELETE FROM embeddings WHERE article_id LIKE ? ESCAPE '\\'", (_literal(aid) + "#%",)) for aid in wanted]
        self._write(statements)
        return sorted(found)

    def delete_stories(self, ids: Sequence[str]) -> None:
        statements: list[tuple[str, Sequence[Any]]] = []
        for chunk in id_chunks(sorted(set(ids))):
            marks = _marks(chunk)
            statements += [
                (f"DELETE FROM story_docs WHERE story_id IN ({marks})", chunk),
                (f"DELETE FROM stories WHERE id IN ({marks})", chunk),
            ]
        self._write(statements)

    def put_failures(self, failures: Iterable[ArticleFailure]) -> None:
        sql = (
            "INSERT INTO failures (article_id, stage, reason, failed_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (article_id) DO UPDATE SET stage = excluded.stage, reason = excluded.reason, "
            "failed_at = excluded.failed_at"
        )
        self._write(
            (sql, (f.article_id, f.stage, f.reason, f.failed_at.isoformat())) for f in sorted(failures, key=lambda f: f.article_id)
        )

    def failures(self) -> dict[str, ArticleFailure]:
        rows = self._rows("SELECT article_id, stage, reason, failed_at FROM failures ORDER BY failed_at, article_id")
        return {aid: ArticleFailure(aid, stage, reason, datetime.fromisoformat(at)) for aid, stage, reason, at in rows}

    def clear_failures(self, ids: Sequence[str] | None = None) -> list[str]:
        with self.transaction():
            known = set(self.failures())
            cleared = sorted(known if ids is None else known & set(ids))
            self._write(
                (f"DELETE FROM failures WHERE article_id IN ({_marks(chunk)})", chunk)
                for chunk in id_chunks(cleared)
            )
        return cleared

    @staticmethod
    def _check_kind(kind: str) -> None:
        if kind not in STALE_KINDS:
            raise StoreError(f"unknown kind of stale mark {kind!r}", hint=f"one of {', '.join(STALE_KINDS)}")

    def mark_stale(self, kind: str, keys: Iterable[str]) -> None:
        self._check_kind(kind)
        sql = "INSERT INTO stale_marks (kind, key) VALUES (?, ?) ON CONFLICT (kind, key) DO NOTHING"
        self._write((sql, (kind, key)) for key in sorted(set(keys)))

    def stale(self, kind: str) -> set[str]:
        self._check_kind(kind)
        return {key for (key,) in self._rows("SELECT key FROM stale_marks WHERE kind = ?", (kind,))}

    def clear_stale(self, kind: str, keys: Iterable[str] | None = None) -> None:
        self._check_kind(kind)
        if keys is None:
            self._write([("DELETE FROM stale_marks WHERE kind = ?", (kind,))])
            return
        self._write(
            (f"DELETE FROM stale_marks WHERE kind = ? AND key IN ({_marks(chunk)})", (kind, *chunk))
            for chunk in id_chunks(sorted(set(keys)))
        )
