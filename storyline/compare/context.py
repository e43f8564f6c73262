"""The explicit state of one story's comparison, passed to every step (nothing is kept on a comparer object).

:class:`CompareSettings` holds the thresholds (each with where it was fitted); :class:`StoryContext` holds what
one analysis builds up and the later steps read: the articles, readings, origins and entities of the story, the
sentence cosine matrix from alignment, and the close paraphrases that vouch for each sentence fact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..records import Article, Citation, Reading, Story
from .entities import EntityIndex


@dataclass(frozen=True)
class CompareSettings:
    """Thresholds of the comparison; defaults set on the demo corpus with MiniLM (see :class:`Comparer`)."""

    # combined similarity (0.75 x sentence cosine + 0.25 x entity Jaccard) to align two sentences (demo corpus)
    align_threshold: float = 0.55
    # a date or place is compared only between aligned sentences this close (demo corpus: same-topic sentences
    # about different moments score ~0.7)
    conflict_cosine: float = 0.75
    # figures are compared between looser pairs; the word-level diff that pairs them is the evidence (demo)
    figure_cosine: float = 0.6
    # figures paired by the word-level diff and counted-word keys: "all" reported; "updates" reported as
    # updates, as conflicts only between sentences above conflict_cosine on a context word naming what is
    # counted; "off" not at all. The parsed claims pair figures by what they count (newsdesk: "all" gave most
    # of the false number conflicts, precision 0.44; "updates" 0.47, demo recall kept)
    word_diff_figures: str = "updates"
    # only aligned sentences this close vouch for a sentence fact (demo corpus)
    agree_cosine: float = 0.6
    # aligned without a shared entity only this close (demo corpus)
    strong_cosine: float = 0.75
    # a reworded quote of the same speaker joins a group this close and sharing this share of words (demo)
    quote_cosine: float = 0.7
    quote_paraphrase: float = 0.3
    # hashed word Jaccard below which a sentence sharing no entity is not embedded (demo corpus)
    lexical_block: float = 0.15


@dataclass(frozen=True)
class StoryContext:
    """One story under comparison. Built by :meth:`Comparer.analyse`; ``cos`` is set once alignment ran.

    ``close`` (fact id -> vouching citations) and ``speaker_spans`` ((article id, quote start) -> span with the
    speaker) are filled by the steps that find them and read by later ones; they belong to this story only.
    """

    story: Story
    articles: Mapping[str, Article]
    readings: Mapping[str, Reading]
    origins: Mapping[str, str]
    entities: EntityIndex
    settings: CompareSettings
    vectors: Any  # SentenceVectors
    cos: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    close: dict[str, tuple[Citation, ...]] = field(default_factory=dict)
    speaker_spans: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)
    syntax: Any = None  # SyntaxReader: parses the aligned sentences claims are read from (None: no parse)
    gazetteer: Any = None  # Gazetteer: which place lies in which country (None: names compared as written)
    # articles that rewrite (or copy in part) another of the story in their own words: one origin, but what they
    # changed is theirs (a place or day a rewrite changed is set against its source)
    rewritten: frozenset[str] = frozenset()

    def cite(self, article_id: str, start: int, end: int) -> Citation:
        article = self.articles.get(article_id)
        return Citation(article_id, start, end, article.outlet if article is not None else None)
