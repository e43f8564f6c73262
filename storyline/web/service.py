"""The read side shared by the JSON API and the HTML pages, over one Store and its index.

The API and the pages ask the same questions (stories with filters, one story with its
documents, an article with its reading, an entity, a search), so both call these
methods and only differ in how they show the answer.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from types import MappingProxyType
from typing import Any

from ..errors import InputError, NotFound
from ..records import Article, CopyLink, Entity, Reading, Story
from ..store import Store
from .index import ArticleMeta, Snapshot, StoreIndex, StoryRow
from .present import DOC_KINDS, parse_doc

MAX_LIMIT = 200


@dataclass(frozen=True, slots=True)
class StoryFilters:
    since: date | None = None
    until: date | None = None
    outlet: str | None = None
    entity: str | None = None
    q: str | None = None

    @property
    def active(self) -> bool:
        return any(v not in (None, "") for v in (self.since, self.until, self.outlet, self.entity, self.q))


@dataclass(frozen=True)
class StoryView:
    story: Story
    row: StoryRow | None
    articles: list[ArticleMeta]  # in ingest order; no texts (neither the page nor the API shows them)
    links: dict[str, CopyLink]  # copy links of this story's articles
    docs: Mapping[str, Any]  # kind -> records, DocProblem, or None when absent (read-only: shared by a cache)


@dataclass(frozen=True)
class ArticleView:
    article: Article
    reading: Reading | None
    story: Story | None
    link: CopyLink | None
    copied_by: tuple[ArticleMeta, ...]
    copy_source: ArticleMeta | None


@dataclass(frozen=True, slots=True)
class RoleRow:
    title: str
    former: bool
    outlet: str | None
    published: datetime | None
    article_id: str


@dataclass(frozen=True)
class EntityView:
    entity: Entity
    roles: list[RoleRow]
    stories: list[StoryRow]
    articles: list[ArticleMeta]


@dataclass(frozen=True, slots=True)
class SearchHit:
    article: ArticleMeta
    snippet: str
    story_id: str | None


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _meta(a: Article) -> ArticleMeta:
    return ArticleMeta(a.id, a.title, a.outlet, a.published, a.url, a.external_id)


def check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"limit must be between 1 and {MAX_LIMIT}", item="limit")
    if offset < 0:
        raise InputError("offset must not be negative", item="offset")


class WebData:
    """Queries over ``store``; list-wide metadata comes from ``index`` (see :mod:`.index`)."""

    def __init__(self, store: Store, index: StoreIndex, *, cached_stories: int = 512) -> None:
        self.store = store
        self.index = index
        # story id -> (data_version, parsed documents): reading and parsing a story's five documents is half
        # of a story request; they change only when something commits, which data_version tells.
        self._docs: OrderedDict[str, tuple[object, Mapping[str, Any]]] = OrderedDict()
        self._docs_lock = threading.Lock()
        self._cached_stories = cached_stories

    @property
    def snap(self) -> Snapshot:
        return self.index.snapshot

    # ------------------------------------------------------------ stories

    def find_entity(self, ref: str, snap: Snapshot | None = None) -> Entity:
        """By id, or by name or alias (case-insensitive)."""
        snap = snap or self.snap
        key = ref.strip().casefold()
        for e in snap.entities:
            if e.id == ref:
                return e
        for e in snap.entities:
            if e.name.casefold() == key or key in (a.casefold() for a in e.aliases):
                return e
        raise NotFound("no such entity", item=ref, hint="GET /api/v1/entities lists them")

    def list_stories(self, filters: StoryFilters, *, limit: int = 50, offset: int = 0) -> tuple[int, list[StoryRow]]:
        """Stories, latest activity first, filtered; returns (total matching, this page)."""
        check_page(limit, offset)
        if filters.since and filters.until and filters.since > filters.until:
            raise InputError("since is after until", item="since", hint="give an earlier since or a later until")
        snap = self.snap
        rows: Sequence[StoryRow] = snap.stories
        if filters.since:
            lo = _day_start(filters.since)
            rows = [r for r in rows if r.story.last_published and _aware(r.story.last_published) >= lo]
        if filters.until:
            hi = _day_start(date.fromordinal(filters.until.toordinal() + 1))
            rows = [r for r in rows if r.story.first_published and _aware(r.story.first_published) < hi]
        if filters.outlet:
            wanted = filters.outlet.casefold()
            rows = [r for r in rows if any(o.casefold() == wanted for o in r.outlets)]
        if filters.entity:
            entity = self.find_entity(filters.entity, snap)
            ids = {snap.story_of.get(a) for a in entity.article_ids}
            rows = [r for r in rows if r.story.id in ids]
        if filters.q and filters.q.strip():
            q = filters.q.strip()
            hits = {snap.story_of.get(aid) for aid, _ in self.store.search(q, limit=1000)}
            needle = q.casefold()
            rows = [r for r in rows if r.story.id in hits or needle in r.story.title.casefold()]
        return len(rows), list(rows[offset : offset + limit])

    def story(self, ref: str) -> StoryView:
        story = self.store.get_story(ref)
        snap = self.snap
        articles = self._metas(story.article_ids, snap)
        links = {aid: snap.copies[aid] for aid in story.article_ids if aid in snap.copies}
        return StoryView(story, snap.by_story.get(story.id), articles, links, self._story_docs(story.id))

    def _story_docs(self, story_id: str) -> Mapping[str, Any]:
        """The story's documents, parsed; from the cache while the database has not changed since they were read.

        The version is taken before reading, so a commit during the read leaves an entry that is
        already stale by its key, never a newer answer filed under an older version.
        """
        version = self.index.data_version()
        if version is not None:
            with self._docs_lock:
                hit = self._docs.get(story_id)
                if hit is not None and hit[0] == version:
                    self._docs.move_to_end(story_id)
                    return hit[1]
        docs = MappingProxyType({kind: parse_doc(kind, self.store.get_story_doc(story_id, kind)) for kind in DOC_KINDS})
        if version is not None:
            with self._docs_lock:
                self._docs[story_id] = (version, docs)
                self._docs.move_to_end(story_id)
                while len(self._docs) > self._cached_stories:
                    self._docs.popitem(last=False)
        return docs

    def _metas(self, ids: Sequence[str], snap: Snapshot) -> list[ArticleMeta]:
        """Article metadata in ingest order: from the index, and from the store for articles added since it was built
        (reading the texts of a story's ten articles only to drop them cost a fifth of the story request)."""
        known = [snap.articles[i] for i in ids if i in snap.articles]
        known.sort(key=lambda m: snap.position[m.id])
        missing = [i for i in ids if i not in snap.articles]
        fresh = [_meta(a) for a in self.store.articles(ids=missing)] if missing else []
        return known + fresh  # the store orders by ingest too, and newer articles come after the indexed ones

    # ------------------------------------------------------------ articles

    def list_articles(
        self, *, limit: int = 50, offset: int = 0, outlet: str | None = None
    ) -> tuple[int, list[ArticleMeta]]:
        check_page(limit, offset)
        snap = self.snap
        ids: Sequence[str] = snap.article_order
        if outlet:
            wanted = outlet.casefold()
            ids = [i for i in ids if (snap.articles[i].outlet or "").casefold() == wanted]
        return len(ids), [snap.articles[i] for i in ids[offset : offset + limit]]

    def article(self, ref: str) -> ArticleView:
        article = self.store.get_article(ref)
        snap = self.snap
        reading = self.store.readings([article.id]).get(article.id)
        story_id = snap.story_of.get(article.id)
        story = None
        if story_id:
            try:
                story = self.store.get_story(story_id)
            except NotFound:
                story = None
        link = snap.copies.get(article.id)
        source = snap.articles.get(link.copy_of) if link and link.copy_of else None
        copied_by = tuple(snap.articles[i] for i in snap.copied_by.get(article.id, ()) if i in snap.articles)
        return ArticleView(article, reading, story, link, copied_by, source)

    # ------------------------------------------------------------ entities

    def list_entities(
        self, *, q: str | None = None, label: str | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[Entity]]:
        check_page(limit, offset)
        items: Sequence[Entity] = self.snap.entities
        if label:
            items = [e for e in items if e.label.casefold() == label.casefold()]
        if q and q.strip():
            needle = q.strip().casefold()
            items = [e for e in items if needle in e.name.casefold() or any(needle in a.casefold() for a in e.aliases)]
        items = sorted(items, key=lambda e: (-len(e.article_ids), e.name))
        return len(items), list(items[offset : offset + limit])

    def entity(self, ref: str, *, max_articles: int = 500) -> EntityView:
        """An entity with the roles outlets give it (from readings) and its stories."""
        snap = self.snap
        entity = self.find_entity(ref, snap)
        names = {entity.name.casefold(), *(a.casefold() for a in entity.aliases)}
        ids = list(entity.article_ids[:max_articles])
        roles: list[RoleRow] = []
        for aid, reading in self.store.readings(ids).items():
            keys = {
                le.key
                for le in reading.entities
                if le.name.casefold() in names or le.key.casefold() in names or names & {a.casefold() for a in le.aliases}
            }
            meta = snap.articles.get(aid)
            for role in reading.roles:
                if role.entity in keys or role.entity.casefold() in names:
                    roles.append(RoleRow(role.title, role.former, meta.outlet if meta else None,
                                         meta.published if meta else None, aid))  # fmt: skip
        roles.sort(key=lambda r: (r.published is None, r.published or datetime.min.replace(tzinfo=UTC), r.outlet or ""))
        story_ids = dict.fromkeys(snap.story_of[a] for a in entity.article_ids if a in snap.story_of)
        stories = [snap.by_story[s] for s in story_ids if s in snap.by_story]
        articles = [snap.articles[a] for a in ids if a in snap.articles]
        return EntityView(entity, roles, stories, articles)

    # ------------------------------------------------------------ search

    def search(self, q: str, *, limit: int = 20) -> list[SearchHit]:
        """Full-text search (SQLite FTS5 through ``store.search``) with article metadata."""
        if not 1 <= limit <= MAX_LIMIT:
            raise InputError(f"limit must be between 1 and {MAX_LIMIT}", item="limit")
        if not re.search(r"\w", q or ""):
            return []
        snap = self.snap
        hits: list[SearchHit] = []
        found = self.store.search(q, limit=limit)
        missing = [aid for aid, _ in found if aid not in snap.articles]
        fresh = {a.id: a for a in self.store.articles(ids=missing)} if missing else {}
        for aid, snippet in found:
            meta = snap.articles.get(aid)
            if meta is None and aid in fresh:
                meta = _meta(fresh[aid])
            if meta is not None:
                hits.append(SearchHit(meta, snippet, snap.story_of.get(aid)))
        return hits
