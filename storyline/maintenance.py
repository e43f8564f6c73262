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
from dataclasses import dataclass, replace

from .errors import Conflict, InputError
from .records import Article, CopyLink, Entity, Story
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


def delete_articles(store: Store, refs: Sequence[str]) -> Deletion:
    """Delete articles and everything derived from them (see the module docstring), in one transaction.

    The stories they were in are updated from their stored records, without the story index (no vectors are
    loaded): members, dates and independent origins are recomputed, and a title taken from a deleted article
    gives way to the earliest remaining member's.
    """
    from .runners.commit import ENTITIES_KEY

    ids = resolve_articles(store, refs)
    gone = set(ids)
    with store.transaction():
        assignments = store.assignments()
        links = {c.article_id: c for c in store.copies()}
        unlinked = sorted(aid for aid, c in links.items() if c.copy_of in gone and aid not in gone)
        stories = {s.id: s for s in store.stories(include_merged=True)}
        hit = {_live(stories, assignments[a].story_id) for a in [*ids, *unlinked] if a in assignments}
        hit.discard(None)
        store.delete_articles(ids)
        if unlinked:
            store.delete_copies(unlinked)
        _strip_entities(store, gone)
        links = {aid: c for aid, c in links.items() if aid not in gone and aid not in unlinked}
        removed: set[str] = set()
        changed: list[Story] = []
        for sid in sorted(s for s in hit if s in stories):
            story = stories[sid]
            members = [a for a in story.article_ids if a not in gone]
            if not members:
                removed.add(sid)
                continue
            changed.append(_without(story, members, store.articles(ids=members), links))
        removed = _with_merged_into(list(stories.values()), removed)
        if removed:
            store.delete_stories(sorted(removed))
            store.clear_stale("tidy", removed)
            store.clear_stale("brief", removed)
        if changed:
            store.save_stories(changed)
            for story in changed:
                for kind in STORY_DOC_KINDS:
                    store.put_story_doc(story.id, kind, None)
            store.mark_stale("brief", [s.id for s in changed])
        store.mark_stale("entities", [ENTITIES_KEY])  # resolved again over the remaining readings by the next run
    return Deletion(tuple(ids), tuple(sorted(removed)), tuple(s.id for s in changed), tuple(unlinked))


def _live(stories: dict[str, Story], sid: str) -> str | None:
    """``sid`` with merge redirects followed (None when it leads nowhere)."""
    seen: set[str] = set()
    while sid in stories and stories[sid].redirect_to and sid not in seen:
        seen.add(sid)
        sid = stories[sid].redirect_to  # type: ignore[assignment]
    return sid if sid in stories else None


def _without(story: Story, members: list[str], articles: list[Article], links: dict[str, CopyLink]) -> Story:
    """``story`` with only ``members`` left (their ``articles`` and current copy ``links``)."""
    from .copies import independent_origins

    dates = [a.published for a in articles if a.published]
    ordered = sorted(articles, key=lambda a: (a.published is None, a.published.isoformat() if a.published else "", a.id))
    title = story.title
    if title not in {a.title or a.label for a in articles}:  # it was a deleted member's title
        title = ordered[0].title or ordered[0].label
    return replace(
        story, title=title, article_ids=tuple(members), first_published=min(dates) if dates else None,
        last_published=max(dates) if dates else None, independent_origins=independent_origins(members, links),
    )  # fmt: skip


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
