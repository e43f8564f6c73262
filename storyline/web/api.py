"""The versioned JSON API under ``/api/v1``.

Read endpoints are open; ingest needs ``Authorization: Bearer <settings.api_token>`` and is
disabled (403) when no token is configured. Every error has one shape,
:meth:`storyline.errors.StorylineError.to_dict`; each error class carries its status (the table in
:mod:`storyline.errors`).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import pydantic_core
from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from pydantic import BaseModel, ValidationError

from ..codec import to_json
from ..config import Settings
from ..errors import AuthError, IngestDisabled, InputError, Skip
from ..records import Article, Skipped
from ..store import Store
from .index import ArticleMeta, StoryRow
from ..copies import copy_tree
from .present import DocProblem, agreement_matrix
from .schemas import (
    ERRORS, INGEST_ERRORS, WRITE_ERRORS, ArticleDetail, ArticlePage, ArticlePatch, ArticlePatchOut, ArticleQuery,
    DeleteOut, EntityDetail, EntityPage, IngestArticles, IngestOut, IngestUrls, RetryOut, SearchOut, SearchQuery,
    StoryDetail, StoryPage, StoryQuery,
)
from .service import MAX_LIMIT, StoryFilters, WebData

log = logging.getLogger(__name__)

# ---------------------------------------------------------------- conversions


def story_out(row: StoryRow) -> dict[str, Any]:
    s = row.story
    return {
        "id": s.id, "title": s.title, "articles": row.articles, "outlets": list(row.outlets), "copies": row.copies,
        "independent_origins": s.independent_origins, "first_published": s.first_published,
        "last_published": s.last_published, "reason": s.reason,
    }  # fmt: skip


def article_out(a: ArticleMeta | Article, story_id: str | None = None) -> dict[str, Any]:
    return {"id": a.id, "title": a.title, "outlet": a.outlet, "published": a.published, "url": a.url,
            "external_id": a.external_id, "story_id": story_id}  # fmt: skip


def _doc_json(value: Any) -> Any:
    return None if value is None or isinstance(value, DocProblem) else to_json(value)


QueryModel = TypeVar("QueryModel", bound=BaseModel)


def read_query(model: type[QueryModel], request: Request) -> QueryModel:
    """The request's query parameters as ``model``, in one pydantic validation.

    FastAPI would do the same from ``Annotated[model, Query()]``, but re-inspects every field's type
    annotation on every request: for the story list that was 40 % of its CPU (0.71 -> 0.42 ms in-process).
    Errors become the same 422 answer (``query.<name>: <pydantic message>``); :func:`query_docs` lists
    the parameters in /openapi.json as FastAPI would.
    """
    try:
        return model.model_validate(dict(request.query_params))
    except ValidationError as exc:
        errors = [{**e, "loc": ("query", *e["loc"])} for e in exc.errors(include_url=False)]
        raise RequestValidationError(errors) from None


def query_docs(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` documenting ``model``'s fields as query parameters (for routes using :func:`read_query`)."""
    schema = model.model_json_schema()
    required = set(schema.get("required", ()))
    parameters = []
    for name, field in schema["properties"].items():
        parameter = {"name": name, "in": "query", "required": name in required, "schema": field}
        if "description" in field:
            parameter["description"] = field["description"]
        parameters.append(parameter)
    return {"parameters": parameters}


def json_answer(content: dict[str, Any]) -> Response:
    """``content`` as JSON bytes, serialised by pydantic-core (as FastAPI would) but without validating it
    against the route's ``response_model`` again: the hot read endpoints build their dicts field by field
    from typed records, the model still documents the shape in /openapi.json, and the schemathesis test
    (tests/web/test_schema.py) checks every answer against it."""
    return Response(pydantic_core.to_json(content), media_type="application/json")


# ---------------------------------------------------------------- dependencies


# Dependencies and quick endpoints are ``async def``: FastAPI runs a plain ``def`` in a worker
# thread, and that hop costs about as much CPU as answering from the index. Store reads that
# can take long (entity roles, story lists filtered by words, ingest) stay plain ``def`` or go
# through ``run_in_threadpool``, so they never stall the event loop.
#
# Hot read endpoints (story list, story, article list, search: what 50 concurrent API clients
# mostly ask) take ``request`` instead of the ``Data`` dependency, one pydantic model for their
# query parameters, and answer with :func:`json_answer`. Measured in-process, this halved the
# list endpoints' CPU (story list 0.86 -> 0.42 ms: FastAPI's per-parameter and per-dependency
# handling cost more than answering from the index). API search runs on the event loop: a selective
# FTS5 query takes ~2 ms, and in a worker thread it starved under load (the thread waits for
# the GIL behind the event loop: median 700 ms against 100 ms for other requests, 50 clients).
# A word found in most articles costs ~75 ms there; ``storyline serve --workers 2`` keeps
# other requests flowing meanwhile.


def data_of(request: Request) -> WebData:
    return request.app.state.data  # type: ignore[no-any-return]


async def get_data(request: Request) -> WebData:
    return data_of(request)


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


Data = Annotated[WebData, Depends(get_data)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="page size")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="rows to skip")]


# ---------------------------------------------------------------- routes


#: Hands work to the worker process: ``submit(store, kind, args)`` queues a job (kinds: :class:`storyline.store.Job`)
#: and says whether it will be done. It must return at once: the pipeline never runs in the server.
Submit = Callable[[Store, str, list[str]], bool]


def build_router(process: Submit | None) -> APIRouter:
    """The /api/v1 routes; ``process`` queues pipeline work after an ingest or an edit (None: never)."""
    router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS)
    bearer = HTTPBearer(auto_error=False, description="the server's api_token setting")

    async def require_token(
        request: Request,
        credentials: HTTPAuthorizationCredentials | None = Depends(bearer),  # noqa: B008 - FastAPI idiom
    ) -> None:
        """Ingest needs the configured token; with none configured, ingest is off."""
        expected = get_settings(request).api_token
        if not expected:
            raise IngestDisabled("ingest over HTTP is disabled", hint="set api_token (STORYLINE_API_TOKEN) on the server")
        given = credentials.credentials if credentials else ""
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise AuthError("missing or wrong API token", hint="send the header Authorization: Bearer <token>")

    @router.get("/stories", response_model=StoryPage, summary="Stories, latest activity first",
                openapi_extra=query_docs(StoryQuery))  # fmt: skip
    async def list_stories(request: Request) -> Response:
        query = read_query(StoryQuery, request)
        data, limit, offset, q = data_of(request), query.limit, query.offset, query.q
        filters = StoryFilters(query.since, query.until, query.outlet, query.entity, q)
        if q and q.strip():  # full-text search over every match: off the event loop
            total, rows = await run_in_threadpool(data.list_stories, filters, limit=limit, offset=offset)
        else:
            total, rows = data.list_stories(filters, limit=limit, offset=offset)
        return json_answer({"total": total, "limit": limit, "offset": offset, "items": [story_out(r) for r in rows]})

    @router.get("/stories/{story_id}", response_model=StoryDetail, summary="One story with everything computed for it")
    async def get_story(story_id: str, request: Request) -> Response:
        data = data_of(request)
        view = data.story(story_id)
        row = view.row or StoryRow(view.story, tuple(sorted({a.outlet for a in view.articles if a.outlet})),
                                   len(view.articles), len(view.links))  # fmt: skip
        meta = {a.id: a for a in view.articles}

        def node(n: Any) -> dict[str, Any]:
            a, link = meta.get(n.article_id or ""), n.link
            return {
                "article_id": n.article_id, "url": n.url, "in_story": a is not None,
                "outlet": a.outlet if a else None, "title": a.title if a else None,
                "kind": link.kind if link else None, "score": link.score if link else None,
                "copy_of": link.copy_of if link else None, "credited_url": link.credited_url if link else None,
                "reason": link.reason if link else "", "children": [node(c) for c in n.children],
            }  # fmt: skip

        docs = view.docs
        facts, conflicts = docs["facts"], docs["conflicts"]
        matrix = None
        if isinstance(facts, list) or isinstance(conflicts, list):
            m = agreement_matrix(facts if isinstance(facts, list) else [],
                                 conflicts if isinstance(conflicts, list) else [], view.articles)  # fmt: skip
            matrix = {"outlets": list(m.outlets), "rows": [to_json(r) for r in m.rows]}
        return json_answer({
            "story": story_out(row),
            "articles": [article_out(a, view.story.id) for a in view.articles],
            "copy_tree": [node(n) for n in copy_tree([a.id for a in view.articles], data.snap.copies)],
            **{kind: _doc_json(value) for kind, value in docs.items()},
            "matrix": matrix,
            "missing": [k for k, v in docs.items() if v is None],
            "problems": {k: v.reason for k, v in docs.items() if isinstance(v, DocProblem)},
        })  # fmt: skip

    @router.get("/articles", response_model=ArticlePage, summary="Articles in ingest order",
                openapi_extra=query_docs(ArticleQuery))  # fmt: skip
    async def list_articles(request: Request) -> Response:
        query = read_query(ArticleQuery, request)
        data, limit, offset = data_of(request), query.limit, query.offset
        if query.failed:
            return json_answer(await run_in_threadpool(failed_page, data, query))
        total, items = data.list_articles(limit=limit, offset=offset, outlet=query.outlet)
        story_of = data.snap.story_of
        return json_answer({"total": total, "limit": limit, "offset": offset,
                            "items": [article_out(a, story_of.get(a.id)) for a in items]})  # fmt: skip

    @router.get("/articles/{article_id}", response_model=ArticleDetail, summary="One article with its reading")
    async def get_article(article_id: str, data: Data) -> dict[str, Any]:
        view = data.article(article_id)
        return {
            "article": to_json(view.article),
            "reading": to_json(view.reading) if view.reading else None,
            "story_id": view.story.id if view.story else None,
            "copy_link": to_json(view.link) if view.link else None,
            "copied_by": [m.id for m in view.copied_by],
        }

    def entity_out(e: Any) -> dict[str, Any]:
        return {"id": e.id, "name": e.name, "label": e.label, "aliases": list(e.aliases), "articles": len(e.article_ids)}

    @router.get("/entities", response_model=EntityPage, summary="Entities, most reported first")
    async def list_entities(
        data: Data,
        q: Annotated[str | None, Query(max_length=200, description="part of a name or alias")] = None,
        label: Annotated[str | None, Query(max_length=40, description="PERSON, ORG, GPE, ...")] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        total, items = data.list_entities(q=q, label=label, limit=limit, offset=offset)
        return {"total": total, "limit": limit, "offset": offset, "items": [entity_out(e) for e in items]}

    @router.get("/entities/{entity_id}", response_model=EntityDetail, summary="An entity: roles by outlet and date, stories")
    def get_entity(entity_id: str, data: Data) -> dict[str, Any]:
        view = data.entity(entity_id)
        return {
            "entity": entity_out(view.entity),
            "roles": [to_json(r) for r in view.roles],
            "stories": [story_out(r) for r in view.stories],
            "article_ids": list(view.entity.article_ids),
        }

    @router.get("/search", response_model=SearchOut, summary="Full-text search over titles and texts",
                openapi_extra=query_docs(SearchQuery))  # fmt: skip
    async def search(request: Request) -> Response:
        query = read_query(SearchQuery, request)
        hits = data_of(request).search(query.q, limit=query.limit)
        items = [{"article": article_out(h.article, h.story_id), "snippet": h.snippet, "story_id": h.story_id}
                 for h in hits]  # fmt: skip
        return json_answer({"query": query.q, "items": items})

    def failed_page(data: WebData, query: ArticleQuery) -> dict[str, Any]:
        from ..maintenance import failed_articles

        rows = failed_articles(data.store)
        if query.outlet:
            rows = [r for r in rows if (r.article.outlet or "").casefold() == query.outlet.casefold()]
        page = rows[query.offset : query.offset + query.limit]
        items = [{**article_out(r.article), "failure": {"stage": r.failure.stage, "reason": r.failure.reason,
                                                        "failed_at": r.failure.failed_at}} for r in page]  # fmt: skip
        return {"total": len(rows), "limit": query.limit, "offset": query.offset, "items": items}

    def start_processing(data: WebData, added: list[str]) -> bool:
        """Queue the new articles for the worker process (a row in the store); never runs the pipeline here."""
        return bool(added and process and process(data.store, "process", []))

    def summary(data: WebData, added: list[str], present: list[str], skipped: list[Skipped], processing: bool) -> dict[str, Any]:
        if added:
            data.index.refresh_now()
        return {"added": added, "present": present, "skipped": [to_json(s) for s in skipped], "processing": processing}

    secured = [Depends(require_token)]

    @router.post("/ingest/articles", response_model=IngestOut, responses=INGEST_ERRORS, dependencies=secured,
                 summary="Store articles sent as JSON (token required)")  # fmt: skip
    def ingest_articles(
        body: IngestArticles,
        data: Data,
        request: Request,
        run_pipeline: Annotated[bool, Query(alias="process", description="run the pipeline on new articles")] = True,
    ) -> dict[str, Any]:
        from ..ingest.jsonl import parse_record

        articles: list[Article] = []
        skipped: list[Skipped] = []
        for n, record in enumerate(body.articles, start=1):
            source = f"api#{n}"
            try:
                articles.append(parse_record({k: v for k, v in record.items() if v is not None}, source))
            except Skip as exc:
                skipped.append(Skipped(source, exc.message))
            except Exception as exc:  # noqa: BLE001 - one record's bug must not cost the batch
                log.exception("unexpected error while reading %s", source)
                skipped.append(Skipped(source, f"internal error while reading ({type(exc).__name__})"))
        added, present = data.store.add_articles(articles) if articles else ([], [])
        processing = run_pipeline and start_processing(data, added)
        return summary(data, added, present, skipped, processing)

    @router.post("/ingest/urls", response_model=IngestOut, responses=INGEST_ERRORS, dependencies=secured,
                 summary="Fetch web pages or RSS/Atom feeds and store their articles (token required)")  # fmt: skip
    def ingest_urls(
        body: IngestUrls,
        data: Data,
        request: Request,
        run_pipeline: Annotated[bool, Query(alias="process", description="run the pipeline on new articles")] = True,
    ) -> dict[str, Any]:
        """Only http(s) URLs; loopback, private and link-local addresses are refused (every redirect hop
        and every resolved address is checked) unless the server sets ``allow_private_urls``."""
        from .. import workflow
        from ..errors import FetchError
        from ..ingest.web import check_public_url, is_url

        settings = get_settings(request)
        bad = [u for u in body.urls if not is_url(u)]
        if bad:  # anything else would be read as a local path by the library
            raise InputError("not an http(s) URL", item=bad[0][:200], hint="send absolute http:// or https:// URLs")
        allow = settings.allow_private_urls
        urls: list[str] = []
        refused: list[Skipped] = []
        for url in dict.fromkeys(u.strip() for u in body.urls):
            try:  # early, friendly refusal; the fetcher resolves every hop once more and connects only to what it checked
                check_public_url(url, allow)
                urls.append(url)
            except FetchError as exc:
                refused.append(Skipped(url, exc.message))
        result = workflow.ingest(data.store, urls, settings, allow_private=allow) if urls else None
        added = list(result.added) if result else []
        present = list(result.present) if result else []
        skipped = refused + (list(result.skipped) if result else [])
        processing = run_pipeline and start_processing(data, added)
        return summary(data, added, present, skipped, processing)

    @router.post("/articles/{article_id}/retry", response_model=RetryOut, responses=WRITE_ERRORS, dependencies=secured,
                 summary="Clear an article's failed mark and process it again (token required)")  # fmt: skip
    def retry_article(article_id: str, data: Data) -> dict[str, Any]:
        """409 when the article is not marked failed. The run is queued for the worker process, as after an ingest;
        an article that fails again is marked failed again (``GET /articles?failed=true``)."""
        from ..maintenance import clear_failures

        ids = clear_failures(data.store, [article_id])
        return {"retried": ids, "processing": start_processing(data, ids)}

    @router.delete("/articles/{article_id}", response_model=DeleteOut, responses=WRITE_ERRORS, dependencies=secured,
                   summary="Delete an article and everything derived from it (token required)")  # fmt: skip
    def delete_article(article_id: str, data: Data) -> dict[str, Any]:
        """Its reading, vectors, copy links, story membership (a story left empty is removed) and entity mentions
        go with it; the briefs of the stories it was in are rebuilt by the next run (one transaction)."""
        from ..maintenance import delete_articles

        done = delete_articles(data.store, [article_id])
        data.index.refresh_now()
        return {"deleted": list(done.articles), "stories_removed": list(done.stories_removed),
                "stories_changed": list(done.stories_changed), "copies_unlinked": list(done.copies_unlinked)}  # fmt: skip

    @router.patch("/articles/{article_id}", response_model=ArticlePatchOut, responses=INGEST_ERRORS,
                  dependencies=secured, summary="Fix an article's publication time, outlet or title (token required)")  # fmt: skip
    def patch_article(article_id: str, body: ArticlePatch, data: Data) -> dict[str, Any]:
        """The article keeps its id. Its reading (relative dates resolve against the publication time), its
        story assignment and the touched stories' facts and briefs are re-run by the worker process."""
        from ..edits import ArticleEdit, edit_article, reprocess_job_args

        given = body.model_fields_set
        if not given:
            raise InputError("nothing to change", hint="send published, outlet or title")
        raw = {name: (getattr(body, name) if getattr(body, name) is not None else "") for name in given}
        before = data.store.get_article(article_id)
        updated = edit_article(data.store, before.id, ArticleEdit.parse(**raw))
        processing = bool(process and updated != before
                          and process(data.store, "reprocess", reprocess_job_args(updated.id, before)))  # fmt: skip
        data.index.refresh_now()
        return {"article": to_json(updated), "processing": processing}

    return router
