"""PostgreSQL backend (psycopg 3): the shared SQL, plus full-text search with ``tsvector``.

Use it with ``open_store("postgresql://user@host:port/dbname")``. Tables go into the first schema
of the connection's ``search_path`` (``?options=-csearch_path%3Dname`` in the URL picks another one).

Concurrency:

* Migrators serialise on a transaction-scoped advisory lock, so two processes opening a fresh
  database at once apply each migration exactly once.
* Writers rely on ``INSERT ... ON CONFLICT``. Upserts write rows in key order, so two transactions
  touching overlapping keys wait for each other instead of deadlocking; adding articles (which must
  keep the input order) and replacing the entity table take an advisory lock instead.
* Reads end their transaction straight away: an idle-in-transaction connection would hold
  locks that block other processes' migrations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..errors import StoreError
from .sql import Dialect, SQLStore

POSTGRES = Dialect(name="postgres", seq="BIGSERIAL PRIMARY KEY", blob="BYTEA", param="%s")

# Advisory locks are named by two integers: ours all share the first (any constant works) and differ in the second.
_LOCK_SPACE = 0x5354_4F52  # "STOR"
_LOCKS = {"migrations": 1, "articles": 2, "entities": 3, "pipeline": 4}

# The text search configuration. "simple" lower-cases words without stemming or stop words, which is
# what SQLite's FTS5 (unicode61 tokenizer) does, so a word query finds the same articles on both backends.
TS_CONFIG = "simple"

# The searchable document of an article, kept in a generated column (``articles.fts``) with a GIN index on it.
# Stored rather than computed at query time: ranking a common word's thousands of hits would otherwise parse
# each of those articles again (seconds instead of milliseconds).
_DOCUMENT = f"to_tsvector('{TS_CONFIG}', COALESCE(title, '') || ' ' || text)"

# Snippet options: hits in [brackets], about a dozen words, fragments joined by " … " (as in the SQLite backend).
_HEADLINE = 'StartSel=[, StopSel=], MaxWords=12, MinWords=4, MaxFragments=1, FragmentDelimiter=" … "'

# Parameters: the query (web-search syntax) and the limit. Ranks in a subquery so that only the rows
# returned get the (costly) headline.
SEARCH_SQL = (
    f"SELECT id, ts_headline('{TS_CONFIG}', text, q, '{_HEADLINE}') FROM ("
    "SELECT seq, id, text, q, ts_rank(fts, q) AS rank "
    f"FROM articles, websearch_to_tsquery('{TS_CONFIG}', ?) AS q WHERE fts @@ q "
    "ORDER BY rank DESC, seq LIMIT ?) AS hits ORDER BY rank DESC, seq"
)


class PostgresStore(SQLStore):
    def __init__(self, url: str, *, connect_timeout: int = 10) -> None:
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - psycopg is a dependency
            hint = "pip install 'psycopg[binary]'"
            raise StoreError("PostgreSQL support needs psycopg", item=_redact(url), hint=hint) from exc
        try:
            conn = psycopg.connect(url, connect_timeout=connect_timeout, application_name="storyline")
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot connect to PostgreSQL: {exc}".strip(),
                item=_redact(url),
                hint="is the server running? for tests: bash scripts/pg.sh start",
            ) from exc
        super().__init__(url, conn, POSTGRES, label=_redact(url))

    # ------------------------------------------------------------ plumbing

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return super()._rows(sql, params)
            finally:
                if not self._tx:  # inside transaction() the block's writes must survive its reads
                    self._rollback()  # end the read-only transaction psycopg opened (see module docstring)

    def _lock_migrations(self, cur: Any) -> None:
        self._lock_table(cur, "migrations")

    def _lock_table(self, cur: Any, table: str) -> None:
        # Transaction-scoped: released by the commit or rollback that ends the write.
        cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", (_LOCK_SPACE, _LOCKS[table]))

    # Pipeline lock (storyline/store/pipeline_lock.py): session-scoped, so commits and rollbacks keep it; the
    # server releases it when the connection closes, however the process ended.
    def _try_pipeline_lock(self) -> bool:
        return bool(self._rows("SELECT pg_try_advisory_lock(?, ?)", (_LOCK_SPACE, _LOCKS["pipeline"]))[0][0])

    def _release_pipeline_lock(self) -> None:
        try:
            self._rows("SELECT pg_advisory_unlock(?, ?)", (_LOCK_SPACE, _LOCKS["pipeline"]))
        except StoreError:  # the connection is gone, and the lock with it
            pass

    def _pipeline_holder(self) -> str | None:
        rows = self._rows(
            "SELECT a.pid, a.application_name, a.client_addr FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ? AND l.objid = ? "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            (_LOCK_SPACE, _LOCKS["pipeline"]),
        )
        if not rows:
            return None
        pid, app, addr = rows[0]
        return f"server backend pid {pid}, {app or 'unnamed client'}" + (f" from {addr}" if addr else "")

    def _after_migration(self, cur: Any, version: int) -> None:
        if version == 1:
            cur.execute(f"ALTER TABLE articles ADD COLUMN fts tsvector GENERATED ALWAYS AS ({_DOCUMENT}) STORED")
            cur.execute("CREATE INDEX articles_fts ON articles USING GIN (fts)")

    def backup(self, dest: str) -> None:
        raise StoreError(
            "storyline backup copies SQLite databases only", item=self._label,
            hint=f"back up PostgreSQL with pg_dump, e.g. pg_dump --format=custom --file={dest} DBNAME "
            "(restore with pg_restore), or export with `storyline export --format jsonl`",
        )  # fmt: skip

    # ------------------------------------------------------------ search

    def search(self, query: str, *, limit: int = 20) -> list[tuple[str, str]]:
        """Ranked full-text search; ``query`` is web-search syntax: words, "a phrase", or, -word.

        Snippets mark hits with ``[`` ``]`` and join fragments with `` … ``, like the SQLite backend.
        """
        if not query.strip():
            return []
        return [(aid, snippet) for aid, snippet in self._rows(SEARCH_SQL, (query, limit))]


def _redact(url: str) -> str:
    """The URL without its password (user:PASSWORD@ or ?password=), for error messages."""
    url = re.sub(r"(://[^/@:]*:)[^/@]*@", r"\1***@", url, count=1)
    return re.sub(r"([?&]password=)[^&]*", r"\1***", url)
