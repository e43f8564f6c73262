"""Looking after stored articles: which failed to process and why, retrying them, deleting articles.

What the CLI (``storyline articles --failed``, ``retry``, ``delete``) and the REST API call. Processing itself
(and marking an article failed) is the runner's (:mod:`storyline.runners.local`).

Deleting an article removes everything derived from it in one transaction: its row, vector, reading, copy link,
assignment and failure; the copy links of articles that copied it (they become originals); its story membership
(a story left without members is removed, with the stories merged into it); its entity mentions. The documents of
every story it touched are cleared and marked stale, so the next run (or the first request) builds them again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .config import Settings
from .errors import Conflict, InputError
from .records import Article, Entity, Story
from .store import ArticleFailure, Store

#: The documents of a story that describe its members (cleared when a member is deleted).
STORY_DOC_KINDS = ("facts", "conflicts", "quote_groups", "timeline", "brief")


@dataclass(frozen=True, slots=True)
class FailedArticle:
    article: Article
    failure: ArticleFailure


@dataclass(frozen=True, slots=True)
class Deletion:
    """What deleting articles changed."""

    articles: tuple[str, ...]  # the ids deleted
    stories_removed: tuple[str, ...]  # stories left without members (and those merged into them)
    stories_changed: tuple[str, ...]  # stories that lost members or independent origins; their briefs are stale
    copies_unlinked: tuple[str, ...]  # articles that were copies of a deleted one and are originals now


def failed_articles(store: Store) -> list[FailedArticle]:
    """Every article whose processing failed, oldest failure first, with its stage and reason."""
    failures = store.failures()
    articles = {a.id: a for a in store.articles(ids=list(failures))}
    return [FailedArticle(articles[aid], f) for aid, f in failures.items() if aid in articles]


def resolve_articles(store: Store, refs: Sequence[str]) -> list[str]:
    """Article ids for ``refs`` (ids, id prefixes, external ids), in order, once each; NotFound names the first
    reference that matches nothing."""
    if not refs:
        raise InputError("no article given", hint="name articles by id, id prefix or external id")
    return list(dict.fromkeys(store.get_article(ref).id for ref in refs))


def clear_failures(store: Store, refs: Sequence[str] | None = None) -> list[str]:
    """Forget the failures of ``refs`` (every failed article when None) so the next run processes them again;
    returns their ids. A named article that is not marked failed is a :class:`~storyline.errors.Conflict`."""
    if refs is None:
        return store.clear_failures()
    ids = resolve_articles(store, refs)
    failed = store.failures()
    healthy = [aid for aid in ids if aid not in failed]
    if healthy:
        raise Conflict("article is not marked failed", item=healthy[0], hint="`storyline articles --failed` lists them")
    return store.clear_failures(ids)


def delete_articles(store: Store, settings: Settings, refs: Sequence[str], *, embedder: Any = None) -> Deletion:
    """Delete articles and everything derived from them (see the module docstring), in one transaction.

    ``embedder`` names the vectors the story index is rebuilt from (default: the one processing uses, MiniLM;
    it is not loaded)."""
    from .runners.commit import ENTITIES_KEY, story_state
    from .stories import default_embedder, load_story_index

    ids = resolve_articles(store, refs)
    gone = set(ids)
    assignments = store.assignments()
    unlinked = sorted(c.article_id for c in store.copies() if c.copy_of in gone and c.article_id not in gone)
    hit = {assignments[a].story_id for a in [*ids, *unlinked] if a in assignments}
    embedder = embedder or default_embedder(settings)
    with store.transaction():
        store.delete_articles(ids)
        if unlinked:
            store.delete_copies(unlinked)
        _strip_entities(store, gone)
        index = load_story_index(store, embedder.name, dim=embedder.dim)  # as stored now: without the articles
        live = {index.resolve(s) for s in hit}
        held = {index.resolve(a.story_id) for a in store.assignments().values()}  # stories that keep members
        empty = live - held
        removed = _with_merged_into(store.stories(include_merged=True), empty)
        changed = sorted(live - removed)
        if removed:
            store.delete_stories(sorted(removed))
        if changed:
            store.save_stories(story_state(store, index, changed))
            for story_id in changed:
                for kind in STORY_DOC_KINDS:
                    store.put_story_doc(story_id, kind, None)
            store.mark_stale("brief", changed)
        store.clear_stale("tidy", removed)
        store.clear_stale("brief", removed)
        store.mark_stale("entities", [ENTITIES_KEY])  # resolved again over the remaining readings by the next run
    return Deletion(tuple(ids), tuple(sorted(removed)), tuple(changed), tuple(unlinked))


def _strip_entities(store: Store, gone: set[str]) -> None:
    """The entity table without mentions in ``gone``; an entity mentioned only there goes."""
    entities = store.entities()
    if not any(gone.intersection(e.article_ids) for e in entities):
        return
    kept: list[Entity] = []
    for e in entities:
        left = tuple(a for a in e.article_ids if a not in gone)
        if left:
            kept.append(Entity(e.id, e.name, e.label, e.aliases, left) if len(left) < len(e.article_ids) else e)
    store.put_entities(kept)


def _with_merged_into(stories: list[Story], removed: set[str]) -> set[str]:
    """``removed`` and every story whose merge redirects lead into one of them (they would dangle)."""
    redirect = {s.id: s.redirect_to for s in stories if s.redirect_to}
    out = set(removed)
    for sid in redirect:
        seen, cur = {sid}, redirect[sid]
        while cur in redirect and cur not in seen:
            seen.add(cur)
            cur = redirect[cur]
        if cur in out:
            out.add(sid)
    return out
