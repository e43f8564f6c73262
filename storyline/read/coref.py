"""Mention-level coreference beyond names: contextual span vectors, pair scores, clustering.

The name rules of :mod:`storyline.read.entities` link "Raj Chohan" to "Chohan" but cannot tell that
"the woman" in one article and "the victim" in another are the same person, or which "he" is whom.
Three pieces help with that:

* :class:`MiniLMSpanEncoder` embeds a mention *in its sentence*: the sentence goes through
  all-MiniLM-L6-v2 and the vectors of the word pieces inside the mention are averaged. Two
  mentions of one person get close vectors when their contexts agree, even when their words differ.
* :class:`TreePairModel` scores every mention pair with gradient-boosted trees (fit on the ECB+
  train + dev topics, stored in ``coref_pairs.json``) over :func:`pair_table`: what the rules
  decided (the rule cluster), head lemma, words, acronyms, type, distance, head frequency and the
  two cosines. The older logistic regression (:func:`pair_probabilities`, :data:`PAIR_WEIGHTS`)
  stays as a reference.
* :func:`resolve_mentions` clusters names and common nouns by average link over those scores and
  attaches each pronoun to its most probable antecedent in its document.
* :class:`NamesakeLinker` is the store-wide use: which of several same-surname people a lone
  "Mr. Dmitriev" of another article is.

All of it works on plain spans and vectors, so the benchmark and a store-wide resolver use it alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from .coref_encoder import MiniLMSpanEncoder

# the span encoder lives in coref_encoder and the namesake linker in coref_namesakes (see __getattr__ below);
# importers reach both here
__all__ = ["KINDS", "PAIR_WEIGHTS", "MentionInfo", "MiniLMSpanEncoder", "TreePairModel", "feature_names", "pair_features",
           "pair_probabilities", "pair_table", "resolve_mentions"]


# ------------------------------------------------------------------ pairwise scoring and clustering

KINDS = ("name", "nominal", "pronoun")
_KIND_PAIRS = tuple((a, b) for i, a in enumerate(KINDS) for b in KINDS[i:])


@dataclass(frozen=True, slots=True)
class MentionInfo:
    """What the pair scorer knows about one mention (all of it available without gold data)."""

    doc: str
    sentence: int  # index of the sentence in its document
    kind: str  # "name" | "nominal" | "pronoun"
    label: str  # coarse type
    head: str  # lower-cased head lemma
    surface: str  # lower-cased text of the mention
    rule_cluster: Hashable  # the cluster the rules (names, appositions, antecedents) gave it
    start: int = 0  # character offset in its document (orders mentions for the antecedent features)
    indefinite: bool = False  # opened with "a", "an", a number: usually someone new
    plural: bool = False


def feature_names() -> list[str]:
    names = ["bias", "same_rule", "same_head", "same_surface", "same_label", "same_doc", "sent_near", "sent_dist",
             "indefinite", "plural_clash", "rule_size_max", "rule_size_min", "nearest_antecedent", "antecedent_rank"]
    for a, b in _KIND_PAIRS:
        names += [f"{a}-{b}", f"{a}-{b}*cos", f"{a}-{b}*same_head", f"{a}-{b}*surface_cos"]
    return names


def pair_features(mentions: Sequence[MentionInfo], vectors: np.ndarray, surface_vectors: np.ndarray | None = None) -> np.ndarray:
    """``n x n x f`` features of every mention pair (see :func:`feature_names`).

    ``vectors``: each mention in its sentence (:class:`MiniLMSpanEncoder`); ``surface_vectors``:
    the mention's own words alone ("the victim" near "the woman"), zero when not given.
    """
    n = len(mentions)
    scos = (surface_vectors @ surface_vectors.T) if surface_vectors is not None else np.zeros((n, n), dtype=np.float32)
    cos = np.asarray(vectors, dtype=np.float32) @ np.asarray(vectors, dtype=np.float32).T
    def eq(values: list[Hashable]) -> np.ndarray:
        codes = {v: i for i, v in enumerate(dict.fromkeys(values))}
        arr = np.array([codes[v] for v in values])
        return (arr[:, None] == arr[None, :]).astype(np.float32)

    same_doc = eq([m.doc for m in mentions])
    sent = np.array([m.sentence for m in mentions], dtype=np.float32)
    dist = np.abs(sent[:, None] - sent[None, :])
    same_head = eq([m.head for m in mentions])
    cols = [np.ones((n, n), dtype=np.float32), eq([m.rule_cluster for m in mentions]), same_head,
            eq([m.surface for m in mentions]), eq([m.label for m in mentions]), same_doc,
            same_doc * (dist <= 1), same_doc * np.minimum(dist, 10) / 10]
    indef = np.array([m.indefinite for m in mentions])
    plural = np.array([m.plural for m in mentions])
    cols += [(indef[:, None] | indef[None, :]).astype(np.float32), (plural[:, None] != plural[None, :]).astype(np.float32)]
    sizes: dict[Hashable, int] = {}
    for m in mentions:
        sizes[m.rule_cluster] = sizes.get(m.rule_cluster, 0) + 1
    size = np.log1p(np.array([sizes[m.rule_cluster] for m in mentions], dtype=np.float32)) / 4
    cols += [np.maximum(size[:, None], size[None, :]), np.minimum(size[:, None], size[None, :])]
    rank = _antecedent_rank(mentions)
    cols += [(rank == 0).astype(np.float32), np.where(rank < 99, np.minimum(rank, 10) / 10, 1.0).astype(np.float32)]
    kind = np.array([KINDS.index(m.kind) for m in mentions])
    for a, b in _KIND_PAIRS:
        ia, ib = KINDS.index(a), KINDS.index(b)
        pair = (((kind[:, None] == ia) & (kind[None, :] == ib)) | ((kind[:, None] == ib) & (kind[None, :] == ia))).astype(np.float32)
        cols += [pair, pair * cos, pair * same_head, pair * scos]
    return np.stack(cols, axis=-1)


#: Logistic-regression weights over :func:`feature_names`, fit on the ECB+ *train* topics by
#: ``python -m bench.bench_entity_coref --fit`` (gold mentions, pairs within a subtopic).
PAIR_WEIGHTS: dict[str, float] = {
    "bias": -9.2906,
    "same_rule": 2.0579,
    "same_head": -0.4573,
    "same_surface": -0.9401,
    "same_label": 7.9746,
    "same_doc": 0.3939,
    "sent_near": -0.5729,
    "sent_dist": -1.2834,
    "indefinite": -0.2883,
    "plural_clash": -1.2175,
    "rule_size_max": 0.4642,
    "rule_size_min": -1.5597,
    "nearest_antecedent": 0.0529,
    "antecedent_rank": -0.8971,
    "name-name": -1.4523,
    "name-name*cos": 2.7695,
    "name-name*same_head": 0.0881,
    "name-name*surface_cos": 2.294,
    "name-nominal": -0.6169,
    "name-nominal*cos": 0.7441,
    "name-nominal*same_head": 0.661,
    "name-nominal*surface_cos": 4.1553,
    "name-pronoun": -2.2353,
    "name-pronoun*cos": 3.1106,
    "name-pronoun*same_head": 0.0,
    "name-pronoun*surface_cos": 9.9455,
    "nominal-nominal": -0.969,
    "nominal-nominal*cos": 4.7876,
    "nominal-nominal*same_head": -0.6878,
    "nominal-nominal*surface_cos": 0.3668,
    "nominal-pronoun": -1.0354,
    "nominal-pronoun*cos": 6.6961,
    "nominal-pronoun*same_head": -0.0655,
    "nominal-pronoun*surface_cos": 1.5788,
    "pronoun-pronoun": -2.8851,
    "pronoun-pronoun*cos": 5.5757,
    "pronoun-pronoun*same_head": -0.4531,
    "pronoun-pronoun*surface_cos": 2.2989,
}


def pair_probabilities(mentions: Sequence[MentionInfo], vectors: np.ndarray,
                       weights: dict[str, float] | None = None, surface_vectors: np.ndarray | None = None) -> np.ndarray:
    """``n x n`` probability that two mentions corefer, from the linear model (:data:`PAIR_WEIGHTS`)."""
    w = weights if weights is not None else PAIR_WEIGHTS
    if not w:
        raise ModelError("no pair weights", item="coref", hint="fit them with python -m bench.bench_entity_coref --fit")
    vec = np.array([w.get(name, 0.0) for name in feature_names()], dtype=np.float32)
    logits = pair_features(mentions, vectors, surface_vectors) @ vec
    return 1.0 / (1.0 + np.exp(-logits))


# ------------------------------------------------------------------ the tree model (the default scorer)

#: Features of :func:`pair_table`, in column order (the tree model is tied to this order).
TABLE_FEATURES = ("same_label", "same_rule", "same_head", "same_surface", "word_jaccard", "words_contained",
                  "head_in_other", "acronym", "same_doc", "sent_dist", "cos", "surface_cos", "kind_pair",
                  "head_freq_min", "head_freq_max", "head_docs_min", "indefinite", "plural_clash",
                  "rule_size_min", "rule_size_max", "antecedent_rank", "nearest_antecedent", "docs_in_group",
                  "sent_first", "sent_last")
_STOP = frozenset({"the", "a", "an", "of", "s", "and", "in", "on", "at", "for", "to", "this", "that", "these", "those",
                   "his", "her", "their", "its", "mr", "mrs", "ms", "dr"})
MODEL_FILE = Path(__file__).with_name("coref_pairs.json")
LEAD_CAP = 15  # sentence numbers past this count as "deep in the report" (``sent_first``, ``sent_last``)


def _words(surface: str) -> frozenset[str]:
    return frozenset(t for t in re.findall(r"[a-z0-9]+", surface.lower()) if t not in _STOP)


def _is_acronym(short: str, long: str) -> bool:
    letters = short.replace(".", "").replace(" ", "")
    words = [w for w in re.findall(r"[a-z]+", long.lower()) if w not in _STOP]
    return len(letters) >= 2 and len(words) >= 2 and "".join(w[0] for w in words) == letters.lower()


def pair_table(mentions: Sequence[MentionInfo], vectors: np.ndarray,
               surface_vectors: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features (:data:`TABLE_FEATURES`) of every pair ``i < j``: ``(i, j, X)`` with ``X`` of shape ``pairs x f``.

    Beside what the linear features have, it measures the words: overlap of content words,
    one mention's words inside the other's ("Dmitriev" in "Kirill Dmitriev"), the head inside the
    other mention, acronyms, and how common a head lemma is in the group (a head many mentions
    share, such as "police", links more safely than a rare one). ``docs_in_group`` is how many
    documents the mentions come from: the same head in a dozen reports of one event is more likely
    one thing than in two (on ECB+ dev it is worth 2.5 CoNLL F1; the group is the caller's, e.g. a
    story's articles). ``sent_first``/``sent_last`` are the two mentions' sentence numbers in their
    documents (the earlier and the later, capped at 15): a news report names the event's
    participants in its first sentences and brings in background people and places further down,
    so two early mentions in two reports are more likely one entity than two late ones (on ECB+
    it is worth about 4 CoNLL F1 on dev and on a cross-validation over the train topics).
    """
    n = len(mentions)
    rows, cols = np.triu_indices(n, 1)
    if surface_vectors is None:
        surface_vectors = np.zeros((n, 1), dtype=np.float32)
    vectors = np.asarray(vectors, dtype=np.float32)
    cos = (vectors @ vectors.T)[rows, cols]
    scos = (surface_vectors @ surface_vectors.T)[rows, cols]

    def codes(values: Sequence[Hashable]) -> np.ndarray:
        index = {v: i for i, v in enumerate(dict.fromkeys(values))}
        return np.array([index[v] for v in values], dtype=np.int64)

    def same(values: Sequence[Hashable]) -> np.ndarray:
        c = codes(values)
        return (c[rows] == c[cols]).astype(np.float32)

    words = [_words(m.surface) for m in mentions]
    heads = [m.head for m in mentions]
    jac = np.zeros(len(rows), dtype=np.float32)
    contained = np.zeros(len(rows), dtype=np.float32)
    head_in = np.zeros(len(rows), dtype=np.float32)
    acro = np.zeros(len(rows), dtype=np.float32)
    for k, (i, j) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
        a, b = words[i], words[j]
        if a and b:
            inter = len(a & b)
            jac[k] = inter / len(a | b)
            contained[k] = float(inter == len(a) or inter == len(b))
        head_in[k] = float(heads[i] in b or heads[j] in a)
        if len(a) == 1 or len(b) == 1:
            si, sj = mentions[i].surface, mentions[j].surface
            acro[k] = float(_is_acronym(si, sj) or _is_acronym(sj, si))
    head_count: dict[str, int] = {}
    head_docs: dict[str, set[str]] = {}
    for m in mentions:
        head_count[m.head] = head_count.get(m.head, 0) + 1
        head_docs.setdefault(m.head, set()).add(m.doc)
    n_docs = max(1, len({m.doc for m in mentions}))
    hfreq = np.log1p(np.array([head_count[h] for h in heads], dtype=np.float32))
    hdocs = np.array([len(head_docs[h]) / n_docs for h in heads], dtype=np.float32)
    rule_size: dict[Hashable, int] = {}
    for m in mentions:
        rule_size[m.rule_cluster] = rule_size.get(m.rule_cluster, 0) + 1
    rsize = np.log1p(np.array([rule_size[m.rule_cluster] for m in mentions], dtype=np.float32))
    same_doc = same([m.doc for m in mentions])
    sent = np.array([m.sentence for m in mentions], dtype=np.float32)
    dist = np.where(same_doc > 0, np.minimum(np.abs(sent[rows] - sent[cols]), 20), 25).astype(np.float32)
    kind = np.array([KINDS.index(m.kind) for m in mentions])
    kind_pair = (np.minimum(kind[rows], kind[cols]) * 3 + np.maximum(kind[rows], kind[cols])).astype(np.float32)
    indef = np.array([m.indefinite for m in mentions])
    plural = np.array([m.plural for m in mentions])
    rank = _antecedent_rank(mentions)[rows, cols]
    lead = np.minimum(sent, LEAD_CAP)
    table = np.stack([
        same([m.label for m in mentions]), same([m.rule_cluster for m in mentions]), same(heads),
        same([m.surface for m in mentions]), jac, contained, head_in, acro, same_doc, dist, cos, scos, kind_pair,
        np.minimum(hfreq[rows], hfreq[cols]), np.maximum(hfreq[rows], hfreq[cols]),
        np.minimum(hdocs[rows], hdocs[cols]), (indef[rows] | indef[cols]).astype(np.float32),
        (plural[rows] != plural[cols]).astype(np.float32),
        np.minimum(rsize[rows], rsize[cols]), np.maximum(rsize[rows], rsize[cols]),
        np.where(rank < 99, np.minimum(rank, 10) / 10, 1.0), (rank == 0).astype(np.float32),
        np.full(len(rows), n_docs, dtype=np.float32),
        np.minimum(lead[rows], lead[cols]), np.maximum(lead[rows], lead[cols]),
    ], axis=-1).astype(np.float32)
    return rows, cols, table


def _antecedent_rank(mentions: Sequence[MentionInfo]) -> np.ndarray:
    """For a pronoun: how many same-type non-pronoun mentions of its document lie between it and the other one."""
    n = len(mentions)
    rank = np.full((n, n), 99.0, dtype=np.float32)
    by_doc: dict[str, list[int]] = {}
    for i, m in enumerate(mentions):
        by_doc.setdefault(m.doc, []).append(i)
    for idx in by_doc.values():
        idx = sorted(idx, key=lambda i: mentions[i].start)
        for p, i in enumerate(idx):
            if mentions[i].kind != "pronoun":
                continue
            r = 0
            for j in reversed(idx[:p]):
                if mentions[j].kind != "pronoun" and mentions[j].label == mentions[i].label:
                    rank[i, j] = rank[j, i] = r
                    r += 1
    return rank


@dataclass(frozen=True, slots=True)
class TreePairModel:
    """Gradient-boosted trees over :func:`pair_table` (scikit-learn's HistGradientBoostingClassifier,
    fit on the ECB+ train topics by ``python -m bench.bench_entity_coref --fit``), stored as plain
    arrays in ``coref_pairs.json`` and evaluated here with numpy: no pickle, no sklearn at run time.

    Each tree is ``(feature, threshold, left, right, is_leaf, value)`` per node; ``x <= threshold``
    goes left. The probability is the logistic of ``baseline`` plus the leaf values.
    """

    features: tuple[str, ...]
    baseline: float
    trees: tuple[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray], ...]

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> TreePairModel:
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot read the coreference pair model: {exc}", item=str(path),
                             hint="refit it with python -m bench.bench_entity_coref --fit") from exc
        if tuple(data["features"]) != TABLE_FEATURES:
            raise ModelError("the pair model was fit on other features", item=str(path),
                             hint="refit it with python -m bench.bench_entity_coref --fit")
        trees = tuple((np.array(t["feature"], dtype=np.int64), np.array(t["threshold"], dtype=np.float64),
                       np.array(t["left"], dtype=np.int64), np.array(t["right"], dtype=np.int64),
                       np.array(t["leaf"], dtype=bool), np.array(t["value"], dtype=np.float64)) for t in data["trees"])
        return cls(tuple(data["features"]), float(data["baseline"]), trees)

    @classmethod
    def from_sklearn(cls, model: Any) -> TreePairModel:
        """Export a fitted binary ``HistGradientBoostingClassifier`` (numeric features only)."""
        trees = []
        for (pred,) in model._predictors:  # one predictor per iteration for a binary task
            nodes = pred.nodes
            trees.append((nodes["feature_idx"].astype(np.int64), nodes["num_threshold"].astype(np.float64),
                          nodes["left"].astype(np.int64), nodes["right"].astype(np.int64),
                          nodes["is_leaf"].astype(bool), nodes["value"].astype(np.float64)))
        return cls(TABLE_FEATURES, float(np.ravel(model._baseline_prediction)[0]), tuple(trees))

    def save(self, path: Path = MODEL_FILE) -> None:
        trees = [{"feature": f.tolist(), "threshold": [float(x) for x in t], "left": le.tolist(),
                  "right": r.tolist(), "leaf": leaf.astype(int).tolist(), "value": [round(float(v), 6) for v in v_]}
                 for f, t, le, r, leaf, v_ in self.trees]
        path.write_text(json.dumps({"features": list(self.features), "baseline": self.baseline, "trees": trees}))

    def predict(self, table: np.ndarray) -> np.ndarray:
        """Probability per row of a :func:`pair_table`."""
        raw = np.full(len(table), self.baseline, dtype=np.float64)
        every = np.arange(len(table))
        for feature, threshold, left, right, leaf, value in self.trees:
            node = np.zeros(len(table), dtype=np.int64)
            active = ~leaf[node]
            while active.any():
                at = node[active]
                go_left = table[every[active], feature[at]] <= threshold[at]
                node[active] = np.where(go_left, left[at], right[at])
                active = ~leaf[node]
            raw += value[node]
        return 1.0 / (1.0 + np.exp(-raw))

    def probabilities(self, mentions: Sequence[MentionInfo], vectors: np.ndarray,
                      surface_vectors: np.ndarray | None = None) -> np.ndarray:
        """``n x n`` symmetric probability that two mentions corefer (diagonal 1)."""
        n = len(mentions)
        out = np.eye(n, dtype=np.float64)
        if n > 1:
            rows, cols, table = pair_table(mentions, vectors, surface_vectors)
            p = self.predict(table)
            out[rows, cols] = p
            out[cols, rows] = p
        return out


def resolve_mentions(mentions: Sequence[MentionInfo], vectors: np.ndarray, *, threshold: float = 0.4,
                     pronoun_threshold: float = 0.5, weights: dict[str, float] | None = None,
                     surface_vectors: np.ndarray | None = None, model: TreePairModel | None = None,
                     probabilities: np.ndarray | None = None) -> list[int]:
    """A cluster number per mention.

    Pair probabilities come from the tree model (``model``, default :meth:`TreePairModel.load`),
    or from the linear model when ``weights`` are given, or are given whole as ``probabilities``
    (``n x n``, symmetric, diagonal 1; the benchmark's cross-validation). Names and common nouns: average-link
    clustering of the pair probabilities; two groups join while their mean pair probability is
    at least ``threshold``, never across coarse types. Pronouns then attach to the group of their
    most probable antecedent (a name or noun of the same document) when that probability is at
    least ``pronoun_threshold``; a pronoun's vector is mostly its sentence, so letting it pull
    whole groups together would mislead.
    """
    n = len(mentions)
    if n == 0:
        return []
    if probabilities is not None:  # already scored (the benchmark's cross-validation scores with sklearn)
        prob = np.asarray(probabilities, dtype=np.float64)
    elif weights is not None:
        prob = pair_probabilities(mentions, vectors, weights, surface_vectors)
        prob = (prob + prob.T) / 2
    else:
        prob = (model or TreePairModel.load()).probabilities(mentions, vectors, surface_vectors)
    labels = np.array([m.label for m in mentions])
    prob = np.where(labels[:, None] == labels[None, :], prob, 0.0)
    full = [i for i, m in enumerate(mentions) if m.kind != "pronoun"]
    out = [-1] * n
    if len(full) == 1:
        out[full[0]] = 1
    elif full:
        from scipy.cluster.hierarchy import fcluster, linkage
        from scipy.spatial.distance import squareform

        dist = 1.0 - prob[np.ix_(full, full)]
        np.fill_diagonal(dist, 0.0)
        tree = linkage(squareform(np.clip(dist, 0.0, 1.0), checks=False), method="average")
        for i, c in zip(full, fcluster(tree, t=1.0 - threshold, criterion="distance"), strict=True):
            out[i] = int(c)
    fresh = max(out) + 1
    for i, m in enumerate(mentions):
        if m.kind != "pronoun":
            continue
        cands = [j for j in full if mentions[j].doc == m.doc]
        best = max(cands, key=lambda j: prob[i, j], default=None)
        if best is not None and prob[i, best] >= pronoun_threshold:
            out[i] = out[best]
        else:
            out[i] = fresh
            fresh += 1
    return out


def __getattr__(name: str) -> Any:
    """The namesake linker lives in :mod:`storyline.read.coref_namesakes`; importers reach it here too."""
    if name in {"NamesakeLinker", "NameContext"}:
        from . import coref_namesakes

        return getattr(coref_namesakes, name)
    raise AttributeError(name)
