"""Server-rendered pages (Jinja2, autoescaped, no JavaScript).

Pages: the story list (``/``), a story (``/stories/{id}``), an article with its highlights
(``/articles/{id}``), entities (``/entities``, ``/entities/{id}``) and search (``/search``).
They call the same :class:`~.service.WebData` queries as the API. Article text reaches the
page only through autoescaping or :func:`.present.highlight` (which escapes every piece).
Imported HTML never reaches a page as markup: ingest keeps only its text (trafilatura), which
is escaped like any other text. Pages also carry a strict Content-Security-Policy (see .app).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool

from ..copies import copy_tree
from ..errors import InputError, NotFound

from .api import data_of as get_data
from .app import HERE
from .present import (
    HIGHLIGHT_KINDS,
    DocProblem,
    Span,
    agreement_matrix,
    highlight,
    outlet_name,
    reading_spans,
    safe_href,
    timeline_chart,
    word_diff,
)
from .service import MAX_LIMIT, StoryFilters

PAGE_SIZE = 50


def _when(value: datetime | date | None, fmt: str = "%Y-%m-%d %H:%M") -> Markup:
    """A date as ``<time>``, which the stylesheet never breaks across lines ("2026-03-" / "18" read badly)."""
    if value is None:
        return Markup("—")
    text = value.strftime(fmt) if isinstance(value, datetime) else value.isoformat()
    return Markup('<time datetime="{}">{}</time>').format(value.isoformat(), text)


def _day(value: str | None, name: str) -> date | None:
    if not value or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InputError(f"not a date: {value[:40]!r}", item=name, hint="use YYYY-MM-DD") from exc


def _snippet(text: str) -> Markup:
    """An FTS snippet with its [matches] as <mark>; the rest escaped."""
    out = []
    for n, part in enumerate(re.split(r"\[([^\[\]]*)\]", text)):
        out.append(f"<mark>{escape(part)}</mark>" if n % 2 else str(escape(part)))
    return Markup("".join(out))


def make_templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every {{ }} is escaped unless it is Markup built by our own escaping helpers
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(when=_when, day=lambda v: _when(v, "%Y-%m-%d"), snippet=_snippet, href=safe_href)
    env.globals.update(outlet_name=outlet_name)
    return Jinja2Templates(env=env)


def build_views(app: FastAPI) -> Jinja2Templates:
    templates = make_templates()
    router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    def page(request: Request, name: str, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context)

    @router.get("/")
    async def story_list(
        request: Request,
        since: Annotated[str | None, Query(max_length=40, description="YYYY-MM-DD; empty means any")] = None,
        until: Annotated[str | None, Query(max_length=40, description="YYYY-MM-DD; empty means any")] = None,
        outlet: Annotated[str | None, Query(max_length=200)] = None,
        entity: Annotated[str | None, Query(max_length=200)] = None,
        q: Annotated[str | None, Query(max_length=200)] = None,
        page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
    ) -> HTMLResponse:
        data = get_data(request)
        # The filter form sends every field, empty ones as "": those mean "any".
        filters = StoryFilters(_day(since, "since"), _day(until, "until"), outlet or None, entity or None, q or None)
        offset = (page_no - 1) * PAGE_SIZE
        notice = None
        try:
            if filters.q:  # full-text search: off the event loop
                total, rows = await run_in_threadpool(data.list_stories, filters, limit=PAGE_SIZE, offset=offset)
            else:
                total, rows = data.list_stories(filters, limit=PAGE_SIZE, offset=offset)
        except NotFound as exc:  # an unknown entity in the filter form: say so on the list, not as an error page
            total, rows, notice = 0, [], f"{exc.message}: {exc.item}"
        params = {k: v for k, v in (("since", since), ("until", until), ("outlet", outlet), ("entity", entity),
                                    ("q", q)) if v}  # fmt: skip
        pages = max(1, -(-total // PAGE_SIZE))
        link = lambda n: "/?" + urlencode({**params, "page": n})  # noqa: E731
        return page(request, "stories.html", rows=rows, total=total, filters=filters, outlets=data.snap.outlets,
                    page_no=page_no, pages=pages, prev=link(page_no - 1) if page_no > 1 else None,
                    next=link(page_no + 1) if page_no < pages else None,
                    articles_total=len(data.snap.articles), notice=notice)  # fmt: skip

    @router.get("/stories/{story_id}")
    async def story_page(request: Request, story_id: str) -> HTMLResponse:
        data = get_data(request)
        view = data.story(story_id)
        docs = view.docs
        facts = docs["facts"] if isinstance(docs["facts"], list) else None
        conflicts = docs["conflicts"] if isinstance(docs["conflicts"], list) else None
        matrix = agreement_matrix(facts or [], conflicts or [], view.articles) if (facts or conflicts) else None
        quotes = docs["quote_groups"] if isinstance(docs["quote_groups"], list) else None
        quote_diffs = {
            g.id: {n: word_diff(g.text, v.text) for n, v in enumerate(g.versions)} for g in (quotes or [])
        }
        timeline = docs["timeline"] if isinstance(docs["timeline"], list) else None
        articles = {a.id: a for a in view.articles}
        return page(
            request, "story.html", view=view, story=view.story, articles=articles, docs=docs, matrix=matrix,
            conflicts=conflicts, quotes=quotes, quote_diffs=quote_diffs, timeline=timeline,
            chart=timeline_chart(timeline) if timeline else None, brief=docs["brief"],
            tree=copy_tree([a.id for a in view.articles], data.snap.copies),  # all links: chains run through other stories
            problems={k: v for k, v in docs.items() if isinstance(v, DocProblem)},
            number={a.id: n for n, a in enumerate(view.articles, start=1)},
        )  # fmt: skip

    @router.get("/articles/{article_id}")
    async def article_page(
        request: Request,
        article_id: str,
        cite: Annotated[str | None, Query(pattern=r"^\d{1,9}-\d{1,9}$", description="a cited span start-end")] = None,
    ) -> HTMLResponse:
        data = get_data(request)
        view = data.article(article_id)
        text = view.article.text
        spans = reading_spans(view.reading, len(text))
        counts = {k: sum(1 for s in spans if s.kind == k) for k in HIGHLIGHT_KINDS}
        anchor = None
        if cite:
            start, end = (int(x) for x in cite.split("-"))
            if 0 <= start < end <= len(text):
                spans.append(Span(start, end, "cite", "the span a brief or fact cites"))
                anchor = start
        entity_ids: dict[str, str] = {}  # link a local entity to its store-wide page when there is one
        for e in data.snap.entities:
            for name in (*e.aliases, e.name):
                entity_ids[name.lower()] = e.id
        return page(request, "article.html", view=view, a=view.article, body=highlight(text, spans, anchor=anchor),
                    counts=counts, reading=view.reading, entity_ids=entity_ids)  # fmt: skip

    @router.get("/entities")
    def entity_list(
        request: Request,
        q: Annotated[str | None, Query(max_length=200)] = None,
        page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
    ) -> HTMLResponse:
        data = get_data(request)
        total, items = data.list_entities(q=q, limit=MAX_LIMIT, offset=(page_no - 1) * MAX_LIMIT)
        return page(request, "entities.html", items=items, total=total, q=q or "")

    @router.get("/entities/{entity_id}")
    def entity_page(request: Request, entity_id: str) -> HTMLResponse:
        view = get_data(request).entity(entity_id)
        outlets = sorted({r.outlet or "—" for r in view.roles})
        return page(request, "entity.html", view=view, e=view.entity, outlets=outlets)

    @router.get("/search")
    def search_page(request: Request, q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
        data = get_data(request)
        hits = data.search(q, limit=50) if q.strip() else []
        return page(request, "search.html", q=q, hits=hits)

    @router.get("/healthz", response_class=HTMLResponse)
    async def health(request: Request) -> HTMLResponse:
        snap = get_data(request).snap
        return HTMLResponse(f"ok {len(snap.articles)} articles {len(snap.stories)} stories", media_type="text/plain")

    app.include_router(router)
    return templates

