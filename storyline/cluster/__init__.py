"""Online story clustering: each article joins an existing story or opens a new one, in arrival order.

Nobody tells us how many stories there are. For a new article we

1. look up its nearest already-clustered articles in an HNSW index (hnswlib), which keeps assignment fast
   at a million articles; the stories of those neighbours are the candidates;
2. score each candidate story by combining
   - text similarity: cosine to the story centroid and to the closest members,
   - shared named entities, weighted by rarity (a shared "Witkoff" says more than a shared "Trump"),
   - event time: publication date, else a date in the lead ("Miami, FL - February 5th, 2026 -"); two
     reports whose event days are months apart are different events however alike they read,
   - event place: the story's event locations vs the article's ("Miami" vs "Washington");
3. join the best story when its score clears ``threshold``, else found a new story.

Features come from :class:`storyline.records.Reading` when the batch has one (the spaCy reading stage);
without a reading we fall back to cheap text features: capitalised words as entities, a dateline place, and
full dates in the lead (see :func:`text_features`). Both paths give :class:`ArticleFeatures`.

Online assignment alone cannot undo an early mistake: the second of two same-kind events (the same envoy's
visit months later, a second earthquake in the region) first joins the first event's story and its later reports
follow. So every few arrivals :meth:`StoryIndex.tidy` *regroups* the neighbourhood of the stories that changed:
it re-clusters their articles by average link over a learned same-event probability of article pairs
(:class:`PairModel`: text, words, names, numbers, the years the texts name, shared nearest neighbours, event days
and places) and maps the groups back onto the existing stories.

A later report that names an earlier report's day or month (the charge naming the shooting's date, the trial
"the man accused of the robbery in March") is a follow-up of it (:mod:`storyline.cluster.followup`): the
long gap between them does not count against them, unless its lead marks a repeat ("a second round of talks").

Story ids are stable: the content hash of the founding article. A regroup keeps each id with the group holding
most of its articles; a story that loses all of them redirects (``redirect_to``) to the story that took most.
Analyst overrides (``merge A B``, ``split STORY ARTICLE...``) are applied with :meth:`StoryIndex.apply_override`
and are never undone by consolidation. Every decision keeps a short readable reason.
"""

from .features import ArticleFeatures, content_terms, features_for, reading_features, text_features, years_and_numbers
from .index import Candidate, StoryIndex, story_id_for
from .settings import PAIR_EVIDENCE, ClusterSettings, PairModel
from .stage import ClusterStage, story_records

__all__ = [
    "PAIR_EVIDENCE", "ArticleFeatures", "Candidate", "ClusterSettings", "ClusterStage", "PairModel", "StoryIndex",
    "content_terms", "features_for", "reading_features", "story_id_for", "story_records", "text_features",
    "years_and_numbers",
]  # fmt: skip
