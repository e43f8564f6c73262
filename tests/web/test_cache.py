"""Repeated reads come from memory until the database changes (storyline/web/cache.py)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from storyline.store import open_store
from storyline.web.app import create_app
from storyline.web.cache import CACHE_HEADER, ReadCache

from ..store.conftest import pg_database  # noqa: F401 - a fresh PostgreSQL database per module
from .conftest import TOKEN, Corpus, make_settings

HEADER = CACHE_HEADER.decode()
NEW_TITLE = "Ferry service resumes after the storm"


@pytest.fixture
def db_client(filled: tuple[str, Corpus]) -> Iterator[tuple[str, Corpus, TestClient]]:
    app = create_app(make_settings(filled[0], api_token=TOKEN), process=None)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield filled[0], filled[1], c


def test_second_read_is_answered_from_memory_with_the_same_bytes(db_client: tuple[str, Corpus, TestClient]) -> None:
    _, corpus, client = db_client
    for path in ("/", f"/stories/{corpus.story.id}", "/api/v1/stories", f"/api/v1/stories/{corpus.story.id}"):
        first = client.get(path)
        second = client.get(path)
        assert first.status_code == second.status_code == 200, path
        assert (first.headers[HEADER], second.headers[HEADER]) == ("miss", "hit"), path
        assert first.content == second.content, path
        # the security headers are added outside the cache, to answers from memory too
        assert second.headers["x-content-type-options"] == "nosniff"


def test_a_commit_by_another_process_makes_the_next_read_fresh(db_client: tuple[str, Corpus, TestClient]) -> None:
    db, corpus, client = db_client
    _retitle_elsewhere_then_read(db, corpus, client)


def _retitle_elsewhere_then_read(db: str, corpus: Corpus, client: TestClient) -> None:
    """A page read twice (the second from memory), a commit on another connection (as the worker process
    would make), then the page again: built afresh, with the change."""
    path = f"/stories/{corpus.story.id}"
    assert client.get(path).headers[HEADER] == "miss"
    assert client.get(path).headers[HEADER] == "hit"
    other = open_store(db)
    try:
        other.save_stories([dataclasses.replace(corpus.story, title=NEW_TITLE)])
    finally:
        other.close()
    fresh = client.get(path)
    assert fresh.headers[HEADER] == "miss"
    assert NEW_TITLE in fresh.text


def test_errors_queries_and_writes_are_not_served_from_memory(db_client: tuple[str, Corpus, TestClient]) -> None:
    _, corpus, client = db_client
    for _ in range(2):
        missing = client.get("/stories/s0000000000000000")
        assert missing.status_code == 404
        assert missing.headers[HEADER] == "miss"
    one = client.get("/api/v1/stories", params={"limit": 1})
    two = client.get("/api/v1/stories", params={"limit": 2})
    assert len(one.json()["items"]) == 1 and len(two.json()["items"]) == 2  # the query string is part of the key
    headers = {"Authorization": f"Bearer {TOKEN}"}
    posted = client.post("/api/v1/ingest/articles", json={"articles": []}, headers=headers)
    assert HEADER not in posted.headers
    assert HEADER not in client.get("/openapi.json").headers


async def _app(scope, receive, send):  # type: ignore[no-untyped-def]
    body = b"x" * int(scope["query_string"] or b"10")
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def _client(version: object | None, **limits: int) -> TestClient:
    return TestClient(ReadCache(_app, lambda scope: version, **limits))


def test_nothing_is_kept_when_the_store_has_no_version() -> None:
    client = _client(None)
    assert HEADER not in client.get("/").headers
    assert HEADER not in client.get("/").headers


def test_large_answers_are_not_kept_and_the_total_is_bounded() -> None:
    client = _client(1, max_body=100, max_total=250)
    client.get("/big?500")
    assert client.get("/big?500").headers[HEADER] == "miss"
    for n in range(3):  # three answers of 100 bytes: only two fit
        client.get(f"/p{n}?100")
    assert client.get("/p0?100").headers[HEADER] == "miss"  # the least recently used went first
    assert client.get("/p2?100").headers[HEADER] == "hit"


@pytest.mark.postgres
def test_on_postgresql_a_commit_elsewhere_makes_the_next_read_fresh(pg_database: str) -> None:  # noqa: F811
    from .conftest import _fill

    store = open_store(pg_database)
    try:
        corpus = _fill(store)
    finally:
        store.close()
    app = create_app(make_settings(pg_database), process=None)
    with TestClient(app, raise_server_exceptions=False) as client:
        _retitle_elsewhere_then_read(pg_database, corpus, client)
        # the story list (from the web index) follows the commit too, without waiting for a timer
        for _ in range(50):
            if NEW_TITLE in client.get("/api/v1/stories").text:
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the story list did not follow the commit")
