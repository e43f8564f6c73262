from __future__ import annotations

import re
from datetime import date

import numpy as np

from .context import StoryContext
from .numbers import _number_pairs, _stated_numbers, numbers_agree
from .places import _event_places, _place_swaps, _places_agree
from .quotes import _matched
from .sentences import _Sentence
from .text import _CHANGE_VERBS, _words
from .vectors import _candidates


def align_sentences(ctx: StoryContext, sentences: list[_Sentence]) -> tuple[list[list[_Sentence]], np.ndarray]:
    """Align sentences across articles: merge the most similar cross-article pairs first.

    Two groups merge when their best pair scores above ``align_threshold`` (and shares an entity, or is
    nearly identical) and the merged group would still hold at most one sentence per article. Unlike a
    single pass in arrival order, the result does not depend on which article came first. Returns the groups
    and the sentence cosine matrix (indexed by ``_Sentence.order``).
    """
    if not sentences:
        return [], np.zeros((0, 0), dtype=np.float32)
    for n, sent in enumerate(sentences):
        sent.order = n
    masked = [re.sub(r"\d", "0", s.text) for s in sentences]
    keys = sorted({k for s in sentences for k in s.entities})
    col = {k: n for n, k in enumerate(keys)}
    inc = np.zeros((len(sentences), max(1, len(keys))), dtype=np.float32)
    for n, s in enumerate(sentences):
        for k in s.entities:
            inc[n, col[k]] = 1.0
    article = np.array([s.article_id for s in sentences])
    _, text_id = np.unique(np.array(masked, dtype=object), return_inverse=True)
    # blocking: only a sentence that could align with another article's is embedded (see _candidates)
    wanted = _candidates(masked, inc, article, text_id, ctx.settings.lexical_block)
    vectors = np.zeros((len(sentences), 1), dtype=np.float32)
    if wanted.any():
        rows = np.flatnonzero(wanted)
        found = ctx.vectors.encode_texts("sentences", [masked[n] for n in rows])
        vectors = np.zeros((len(sentences), found.shape[1]), dtype=np.float32)
        vectors[rows] = found
    cos = vectors @ vectors.T
    cos[text_id[:, None] == text_id[None, :]] = 1.0  # the same text (and the diagonal)
    inter = inc @ inc.T
    size = inc.sum(axis=1)
    union = size[:, None] + size[None, :] - inter
    jac = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    score = 0.75 * cos + 0.25 * jac
    ok = (score >= ctx.settings.align_threshold) & ((inter >= 1) | (cos >= ctx.settings.strong_cosine))
    ok &= article[:, None] != article[None, :]
    rows, cols = np.nonzero(np.triu(ok, 1))
    order = np.argsort(-score[rows, cols], kind="stable")
    group = list(range(len(sentences)))
    members: dict[int, set[int]] = {n: {n} for n in range(len(sentences))}
    arts: dict[int, set[str]] = {n: {sentences[n].article_id} for n in range(len(sentences))}

    def find(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for k in order:
        a, b = find(int(rows[k])), find(int(cols[k]))
        if a == b or arts[a] & arts[b]:
            continue
        keep, gone = min(a, b), max(a, b)
        group[gone] = keep
        members[keep] |= members.pop(gone)
        arts[keep] |= arts.pop(gone)
    clusters = [sorted((sentences[n] for n in idx), key=lambda x: x.order) for idx in members.values()]
    clusters.sort(key=lambda c: c[0].order)
    return clusters, cos


def _days(s: _Sentence) -> set[date]:
    """The days a sentence dates its event to (none when it reports a change: "rose to six on Wednesday")."""
    return set() if _CHANGE_VERBS.search(s.text) else {d.value for d in s.dates if d.granularity == "day"}


_QUOTED = re.compile(r"[\"“”]([^\"“”]{3,})[\"“”]")


def _quoted(s: _Sentence) -> list[list[str]]:
    return [w for m in _QUOTED.finditer(s.text) if (w := [t.lower() for t in _words(m.group(1))])]


def facts_contradict(a: _Sentence, b: _Sentence) -> bool:
    """Whether two aligned sentences state a different number, place, day or quotation (then they do not agree).

    Numbers: figures the two sentences give for the same thing (an amount's counted thing, or the word-level
    diff that lines "injuring 12" up with "injuring 15") that do not agree up to rounding, or, more bluntly,
    both sentences state figures and none is shared. Places: both give an event location ("in Portmere") and
    none agrees, or a word-level diff swaps a place name for another ("Kestovian" / "Kestovia's" is one place).
    Days: both date the event and share no day. Quotations: both quote and no quote is (most of) the other.
    A detail only one of them states is no contradiction: paraphrases leave details out.
    """
    for _key, rows in _number_pairs(a, b):
        va = [r[1] for r in rows if r[0] is a]
        vb = [r[1] for r in rows if r[0] is b]
        if va and vb and not any(numbers_agree(x, y) for x in va for y in vb):
            return True
    na, nb = _stated_numbers(a), _stated_numbers(b)
    if na and nb and not any(numbers_agree(x, y) for x in na for y in nb):
        return True
    pa, pb = _event_places(a), _event_places(b)
    if pa and pb and not any(_places_agree(x, y) for x in pa for y in pb):
        return True
    swaps = _place_swaps(a, b)
    for (_sa, ka, *_ra), (_sb, kb, *_rb) in zip(swaps[::2], swaps[1::2], strict=True):
        if not (_places_agree(ka, kb) or ka.startswith(kb) or kb.startswith(ka)):  # "kestovian" / "kestovia"
            return True
    da, db = _days(a), _days(b)
    if da and db and not da & db:
        return True
    qa, qb = _quoted(a), _quoted(b)
    return bool(qa and qb) and not any(_matched(x, y) >= 0.8 * min(len(x), len(y)) for x in qa for y in qb)
