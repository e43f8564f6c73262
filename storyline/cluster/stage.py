"""The cluster stage and the story records it produces."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from ..copies import independent_origins
from ..errors import StageError
from ..pipeline import Batch
from ..read.gazetteer import Gazetteer
from ..records import Article, Assignment, CopyLink, Story
from .features import features_for
from .index import StoryIndex, _Story

def story_records(
    index: StoryIndex,
    articles: Mapping[str, Article],
    links: Mapping[str, CopyLink] | None = None,
    story_ids: Iterable[str] | None = None,
) -> list[Story]:
    """:class:`Story` records for saving (the touched stories by default, merged ones with ``redirect_to``).

    ``articles`` must hold at least the members of those stories (for titles and dates).
    """
    links = links or {}
    ids = list(story_ids) if story_ids is not None else sorted(index.touched)
    out: list[Story] = []
    for sid in ids:
        st = index.stories.get(sid)
        if st is None:
            continue
        if st.redirect_to or not st.members:
            out.append(Story(sid, "", (), reason=st.reason, redirect_to=index.resolve(sid) if st.redirect_to else None))
            continue
        members = [a for a in st.members if a in articles]
        dates = [articles[a].published for a in members if articles[a].published]
        title = _title(index, st, articles)
        common = sorted(st.entities.items(), key=lambda kv: (-kv[1], kv[0]))[:4]  # ties by name: stable text
        shared = ", ".join(e for e, c in common if c > 1)
        reason = st.reason or f"founded by {st.founder}"
        if shared:
            reason += f"; common entities: {shared}"
        out.append(
            Story(
                sid, title, tuple(st.members), min(dates) if dates else None, max(dates) if dates else None,
                independent_origins(st.members, links), reason,
            )
        )  # fmt: skip
    return out


#: The longest story title made from a report's first sentence when no report has a headline (about a headline's
#: length; a cut ends on a whole word and an ellipsis).
LEDE_TITLE_CHARS = 90


def lede_title(text: str, limit: int = LEDE_TITLE_CHARS) -> str:
    """A title from a text's first sentence (its first line, up to the first full stop followed by a space)."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    end = first.find(". ")
    sentence = first[: end + 1] if end > 0 else first
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:-–— ")
    return cut + "…"


def _title(index: StoryIndex, story: _Story, articles: Mapping[str, Article]) -> str:
    """The title of the member closest to the story centroid (the most typical report); when no member has a
    title, the first sentence of its first report."""
    best, best_sim = None, -2.0
    if story.centroid is not None:
        for aid in story.members:
            if aid in articles and articles[aid].title and aid in index._label_of:
                sim = float(np.dot(index.vector(aid), story.centroid))
                if sim > best_sim:
                    best, best_sim = aid, sim
    if best is not None:
        return articles[best].title or articles[best].label
    members = [articles[aid] for aid in story.members if aid in articles]
    for title in [a.title for a in members] + [lede_title(a.text) for a in members]:  # any headline before a lede
        if title:
            return title
    return story.id


class ClusterStage:
    """Requires ``embeddings`` (and uses ``readings`` when present); provides ``assignments``.

    Articles are assigned in batch order (the runner passes them in arrival order). The runner saves
    ``batch.assignments`` with ``store.put_assignments`` and :func:`story_records` with ``store.save_stories``.
    ``consolidate_every`` runs :meth:`StoryIndex.tidy` (a regroup of their neighbourhood) over the stories that
    received articles in the last that many articles.
    """

    name = "cluster"
    requires = ("embeddings",)
    provides = ("assignments",)

    def __init__(self, index: StoryIndex, *, consolidate_every: int = 0, gazetteer: Gazetteer | None = None) -> None:
        self.index = index
        self.gazetteer = gazetteer or Gazetteer()  # loads its names only when a dateline needs them
        self.consolidate_every = consolidate_every
        # The rhythm counts the articles already indexed, not this run's: a run resuming after a crash (its
        # batches committed one by one) consolidates at the same articles as an uninterrupted run would.
        self._since = len(index.assignments) % consolidate_every if consolidate_every else 0
        tail = list(index.assignments)[len(index.assignments) - self._since :] if self._since else []
        # stories that received articles since the last consolidation
        self._recent: set[str] = {index.story_of[a] for a in tail if a in index.story_of}

    def warm_up(self) -> None:
        return None

    def run(self, batch: Batch) -> Batch:
        out: dict[str, Assignment] = dict(batch.assignments)
        for article in batch.articles:
            vector = batch.embeddings.get(article.id)
            if vector is None:
                raise StageError(self.name, "no embedding for this article", item=article.id, hint="run the embed stage first")
            feats = features_for(article, batch.readings.get(article.id), self.gazetteer)
            out[article.id] = self.index.assign(article.id, vector, feats)
            self._recent.add(out[article.id].story_id)
            self._since += 1
            if self.consolidate_every and self._since >= self.consolidate_every:
                self._since = 0
                recent, self._recent = self._recent, set()
                for sid in self.index.tidy(recent):
                    for aid in self.index.members(sid):
                        out[aid] = self.index.assignments[aid]
        return batch.replace(assignments=out)
