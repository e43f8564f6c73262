"""Store fixtures: every test that asks for ``store_url`` or ``store`` runs once per backend.

* ``sqlite``: a fresh file under the test's tmp_path.
* ``postgres``: needs ``STORYLINE_TEST_PG_URL`` (``bash scripts/pg.sh start``). Each test module gets
  its own database, created here and dropped after the module; each test a fresh schema in it.
  Without the variable these params are skipped (an error under ``STORYLINE_REQUIRE_PG=1``:
  see ``tests/conftest.py``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import pytest

from storyline.store import Store, open_store

PG_ENV = "STORYLINE_TEST_PG_URL"

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` instead."""
    return urlsplit(url)._replace(path="/" + name).geturl()


def with_schema(url: str, schema: str) -> str:
    """``url`` whose connections create and find tables in ``schema`` (libpq ``options``)."""
    return url + ("&" if "?" in url else "?") + "options=" + quote(f"-csearch_path={schema}", safe="")


def _admin(url: str):  # noqa: ANN202 - psycopg is imported lazily so SQLite-only runs never need it
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=10)


@pytest.fixture(scope="module")
def pg_database() -> Iterator[str]:
    """A throwaway database for one test module; yields its URL."""
    base = os.environ.get(PG_ENV)
    if not base:  # only reached when tests/conftest.py did not skip or fail first
        pytest.skip(f"{PG_ENV} is not set")
    name = f"storyline_t_{uuid.uuid4().hex[:12]}"
    with _admin(base) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(base, name)
    finally:
        with _admin(base) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store_url(backend: str, tmp_path, request: pytest.FixtureRequest) -> Iterator[str]:  # noqa: ANN001
    """The URL of an empty, not yet migrated store on ``backend``."""
    if backend == "sqlite":
        yield str(tmp_path / "store.db")
        return
    db_url = request.getfixturevalue("pg_database")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with _admin(db_url) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield with_schema(db_url, schema)
    finally:
        with _admin(db_url) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = open_store(store_url)
    try:
        yield s
    finally:
        s.close()
