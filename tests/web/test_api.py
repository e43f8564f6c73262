"""The JSON API in-process (FastAPI TestClient) over a store filled by hand."""

from __future__ import annotations

import http.server
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storyline.store import open_store
from storyline.web.app import create_app

from .conftest import TOKEN, Corpus, make_settings

AUTH = {"Authorization": f"Bearer {TOKEN}"}
ERROR_KEYS = {"error", "status", "message", "item", "hint"}


def assert_error(response, status: int, error: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    body = response.json()
    assert ERROR_KEYS <= set(body), body
    assert body["error"] == error, body
    assert body["status"] == status, body  # the body repeats the HTTP status
    return body  # type: ignore[no-any-return]


# ---------------------------------------------------------------- stories


def test_story_list_counts_order_and_pagination(client: TestClient, corpus: Corpus) -> None:
    body = client.get("/api/v1/stories").json()
    assert body["total"] == 2
    first, second = body["items"]
    assert first["id"] == corpus.other.id  # latest activity first (21 March before 19 March)
    assert second["id"] == corpus.story.id
    assert second["articles"] == 4
    assert second["copies"] == 1
    assert second["outlets"] == sorted({"Harbor Ledger", "Valley Courier", "Northgate Post", "Coastline Wire"})
    assert second["last_published"].startswith("2026-03-19")
    page = client.get("/api/v1/stories", params={"limit": 1, "offset": 1}).json()
    assert page["total"] == 2 and [s["id"] for s in page["items"]] == [corpus.story.id]
    assert client.get("/api/v1/stories", params={"offset": 5}).json()["items"] == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"outlet": "northgate post"}, {"fire"}),
        ({"outlet": "Riverside Daily"}, {"budget"}),
        ({"outlet": "Nobody Weekly"}, set()),
        ({"entity": "ent-calloway"}, {"fire"}),
        ({"entity": "calloway"}, {"fire"}),  # by alias
        ({"entity": "Lindmoor"}, {"fire", "budget"}),
        ({"since": "2026-03-20"}, {"budget"}),
        ({"until": "2026-03-18"}, {"fire"}),
        ({"since": "2026-03-19", "until": "2026-03-19"}, {"fire"}),
        ({"q": "passengers"}, {"fire"}),  # full-text hit in an article
        ({"q": "bridge budget"}, {"budget"}),
        ({"q": "zeppelin"}, set()),
    ],
)
def test_story_filters(client: TestClient, corpus: Corpus, params: dict[str, str], expected: set[str]) -> None:
    names = {corpus.story.id: "fire", corpus.other.id: "budget"}
    body = client.get("/api/v1/stories", params=params).json()
    assert {names[s["id"]] for s in body["items"]} == expected
    assert body["total"] == len(expected)


def test_story_filter_errors_have_the_one_shape(client: TestClient) -> None:
    assert_error(client.get("/api/v1/stories", params={"entity": "nobody"}), 404, "NotFound")
    assert_error(client.get("/api/v1/stories", params={"since": "2026-03-21", "until": "2026-03-01"}), 400, "InputError")
    body = assert_error(client.get("/api/v1/stories", params={"limit": 0}), 422, "InvalidRequest")
    assert "limit" in (body["item"] or "")
    assert_error(client.get("/api/v1/stories", params={"since": "yesterday-ish"}), 422, "InvalidRequest")


def test_one_story_has_everything(client: TestClient, corpus: Corpus) -> None:
    body = client.get(f"/api/v1/stories/{corpus.story.id}").json()
    a = corpus.articles
    assert body["story"]["title"] == "Ferry fire at Portmere"
    assert [x["id"] for x in body["articles"]] == list(corpus.story.article_ids)
    assert body["missing"] == [] and body["problems"] == {}
    # copy tree: the wire copy sits under the ledger original
    roots = {n["article_id"]: n for n in body["copy_tree"]}
    assert a["wire"].id not in roots
    assert [c["article_id"] for c in roots[a["ledger"].id]["children"]] == [a["wire"].id]
    assert roots[a["ledger"].id]["children"][0]["kind"] == "syndicated"
    # documents as stored
    assert {f["id"] for f in body["facts"]} == {"f-injured", "f-date", "f-inspection"}
    assert {c["id"] for c in body["conflicts"]} == {"cf-toll", "cf-place"}
    assert body["quote_groups"][0]["versions"][1]["outlet"] == "Valley Courier"
    assert [e["date"] for e in body["timeline"]] == ["2026-01-15", "2026-03-18"]
    assert body["brief"]["independent_origins"] == 3
    # matrix: which outlet gives which value
    matrix = body["matrix"]
    col = {o: n for n, o in enumerate(matrix["outlets"])}
    rows = {r["id"]: r for r in matrix["rows"]}
    toll = rows["cf-toll"]  # the disputed point of fact f-injured
    assert toll["conflict"] is True and toll["fact_id"] == "f-injured" and toll["point"].startswith("number")
    assert toll["cells"][col["Northgate Post"]]["values"] == ["Fifteen people"]
    assert toll["cells"][col["Harbor Ledger"]]["values"] == ["12 people"]
    assert toll["cells"][col["Northgate Post"]]["state"] == "conflict"
    assert rows["f-date"]["conflict"] is False
    assert rows["f-inspection"]["cells"][col["Valley Courier"]]["state"] == "silent"
    assert rows["cf-place"]["cells"][col["Northgate Post"]]["values"] == ["Lindmoor"]  # a conflict without a fact
    assert rows["cf-place"]["cells"][col["Coastline Wire"]]["state"] == "silent"
    assert "f-injured" not in rows  # a contested fact shows as its disputed points


def test_story_without_documents_says_so(client: TestClient, corpus: Corpus) -> None:
    body = client.get(f"/api/v1/stories/{corpus.other.id}").json()
    assert body["missing"] == ["facts", "conflicts", "quote_groups", "timeline", "brief"]
    credited = next(n for n in body["copy_tree"] if n["article_id"] is None)  # a source that is not stored
    assert credited["url"] == "https://wire.example/bridge-budget" and credited["in_story"] is False
    assert [c["article_id"] for c in credited["children"]] == [corpus.articles["budget"].id]
    assert body["facts"] is None and body["brief"] is None and body["matrix"] is None
    assert len(body["articles"]) == 2


def test_malformed_document_is_reported_not_fatal(filled: tuple[str, Corpus]) -> None:
    db, corpus = filled
    store = open_store(db)
    store.put_story_doc(corpus.other.id, "facts", {"unexpected": True})
    store.put_story_doc(corpus.other.id, "timeline", [{"date": "not a date"}])
    store.close()
    with TestClient(create_app(make_settings(db), process=None)) as c:
        body = c.get(f"/api/v1/stories/{corpus.other.id}").json()
        assert set(body["problems"]) == {"facts", "timeline"}
        assert body["facts"] is None
        page = c.get(f"/stories/{corpus.other.id}")
        assert page.status_code == 200 and "could not be read" in page.text


def test_story_by_prefix_and_not_found(client: TestClient, corpus: Corpus) -> None:
    assert client.get(f"/api/v1/stories/{corpus.story.id[:6]}").json()["story"]["id"] == corpus.story.id
    body = assert_error(client.get("/api/v1/stories/nope-nope"), 404, "NotFound")
    assert body["item"] == "nope-nope" and body["hint"]


# ---------------------------------------------------------------- articles, entities, search


def test_articles_list_and_one_with_reading(client: TestClient, corpus: Corpus) -> None:
    body = client.get("/api/v1/articles", params={"limit": 2}).json()
    assert body["total"] == 6 and len(body["items"]) == 2
    assert body["items"][0]["story_id"] == corpus.story.id
    assert client.get("/api/v1/articles", params={"outlet": "harbor ledger"}).json()["total"] == 2
    post = corpus.articles["post"]
    one = client.get(f"/api/v1/articles/{post.id}").json()
    assert one["article"]["text"] == post.text
    assert one["story_id"] == corpus.story.id
    amount = one["reading"]["amounts"][0]
    assert post.text[amount["start"] : amount["end"]] == "Fifteen people"
    by_external = client.get("/api/v1/articles/ext-wire").json()
    assert by_external["copy_link"]["copy_of"] == corpus.articles["ledger"].id
    assert client.get(f"/api/v1/articles/{corpus.articles['ledger'].id}").json()["copied_by"] == [corpus.articles["wire"].id]
    assert_error(client.get("/api/v1/articles/zzzzzzzz"), 404, "NotFound")


def test_entities(client: TestClient, corpus: Corpus) -> None:
    body = client.get("/api/v1/entities").json()
    assert [e["id"] for e in body["items"]] == ["ent-calloway", "ent-lindmoor"]  # most reported first
    assert client.get("/api/v1/entities", params={"label": "GPE"}).json()["total"] == 1
    assert client.get("/api/v1/entities", params={"q": "callo"}).json()["items"][0]["name"] == "Ines Calloway"
    one = client.get("/api/v1/entities/ent-calloway").json()
    roles = {(r["outlet"], r["title"]) for r in one["roles"]}
    assert ("Northgate Post", "Port director") in roles
    assert ("Harbor Ledger", "harbour master") in roles
    assert [s["id"] for s in one["stories"]] == [corpus.story.id]
    assert client.get("/api/v1/entities/Calloway").json()["entity"]["id"] == "ent-calloway"
    assert_error(client.get("/api/v1/entities/nobody"), 404, "NotFound")


def test_search_uses_full_text_index(client: TestClient, corpus: Corpus) -> None:
    body = client.get("/api/v1/search", params={"q": "hospital"}).json()
    assert [h["article"]["id"] for h in body["items"]] == [corpus.articles["post"].id]
    assert "[" in body["items"][0]["snippet"]
    assert body["items"][0]["story_id"] == corpus.story.id
    assert client.get("/api/v1/search", params={"q": '"); DROP TABLE articles; --'}).status_code == 200
    assert client.get("/api/v1/search", params={"q": "   "}).json()["items"] == []
    assert_error(client.get("/api/v1/search"), 422, "InvalidRequest")


def test_unknown_route_and_method(client: TestClient) -> None:
    assert_error(client.get("/api/v1/nothing-here"), 404, "NotFound")
    response = client.delete("/api/v1/stories")
    assert response.status_code == 405 and ERROR_KEYS <= set(response.json())


def test_internal_errors_keep_the_shape(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    data = client.app.state.data  # type: ignore[attr-defined]

    def boom(ref: str) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(data, "story", boom)
    body = assert_error(client.get("/api/v1/stories/x"), 500, "InternalError")
    assert "secret" not in json.dumps(body)


def test_two_apps_keep_their_own_stores(filled: tuple[str, Corpus], tmp_path: Path) -> None:
    empty = str(tmp_path / "empty.db")
    with TestClient(create_app(make_settings(filled[0]), process=None)) as full, \
         TestClient(create_app(make_settings(empty), process=None)) as blank:  # fmt: skip
        assert full.get("/api/v1/stories").json()["total"] == 2
        assert blank.get("/api/v1/stories").json()["total"] == 0


# ---------------------------------------------------------------- ingest: token, size, records


RECORD = {"text": "Greyfield opened its new library on Saturday after two years of work.", "title": "Library opens",
          "outlet": "Meadow Times", "published": "2026-03-22T10:00:00Z", "id": "mt-1"}  # fmt: skip


def test_ingest_needs_the_token(client: TestClient) -> None:
    body = {"articles": [RECORD]}
    assert_error(client.post("/api/v1/ingest/articles", json=body), 401, "AuthError")
    response = client.post("/api/v1/ingest/articles", json=body, headers={"Authorization": "Bearer wrong"})
    assert_error(response, 401, "AuthError")
    assert response.headers["www-authenticate"] == "Bearer"
    assert_error(client.post("/api/v1/ingest/urls", json={"urls": ["https://example.org/"]}), 401, "AuthError")


def test_ingest_is_disabled_without_a_configured_token(filled: tuple[str, Corpus]) -> None:
    with TestClient(create_app(make_settings(filled[0]), process=None)) as c:
        response = c.post("/api/v1/ingest/articles", json={"articles": [RECORD]}, headers=AUTH)
        assert_error(response, 403, "IngestDisabled")


def test_ingest_articles_adds_then_counts_present(client: TestClient) -> None:
    bad = {"text": "Some words.", "published": "not a date at all"}
    response = client.post("/api/v1/ingest/articles", json={"articles": [RECORD, bad]}, headers=AUTH,
                           params={"process": "false"})  # fmt: skip
    body = response.json()
    assert response.status_code == 200, body
    assert len(body["added"]) == 1 and body["present"] == [] and body["processing"] is False
    assert body["skipped"][0]["source"] == "api#2" and "published" in body["skipped"][0]["reason"]
    article = client.get(f"/api/v1/articles/{body['added'][0]}").json()["article"]
    assert article["external_id"] == "mt-1" and article["outlet"] == "Meadow Times"
    assert client.get("/api/v1/articles").json()["total"] == 7  # the index was refreshed at once
    again = client.post("/api/v1/ingest/articles", json={"articles": [RECORD]}, headers=AUTH).json()
    assert again["added"] == [] and again["present"] == body["added"]
    assert client.get("/api/v1/search", params={"q": "library"}).json()["items"][0]["article"]["id"] == body["added"][0]


def test_ingest_queues_processing_for_the_worker(filled: tuple[str, Corpus]) -> None:
    """The server stores the articles and queues one job in the store; it never runs the pipeline itself."""
    app = create_app(make_settings(filled[0], api_token=TOKEN))  # the default hand-off: the store's job queue
    with TestClient(app) as c:
        body = c.post("/api/v1/ingest/articles", json={"articles": [RECORD]}, headers=AUTH).json()
        assert body["processing"] is True
        assert c.post("/api/v1/ingest/articles", json={"articles": [RECORD]}, headers=AUTH).json()["processing"] is False
        second = dict(RECORD, text=RECORD["text"] + " A second report.", id="mt-2")
        assert c.post("/api/v1/ingest/articles", json={"articles": [second]}, headers=AUTH).json()["processing"] is True
    with open_store(filled[0]) as store:
        jobs = store.jobs()
        assert [(j.kind, j.args) for j in jobs] == [("process", ())]  # one queued job covers every pending article
        assert store.assignments().keys().isdisjoint(a.id for a in store.articles() if a.external_id == "mt-1")


def test_ingest_validation_errors(client: TestClient) -> None:
    assert_error(client.post("/api/v1/ingest/articles", json={"articles": []}, headers=AUTH), 422, "InvalidRequest")
    assert_error(client.post("/api/v1/ingest/articles", content=b"{not json", headers=AUTH | {"content-type": "application/json"}),
                 422, "InvalidRequest")  # fmt: skip
    body = client.post("/api/v1/ingest/articles", json={"articles": [{"title": "no body"}]}, headers=AUTH).json()
    assert body["added"] == [] and "no 'text'" in body["skipped"][0]["reason"]


def test_request_size_limit(client: TestClient) -> None:
    big = {"articles": [dict(RECORD, text="word " * 5000)]}  # > max_request_bytes=20_000
    body = assert_error(client.post("/api/v1/ingest/articles", json=big, headers=AUTH), 413, "TooLarge")
    assert "20000" in body["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while streaming
        yield b'{"articles": [{"text": "'
        for _ in range(50):
            yield b"x" * 1000
        yield b'"}]}'

    streamed = client.post("/api/v1/ingest/articles", content=chunks(), headers=AUTH | {"content-type": "application/json"})
    assert_error(streamed, 413, "TooLarge")
    assert client.get("/api/v1/articles").json()["total"] == 6


# ---------------------------------------------------------------- ingest: URLs and the SSRF guard


class _Pages(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        self.hits.append(self.path)
        status, headers, body = self.routes.get(self.path, (404, {}, b"missing"))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[tuple[str, type[_Pages]]]:
    handler = type("Pages", (_Pages,), {"routes": {}, "hits": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


PAGE = (b"<html><head><title>Dock strike ends</title></head><body><article><h1>Dock strike ends</h1>"
        b"<p>The dock workers of Port Avel returned to work on Tuesday after a nine-day strike over night shifts.</p>"
        b"<p>Union leader Brannock Hale said the new rota would be reviewed in the autumn by both sides.</p>"
        b"</article></body></html>")  # fmt: skip


def test_urls_must_be_http(client: TestClient) -> None:
    for url in ("/etc/passwd", "file:///etc/passwd", "ftp://example.org/x", "tests"):
        assert_error(client.post("/api/v1/ingest/urls", json={"urls": [url]}, headers=AUTH), 400, "InputError")


def test_loopback_and_private_addresses_are_refused(
    client: TestClient, local_server: tuple[str, type[_Pages]], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, pages = local_server
    pages.routes["/a"] = (200, {"Content-Type": "text/html"}, PAGE)
    real = socket.getaddrinfo

    def fake_dns(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        answers = {"intranet.example": "10.1.2.3", "metadata.example": "169.254.169.254", "sneaky.example": "127.0.0.1"}
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], 80))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_dns)
    urls = [f"{base}/a", "http://localhost/", "http://[::1]/", "http://intranet.example/x",
            "http://metadata.example/latest/meta-data", "http://sneaky.example/"]  # fmt: skip
    body = client.post("/api/v1/ingest/urls", json={"urls": urls}, headers=AUTH).json()
    assert body["added"] == []
    assert {s["source"] for s in body["skipped"]} == set(urls)
    assert all("refused" in s["reason"] or "non-public" in s["reason"] for s in body["skipped"]), body
    assert pages.hits == []  # nothing was sent to the local server


def test_redirect_hops_are_checked(
    client: TestClient, local_server: tuple[str, type[_Pages]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first hop is let through (as if public); its redirect to loopback must still be refused."""
    import storyline.ingest.web as web

    base, pages = local_server
    target = base.replace("127.0.0.1", "localhost") + "/secret"
    pages.routes["/start"] = (302, {"Location": target}, b"")
    pages.routes["/secret"] = (200, {"Content-Type": "text/html"}, PAGE)
    real_resolve = web.resolve_target

    def resolve(url: str, allow_private: bool, resolve: web.Resolver = web.system_resolve) -> web.Target:
        if url == f"{base}/start":
            return real_resolve(url, True, resolve)  # pretend this one is a public server
        return real_resolve(url, allow_private, resolve)

    monkeypatch.setattr(web, "resolve_target", resolve)  # the API's check and the fetcher look it up at call time

    body = client.post("/api/v1/ingest/urls", json={"urls": [f"{base}/start"]}, headers=AUTH).json()
    assert body["added"] == []
    assert "refused" in body["skipped"][0]["reason"] or "non-public" in body["skipped"][0]["reason"]
    assert pages.hits == ["/start"]  # the redirect target was never requested


def test_private_urls_when_the_operator_allows_them(filled: tuple[str, Corpus], local_server: tuple[str, type[_Pages]]) -> None:
    base, pages = local_server
    pages.routes["/page"] = (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE)
    app = create_app(make_settings(filled[0], api_token=TOKEN, allow_private_urls=True), process=None)
    with TestClient(app) as c:
        body = c.post("/api/v1/ingest/urls", json={"urls": [f"{base}/page"]}, headers=AUTH).json()
        assert len(body["added"]) == 1, body
        article = c.get(f"/api/v1/articles/{body['added'][0]}").json()["article"]
        assert "nine-day strike" in article["text"]


def test_openapi_docs_are_served_without_a_cdn(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/docs-assets/swagger-ui-bundle.js" in page.text and "cdn" not in page.text.lower()
    bundle = client.get("/docs-assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")
    assert client.get("/openapi.json").json()["info"]["title"] == "storyline"
    redoc = client.get("/redoc")
    assert redoc.status_code == 200 and "/docs-assets/redoc.standalone.js" in redoc.text
    assert "cdn" not in redoc.text.lower() and "fonts.googleapis" not in redoc.text
    assert client.get("/docs-assets/redoc.standalone.js").status_code == 200
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert client.get("/static/favicon.svg").status_code == 200


def test_error_statuses_come_from_the_exception_table(client: TestClient) -> None:
    """Every error class carries its HTTP status and exit code; the app answers with that status."""
    from storyline import errors

    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.StorylineError)]
    assert len(classes) >= 15
    for cls in classes:
        assert 400 <= cls.http_status < 600 and cls.exit_code in errors.EXIT_CODES, cls
        assert cls.__name__ in errors.__doc__, f"{cls.__name__} is missing from the tree in the docstring"
    assert errors.MissingDatabase("x").to_dict()["status"] == 404
    assert_error(client.get("/api/v1/stories/nope-nope"), errors.NotFound.http_status, "NotFound")


def test_openapi_lists_the_query_parameters_of_the_hot_read_endpoints(client: TestClient) -> None:
    """These routes read their query parameters themselves (api.read_query); the spec must still list them."""
    paths = client.get("/openapi.json").json()["paths"]

    def query(path: str) -> dict[str, dict[str, object]]:
        return {p["name"]: p for p in paths[path]["get"]["parameters"] if p["in"] == "query"}

    stories = query("/api/v1/stories")
    assert list(stories) == ["since", "until", "outlet", "entity", "q", "limit", "offset"]
    assert stories["limit"]["schema"] == {"default": 50, "maximum": 200, "minimum": 1, "type": "integer",
                                          "title": "Limit", "description": "page size"}  # fmt: skip
    assert stories["since"]["schema"]["anyOf"][0] == {"type": "string", "format": "date"}
    assert list(query("/api/v1/articles")) == ["outlet", "limit", "offset", "failed"]
    search = query("/api/v1/search")
    assert search["q"]["required"] is True and search["limit"]["required"] is False
    assert [p["name"] for p in paths["/api/v1/stories/{story_id}"]["get"]["parameters"]] == ["story_id"]


@pytest.mark.parametrize(
    ("url", "item"),
    [
        ("/api/v1/stories?offset=-1", "query.offset"),
        ("/api/v1/stories?until=2026-02-30", "query.until"),
        ("/api/v1/articles?limit=201", "query.limit"),
        ("/api/v1/articles?limit=ten", "query.limit"),
        ("/api/v1/search?q=" + "w" * 201, "query.q"),
    ],
)
def test_bad_query_parameters_name_the_parameter(client: TestClient, url: str, item: str) -> None:
    body = assert_error(client.get(url), 422, "InvalidRequest")
    assert body["item"] == item and body["message"].startswith(item + ": ")


def test_story_documents_are_cached_until_the_database_changes(filled: tuple[str, Corpus]) -> None:
    db, corpus = filled
    app = create_app(make_settings(db), process=None)
    with TestClient(app) as c:
        data = app.state.data
        first = data.story(corpus.story.id).docs
        assert data.story(corpus.story.id).docs is first  # nothing committed: the parsed documents are reused
        assert len(c.get(f"/api/v1/stories/{corpus.story.id}").json()["timeline"]) == 2
        writer = open_store(db)  # another connection, as `storyline process` would be
        try:
            writer.put_story_doc(corpus.story.id, "timeline", [])
        finally:
            writer.close()
        assert data.story(corpus.story.id).docs is not first
        assert c.get(f"/api/v1/stories/{corpus.story.id}").json()["timeline"] == []


def test_ingest_batch_answers_per_record(client: TestClient) -> None:
    """One bad record is one skip naming it and why; the others are stored (never a 500 for the batch)."""
    second = dict(RECORD, id="mt-2", text="Greyfield closed its old library on Sunday after ninety years of service.")
    records = [
        RECORD,
        dict(RECORD, id="nul\x00id", text="Greyfield \ud800 reopened the reading room on Monday for the first time."),
        dict(RECORD, id=7, published="9999-12-31T23:59:59-01:00"),
        dict(RECORD, title=12),
        dict(RECORD, text="x"),
        second,
    ]
    body = json.dumps({"articles": records})  # escapes the lone surrogate as \ud800, as a client would
    response = client.post("/api/v1/ingest/articles", content=body, params={"process": "false"},
                           headers=AUTH | {"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 200, response.text
    answer = response.json()
    assert len(answer["added"]) == 3
    reasons = {s["source"]: s["reason"] for s in answer["skipped"]}
    assert set(reasons) == {"api#3", "api#4", "api#5"}
    assert "out of range" in reasons["api#3"] and "title" in reasons["api#4"] and "too short" in reasons["api#5"]
    stored = [client.get(f"/api/v1/articles/{i}").json()["article"] for i in answer["added"]]
    assert sorted(a["external_id"] for a in stored) == ["mt-1", "mt-2", "nulid"]


def test_ingest_batch_with_a_giant_integer_is_not_a_server_error(client: TestClient) -> None:
    body = '{"articles": [{"id": ' + "9" * 5000 + ', "text": "Greyfield opened its library."}]}'
    response = client.post("/api/v1/ingest/articles", content=body, headers=AUTH | {"content-type": "application/json"})
    assert response.status_code < 500, response.text
# ---------------------------------------------------------------- article edits


def test_patch_article_fixes_metadata_and_queues_the_rerun(filled: tuple[str, Corpus], corpus: Corpus) -> None:
    ledger = corpus.articles["ledger"]
    app = create_app(make_settings(filled[0], api_token=TOKEN))  # the default hand-off: the store's job queue
    with TestClient(app) as c:
        url = f"/api/v1/articles/{ledger.id}"
        assert_error(c.patch(url, json={"outlet": "Coastline Wire"}), 401, "AuthError")
        response = c.patch(url, json={"outlet": "Coastline Wire", "published": "2026-03-18T08:00:00+01:00"}, headers=AUTH)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["processing"] is True
        assert body["article"]["id"] == ledger.id and body["article"]["outlet"] == "Coastline Wire"
        assert body["article"]["published"] == "2026-03-18T08:00:00+01:00"
        assert body["article"]["title"] == ledger.title and body["article"]["external_id"] == ledger.external_id
        assert c.get(url).json()["article"]["outlet"] == "Coastline Wire"
        listed = {a["id"]: a for a in c.get("/api/v1/articles").json()["items"]}
        assert listed[ledger.id]["outlet"] == "Coastline Wire" and len(listed) == 6  # the list follows, nothing added
        cleared = c.patch(url, json={"title": None}, headers=AUTH).json()
        assert cleared["article"]["title"] is None and cleared["article"]["outlet"] == "Coastline Wire"
        same = c.patch(url, json={"title": None}, headers=AUTH).json()
        assert same["processing"] is False  # nothing changed: nothing to re-run
        assert_error(c.patch(url, json={"published": "someday"}, headers=AUTH), 400, "InputError")
        assert_error(c.patch(url, json={}, headers=AUTH), 400, "InputError")
        assert_error(c.patch("/api/v1/articles/a-nope", json={"title": "x"}, headers=AUTH), 404, "NotFound")
        assert_error(c.patch(url, json={"title": 5}, headers=AUTH), 422, "InvalidRequest")
    with open_store(filled[0]) as store:
        jobs = store.jobs()
        assert [j.kind for j in jobs] == ["reprocess", "reprocess"] and all(j.args[0] == ledger.id for j in jobs)
        before = json.loads(jobs[0].args[1])  # what the worker needs to judge the old fit
        assert before["outlet"] == ledger.outlet and before["published"] == ledger.published.isoformat()


def test_patch_without_a_worker_hand_off_still_stores_the_fix(client: TestClient, corpus: Corpus) -> None:
    url = f"/api/v1/articles/{corpus.articles['post'].id}"
    body = client.patch(url, json={"title": "Ferry blaze: fifteen treated"}, headers=AUTH).json()
    assert body["processing"] is False and body["article"]["title"] == "Ferry blaze: fifteen treated"
