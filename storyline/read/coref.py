"""Mention-level coreference beyond names: contextual span vectors, pair scores, clustering.

The name rules of :mod:`storyline.read.entities` link "Raj Chohan" to "Chohan" but cannot tell that
"the woman" in one article and "the victim" in another are the same person, or which "he" is whom.
Three pieces help with that:

* :class:`MiniLMSpanEncoder` embeds a mention *in its sentence*: the sentence goes through
  all-MiniLM-L6-v2 and the vectors of the word pieces inside the mention are averaged. Two
  mentions of one person get close vectors when their contexts agree, even when their words differ.
* :func:`pair_probabilities` scores every mention pair with a small logistic regression
  (:data:`PAIR_WEIGHTS`, fit on the ECB+ train topics) over what the rules decided (the rule
  cluster), head lemma, surface, type, distance, and the two cosines per kind of pair.
* :func:`resolve_mentions` clusters names and common nouns by average link over those scores and
  attaches each pronoun to its most probable antecedent in its document.

All of it works on plain spans and vectors, so the benchmark and a store-wide resolver use it alike.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ModelError


def _unit(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class MiniLMSpanEncoder:
    """Contextual vectors of character spans, from all-MiniLM-L6-v2 (packaged weights, no download).

    ``encode(contexts, spans)``: ``contexts[i]`` is the text around mention ``i`` (its sentence) and
    ``spans[i]`` the mention's ``(start, end)`` inside that text. The result rows are unit length.
    """

    name = "all-MiniLM-L6-v2/span-mean"
    dim = 384

    def __init__(self, *, batch_size: int = 32) -> None:
        self.batch_size = batch_size
        self._model: Any = None
        self._tokenizer: Any = None

    def warm_up(self) -> None:
        if self._model is not None:
            return
        from ..embed import load_minilm

        st = load_minilm()
        self._model = st[0].auto_model.eval()
        self._tokenizer = st[0].tokenizer

    def encode(self, contexts: Sequence[str], spans: Sequence[tuple[int, int]]) -> np.ndarray:
        if len(contexts) != len(spans):
            raise ModelError("one span per context is needed", item=self.name)
        if not contexts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.warm_up()
        import torch

        # one forward pass per distinct context: a sentence with five mentions is read once
        unique = list(dict.fromkeys(contexts))
        where = {c: i for i, c in enumerate(unique)}
        out = np.zeros((len(contexts), self.dim), dtype=np.float32)
        wanted: dict[int, list[int]] = {}
        for n, c in enumerate(contexts):
            wanted.setdefault(where[c], []).append(n)
        for b in range(0, len(unique), self.batch_size):
            chunk = unique[b : b + self.batch_size]
            enc = self._tokenizer(chunk, return_offsets_mapping=True, padding=True, truncation=True,
                                  max_length=256, return_tensors="pt")
            offsets = enc.pop("offset_mapping").numpy()
            with torch.inference_mode():
                hidden = self._model(**enc).last_hidden_state.numpy()
            mask = enc["attention_mask"].numpy().astype(bool)
            for k in range(len(chunk)):
                for n in wanted[b + k]:
                    s, e = spans[n]
                    offs = offsets[k]
                    inside = mask[k] & (offs[:, 1] > offs[:, 0]) & (offs[:, 0] < e) & (offs[:, 1] > s)
                    rows = hidden[k][inside] if inside.any() else hidden[k][mask[k]]
                    out[n] = rows.mean(axis=0)
        return _unit(out)


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
    # for a pronoun: how many same-type non-pronoun mentions of its document lie between it and the other one
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
    """``n x n`` probability that two mentions corefer."""
    w = weights if weights is not None else PAIR_WEIGHTS
    if not w:
        raise ModelError("no pair weights", item="coref", hint="fit them with python -m bench.bench_entity_coref --fit")
    vec = np.array([w.get(name, 0.0) for name in feature_names()], dtype=np.float32)
    logits = pair_features(mentions, vectors, surface_vectors) @ vec
    return 1.0 / (1.0 + np.exp(-logits))


def resolve_mentions(mentions: Sequence[MentionInfo], vectors: np.ndarray, *, threshold: float = 0.5,
                     pronoun_threshold: float = 0.5, weights: dict[str, float] | None = None,
                     surface_vectors: np.ndarray | None = None) -> list[int]:
    """A cluster number per mention.

    Names and common nouns: average-link clustering of the pair probabilities; two groups join
    while their mean pair probability is at least ``threshold``, never across coarse types.
    Pronouns then attach to the group of their most probable antecedent (a name or noun of the
    same document) when that probability is at least ``pronoun_threshold``; a pronoun's vector is
    mostly its sentence, so letting it pull whole groups together would mislead.
    """
    n = len(mentions)
    if n == 0:
        return []
    prob = pair_probabilities(mentions, vectors, weights, surface_vectors)
    labels = np.array([m.label for m in mentions])
    prob = np.where(labels[:, None] == labels[None, :], (prob + prob.T) / 2, 0.0)
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
