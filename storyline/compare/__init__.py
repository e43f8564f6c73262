"""Outlets side by side (a package; one concern per module): facts aligned across a story's articles, their status, conflicts, quote versions, timeline.

Everything here is built on the reading stage's records (:class:`~storyline.records.Reading`): entities,
mentions, roles, quotes, dates, amounts and places, all with character offsets. Nothing is re-parsed, so each
fact, value and quote version can cite the span it came from.

How it works, per story:

1. **Origins.** Each article is followed along its :class:`~storyline.records.CopyLink` (copy of an article
   id, or of a credited URL) to the article it ultimately copies. Copies and rewrites share their origin's
   key, so "agreed" means two or more *independent* origins, never one wire story in two feeds.
2. **Entities across articles.** Readings carry article-local entity keys; :func:`resolve_entities` joins
   them across the story by normalized full name, aliases (acronyms, surnames) and "first + last" names.
3. **Sentence facts** hold the slots of one sentence (who, action, whom/what, where, when, how many,
   title/role). They are aligned across articles greedily by embedding similarity (numbers masked, so a
   changed figure still aligns) plus shared entities; each aligned fact holds at most one sentence per article.
   A fact is **agreed** when the sentences of two or more independent origins closely paraphrase it
   (``agree_cosine``) *and* state no different number or place (:func:`facts_contradict`); it then cites one
   vouching sentence per origin, and those spans are recorded (``EntityIndex.paraphrases``) so the brief's
   citation checker can accept a paraphrase ("$14.3m" for "$14.3 million") as support for the fact as written.
4. **Conflicts** are found inside an aligned fact (date, location, number) and across the story (a person's
   title, role or employer; event location; quote wording and speaker). Values are grouped with the article
   ids that give them; we report the disagreement, never which outlet is right. Differing figures are an
   ``update`` only when they change with publication time *and* the later one is written as a change or a later
   state ("rose to", "has now", "up from", "as of"); two different figures the same day are a conflict. In a
   story of two or more independent origins the aligned sentences, and lone sentences stating a figure or a
   day, are parsed (:mod:`.syntax`: subject, verb lemma, object, the noun a figure counts, the word a place or
   day hangs on; cached by sentence text) and their claims compared (:mod:`.claim_conflicts`): inside an aligned
   group a figure against figures sharing any key of what they count, across the story only on keys that name
   an action and what it is about ("rescued people", "the river peaked"); a place or day against one on the
   same word. Printed corrections are left out (they repeat the wrong value).
5. **Quote versions** group one statement quoted in different words (difflib over words; truncation and a
   different speaker are flagged). **Timeline** events come from every resolved date, with their sources.
6. **Agreed slot facts** (``kind == "slot"``) feed the brief's short account: outlets paraphrase, so agreement
   is judged per slot. :func:`sentence_clauses` reads "<who> <did what> <object>" from each sentence (a named
   subject, not after a preposition or inside a reported "that" clause), with the sentence's places and
   resolved days; two or more independent origins with the same subject entity and verb stem, and the same
   place / day / object words, make one short sentence. Values any conflict lists are never stated.

Cost: sentence and quote embeddings are the bulk of the work, so only sentences that can align are embedded
(a named entity another article also names, or many shared words: :func:`_candidates`), only quote pairs a
paraphrase test needs are embedded, in batches of :data:`.vectors.SENTENCE_BATCH` (a short batch pads less), and
vectors are kept per article span in the store when one is given (:class:`SentenceVectors`).

Modules: :mod:`.analysis` (orchestration, :class:`Comparer`), :mod:`.context` (per-story state and settings),
:mod:`.origins`, :mod:`.entities`, :mod:`.sentences`, :mod:`.vectors` (embedding cache, blocking), :mod:`.align`,
:mod:`.claims` (slot clauses and agreed slot facts), :mod:`.syntax` (parsed claims),
:mod:`.claim_conflicts`, :mod:`.numbers`, :mod:`.places`, :mod:`.titles`,
:mod:`.quotes` (quote versions), :mod:`.conflicts` (values per slot), :mod:`.statuses`, :mod:`.timeline`.
"""

from __future__ import annotations

from .align import facts_contradict
from .analysis import Comparer, StoryAnalysis, analyse_story, analysis_tools
from .claims import _content_stems, _stems_of, sentence_clauses
from .context import CompareSettings, StoryContext
from .entities import EntityIndex, join_entities, resolve_entities
from .numbers import numbers_agree
from .origins import independent_origins
from .sentences import _sentences_of, sentence_bounds, sentence_spans
from .text import squash
from .vectors import CachingEmbedder, SentenceVectors

__all__ = [
    "CachingEmbedder",
    "CompareSettings",
    "Comparer",
    "EntityIndex",
    "SentenceVectors",
    "StoryAnalysis",
    "StoryContext",
    "_content_stems",
    "_sentences_of",
    "_stems_of",
    "analyse_story",
    "analysis_tools",
    "facts_contradict",
    "independent_origins",
    "join_entities",
    "numbers_agree",
    "resolve_entities",
    "sentence_bounds",
    "sentence_clauses",
    "sentence_spans",
    "squash",
]
