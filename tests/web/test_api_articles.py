"""Failed articles, retry and delete over the REST API (behind the API token), on a store filled by hand."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from storyline.store import ArticleFailure, open_store
from storyline.web.app import create_app

from .conftest import TOKEN, Corpus, make_settings
from .test_api import AUTH, assert_error

FAILED_AT = datetime(2026, 3, 22, 8, tzinfo=UTC)


def _fail(db: str, article_id: str) -> None:
    with open_store(db) as store:
        store.put_failures([ArticleFailure(article_id, "read", "[E088] text too long", FAILED_AT)])


def test_failed_articles_are_listed_with_their_reason(filled: tuple[str, Corpus]) -> None:
    db, corpus = filled
    with TestClient(create_app(make_settings(db, api_token=TOKEN), process=None)) as c:
        assert c.get("/api/v1/articles", params={"failed": "true"}).json()["items"] == []
        failed = corpus.articles["xss"].id
        _fail(db, failed)
        body = c.get("/api/v1/articles", params={"failed": "true"}).json()
        assert body["total"] == 1 and [i["id"] for i in body["items"]] == [failed]
        assert body["items"][0]["failure"]["stage"] == "read" and "E088" in body["items"][0]["failure"]["reason"]
        assert c.get("/api/v1/articles").json()["total"] == 6  # the plain list is unchanged


def test_retry_needs_the_token_and_a_failed_article(filled: tuple[str, Corpus]) -> None:
    db, corpus = filled
    runs: list[int] = []

    def process(store, kind, args) -> bool:  # type: ignore[no-untyped-def]  # the worker hand-off
        runs.append(len(store.failures()))
        return True

    failed = corpus.articles["xss"].id
    _fail(db, failed)
    with TestClient(create_app(make_settings(db, api_token=TOKEN), process=process), raise_server_exceptions=False) as c:
        assert_error(c.post(f"/api/v1/articles/{failed}/retry"), 401, "AuthError")
        assert_error(c.post("/api/v1/articles/nowhere-at-all/retry", headers=AUTH), 404, "NotFound")
        assert_error(c.post(f"/api/v1/articles/{corpus.articles['ledger'].id}/retry", headers=AUTH), 409, "Conflict")
        body = c.post(f"/api/v1/articles/{failed}/retry", headers=AUTH).json()
        assert body == {"retried": [failed], "processing": True}
        assert c.get("/api/v1/articles", params={"failed": "true"}).json()["total"] == 0
    assert runs == [0]  # the run started after the mark was cleared


def test_delete_removes_the_article_and_updates_its_story(filled: tuple[str, Corpus]) -> None:
    db, corpus = filled
    gone = corpus.articles["post"].id
    with TestClient(create_app(make_settings(db, api_token=TOKEN), process=None), raise_server_exceptions=False) as c:
        assert_error(c.delete(f"/api/v1/articles/{gone}"), 401, "AuthError")
        assert_error(c.delete("/api/v1/articles/nowhere-at-all", headers=AUTH), 404, "NotFound")
        response = c.delete(f"/api/v1/articles/{gone}", headers=AUTH)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["deleted"] == [gone] and body["stories_changed"] == [corpus.story.id] and body["stories_removed"] == []
        assert_error(c.get(f"/api/v1/articles/{gone}"), 404, "NotFound")
        story = c.get(f"/api/v1/stories/{corpus.story.id}").json()
        assert gone not in {a["id"] for a in story["articles"]} and story["story"]["articles"] == 3
        assert story["brief"] is None  # stale: rebuilt by the next run
        assert c.get("/api/v1/articles").json()["total"] == 5
    with TestClient(create_app(make_settings(db), process=None)) as c:  # no token configured: writes are off
        assert_error(c.delete(f"/api/v1/articles/{corpus.articles['budget'].id}", headers=AUTH), 403, "IngestDisabled")
