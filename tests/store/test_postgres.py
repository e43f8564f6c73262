"""What only the PostgreSQL backend does: connection errors, transaction hygiene, the full-text index,
web-search query syntax. Everything both backends share is in test_conformance.py."""

from __future__ import annotations

import pytest

from storyline.errors import StoreError
from storyline.records import Article
from storyline.store import Store, open_store

from .conftest import BACKENDS


@pytest.fixture(params=[p for p in BACKENDS if p.id == "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    """Only the PostgreSQL param of the conftest ``store`` fixtures (skipped without a server)."""
    return str(request.param)


def test_connect_failure_names_the_fix_and_hides_the_password() -> None:
    with pytest.raises(StoreError) as info:
        open_store("postgresql://storyline:s3cret@127.0.0.1:1/nowhere?connect_timeout=2")
    assert "s3cret" not in str(info.value)
    assert info.value.hint and "pg.sh" in info.value.hint


def test_reads_end_their_transaction(store: Store, store_url: str) -> None:
    """An idle-in-transaction connection would hold locks that block other processes' DDL and vacuum."""
    import psycopg
    from psycopg.pq import TransactionStatus

    store.add_articles([Article(id="a1", text="x")])
    assert store.count_articles() == 1
    assert [a.id for a in store.iter_articles(batch_size=1)] == ["a1"]
    assert store._conn.info.transaction_status == TransactionStatus.IDLE  # type: ignore[attr-defined]
    with psycopg.connect(store_url, autocommit=True) as other:
        other.execute("SET lock_timeout = '3s'")
        other.execute("ALTER TABLE articles ADD COLUMN scratch TEXT")  # needs an exclusive lock


@pytest.fixture
def searchable(store: Store) -> Store:
    store.add_articles(
        [
            Article(id="a1", title="Harbour wall collapses", text="The storm surge broke the harbour wall."),
            Article(id="a2", title="Council meets", text="The council discussed budget cuts."),
            Article(id="a3", title="Storm warning", text="Forecasters warn of another storm."),
        ]
    )
    return store


def test_search_uses_the_gin_index(searchable: Store, store_url: str) -> None:
    import psycopg

    from storyline.store.postgres import SEARCH_SQL

    with psycopg.connect(store_url, autocommit=True) as conn:
        conn.execute("SET enable_seqscan = off")  # three rows: without this the planner rightly scans
        sql = "EXPLAIN " + searchable._sql(SEARCH_SQL)  # type: ignore[attr-defined]
        plan = "\n".join(r[0] for r in conn.execute(sql, ("storm", 5)))
    assert "articles_fts" in plan, plan


def test_search_understands_web_search_syntax(searchable: Store) -> None:
    def hits(q: str) -> set[str]:
        return {aid for aid, _ in searchable.search(q)}

    assert hits("storm -harbour") == {"a3"}
    assert hits('"harbour wall"') == {"a1"}
    assert hits('"wall harbour"') == set()  # a phrase keeps its order
    assert hits("council or forecasters") == {"a2", "a3"}
