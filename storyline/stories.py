"""Library-level story operations over a store: what the runner, the CLI and the web app call.

Stages never touch the store; this module is the glue. It rebuilds the copy and story state from what is
stored, hands the runner its stages (:class:`StoryWiring`), saves results, and carries out analyst overrides
(:func:`merge_stories`, :func:`split_story`) so that they are stored *and* applied at once; later runs
re-apply them when they rebuild the state (:meth:`storyline.cluster.StoryIndex.rebuild`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence, Set
from dataclasses import dataclass

import numpy as np

from .cluster import ClusterSettings, ClusterStage, StoryIndex, features_for, story_records
from .config import Settings
from .copies import CopyIndex, CopyNode, CopyStage, copy_tree
from .embed import EmbedStage, Embedder, MiniLMEmbedder
from .errors import Conflict
from .pipeline import Batch, Stage
from .read.gazetteer import Gazetteer
from .records import Article, Assignment, CopyLink, Story
from .store import Store


def default_embedder(settings: Settings) -> MiniLMEmbedder:
    """The embedder whose vectors the store caches (its ``name`` keys them)."""
    return MiniLMEmbedder(batch_size=settings.embed_batch_size)


class StoredVectors(Mapping[str, np.ndarray]):
    """The store's cached vectors of one model, looked up per article (for :class:`EmbedStage`)."""

    def __init__(self, store: Store, model: str) -> None:
        self.store, self.model = store, model

    def __getitem__(self, key: str) -> np.ndarray:
        found = self.store.get_embeddings(self.model, [key])
        if key not in found:
            raise KeyError(key)
        return found[key]

    def __iter__(self) -> Iterator[str]:  # not needed by the stage; listing every id would be costly
        return iter(())

    def __len__(self) -> int:
        return 0


def load_copy_index(store: Store) -> CopyIndex:
    """Copy state over the articles already processed (assigned); pending ones go through the stage."""
    done = store.assignments()
    return CopyIndex.build((a for a in store.iter_articles() if a.id in done), store.copies())


def load_story_index(
    store: Store, model: str, settings: ClusterSettings | None = None, *, dim: int = 384, exclude: Set[str] = frozenset()
) -> StoryIndex:
    """The clustering state as stored (assignments in arrival order, vectors, readings), overrides re-applied.

    ``exclude``: articles left out, as if not assigned yet (an edit decides their story again)."""
    assignments = {aid: a for aid, a in store.assignments().items() if aid not in exclude}
    ordered: dict[str, Assignment] = {}
    articles: dict[str, Article] = {}
    for article in store.iter_articles():
        if article.id in assignments:
            ordered[article.id] = assignments[article.id]
            articles[article.id] = article
    ids = list(ordered)
    vectors = store.get_embeddings(model, ids) if ids else {}
    readings = store.readings(ids) if ids else {}
    places = Gazetteer()
    features = {aid: features_for(articles[aid], readings.get(aid), places) for aid in ids}
    return StoryIndex.rebuild(
        ordered, vectors, features,
        stories=store.stories(include_merged=True),
        overrides=[(o.kind, o.args) for o in store.overrides()],
        dim=dim, settings=settings,
    )  # fmt: skip


def save_story_state(store: Store, index: StoryIndex) -> set[str]:
    """Write changed assignments and the touched stories; returns the touched story ids."""
    changed = index.take_changed()
    if changed:
        store.put_assignments(index.assignments[a] for a in changed if a in index.assignments)
    touched = set(index.touched)
    if touched:
        members = {a for sid in touched for a in index.stories[sid].members}
        articles = {a.id: a for a in store.articles(ids=sorted(members))} if members else {}
        links = {c.article_id: c for c in store.copies()}
        store.save_stories(story_records(index, articles, links, touched))
    index.touched.clear()
    return touched


class StoryWiring:
    """The copies, embed and cluster stages for a runner, and what to save after each batch and at the end.

    Runner use (storyline/runners/local.py)::

        wiring = StoryWiring(store, settings)        # embedder=None: MiniLM
        pre   = wiring.pre_stages()                  # [CopyStage]   model-free, before the models
        model = wiring.model_stages()                # [EmbedStage]  (the reader adds its ReadStage beside it)
        post  = wiring.post_stages()                 # [ClusterStage]
        ... after each batch is saved: wiring.save(batch)   (stores the new vectors)
        ... at the end: touched = wiring.finish()           (consolidates, saves assignments + stories)
    """

    def __init__(self, store: Store, settings: Settings, embedder: Embedder | None = None) -> None:
        self.store = store
        self.embedder: Embedder = embedder or default_embedder(settings)
        self._copy: CopyStage | None = None
        self._embed: EmbedStage | None = None
        self._cluster: ClusterStage | None = None

    def pre_stages(self) -> list[Stage]:
        if self._copy is None:
            self._copy = CopyStage(load_copy_index(self.store))
        return [self._copy]

    def model_stages(self) -> list[Stage]:
        if self._embed is None:
            self._embed = EmbedStage(self.embedder, StoredVectors(self.store, self.embedder.name))
        return [self._embed]

    def post_stages(self) -> list[Stage]:
        if self._cluster is None:
            self._cluster = ClusterStage(load_story_index(self.store, self.embedder.name, dim=self.embedder.dim), consolidate_every=10)
        return [self._cluster]

    def save(self, batch: Batch) -> None:
        if self._embed is not None:
            fresh = self._embed.fresh(batch)
            if fresh:
                self.store.put_embeddings(self.embedder.name, fresh)

    def finish(self) -> set[str]:
        if self._cluster is None:
            return set()
        index = self._cluster.index
        index.tidy(set(index.touched))
        return save_story_state(self.store, index)


# ---------------------------------------------------------------- analyst overrides and views


def _index(store: Store, settings: Settings) -> StoryIndex:
    embedder = default_embedder(settings)
    return load_story_index(store, embedder.name, dim=embedder.dim)


def merge_stories(store: Store, settings: Settings, keep: str, other: str) -> Story:
    """Merge story ``other`` into ``keep`` (ids or prefixes); stored as an override later runs respect."""
    keep_id, other_id = store.get_story(keep).id, store.get_story(other).id
    if keep_id == other_id:
        raise Conflict("both references name the same story", item=f"{keep} {other}")
    index = _index(store, settings)
    index.merge(keep_id, other_id)
    store.add_override("merge", [keep_id, other_id])
    save_story_state(store, index)
    return store.get_story(keep_id)


def split_story(store: Store, settings: Settings, story: str, article_refs: Sequence[str]) -> Story:
    """Move articles out of ``story`` into a new story; stored as an override later runs respect."""
    story_id = store.get_story(story).id
    ids = [store.get_article(ref).id for ref in article_refs]
    index = _index(store, settings)
    new_id = index.split(story_id, ids)
    store.add_override("split", [story_id, *ids])
    save_story_state(store, index)
    return store.get_story(new_id)


@dataclass(frozen=True, slots=True)
class StoryDetail:
    story: Story
    articles: tuple[Article, ...]
    assignments: Mapping[str, Assignment]
    copies: Mapping[str, CopyLink]
    tree: tuple[CopyNode, ...]


def story_detail(store: Store, ref: str) -> StoryDetail:
    """A story with its members (in publication order), their assignment reasons and the copy tree."""
    story = store.get_story(ref)
    articles = store.articles(ids=list(story.article_ids))
    articles.sort(key=lambda a: (a.published is None, a.published.isoformat() if a.published else "", a.id))
    assignments = store.assignments()
    links = {c.article_id: c for c in store.copies()}
    return StoryDetail(
        story, tuple(articles), {a.id: assignments[a.id] for a in articles if a.id in assignments},
        {a.id: links[a.id] for a in articles if a.id in links}, tuple(copy_tree(list(story.article_ids), links)),
    )  # fmt: skip
