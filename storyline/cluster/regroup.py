"""Regroup: consolidation by re-clustering a neighbourhood of stories.

Online assignment alone cannot undo an early mistake: the second of two same-kind events first joins the first
event's story and its later reports follow. So every few arrivals the index re-clusters the articles of the
stories that changed and their neighbours by average link over a learned same-event probability of article pairs
(:class:`~storyline.cluster.settings.PairModel`) and maps the groups back onto the existing story ids.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from ..records import Assignment
from .events import EVENT_DAYS_APART, REPEAT_DAYS_APART, EventKey, event_conflict, merge_keys
from .features import ArticleFeatures
from .followup import follow_up_links
from .gap import gap_count_links
from .settings import PAIR_EVIDENCE

if TYPE_CHECKING:
    from .index import StoryIndex


class RegroupMixin:
    """The regroup half of :class:`~storyline.cluster.index.StoryIndex` (kept apart to keep each module small)."""

    # ------------------------------------------------------------ regroup: consolidation by re-clustering

    def pair_evidence(self: StoryIndex, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Pairwise evidence (n x n matrices, one per :data:`PAIR_EVIDENCE` name) for indexed articles ``ids``."""
        k = self.settings.pair.k
        vecs = np.asarray(self._ann.get_items([self._label_of[a] for a in ids]), dtype=np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True) + 1e-9
        text = (vecs @ vecs.T).astype(np.float64)
        words, names, numbers, years = (self._pool_cosines(ids, part) for part in range(4))
        first = np.array([f.years[0] if (f := self.features.get(a)) is not None and f.years else 0 for a in ids])
        both = (first[:, None] > 0) & (first[None, :] > 0)
        same_first = both & (first[:, None] == first[None, :])
        return {
            "text": text, "words": words, "names": names, "numbers": numbers, "year_shared": (years > 0).astype(np.float64),
            "first_year_same": same_first.astype(np.float64), "first_year_differs": (both & ~same_first).astype(np.float64),
            "text_neighbours": _shared_neighbours(text, k, self.settings.pair.neighbour_text_min),
            "word_neighbours": _shared_neighbours(words + names, k, self.settings.pair.neighbour_words_min),
        }  # fmt: skip

    _PARTS = ("t", "e", "n", "y")  # content words, names, numbers, years

    def _rows(self, article_id: str) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
        """Per part, the article's (vocabulary columns, raw weights): term frequencies, else 1 (cached)."""
        cached = self._row_cache.get(article_id)
        if cached is None:
            f = self.features.get(article_id, ArticleFeatures())
            keys = ([t for t, _ in f.terms], sorted(f.entities), sorted(f.numbers), [str(y) for y in f.years])
            tf = [1.0 + math.log(c) for _, c in f.terms]
            cached = tuple(
                (np.array([self._column(f"{tag}:{key}") for key in part], dtype=np.int64),
                 np.array(tf if tag == "t" else [1.0] * len(part)))
                for tag, part in zip(self._PARTS, keys, strict=True)
            )  # fmt: skip
            if len(self._row_cache) >= 200_000:  # a bound on memory; rows are cheap to rebuild
                self._row_cache.clear()
            self._row_cache[article_id] = cached
        return cached

    def _pool_cosines(self, ids: Sequence[str], part: int) -> np.ndarray:
        """Cosines of the articles' TF-IDF (words), idf-weighted (names, numbers) or plain (years) vectors."""
        from scipy import sparse

        rows = [self._rows(a)[part] for a in ids]
        cols = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
        vals = np.concatenate([v for _, v in rows]) if rows else np.zeros(0)
        indptr = np.concatenate([[0], np.cumsum([len(c) for c, _ in rows])])
        if part < 3:  # idf as of now, from the document frequencies kept since the first article
            df = (self._tdf, self._df, self._ndf)[part]
            n = len(self.story_of) + 1
            uniq, inverse = np.unique(cols, return_inverse=True)
            keys = self._vocab_keys(uniq)
            idf = np.log((n + 1) / (np.array([df[key] for key in keys], dtype=np.float64) + 1))
            vals = vals * (idf + 1.0 if part == 0 else idf)[inverse]
        m = sparse.csr_matrix((vals, cols, indptr), shape=(len(ids), max(1, len(self._vocab))))
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        m = sparse.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ m
        return np.asarray((m @ m.T).todense())

    def _column(self, key: str) -> int:
        col = self._vocab.get(key)
        if col is None:
            col = self._vocab[key] = len(self._vocab_list)
            self._vocab_list.append(key)
        return col

    def _vocab_keys(self, columns: np.ndarray) -> list[str]:
        return [self._vocab_list[c][2:] for c in columns]

    def same_event(self, ids: Sequence[str], follow_up: np.ndarray | None = None) -> np.ndarray:
        """Same-event probabilities of every pair of indexed articles ``ids`` (:class:`PairModel`); ``follow_up``:
        the pairs whose long gap is no evidence (follow-ups, :mod:`.followup`, and gaps nothing else corroborates,
        :mod:`.gap`), when the caller has them."""
        s, m = self.settings, self.settings.pair
        evidence = self.pair_evidence(ids)
        logit = np.full((len(ids), len(ids)), m.bias)
        for name in PAIR_EVIDENCE:
            logit += getattr(m, name) * evidence[name]
        feats = [self.features.get(a, ArticleFeatures()) for a in ids]
        days = np.array([f.day.toordinal() if f.day else np.nan for f in feats])
        gap = np.abs(days[:, None] - days[None, :])
        known = ~np.isnan(gap)
        far = np.clip((np.where(known, gap, 0) - s.day_window) / max(1, s.day_far - s.day_window), 0, 1)
        follow_up = _gap_waived(feats) if follow_up is None else follow_up
        far[follow_up] = 0.0  # a stage of the same event reported later, or a gap nothing else corroborates
        logit += -m.far_days_penalty * far + m.same_days_bonus * (known & (np.where(known, gap, 1e9) <= s.same_days))
        has_place = np.array([bool(f.places) for f in feats])
        if has_place.any():
            same_place = _cosines([dict.fromkeys(f.places, 1.0) for f in feats]) > 0
            both = has_place[:, None] & has_place[None, :]
            logit += np.where(both, np.where(same_place, 0.5 * m.place_penalty, -m.place_penalty), 0.0)
        logit -= m.other_event_penalty * other_events([f.event for f in feats])
        return 1.0 / (1.0 + np.exp(-logit))

    def _group_event(self: StoryIndex, ids: Sequence[str]) -> EventKey:
        key = EventKey()
        for aid in ids:
            key = merge_keys(key, self.features.get(aid, ArticleFeatures()).event)
        return key

    def _pinned(self) -> set[str]:
        """Stories an analyst merged or split: consolidation does not touch them."""
        return {sid for pair in self._apart for sid in pair} | self._analyst

    def regroup(self, story_ids: Iterable[str] | None = None) -> set[str]:
        """Re-cluster the neighbourhood of ``story_ids`` (all stories by default) and map it onto the story ids.

        The neighbourhood is the stories themselves plus the stories of their centroids' nearest articles
        (at most ``regroup_max`` articles). Its articles are clustered by average link over :meth:`same_event`
        probabilities, cut at ``pair.cut``. Ids stay stable: each new group takes the id of the old story it
        shares most articles with (on a tie the older story); a group left without an id is split off as a
        new story; an old story left without a group redirects to the story that took most of its articles.
        Every moved article gets a reason. Returns the ids of the stories whose membership changed.
        """
        pinned = self._pinned()
        todo = story_ids if story_ids is not None else self.live_stories()
        live = (self.resolve(x) for x in todo)
        seeds = [x for x in dict.fromkeys(live) if x in self.stories and self.stories[x].members and x not in pinned]
        changed: set[str] = set()
        while seeds:
            pool = self._neighbourhood(seeds, pinned)
            changed |= self._regroup_pool(pool)
            done = set(pool) | {seeds[0]}  # the first seed is always handled (or too big to regroup)
            seeds = [x for x in seeds if x not in done and self.stories[x].members and not self.stories[x].redirect_to]
        return changed

    def _neighbourhood(self, seeds: Sequence[str], pinned: set[str]) -> list[str]:
        cap = self.settings.regroup_max
        pool: dict[str, None] = {}
        size = 0

        def add(sid: str) -> None:
            nonlocal size
            story = self.stories[sid]
            if sid not in pool and sid not in pinned and not story.redirect_to and size + len(story.members) <= cap:
                pool[sid] = None
                size += len(story.members)

        for sid in seeds:
            add(sid)
        k = min(self.settings.neighbours, len(self._labels))
        for sid in list(pool):
            story = self.stories[sid]
            if story.centroid is None or k == 0:
                continue
            labels, _ = self._ann.knn_query((story.centroid / story.cnorm)[None, :], k=k)
            for label in labels[0]:
                aid = self._labels[int(label)]
                if aid in self.story_of:
                    add(self.resolve(self.story_of[aid]))
        return list(pool)

    def _regroup_pool(self, pool: Sequence[str]) -> set[str]:
        members = sorted((a for sid in pool for a in self.stories[sid].members), key=self._label_of.__getitem__)
        if len(members) < 2:
            return set()
        feats = [self.features.get(a, ArticleFeatures()) for a in members]
        follow_up = _gap_waived(feats)
        prob = self.same_event(members, follow_up)
        days = [f.day for f in feats]
        labels = _average_link(prob, self.settings.pair.cut, days, self.settings.pair.never_join_days or 10**9, follow_up)
        groups: dict[int, list[str]] = {}
        for aid, label in zip(members, labels, strict=True):
            groups.setdefault(int(label), []).append(aid)
        old = {a: self.story_of[a] for a in members}
        if {frozenset(g) for g in groups.values()} == {frozenset(self.stories[sid].members) for sid in pool}:
            return set()  # nothing to change
        # each new group takes the id of the old story it shares most articles with; on a tie the older story
        overlap = Counter((label, old[a]) for label, group in groups.items() for a in group)
        owner: dict[int, str] = {}
        def rank(item: tuple[tuple[int, str], int]) -> tuple[int, int, int]:
            (label, sid), count = item
            return -count, self._label_of.get(self.stories[sid].founder, 0), label

        for (label, sid), _ in sorted(overlap.items(), key=rank):
            if label not in owner and sid not in owner.values():
                owner[label] = sid
        before = {sid: list(self.stories[sid].members) for sid in pool}
        row = {a: i for i, a in enumerate(members)}
        target: dict[str, list[str]] = {}
        founded: dict[str, str] = {}  # new story id -> the story its articles came from (most of them)
        for label, group in groups.items():
            if label in owner:
                target[owner[label]] = group
            else:
                new = self._new_story(group[0])
                target[new.id] = group
                founded[new.id] = Counter(old[a] for a in group).most_common(1)[0][0]
        changed: set[str] = set()
        for sid, group in target.items():
            if before.get(sid) != group:
                self._reset(self.stories[sid], group)
                changed.add(sid)
        moved_to = {a: sid for sid, group in target.items() for a in group}

        def mean_prob(aid: str, others: Sequence[str]) -> float:
            others = [o for o in others if o != aid]
            return float(np.mean([prob[row[aid], row[o]] for o in others])) if others else 0.0

        for sid, src in founded.items():
            group = target[sid]
            names = Counter(e for a in group for e in self.features[a].entities)
            rest = [a for a in before[src] if a not in set(group)]
            between = float(np.mean([prob[row[a], row[b]] for a in group for b in rest])) if rest else 0.0
            apart = event_conflict(self._group_event(group), self._group_event(rest)) if rest else None
            self.stories[sid].reason = (f"consolidation split {len(group)} from {src} (same-event probability {between:.2f} "
                                        f"with the rest; theirs: {', '.join(_top(names, 4))})"
                                        + (f"; {apart}" if apart else ""))  # fmt: skip
        for sid in pool:
            if sid in target:
                continue
            gone = self.stories[sid]
            keep = Counter(moved_to[a] for a in before[sid]).most_common(1)[0][0]
            others = [b for b in target[keep] if b not in set(before[sid])]
            between = float(np.mean([prob[row[a], row[b]] for a in before[sid] for b in others] or [0.0]))
            gone.members, gone.centroid, gone.entities, gone.places, gone.days = [], None, Counter(), Counter(), []
            gone.event = EventKey()
            gone.lex, gone.lex_norm2 = {}, 0.0
            gone.redirect_to = keep
            gone.reason = f"consolidation merged {sid} into {keep} (same-event probability {between:.2f} between them)"
            self.touched.add(sid)
            changed.add(keep)
        for aid in members:
            src, dst = old[aid], moved_to[aid]
            if src == dst:
                continue
            if dst in founded:
                verb = f"consolidation split it from {src} into a new story"
            elif self.stories[src].redirect_to == dst:
                verb = f"consolidation merged {src} into {dst}"
            else:
                verb = f"consolidation moved it from {src} to {dst}"
            why = (f"{verb}: same-event probability {mean_prob(aid, target[dst]):.2f} with the members there vs "
                   f"{mean_prob(aid, before[src]):.2f} with those of {src}")  # fmt: skip
            left = [b for b in before[src] if b != aid and moved_to[b] != dst]
            apart = event_conflict(self.features[aid].event, self._group_event(left)) if left else None
            if apart:
                why += f"; {apart}"
            was = self.assignments.get(aid)
            founder = dst in founded and target[dst][0] == aid
            reason = f"{why} (was: {was.reason})" if was else why
            self.assignments[aid] = Assignment(aid, dst, was.score if was else 1.0, founder, reason)
            self._changed.add(aid)
        return changed


def _gap_waived(feats: Sequence[ArticleFeatures]) -> np.ndarray:
    """n x n booleans: pairs whose long gap between days is no evidence of different events: one is a follow-up
    of the other (:mod:`.followup`), or nothing besides the gap says they differ (:mod:`.gap`)."""
    return follow_up_links(feats) | ~gap_count_links(feats)


def _average_link(
    prob: np.ndarray, cut: float, days: Sequence[date | None], never_join_days: int, linked: np.ndarray | None = None
) -> np.ndarray:
    """Average-link clustering over same-event probabilities: join the two groups with the highest mean
    probability between them while it reaches ``cut``. Two groups whose median known event days lie more than
    ``never_join_days`` apart are never joined: a time gap is evidence about the whole group, not only about
    its dated pairs (the median, because a lead date is now and then a background date) -- unless a report of
    one is a follow-up of a report of the other (``linked``, :func:`~storyline.cluster.followup.follow_up_links`).
    Returns one group label per row.
    """
    n = len(prob)
    size = np.ones(n)
    total = (prob + prob.T) / 2  # sums of probabilities between groups
    np.fill_diagonal(total, 0.0)
    known: list[list[int]] = [[d.toordinal()] if d else [] for d in days]
    median = np.array([float(k[0]) if k else np.nan for k in known])
    mean = total.copy()
    np.fill_diagonal(mean, -np.inf)
    label = np.arange(n)
    alive = np.ones(n, dtype=bool)

    dated = not np.isnan(median).all()
    link = np.zeros((n, n), dtype=bool) if linked is None else linked.copy()

    def apart(i: int) -> np.ndarray:  # which groups lie more than never_join_days from group i
        if not dated or np.isnan(median[i]):
            return np.zeros(n, dtype=bool)
        with np.errstate(invalid="ignore"):
            return (np.abs(median - median[i]) > never_join_days) & ~link[i]  # NaN (undated) compares False

    if dated:
        with np.errstate(invalid="ignore"):
            mean[(np.abs(median[:, None] - median[None, :]) > never_join_days) & ~link] = -np.inf
    best = mean.argmax(axis=1)  # per row, the column of its highest mean (first on a tie, as a full argmax)
    top = mean[np.arange(n), best]
    while True:
        i = int(np.argmax(top))
        j = int(best[i])
        if top[i] < cut:
            break
        total[i] += total[j]
        total[:, i] = total[i]
        total[i, i] = 0.0
        size[i] += size[j]
        known[i] = sorted(known[i] + known[j])
        median[i] = float(np.median(known[i])) if known[i] else np.nan
        label[label == j] = i
        link[i] |= link[j]
        link[:, i] = link[i]
        alive[j] = False
        mean[j, :] = mean[:, j] = -np.inf
        top[j] = -np.inf
        row = total[i] / (size[i] * size)
        row[~alive | apart(i)] = -np.inf
        row[i] = -np.inf
        mean[i, :] = mean[:, i] = row
        # rows whose best was i or j are re-read; the others only compare their best with the new column i
        stale = np.flatnonzero(alive & ((best == i) | (best == j)))
        stale = stale[stale != i]
        if len(stale):
            best[stale] = mean[stale].argmax(axis=1)
            top[stale] = mean[stale, best[stale]]
        better = alive & ((row > top) | ((row == top) & (i < best)))
        better[i] = False
        best[better], top[better] = i, row[better]
        best[i] = int(np.argmax(row))
        top[i] = row[best[i]]
    return label


def other_events(keys: Sequence[EventKey]) -> np.ndarray:
    """1 where two reports' event identities say they report different events (:func:`event_conflict`), else 0.

    Days and countries are compared as arrays (a regroup pool holds hundreds of reports); sequence cues and
    identifying figures, which few reports carry, pair by pair.
    """
    n = len(keys)
    all_spans = [k.spans() for k in keys]
    width = max((len(spans) for spans in all_spans), default=0)  # at most MAX_DAYS + MAX_PERIODS + 1
    lo = np.full((n, width), np.nan)
    hi = np.full((n, width), np.nan)
    for i, spans in enumerate(all_spans):
        lo[i, : len(spans)] = [a for a, _ in spans]
        hi[i, : len(spans)] = [b for _, b in spans]
    closest = np.full((n, n), np.inf)
    for a in range(width):  # span a of report i against span b of report j: n x n at a time, not n x n x width^2
        for b in range(width):
            # the distance between the two spans, 0 when they overlap (NaN where either report has no such span)
            gap = np.maximum(np.maximum(lo[:, None, a] - hi[None, :, b], lo[None, :, b] - hi[:, None, a]), 0)
            closest = np.fmin(closest, gap)
    dated = np.array([k.dated for k in keys])
    out = (closest >= EVENT_DAYS_APART) & np.isfinite(closest) & (dated[:, None] | dated[None, :])
    codes = np.array([k.country or "" for k in keys])
    known = codes != ""
    out |= known[:, None] & known[None, :] & (codes[:, None] != codes[None, :])
    out |= _repeats_after(keys)
    marked = [i for i, k in enumerate(keys) if k.sequence or k.figures]
    for x, i in enumerate(marked):
        for j in marked[x + 1 :]:
            if not out[i, j] and event_conflict(replace(keys[i], days=frozenset(), periods=frozenset(), published=None, country=None),
                                                replace(keys[j], days=frozenset(), periods=frozenset(), published=None, country=None)):  # fmt: skip
                out[i, j] = out[j, i] = True
    np.fill_diagonal(out, False)
    return out.astype(np.float64) if n else np.zeros((0, 0))


def _repeats_after(keys: Sequence[EventKey]) -> np.ndarray:
    """True where one report tells of a repeat beginning ``REPEAT_DAYS_APART`` or more days after the last day the
    other (no repeat) knows of, either way round (the array form of that rule of :func:`event_conflict`)."""
    nan = float("nan")
    first = np.array([(k.first_lead_day() if k.repeat else None) or nan for k in keys], dtype=float)
    last = np.array([(None if k.repeat else k.last_known_day()) or nan for k in keys], dtype=float)
    with np.errstate(invalid="ignore"):
        after = (first[:, None] - last[None, :]) >= REPEAT_DAYS_APART
    return after | after.T


def _cosines(rows: Sequence[Mapping[str, float]]) -> np.ndarray:
    """Cosine similarity of every pair of sparse rows (all-zero rows give 0)."""
    from scipy import sparse

    col: dict[str, int] = {}
    data: list[float] = []
    ri: list[int] = []
    ci: list[int] = []
    for i, row in enumerate(rows):
        for key, value in row.items():
            ri.append(i)
            ci.append(col.setdefault(key, len(col)))
            data.append(value)
    m = sparse.csr_matrix((data, (ri, ci)), shape=(len(rows), max(1, len(col))))
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    m = sparse.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ m
    return np.asarray((m @ m.T).todense())


def _shared_neighbours(sim: np.ndarray, k: int, floor: float) -> np.ndarray:
    """How many neighbours two articles share, over the smaller of their two neighbourhoods (0..1).

    An article's neighbourhood is itself plus its ``k`` most similar articles in the pool with similarity
    >= ``floor``; counting itself lets two reports that are each other's only neighbour score 1.
    """
    n = len(sim)
    k = min(k, (n - 1) // 2)  # in a tiny pool every article would neighbour every other
    if k <= 0:
        return np.zeros_like(sim)
    masked = sim.copy()
    np.fill_diagonal(masked, -np.inf)
    nearest = np.argpartition(-masked, k - 1, axis=1)[:, :k]
    hits = np.zeros(sim.shape, dtype=np.float32)
    hits[np.arange(n)[:, None], nearest] = 1.0
    hits *= masked >= floor
    np.fill_diagonal(hits, 1.0)
    sizes = hits.sum(axis=1)
    return ((hits @ hits.T) / np.minimum(sizes[:, None], sizes[None, :])).astype(np.float64)



def _top(counts: Counter[str], n: int) -> list[str]:
    """The ``n`` most frequent keys, ties broken by name so reasons read the same on every run."""
    return [k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]
