"""The FastAPI application: ``create_app(settings)`` builds one, with its own store.

No module-level state: the store is opened when the app starts (lifespan) and kept on
``app.state``; the settings are passed in. Errors anywhere become one JSON shape,
:meth:`StorylineError.to_dict` (``{"error", "status", "message", "item", "hint"}``), under ``/api``
(and an HTML page elsewhere). The status is the error class's ``http_status`` (the table in
:mod:`storyline.errors`): invalid parameters are :class:`InvalidRequest` (422), any exception that is
not a storyline error is :class:`InternalError` (500, details in the log only).

API docs are served from local files (no CDN): Swagger UI at ``/docs`` and ReDoc at ``/redoc``, both
from the ``fastapi-offline`` package, whose bundles read the OpenAPI 3.1 document FastAPI emits.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..config import Settings
from ..errors import InternalError, InvalidRequest, NotFound, StorylineError, TooLarge
from ..store import Store, open_store
from .api import Submit, build_router
from .cache import ReadCache, store_version
from .index import StoreIndex
from .service import WebData

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
FAVICON = "/static/favicon.svg"

# Pages get a strict policy: no inline script, nothing from elsewhere. Even if some article
# markup slipped through escaping, the browser would refuse to run it.
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


def queue_job(store: Store, kind: str, args: list[str]) -> bool:
    """The default hand-off: a job in the store's queue, which the ``storyline worker`` process drains
    (``storyline serve`` starts one). The server itself never runs the pipeline: see :mod:`storyline.worker`."""
    store.enqueue(kind, args)
    return True


def create_app(settings: Settings, *, process: Submit | None = queue_job) -> FastAPI:
    """A new app over ``settings.db``. ``process`` hands pipeline work (after an ingest that added articles,
    or an article edit) to the worker process and returns at once (None: never)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = open_store(settings.db)
        # The index reads through a connection of its own, so a background rebuild never
        # holds the lock that requests wait on (SQLite in WAL mode reads concurrently).
        index_store = open_store(settings.db)
        index = StoreIndex(index_store)
        try:
            index.refresh_now()
            app.state.data = WebData(store, index)
            yield
        finally:
            index.close()
            index_store.close()
            store.close()

    app = FastAPI(
        title="storyline",
        version="1",
        summary="Self-hosted news intelligence: stories, outlets side by side, cited briefs.",
        description=(
            "Read endpoints are open. Ingest needs `Authorization: Bearer <api_token>`. "
            "Every error is `{error, status, message, item, hint}`: `error` names the class in storyline's "
            "exception tree, `status` is the HTTP status."
        ),
        lifespan=lifespan,
        docs_url=None,  # served below from local files: no CDN, works offline
        redoc_url=None,
    )
    app.state.settings = settings

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith(("/api", "/openapi")) or "text/html" not in request.headers.get("accept", "")

    def error_response(request: Request, exc: StorylineError, status: int) -> Response:
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if wants_json(request) or not hasattr(request.app.state, "templates"):
            return JSONResponse(exc.to_dict(status), status_code=status, headers=headers)
        return request.app.state.templates.TemplateResponse(
            request, "error.html", {"error": exc, "status": status}, status_code=status, headers=headers
        )

    @app.exception_handler(StorylineError)
    async def storyline_error(request: Request, exc: StorylineError) -> Response:
        status = exc.http_status
        if status == 500:
            log.error("error serving %s: %s", request.url.path, exc)
        return error_response(request, exc, status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = exc.errors()
        first = problems[0] if problems else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in problems[:5])
        error = InvalidRequest(message or "invalid request", item=where or None, hint="see /docs for the parameters")
        return error_response(request, error, error.http_status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        error: StorylineError
        if isinstance(exc.__cause__, StorylineError):  # e.g. TooLarge raised while FastAPI read the body
            return await storyline_error(request, exc.__cause__)
        if exc.status_code == 404:
            error = NotFound("no such page", item=request.url.path, hint="the API is under /api/v1; see /docs")
        else:
            error = StorylineError(str(exc.detail), item=request.url.path)
        response = error_response(request, error, exc.status_code)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error serving %s", request.url.path)
        error = InternalError("internal server error", item=request.url.path, hint="the server log has the details")
        return JSONResponse(error.to_dict(), status_code=error.http_status)

    app.include_router(build_router(process))

    from .views import build_views  # the pages share the app's templates and data

    app.state.templates = build_views(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _mount_docs(app)
    app.add_middleware(ReadCache, version=store_version)  # inside LimitBody: cached answers get its headers too
    app.add_middleware(LimitBody, max_bytes=settings.max_request_bytes)
    return app


def _mount_docs(app: FastAPI) -> None:
    """Swagger UI at /docs and ReDoc at /redoc, from the ``fastapi-offline`` package's files.

    FastAPI's defaults pull them from a CDN, which a self-hosted install behind a firewall cannot reach;
    the ``swagger-ui-bundle`` package ships Swagger UI 4.15, which cannot read OpenAPI 3.1 (FastAPI's
    output) and showed an empty page. ``fastapi-offline`` ships Swagger UI 5 and ReDoc 2, which do.
    """
    import fastapi_offline
    from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html

    assets = Path(fastapi_offline.__file__).parent / "static"
    app.mount("/docs-assets", StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> Response:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="storyline API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url=FAVICON,
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> Response:
        return get_redoc_html(
            openapi_url="/openapi.json",
            title="storyline API",
            redoc_js_url="/docs-assets/redoc.standalone.js",
            redoc_favicon_url=FAVICON,
            with_google_fonts=False,
        )

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:  # browsers ask for it whatever the page links
        return Response((HERE / "static" / "favicon.ico").read_bytes(), media_type="image/x-icon",
                        headers={"Cache-Control": "public, max-age=86400"})  # fmt: skip


#: Environment variable carrying the resolved settings from ``storyline serve --workers N`` to its workers.
SETTINGS_ENV = "STORYLINE_SERVE_SETTINGS"


def settings_env(settings: Settings) -> dict[str, str]:
    """Environment entries that make :func:`app_from_env` build its app with exactly ``settings``."""
    return {SETTINGS_ENV: json.dumps(dataclasses.asdict(settings))}


def app_from_env() -> FastAPI:
    """For ``uvicorn --factory storyline.web.app:app_from_env`` (e.g. with ``--workers``): the settings
    ``storyline serve`` resolved (:func:`settings_env`), else ``storyline.toml`` and ``STORYLINE_*`` variables.
    Each worker process calls this, so each has its own app, store connections and index."""
    from ..config import load_settings

    raw = os.environ.get(SETTINGS_ENV)
    return create_app(Settings(**json.loads(raw)) if raw else load_settings())


# ---------------------------------------------------------------- raw ASGI middleware

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class LimitBody:
    """Refuse request bodies over ``max_bytes`` with 413, by Content-Length or while streaming.

    Also adds security headers: pages get :data:`PAGE_CSP`; everything gets ``nosniff``.
    Written as plain ASGI (not ``BaseHTTPMiddleware``) so it adds no per-request task.
    """

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        strict = not path.startswith(("/docs", "/redoc", "/openapi"))  # the doc pages run their own inline script
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            too_large = TooLarge(
                f"request body of {int(declared)} bytes is over the limit of {self.max_bytes}",
                hint="send fewer articles per request",
            )
            await JSONResponse(too_large.to_dict(), status_code=too_large.http_status)(scope, receive, send)
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise TooLarge(f"request body is over the limit of {self.max_bytes} bytes",
                                   hint="send fewer articles per request")  # fmt: skip
            return message

        async def secure_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                headers.append((b"x-content-type-options", b"nosniff"))
                if strict:
                    headers.append((b"content-security-policy", PAGE_CSP.encode()))
                    headers.append((b"referrer-policy", b"same-origin"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, limited_receive, secure_send)


__all__ = ["app_from_env", "create_app", "settings_env"]
