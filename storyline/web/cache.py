"""Repeated reads answered from memory while the database has not changed.

Why: 50 readers clicking through the story list and story pages ask the same few pages over and
over; rendering a story page costs a few milliseconds of CPU, answering the same bytes again about
a tenth of that. While the worker process runs the pipeline the database changes once per
committed batch, so nearly every read between two commits can be answered from here, and the
server keeps its CPU for the pages that did change (``bench/bench_serve_load.py`` measures it).

An answer is filed under the request (path, query, host) and the state it was read from: the
database's version (:class:`.index.Watch`: SQLite's ``PRAGMA data_version``, PostgreSQL's current
snapshot; either changes whenever any connection or process commits) and the web index snapshot in
use (:mod:`.index`). Both are taken before the answer is built, so a commit during the
build leaves an entry that is already stale by its key, never a newer page under an older key.
When the version cannot be read, nothing is kept: every read goes to the store.

Only ``200`` answers to ``GET`` of pages and API reads are kept, each up to :data:`MAX_BODY_BYTES`,
all together up to :data:`MAX_TOTAL_BYTES`, least recently used first out; a new version drops them all.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.types import Message, Receive, Scope, Send

#: Largest answer kept (a story page of a 30-article story is ~400 kB).
MAX_BODY_BYTES = 1_000_000
#: All kept answers together; beyond it the least recently used go first.
MAX_TOTAL_BYTES = 64_000_000
#: Paths never kept: files served with their own validators, the API docs, and the schema.
UNCACHED_PREFIXES = ("/static", "/docs", "/redoc", "/openapi", "/favicon")
#: Response header saying whether an answer came from here ("hit") or was built ("miss").
CACHE_HEADER = b"x-storyline-cache"

Key = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes


class ReadCache:
    """Plain ASGI middleware (no per-request task) in front of the app's routes.

    ``version(scope)`` returns the state an answer depends on, or None when the store cannot say
    (then nothing is kept).
    """

    def __init__(
        self,
        app: Callable[[Scope, Receive, Send], Awaitable[None]],
        version: Callable[[Scope], object | None],
        *,
        max_body: int = MAX_BODY_BYTES,
        max_total: int = MAX_TOTAL_BYTES,
    ) -> None:
        self.app = app
        self.version = version
        self.max_body = max_body
        self.max_total = max_total
        self._answers: OrderedDict[Key, Answer] = OrderedDict()
        self._total = 0
        self._version: object | None = None  # the version of the answers kept: a new one makes them all stale
        self.hits = 0
        self.misses = 0

    def _key(self, scope: Scope) -> Key | None:
        if scope["type"] != "http" or scope["method"] != "GET":
            return None
        path: str = scope.get("path", "")
        if path.startswith(UNCACHED_PREFIXES):
            return None
        version = self.version(scope)
        if version is None:
            return None
        if version != self._version:
            self.clear()
            self._version = version
        headers = dict(scope.get("headers") or [])
        return (path, scope.get("query_string", b""), headers.get(b"host"), scope.get("scheme"), version)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = self._key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        answer = self._answers.get(key)
        if answer is not None:
            self._answers.move_to_end(key)
            self.hits += 1
            await send({"type": "http.response.start", "status": answer.status,
                        "headers": [*answer.headers, (CACHE_HEADER, b"hit")]})  # fmt: skip
            await send({"type": "http.response.body", "body": answer.body})
            return
        self.misses += 1
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        keep = True

        async def recording_send(message: Message) -> None:
            nonlocal start, size, keep
            if message["type"] == "http.response.start":
                start = message
                keep = message["status"] == 200
                message = {**message, "headers": [*(message.get("headers") or []), (CACHE_HEADER, b"miss")]}
            elif message["type"] == "http.response.body" and keep:
                body = message.get("body", b"")
                size += len(body)
                keep = size <= self.max_body
                if keep:
                    chunks.append(body)
                if keep and not message.get("more_body", False) and start is not None:
                    self._store(key, Answer(start["status"], tuple(start.get("headers") or ()), b"".join(chunks)))
            await send(message)

        await self.app(scope, receive, recording_send)

    def _store(self, key: Key, answer: Answer) -> None:
        old = self._answers.pop(key, None)
        if old is not None:
            self._total -= len(old.body)
        self._answers[key] = answer
        self._total += len(answer.body)
        while self._total > self.max_total and self._answers:
            _, dropped = self._answers.popitem(last=False)
            self._total -= len(dropped.body)

    def clear(self) -> None:
        self._answers.clear()
        self._total = 0


def store_version(scope: Scope) -> object | None:
    """The version key of the app's store: (database version, index snapshot); None before the app has started
    or when the database cannot tell its version."""
    app = scope.get("app")
    data = getattr(getattr(app, "state", None), "data", None)
    if data is None:
        return None
    version = data.index.data_version()
    if version is None:
        return None
    snap = data.snap
    return (version, id(snap), snap.built_at)
