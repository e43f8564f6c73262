"""The JSON shapes of the ``/api/v1`` API: answers, request bodies, query parameters and error responses.

pydantic models document every route in ``/openapi.json``; :mod:`.api` builds the answers.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, WithJsonSchema

from .service import MAX_LIMIT

# ---------------------------------------------------------------- response shapes


class ErrorOut(BaseModel):
    """The one error shape (:meth:`storyline.errors.StorylineError.to_dict`; the tree in :mod:`storyline.errors`)."""

    error: str = Field(description="Exception class name, e.g. NotFound, InputError, InvalidRequest, AuthError")
    status: int = Field(description="the HTTP status of this answer")
    message: str
    item: str | None = None
    hint: str | None = None
    stage: str | None = None


class StoryOut(BaseModel):
    id: str
    title: str
    articles: int
    outlets: list[str]
    copies: int
    independent_origins: int
    first_published: datetime | None
    last_published: datetime | None
    reason: str = ""


class StoryPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[StoryOut]


class FailureOut(BaseModel):
    stage: str = Field(description="where processing failed: a pipeline stage (read, embed, cluster...) or store")
    reason: str
    failed_at: datetime


class ArticleOut(BaseModel):
    id: str
    title: str | None
    outlet: str | None
    published: datetime | None
    url: str | None
    external_id: str | None
    story_id: str | None = None
    failure: FailureOut | None = Field(None, description="set when processing failed; later runs skip the article")


class ArticlePage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ArticleOut]


class CopyNodeOut(BaseModel):
    article_id: str | None = Field(description="null for a credited source that is not stored")
    url: str | None = Field(None, description="the credited URL of a source that is not stored")
    in_story: bool = Field(True, description="false for an origin outside this story")
    outlet: str | None
    title: str | None
    kind: str | None = Field(None, description="syndicated or rewrite; null for an original")
    score: float | None = None
    copy_of: str | None = None
    credited_url: str | None = None
    reason: str = ""
    children: list[CopyNodeOut] = []


class MatrixOut(BaseModel):
    outlets: list[str]
    rows: list[dict[str, Any]] = Field(description="one row per fact: label, status, conflict, and one cell per outlet")


class StoryDetail(BaseModel):
    story: StoryOut
    articles: list[ArticleOut]
    copy_tree: list[CopyNodeOut]
    facts: list[dict[str, Any]] | None = Field(description="storyline.records.Fact as JSON; null when not computed")
    conflicts: list[dict[str, Any]] | None
    quote_groups: list[dict[str, Any]] | None
    timeline: list[dict[str, Any]] | None
    brief: dict[str, Any] | None
    matrix: MatrixOut | None = Field(description="outlets side by side, derived from facts and conflicts")
    missing: list[str] = Field(description="documents not computed yet for this story")
    problems: dict[str, str] = Field(description="documents stored in an unexpected shape, and why")


class ArticleDetail(BaseModel):
    article: dict[str, Any] = Field(description="storyline.records.Article as JSON, with its text")
    reading: dict[str, Any] | None = Field(description="storyline.records.Reading (character offsets into text)")
    story_id: str | None
    copy_link: dict[str, Any] | None = Field(description="storyline.records.CopyLink when this article is a copy")
    copied_by: list[str]


class EntityOut(BaseModel):
    id: str
    name: str
    label: str
    aliases: list[str]
    articles: int


class EntityPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[EntityOut]


class RoleOut(BaseModel):
    title: str
    former: bool
    outlet: str | None
    published: datetime | None
    article_id: str


class EntityDetail(BaseModel):
    entity: EntityOut
    roles: list[RoleOut]
    stories: list[StoryOut]
    article_ids: list[str]


class SearchHitOut(BaseModel):
    article: ArticleOut
    snippet: str = Field(description="matching text; the matched terms are between [ and ]")
    story_id: str | None


class SearchOut(BaseModel):
    query: str
    items: list[SearchHitOut]


class IngestArticle(BaseModel):
    """One article; the same fields as a record of a .json/.jsonl input file."""

    text: str | None = Field(None, description="plain text body (text or html is required)")
    html: str | None = Field(None, description="an HTML page; its main text is extracted")
    id: str | None = Field(None, description="your id for it, kept as external_id")
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    author: str | None = None
    published: str | None = Field(None, description="ISO 8601 date or time (naive means UTC)")
    language: str | None = None


class IngestArticles(BaseModel):
    # Each record is checked on its own (by the same rules as a .jsonl line), so one bad record is one
    # skip with its reason and the others are stored; the schema still documents IngestArticle.
    articles: list[Annotated[dict[str, Any], WithJsonSchema(IngestArticle.model_json_schema())]] = Field(
        min_length=1, max_length=1000
    )


class IngestUrls(BaseModel):
    urls: list[str] = Field(min_length=1, max_length=100, description="http(s) pages or RSS/Atom feed URLs")


class RetryOut(BaseModel):
    retried: list[str] = Field(description="articles whose failed mark was cleared")
    processing: bool = Field(description="true when a pipeline run over them was started")


class DeleteOut(BaseModel):
    deleted: list[str]
    stories_removed: list[str] = Field(description="stories left without members, and those merged into them")
    stories_changed: list[str] = Field(description="stories that lost members; their briefs are rebuilt by the next run")
    copies_unlinked: list[str] = Field(description="articles that copied a deleted one and are originals now")


class SkippedOut(BaseModel):
    source: str
    reason: str


class IngestOut(BaseModel):
    added: list[str]
    present: list[str]
    skipped: list[SkippedOut]
    processing: bool = Field(description="true when the new articles were queued for the worker process")


class ArticlePatch(BaseModel):
    """Fields to fix; a field left out keeps its value, ``null`` clears it."""

    published: str | None = Field(None, max_length=100, description="ISO 8601 date or time (naive means UTC)")
    outlet: str | None = Field(None, max_length=500)
    title: str | None = Field(None, max_length=2000)


class ArticlePatchOut(BaseModel):
    article: dict[str, Any] = Field(description="storyline.records.Article as JSON, as stored now")
    processing: bool = Field(description="true when re-running its reading, story and briefs was queued for the worker")


class StoryQuery(BaseModel):
    """Query parameters of ``GET /stories``, read by :func:`read_query` (see "hot read endpoints" below)."""

    since: date | None = Field(None, description="stories active on or after this day")
    until: date | None = Field(None, description="stories that began on or before this day")
    outlet: str | None = Field(None, max_length=200)
    entity: str | None = Field(None, max_length=200, description="entity id, name or alias")
    q: str | None = Field(None, max_length=200, description="words in titles or text")
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="page size")
    offset: int = Field(0, ge=0, le=10_000_000, description="rows to skip")


class ArticleQuery(BaseModel):
    """Query parameters of ``GET /articles``."""

    outlet: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="page size")
    offset: int = Field(0, ge=0, le=10_000_000, description="rows to skip")
    failed: bool = Field(False, description="only articles whose processing failed, oldest failure first, with why")


class SearchQuery(BaseModel):
    """Query parameters of ``GET /search``."""

    q: str = Field(max_length=200, description="words to find")
    limit: int = Field(20, ge=1, le=MAX_LIMIT)


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in ((400, "bad input"), (404, "not found"), (422, "invalid parameters"),
                       (500, "internal error (details in the server log)"))
}
INGEST_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    401: {"model": ErrorOut, "description": "missing or wrong API token"},
    403: {"model": ErrorOut, "description": "ingest is disabled (no API token configured)"},
    413: {"model": ErrorOut, "description": "request body too large"},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **INGEST_ERRORS,
    409: {"model": ErrorOut, "description": "the change contradicts what is stored (e.g. the article is not failed)"},
}
