"""Paraphrased rewrites, model-free: most sentences of one report have a close paraphrase in the other.

A content farm or a blog rewrites a report sentence by sentence: words change ("voted narrowly" for "a
razor-thin margin"), sentences are split, merged and reordered, some are added. What stays is what the
sentences are about: the names and figures, and many content words. Two independent reports of one event
share the key facts (a toll, a quote, the main names) but not sentence after sentence, so the test is the
share of sentences that find a paraphrase in the other report, in both directions.

A sentence of ``a`` has a close paraphrase in ``b`` when one sentence of ``b``, or two adjacent ones (a split
sentence), holds every name and figure of it and at least ``ANCHORED_OVERLAP`` of its content words; a sentence
without names or figures needs ``PLAIN_OVERLAP`` of its content words. Content words are compared by their first
``STEM`` letters ("voted"/"votes", "recalls"/"recalled").

Everything here is pure Python on the text, so it runs in the copy stage before any model.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from .records import normalize_text

# Function words (no content): shared by the copy fingerprints (:mod:`storyline.copies`).
STOP = frozenset(
    "the a an and or but of to in on at for with by from as is are was were be been being that this these those it its"
    " he she they them his her their we our you your i not no said says will would could should has have had do does"
    " did which who whom whose what when where while after before about into over than then there also more most".split()
)
STEM = 5  # content words compare by their first letters (inflections of one word agree)
ANCHORED_OVERLAP = 0.3  # content words a sentence with names or figures shares with its paraphrase (with them all)
PLAIN_OVERLAP = 0.5  # ... and a sentence without names or figures
# Both reports must have at least this share of their sentences paraphrased in the other. Fitted on newsdesk:
# its rewrites without a credit line reach 0.67 and 0.74 the lesser way (two heavier ones, 0.3 to 0.4, stay out of
# reach); two independent reports of one event at most 0.55 (they share the lead facts and a quote or two, not
# sentence after sentence).
REWRITE_SHARE = 0.6
MIN_SENTENCES = 4  # shorter texts (a brief, a caption) say too little to call one a rewrite of another
DIRECTION_MARGIN = 0.15  # one report contains the other when its share exceeds the other's by this much
CANDIDATES = 5  # the stored reports sharing the most names and figures that are compared sentence by sentence
RECENT = 5000  # reports kept for this comparison (a rewrite follows its origin within days)
POSTINGS = 200  # reports kept per name or figure in the candidate index (the most recent)

_SENTENCE = re.compile(r"(?<=[.!?\"'])\s+(?=[\"'A-Z0-9])")
_WORD = re.compile(r"[^\W\d_][\w'-]*|\d[\d.,]*\d|\d", re.UNICODE)
MIN_WORDS = 5  # a "sentence" of fewer words is a heading, a byline or a caption


@dataclass(frozen=True, slots=True)
class Sentence:
    anchors: frozenset[str]  # names (capitalised words not opening the sentence) and figures
    content: frozenset[str]  # content words, by their first ``STEM`` letters


def sentences(text: str) -> tuple[Sentence, ...]:
    """The sentences of ``text`` (paragraph by paragraph) as names, figures and content words."""
    out = []
    for paragraph in text.splitlines():
        for raw in _SENTENCE.split(normalize_text(paragraph)):
            words = _WORD.findall(raw)
            if len(words) < MIN_WORDS:
                continue
            anchors, content = set(), set()
            for i, w in enumerate(words):
                low = w.lower()
                if w[0].isdigit():
                    anchors.add(w.replace(",", "").rstrip("."))
                elif low in STOP or len(w) < 3:
                    continue
                elif w[0].isupper() and i > 0:
                    anchors.add(low[:STEM])
                else:
                    content.add(low[:STEM])
            if content or anchors:
                out.append(Sentence(frozenset(anchors), frozenset(content)))
    return tuple(out)


def paraphrased_share(a: tuple[Sentence, ...], b: tuple[Sentence, ...]) -> float:
    """The share of ``a``'s sentences that have a close paraphrase in ``b`` (a sentence or two adjacent ones)."""
    if not a or not b:
        return 0.0
    windows = [(s.anchors, s.content | s.anchors) for s in b]
    windows += [(x.anchors | y.anchors, x.content | y.content | x.anchors | y.anchors) for x, y in zip(b, b[1:], strict=False)]
    hit = 0
    for s in a:
        words = s.content | s.anchors
        need = ANCHORED_OVERLAP if s.anchors else PLAIN_OVERLAP
        for anchors, other in windows:
            if s.anchors <= anchors and len(words & other) >= need * len(words):
                hit += 1
                break
    return hit / len(a)


def rewrite_shares(a: tuple[Sentence, ...], b: tuple[Sentence, ...]) -> tuple[float, float] | None:
    """(share of ``a`` paraphrased in ``b``, share of ``b`` in ``a``) when the two are rewrites of one another."""
    if min(len(a), len(b)) < MIN_SENTENCES:
        return None
    ab = paraphrased_share(a, b)
    if ab < REWRITE_SHARE:
        return None
    ba = paraphrased_share(b, a)
    return (ab, ba) if ba >= REWRITE_SHARE else None


class RecentSentences:
    """The sentences of the most recent reports, and an index from names and figures to the reports naming them."""

    def __init__(self, keep: int = RECENT, postings: int = POSTINGS) -> None:
        self.keep = keep
        self._sentences: dict[str, tuple[Sentence, ...]] = {}
        self._order: deque[str] = deque()
        self._postings: dict[str, deque[str]] = {}
        self._max_postings = postings

    def add(self, article_id: str, text: str) -> tuple[Sentence, ...]:
        units = sentences(text)
        self._sentences[article_id] = units
        self._order.append(article_id)
        for anchor in {a for s in units for a in s.anchors}:
            self._postings.setdefault(anchor, deque(maxlen=self._max_postings)).append(article_id)
        while len(self._order) > self.keep:
            self._sentences.pop(self._order.popleft(), None)
        return units

    def get(self, article_id: str) -> tuple[Sentence, ...] | None:
        return self._sentences.get(article_id)

    def candidates(self, article_id: str, units: Iterable[Sentence], n: int = CANDIDATES) -> list[str]:
        """Kept reports sharing the most names and figures with ``units`` (at most ``n``)."""
        counts: dict[str, int] = {}
        for anchor in {a for s in units for a in s.anchors}:
            for other in self._postings.get(anchor, ()):
                if other != article_id and other in self._sentences:
                    counts[other] = counts.get(other, 0) + 1
        return [aid for aid, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]
