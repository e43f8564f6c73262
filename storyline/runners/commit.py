"""What makes a run crash-consistent: one transaction per batch, stale marks for the end-of-run work, failures.

Invariant kept at every commit: each stored assignment names a saved story, and each article whose results are
stored has all of them (copy link, reading, vector, assignment). A batch's writes are one transaction
(:func:`commit_batch`), so a kill loses the batch in flight and nothing else; the articles it held are still
pending (no assignment), and the next run takes them up at the same batch boundary.

The end-of-run work — consolidating the touched stories, refreshing the store-wide entities, building briefs —
is recorded as stale marks *in the batch's transaction* and cleared only when that work is committed, so a run
killed between the two leaves the marks behind and the next run (of ``process`` or ``ingest``) does the work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from ..cluster import ClusterStage, StoryIndex, story_records
from ..errors import ConfigError, ModelError, PipelineError, StageError, StoreError
from ..pipeline import Batch, Stage
from ..records import Article, Assignment, CopyLink
from ..store import ArticleFailure, Store
from .faults import FaultPlan

#: The stale mark of the store-wide entity table has one key.
ENTITIES_KEY = ""

#: Errors that say the setup is broken (a model package missing, stages wired wrongly, bad settings), not that
#: an article is: they stop the run instead of marking articles failed.
SYSTEMIC = (ModelError, PipelineError, ConfigError)


def story_index_of(stages: Iterable[Stage]) -> StoryIndex | None:
    """The story index of the cluster stage among ``stages`` (None for runners with other post stages)."""
    return next((s.index for s in stages if isinstance(s, ClusterStage)), None)


def story_state(store: Store, index: StoryIndex, story_ids: Iterable[str], extra: Sequence[Article] = (),
                links: dict[str, CopyLink] | None = None) -> list:  # fmt: skip
    """Story records of ``story_ids`` as the index holds them, for saving (titles, dates, independent origins).

    Members' articles and copy links are read from the store, except those given in ``extra`` and ``links``
    (the batch being committed, not stored yet).
    """
    ids = sorted(set(story_ids))
    members = {a for sid in ids if sid in index.stories for a in index.stories[sid].members}
    given = {a.id: a for a in extra}
    wanted = sorted(members - set(given))
    articles = {**{a.id: a for a in store.articles(ids=wanted)}, **given} if wanted else given
    known = {c.article_id: c for c in store.copies(sorted(members))} if members else {}
    known.update(links or {})
    return story_records(index, articles, known, ids)


def commit_batch(store: Store, batch: Batch, index: StoryIndex | None, faults: FaultPlan, save_vectors: object) -> set[str]:
    """Write one batch's results in one transaction; returns the story ids it touched.

    Written together: copy links, readings, the batch's fresh vectors (``save_vectors(batch)``), the assignments
    the cluster stage made or changed (a consolidation may move articles of earlier batches), the records of
    every story those touch, and the stale marks of the end-of-run work.
    """
    if index is not None:
        changed = index.take_changed()
        assignments: dict[str, Assignment] = {a: index.assignments[a] for a in changed if a in index.assignments}
        for aid, assignment in batch.assignments.items():
            assignments.setdefault(aid, assignment)
        touched = {index.resolve(s) for s in index.touched} | set(index.touched)
        records = story_state(store, index, touched, batch.articles, dict(batch.copies))
    else:  # a runner with its own post stages: assignments as they come, no story records of ours
        assignments = dict(batch.assignments)
        touched = {a.story_id for a in assignments.values()}
        records = []
    with store.transaction():
        if batch.copies:
            store.put_copies(batch.copies.values())
        if batch.readings:
            store.put_readings(batch.readings.values())
        save_vectors(batch)  # type: ignore[operator]
        if assignments:
            store.put_assignments(assignments.values())
        if records:
            store.save_stories(records)
        if touched:
            store.mark_stale("tidy", touched)
            store.mark_stale("brief", touched)
        if batch.readings or assignments:
            store.mark_stale("entities", [ENTITIES_KEY])
        faults.reached("batch-write")
    if index is not None:
        index.touched.clear()
    faults.reached("batch")
    return touched


def finish_stories(store: Store, index: StoryIndex | None, faults: FaultPlan) -> set[str]:
    """Consolidate the stories marked ``tidy`` and commit the result with the marks cleared; returns the stories
    changed or saved. Without a story index (other post stages) the marks are only cleared."""
    marked = store.stale("tidy")
    if not marked:
        return set()
    if index is None:
        store.clear_stale("tidy", marked)
        return set()
    live = {index.resolve(s) for s in marked if s in index.stories}
    index.tidy(live)
    changed = index.take_changed()
    assignments = [index.assignments[a] for a in sorted(changed) if a in index.assignments]
    touched = set(index.touched) | {index.resolve(s) for s in index.touched} | {s for s in marked if s in index.stories}
    records = story_state(store, index, touched)
    with store.transaction():
        if assignments:
            store.put_assignments(assignments)
            store.mark_stale("entities", [ENTITIES_KEY])  # the refresh reads stories (shared surnames)
        if records:
            store.save_stories(records)
        store.mark_stale("brief", touched)
        store.clear_stale("tidy", marked)
    index.touched.clear()
    faults.reached("tidy")
    return touched


def orphan_stories(store: Store) -> set[str]:
    """Story ids that stored assignments name but no saved story has: what a run killed before every batch
    committed its stories (as runs did before they did) left behind."""
    saved = {s.id for s in store.stories(include_merged=True)}
    return {a.story_id for a in store.assignments().values()} - saved


def is_systemic(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it wraps) says the setup is broken rather than one article."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, SYSTEMIC):
            return True
        seen = seen.__cause__
    return False


def failure_of(article_id: str, exc: BaseException) -> ArticleFailure:
    """The stored failure of ``article_id``: the stage it failed in and the error's message."""
    if isinstance(exc, StageError):
        stage, reason = exc.stage, exc.message
    elif isinstance(exc, StoreError):
        stage, reason = "store", exc.message
    else:
        stage, reason = "process", f"{type(exc).__name__}: {exc}"
    return ArticleFailure(article_id, stage, reason[:2000], datetime.now(UTC))
