"""Briefs in the store: analyse a story, build and store its brief, read it back, write brief files.

What the runners, ``storyline brief`` and ``storyline demo`` call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..codec import to_json
from ..records import Brief
from .builder import build_brief
from .inputs import analyse_story
from .render import FORMATS, render_brief

if TYPE_CHECKING:  # the store is only used by the functions the runner and CLI call
    from ..store import Store

DOC_KINDS = ("facts", "conflicts", "quote_groups", "timeline", "brief")


def analyse_and_store(store: Store, story_id: str, embedder: Any, **options: Any) -> Brief:
    """Analyse one stored story, build its checked brief, and store the five story documents.

    What a runner calls per touched story; also what ``storyline brief`` uses when no brief is stored yet.
    Sentence and quote vectors are kept in the store (``Comparer``'s ``vector_store``), so analysing the story
    again after an article joins it only embeds the new article's sentences. ``options`` go to the
    :class:`~storyline.compare.Comparer`: pass the same ``syntax`` reader and ``gazetteer`` to every call
    (:func:`storyline.compare.analysis_tools`) so the parser loads once and its cache is kept.
    """
    story = store.get_story(story_id)
    articles = {a.id: a for a in store.articles(ids=list(story.article_ids))}
    readings = store.readings(list(story.article_ids))
    copies = {c.article_id: c for c in store.copies() if c.article_id in articles}
    analysis = analyse_story(story, articles, readings, copies, embedder, vector_store=store, **options)
    for kind, payload in analysis.documents().items():
        store.put_story_doc(story.id, kind, payload)
    brief = build_brief(analysis)  # raises StageError naming an unsupported sentence; the facts stay stored
    store.put_story_doc(story.id, "brief", to_json(brief))
    return brief


def stored_brief(store: Store, story_id: str) -> Brief | None:
    """The brief stored for a story, rebuilt as a record (None when the runner has not written one)."""
    from ..codec import from_json

    payload = store.get_story_doc(story_id, "brief")
    return None if payload is None else from_json(Brief, payload)


def brief_for(store: Store, story_ref: str, *, embedder: Any = None, refresh: bool = False, **options: Any) -> Brief:
    """The stored brief of a story (by id or prefix), built and stored first when missing or ``refresh``.

    ``embedder`` defaults to MiniLM (loaded only when a brief has to be built); ``options`` as for
    :func:`analyse_and_store`.
    """
    story = store.get_story(story_ref)
    if not refresh:
        stored = stored_brief(store, story.id)
        if stored is not None:
            return stored
    if embedder is None:
        from ..embed import MiniLMEmbedder, sentence_embedder

        embedder = sentence_embedder(MiniLMEmbedder())
    return analyse_and_store(store, story.id, embedder, **options)


def write_brief_files(
    store: Store, out_dir: Any, *, formats: Sequence[str] = FORMATS, embedder: Any = None
) -> list[Any]:
    """Write every live story's brief as ``<out_dir>/<story id>.<md|html|json>``; returns the paths.

    What ``storyline demo`` calls after processing; stories without a stored brief are analysed first.
    """
    from pathlib import Path

    from ..compare import analysis_tools

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    tools = analysis_tools()  # one parser and gazetteer for every story (each loads on first use)
    for story in store.stories():
        brief = brief_for(store, story.id, embedder=embedder, **tools)
        for fmt in formats:
            path = out / f"{story.id}.{fmt}"
            path.write_text(render_brief(brief, fmt), encoding="utf-8")
            paths.append(path)
    return paths
