"""Standard coreference metrics: MUC, B-cubed, CEAF-e and their CoNLL average.

Clusters are collections of hashable mention ids. Definitions follow Pradhan et al. (2014),
"Scoring Coreference Partitions of Predicted Mentions: A Reference Implementation", which also
handles key and response mention sets that differ:

- MUC (Vilain et al. 1995), link based: recall = sum over key clusters K of |K| - |p(K)|,
  divided by sum of |K| - 1, where p(K) partitions K by the response clusters (a mention the
  response lacks is its own part). Precision swaps key and response. Singletons add nothing.
- B-cubed (Bagga & Baldwin 1998), mention based: recall = sum over K, R of |K & R|^2 / |K|,
  divided by the number of key mentions; precision the same with |R|.
- CEAF-e (Luo 2005), entity based: phi4(K, R) = 2|K & R| / (|K| + |R|); the best one-to-one
  alignment (Hungarian algorithm) gives the similarity, divided by the number of key clusters
  (recall) or response clusters (precision).
- CoNLL F1: the mean of the three F1 scores.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

Cluster = frozenset[Hashable]


@dataclass(frozen=True, slots=True)
class PRF:
    recall: float
    precision: float

    @property
    def f1(self) -> float:
        r, p = self.recall, self.precision
        return 0.0 if r + p == 0 else 2 * r * p / (r + p)


def _clusters(groups: Iterable[Iterable[Hashable]]) -> list[Cluster]:
    return [frozenset(g) for g in groups if g]


def _muc_side(key: list[Cluster], response: list[Cluster]) -> float:
    owner = {m: i for i, r in enumerate(response) for m in r}
    num = den = 0
    for k in key:
        parts = {owner.get(m, ("alone", m)) for m in k}
        num += len(k) - len(parts)
        den += len(k) - 1
    return num / den if den else 0.0


def muc(key: Iterable[Iterable[Hashable]], response: Iterable[Iterable[Hashable]]) -> PRF:
    k, r = _clusters(key), _clusters(response)
    return PRF(_muc_side(k, r), _muc_side(r, k))


def _b3_side(key: list[Cluster], response: list[Cluster]) -> float:
    owner = {m: i for i, r in enumerate(response) for m in r}
    total = sum(len(k) for k in key)
    score = 0.0
    for k in key:
        overlaps: dict[int, int] = {}
        for m in k:
            if m in owner:
                overlaps[owner[m]] = overlaps.get(owner[m], 0) + 1
        score += sum(n * n for n in overlaps.values()) / len(k)
    return score / total if total else 0.0


def b_cubed(key: Iterable[Iterable[Hashable]], response: Iterable[Iterable[Hashable]]) -> PRF:
    k, r = _clusters(key), _clusters(response)
    return PRF(_b3_side(k, r), _b3_side(r, k))


def ceaf_e(key: Iterable[Iterable[Hashable]], response: Iterable[Iterable[Hashable]]) -> PRF:
    k, r = _clusters(key), _clusters(response)
    if not k or not r:
        return PRF(0.0, 0.0)
    sim = np.zeros((len(k), len(r)))
    owner = {m: j for j, c in enumerate(r) for m in c}
    for i, kc in enumerate(k):
        for m in kc:
            j = owner.get(m)
            if j is not None:
                sim[i, j] += 1
    for i, kc in enumerate(k):
        for j in np.nonzero(sim[i])[0]:
            sim[i, j] = 2 * sim[i, j] / (len(kc) + len(r[j]))
    rows, cols = linear_sum_assignment(-sim)
    total = float(sim[rows, cols].sum())
    return PRF(total / len(k), total / len(r))


def conll(key: Iterable[Iterable[Hashable]], response: Iterable[Iterable[Hashable]]) -> dict[str, float]:
    """All figures: recall/precision/F1 of each metric and the CoNLL F1 (in 0..1)."""
    k, r = _clusters(key), _clusters(response)
    out: dict[str, float] = {}
    f1s = []
    for name, fn in (("muc", muc), ("b3", b_cubed), ("ceafe", ceaf_e)):
        prf = fn(k, r)
        out[f"{name}_r"], out[f"{name}_p"], out[f"{name}_f1"] = prf.recall, prf.precision, prf.f1
        f1s.append(prf.f1)
    out["conll_f1"] = sum(f1s) / 3
    return out
