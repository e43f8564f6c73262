"""Fixing an article's metadata (publication time, outlet, title) and re-running what depends on it.

An outlet or a date is often wrong at ingest: a feed without ``pubDate``, a page whose byline names the
syndicator. A fix must not lose or duplicate anything: the article id is a hash of text and URL, so it
stays; :func:`edit_article` changes the stored row in place (cheap, what the web server may do), and
:func:`reprocess_article` re-runs what depends on the changed fields (the model work, done by the CLI or by
the ``storyline worker`` process, never inside the web server):

* the **reading** of the article and of its syndicated copies (which take its reading): relative dates
  ("on Tuesday") resolve against the publication time;
* the **vector**, when the title changed (the embedded text starts with the title);
* the **story assignment**, only when the edit moves the article: it goes to another story when that story
  now fits it better than its own and passes the joining threshold, or leaves a story it fitted before the
  edit and no longer does; an article an analyst placed with ``split`` stays where it was put; a story left
  empty redirects to where its article went;
* the touched **story records** (dates, titles), the **entity** table, and the touched stories' facts and
  briefs (or, with ``briefs = "deferred"``, their stale documents are cleared).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .codec import to_json
from .config import Settings
from .errors import InputError
from .records import Article, Assignment
from .store import Store

#: Article fields a user may change; everything else (id, text, url, source, ingest time) is what was ingested.
EDITABLE = ("published", "outlet", "title")


@dataclass(frozen=True, slots=True)
class ArticleEdit:
    """The fields to change: a field absent from ``changes`` keeps its stored value; ``None`` clears it."""

    changes: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def parse(cls, **raw: str | None) -> ArticleEdit:
        """From user input (CLI options, JSON): ``None`` = not given; ``""`` (or ``"none"`` for a date) clears;
        a date is ISO 8601 or any date the ingest understands, naive meaning UTC."""
        from .ingest.meta import clean, parse_date

        changes: dict[str, Any] = {}
        for name, value in raw.items():
            if name not in EDITABLE:
                raise InputError(f"cannot edit {name!r}", item=name, hint=f"editable: {', '.join(EDITABLE)}")
            if value is None:
                continue
            if name == "published":
                if value.strip().lower() in ("", "none", "null"):
                    changes[name] = None
                    continue
                when = parse_date(value)
                if when is None:
                    raise InputError(f"not a date: {value[:60]!r}", item="published", hint="use ISO 8601, e.g. 2026-03-18T09:00+01:00")
                changes[name] = when
            else:
                changes[name] = clean(value)
        if not changes:
            raise InputError("nothing to change", hint="give --published, --outlet or --title")
        return cls(changes)

    def apply(self, article: Article) -> Article:
        return dataclasses.replace(article, **self.changes)


@dataclass
class EditReport:
    """What :func:`reprocess_article` re-ran."""

    reread: list[str] = field(default_factory=list)
    reembedded: list[str] = field(default_factory=list)
    moved: dict[str, tuple[str, str]] = field(default_factory=dict)  # article id -> (from story, to story)
    touched: set[str] = field(default_factory=set)
    briefs: int = 0

    def text(self) -> str:
        moves = "; ".join(f"moved from {a} to {b}" for a, b in self.moved.values()) or "story unchanged"
        return (f"re-read {len(self.reread)} article(s), re-embedded {len(self.reembedded)}, {moves}; "
                f"{len(self.touched)} stories updated, {self.briefs} briefs rebuilt")  # fmt: skip


def edit_article(store: Store, ref: str, change: ArticleEdit) -> Article:
    """Store the changed metadata of article ``ref`` (id, prefix or external id); returns the updated article.

    Only the row changes here; call :func:`reprocess_article` (or queue it for the worker) afterwards."""
    article = store.get_article(ref)
    updated = change.apply(article)
    if updated != article:
        store.update_article(updated)
    return updated


def reprocess_article(
    store: Store,
    settings: Settings,
    article_id: str,
    *,
    before: Article | None = None,
    embedder: Any | None = None,
    reader: Any | None = None,
) -> EditReport:
    """Re-run what depends on the metadata of ``article_id`` (see the module docstring).

    ``before`` is the article as it was before the edit (when at hand): it lets an edit that breaks the
    article's fit with its story move it out. ``embedder`` and ``reader`` default to the pipeline's
    (MiniLM, spaCy); a worker passes its loaded ones.
    """
    from .pipeline import Batch

    report = EditReport()
    article = store.get_article(article_id)
    links = {c.article_id: c for c in store.copies()}
    copies = [c.article_id for c in links.values() if c.copy_of == article.id and c.kind == "syndicated"]
    group = [article, *store.articles(ids=copies)]
    batch_copies = {a.id: links[a.id] for a in group if a.id in links}

    # reading: relative dates resolve against the (new) publication time; copies take the origin's reading
    if reader is None:
        from .read.stage import ReadStage

        reader = ReadStage(settings)
    read = reader.run(Batch(articles=tuple(group), copies=batch_copies))
    store.put_readings(read.readings[a.id] for a in group if a.id in read.readings)
    report.reread = [a.id for a in group if a.id in read.readings]

    assignments = store.assignments()
    if article.id not in assignments:  # never processed: the next `process` run does all of it
        return report
    embedder = embedder if embedder is not None else _default_embedder(settings)
    old_vectors = store.get_embeddings(embedder.name, [a.id for a in group])
    if before is None or (before.title or "") != (article.title or "") or article.id not in old_vectors:
        from .embed import EmbedStage

        stage = EmbedStage(embedder, {})  # encodes the article; its syndicated copies borrow its vector
        fresh = stage.run(Batch(articles=tuple(group), copies=batch_copies)).embeddings
        store.put_embeddings(embedder.name, {a.id: fresh[a.id] for a in group if a.id in fresh})
        report.reembedded = [a.id for a in group if a.id in fresh]
    _reassign(store, settings, embedder, group, assignments, before, old_vectors, report)
    _refresh(store, settings, embedder, report)
    return report


def _default_embedder(settings: Settings) -> Any:
    from .stories import default_embedder

    return default_embedder(settings)


def _reassign(
    store: Store, settings: Settings, embedder: Any, group: Sequence[Article], assignments: dict[str, Assignment],
    before: Article | None, old_vectors: dict[str, Any], report: EditReport,
) -> None:  # fmt: skip
    """Decide each edited article's story anew against the index without the group, and save the result."""
    from .cluster import features_for
    from .stories import load_story_index, save_story_state

    ids = [a.id for a in group if a.id in assignments]
    index = load_story_index(store, embedder.name, dim=embedder.dim, exclude=set(ids))
    vectors = store.get_embeddings(embedder.name, ids)
    readings = store.readings(ids)
    pinned = {a for o in store.overrides() if o.kind == "split" for a in o.args[1:]}
    saved = {st.id: st for st in store.stories()}
    threshold = index.settings.threshold
    for article in group:
        if article.id not in assignments or article.id not in vectors:
            continue
        old = assignments[article.id]
        home = index.resolve(old.story_id)
        feats = features_for(article, readings.get(article.id))
        ranked = index.candidates(vectors[article.id], feats)
        here = next((c.score for c in ranked if c.story_id == home), float("-inf"))
        best = ranked[0] if ranked else None
        others_left = bool(index.stories.get(home) and index.stories[home].members)
        fitted_before = False
        if before is not None and article.id == group[0].id and article.id in old_vectors:
            old_feats = features_for(before, readings.get(article.id))
            fitted_before = any(c.story_id == home and c.score >= threshold
                                for c in index.candidates(old_vectors[article.id], old_feats))  # fmt: skip
        better_elsewhere = best is not None and best.story_id != home and best.score >= threshold and best.score > here
        broke_fit = fitted_before and here < threshold and others_left
        if article.id in pinned or not (better_elsewhere or broke_fit):
            index.restore(Assignment(article.id, home, old.score, old.new_story, old.reason), vectors[article.id], feats)
            order = {aid: n for n, aid in enumerate(saved[home].article_ids)} if home in saved else {}
            index.stories[home].members.sort(key=lambda aid: order.get(aid, len(order)))  # its place, not last
            index.touched.add(home)  # its dates and title may have changed with the metadata
            continue
        moved = index.assign(article.id, vectors[article.id], feats)
        report.moved[article.id] = (home, moved.story_id)
        index.touched.add(home)
        left = index.stories.get(home)
        if left is not None and not left.members:  # an emptied story points to where its article went
            left.redirect_to = moved.story_id
            left.reason = f"its only article moved to {moved.story_id} after an edit"
    report.touched |= save_story_state(store, index)


def _refresh(store: Store, settings: Settings, embedder: Any, report: EditReport) -> None:
    """Entities store-wide, then the touched stories' documents (built, or cleared when deferred)."""
    from .read.catalog import refresh_entities
    from .runners.local import LocalRunner, ProcessReport

    refresh_entities(store)
    runner = LocalRunner(store, settings, embedder=embedder)
    if settings.briefs == "eager":
        report.briefs = runner.build_briefs(report.touched)
    else:
        runner.defer_story_docs(ProcessReport(touched=set(report.touched)))


def reprocess_job_args(article_id: str, before: Article) -> list[str]:
    """The ``reprocess`` job arguments for the worker: the id, then the metadata before the edit."""
    return [article_id, json.dumps({k: to_json(getattr(before, k)) for k in EDITABLE})]


def before_from_args(article: Article, args: Sequence[str]) -> Article | None:
    """The article as it was before the edit, from :func:`reprocess_job_args` (None when not given)."""
    from .ingest.meta import parse_date

    if len(args) < 2:
        return None
    try:
        old = json.loads(args[1])
    except json.JSONDecodeError:
        return None
    return dataclasses.replace(article, title=old.get("title"), outlet=old.get("outlet"),
                               published=parse_date(old.get("published")))  # fmt: skip
