"""kill -9 during ``storyline ingest``, then one more ``ingest`` of the same input: everything is repaired.

Real subprocesses run the real CLI with the real models on SQLite and PostgreSQL. Each kill is a real SIGKILL the
process sends itself at a named point (``STORYLINE_FAULT_AFTER``, storyline/runners/faults.py). The input is the
built-in demo corpus plus a small hand-written JSONL feed (35 articles, batches of 8). After recovery: every article
in exactly one live story, no assignment naming a missing story, nothing duplicated, no stale work, entities
present, and the same stories as an uninterrupted run. ``bench/bench_faults.py`` is the long version.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.bench_faults import cli, partition, problems_of, state

from .test_isolation import corpus

DEMO = Path(__file__).resolve().parents[2] / "storyline" / "demo" / "corpus"
ENV = {"STORYLINE_PROCESS_BATCH": "8", "STORYLINE_BRIEFS": "deferred", "STORYLINE_FAULT_AFTER": ""}

pytestmark = pytest.mark.models


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    feed = tmp_path_factory.mktemp("input") / "extra.jsonl"
    with feed.open("w", encoding="utf-8") as fh:
        for a in corpus():
            fh.write(json.dumps({"id": a.id, "title": a.title, "text": a.text, "outlet": a.outlet,
                                 "published": a.published.isoformat() if a.published else None,
                                 "url": f"https://example.test/{a.id}"}) + "\n")  # fmt: skip
    return [str(DEMO), str(feed)]


@pytest.fixture(scope="module")
def reference(inputs: list[str], tmp_path_factory: pytest.TempPathFactory) -> tuple[list[tuple[str, ...]], int]:
    """The partition of one uninterrupted ingest, and the number of articles."""
    db = str(tmp_path_factory.mktemp("reference") / "ref.db")
    done = cli(["ingest", *inputs, "--db", db], env=ENV)
    assert done.returncode == 0, done.stderr
    st = state(db)
    assert problems_of(st, None, len(st["articles"])) == []
    return partition(st), len(st["articles"])


@pytest.fixture
def pg_url() -> Iterator[str]:
    base = os.environ.get("STORYLINE_TEST_PG_URL")
    if not base:
        pytest.skip("STORYLINE_TEST_PG_URL is not set")
    from tests.store.conftest import _admin, with_database

    name = f"storyline_k_{uuid.uuid4().hex[:10]}"
    with _admin(base) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(base, name)
    finally:
        with _admin(base) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def kill_then_ingest(db: str, inputs: list[str], point: str, reference: tuple[list[tuple[str, ...]], int]) -> None:
    killed = cli(["ingest", *inputs, "--db", db], env={**ENV, "STORYLINE_FAULT_AFTER": point})
    assert killed.returncode == -9, f"not killed at {point}: {killed.stdout[-500:]} {killed.stderr[-500:]}"
    partial = state(db)
    assert len(partial["articles"]) > 0
    again = cli(["ingest", *inputs, "--db", db], env=ENV)
    assert again.returncode == 0, again.stderr
    assert "processed" in again.stdout
    expected, n = reference
    assert problems_of(state(db), expected, n) == []


@pytest.mark.parametrize("point", ["ingest-chunk:1", "batch-write:2", "tidy:1"])
def test_kill_on_sqlite_then_ingest_repairs(tmp_path: Path, inputs: list[str], reference, point: str) -> None:  # type: ignore[no-untyped-def]
    kill_then_ingest(str(tmp_path / "k.db"), inputs, point, reference)


@pytest.mark.postgres
@pytest.mark.parametrize("point", ["models:2", "batch:3", "entities:1"])
def test_kill_on_postgres_then_ingest_repairs(pg_url: str, inputs: list[str], reference, point: str) -> None:  # type: ignore[no-untyped-def]
    kill_then_ingest(pg_url, inputs, point, reference)


def test_a_point_never_reached_does_not_kill(tmp_path: Path, inputs: list[str], reference) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "k.db")
    done = cli(["ingest", *inputs, "--db", db], env={**ENV, "STORYLINE_FAULT_AFTER": "batch:999"})
    assert done.returncode == 0, done.stderr
    assert problems_of(state(db), reference[0], reference[1]) == []
