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

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
import json
import re
from pathlib import Path
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

    def __init__(self, *, batch_size: int = 32, loader: Callable[[], Any] | None = None) -> None:
        """``loader`` returns a loaded sentence-transformers MiniLM to share (e.g.
        :meth:`storyline.embed.MiniLMEmbedder.sentence_transformer`); by default this encoder loads its own."""
        self.batch_size = batch_size
        self._loader = loader
        self._model: Any = None
        self._tokenizer: Any = None

    def warm_up(self) -> None:
        if self._model is not None:
            return
        from ..embed import load_minilm

        st = (self._loader or load_minilm)()
        self._model = st[0].auto_model.eval()
        self._tokenizer = st[0].tokenizer

    def encode(self, contexts: Sequence[str], spans: Sequence[tuple[int, int]]) -> np.ndarray:
        return self.encode_span_and_rest(contexts, spans)[0]

    def encode_span_and_rest(self, contexts: Sequence[str], spans: Sequence[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
        """Per mention, two unit vectors from one forward pass over its context: the mean of the word
        pieces inside the span (the mention in context) and of those outside it (what the context says
        around the mention; the name's own pieces left out, so two namesakes' sentences can differ)."""
        if len(contexts) != len(spans):
            raise ModelError("one span per context is needed", item=self.name)
        if not contexts:
            empty = np.zeros((0, self.dim), dtype=np.float32)
            return empty, empty
        self.warm_up()
        import torch

        # one forward pass per distinct context: a sentence with five mentions is read once
        unique = list(dict.fromkeys(contexts))
        where = {c: i for i, c in enumerate(unique)}
        out = np.zeros((len(contexts), self.dim), dtype=np.float32)
        rest = np.zeros((len(contexts), self.dim), dtype=np.float32)
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
                offs = offsets[k]
                words = mask[k] & (offs[:, 1] > offs[:, 0])
                for n in wanted[b + k]:
                    s, e = spans[n]
                    inside = words & (offs[:, 0] < e) & (offs[:, 1] > s)
                    outside = words & ~inside
                    out[n] = (hidden[k][inside] if inside.any() else hidden[k][mask[k]]).mean(axis=0)
                    rest[n] = (hidden[k][outside] if outside.any() else hidden[k][mask[k]]).mean(axis=0)
        return _unit(out), _unit(rest)

    def encode_whole(self, texts: Sequence[str]) -> np.ndarray:
        """Each text on its own, mean of all its word pieces: the sentence-transformers vector of the
        text (what :class:`storyline.embed.MiniLMEmbedder` gives), without loading the model twice."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.warm_up()
        import torch

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for b in range(0, len(texts), self.batch_size):
            enc = self._tokenizer(list(texts[b : b + self.batch_size]), padding=True, truncation=True, max_length=128,
                                  return_tensors="pt")
            with torch.inference_mode():
                hidden = self._model(**enc).last_hidden_state.numpy()
            mask = enc["attention_mask"].numpy().astype(np.float32)[..., None]
            out[b : b + len(hidden)] = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1.0)
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


# ------------------------------------------------------------------ store-wide use: which namesake is meant


@dataclass(frozen=True, slots=True)
class NameContext:
    """One mention of a name in an article: its sentence and where the name sits in it."""

    article_id: str
    sentence: str
    start: int  # of the name inside ``sentence``
    end: int
    sentence_index: int = 0


def _entity_key(member: tuple[str, Any]) -> tuple[str, Any]:
    """(article id, local entity key): what a namesake question is about, hashable."""
    article_id, entity = member
    return article_id, getattr(entity, "key", entity)


class NamesakeLinker:
    """Decides which of several people sharing a surname a lone "Mr. Dmitriev" of another article is.

    The store-wide resolver (:func:`storyline.read.entities.resolve_entities`) joins a lone surname
    to the only full-name person with that surname; with two or more ("Kirill Dmitriev" the fund
    chief, "Ivan Dmitriev" the goalkeeper) it asks this linker, in two steps:

    1. *can it be them?* Each side's mentions become :class:`MentionInfo` records (MiniLM vectors
       of the mention in its sentence and of its own words) and the tree pair model scores every
       lone-candidate pair; a candidate whose mean probability (average link, as in
       :func:`resolve_mentions`) is under ``threshold`` is out.
    2. *which one?* The name's vector in its sentence is mostly the name itself, so it cannot
       tell two Dmitrievs apart; what was said around the name can. The mean of the sentence's
       other word pieces (same forward pass) stands for that, and the remaining candidate whose sentences are closest to the
       lone surname's wins if it beats the runner-up by ``margin`` in cosine; otherwise the
       surname stays on its own (a wrong merge is worse than a missed one).

    ``contexts(article_id, entity)`` gives the mentions of a local entity (at most ``per_entity``
    of each side's are read). The model is loaded on the first ambiguous surname only, so a store
    without namesakes pays nothing.

    The store-wide refresh runs after every batch and asks the same questions again, so one linker
    is meant to live as long as its runner (:meth:`rebind` points it at the current store's
    contexts): decisions are remembered per (lone surname, candidates) and every MiniLM vector per
    text, so a question already answered costs a dictionary lookup and a new one only encodes the
    sentences it has not seen. Article ids are content hashes, so a remembered answer cannot go stale.
    """

    def __init__(self, contexts: Any, *, threshold: float = 0.4, margin: float = 0.03, per_entity: int = 6,
                 model: TreePairModel | None = None, encoder: MiniLMSpanEncoder | None = None) -> None:
        self.contexts = contexts
        self.threshold = threshold
        self.margin = margin
        self.per_entity = per_entity
        self._model = model
        self._encoder = encoder
        self.calls = 0  # questions asked
        self.decided = 0  # questions that needed the models (the rest were remembered)
        self._decisions: dict[tuple[Any, ...], int | None] = {}
        self._span_vectors: dict[tuple[str, int, int], tuple[np.ndarray, np.ndarray]] = {}  # (mention, rest)
        self._whole_vectors: dict[str, np.ndarray] = {}

    def rebind(self, contexts: Any) -> NamesakeLinker:
        """Point the linker at a new ``contexts`` (the next refresh) keeping what it remembers."""
        self.contexts = contexts
        return self

    def _span(self, contexts: Sequence[NameContext]) -> tuple[np.ndarray, np.ndarray]:
        """The mentions' vectors in their sentences and their sentences' other words, one pass each."""
        todo = list(dict.fromkeys((c.sentence, c.start, c.end) for c in contexts
                                  if (c.sentence, c.start, c.end) not in self._span_vectors))
        todo.sort(key=lambda t: len(t[0]))  # batches of like lengths: less padding to encode
        if todo:
            mention, rest = self._encoder.encode_span_and_rest([t[0] for t in todo], [(t[1], t[2]) for t in todo])
            self._span_vectors.update(zip(todo, zip(mention, rest, strict=True), strict=True))
        pairs = [self._span_vectors[(c.sentence, c.start, c.end)] for c in contexts]
        return np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs])

    def _whole(self, texts: Sequence[str]) -> np.ndarray:
        todo = sorted((t for t in dict.fromkeys(texts) if t not in self._whole_vectors), key=len)
        if todo:
            self._whole_vectors.update(zip(todo, self._encoder.encode_whole(todo), strict=True))
        return np.stack([self._whole_vectors[t] for t in texts])

    def _infos(self, group: Hashable, items: Sequence[NameContext], head: str) -> list[MentionInfo]:
        return [MentionInfo(doc=c.article_id, sentence=c.sentence_index, kind="name", label="PERSON", head=head,
                            surface=c.sentence[c.start : c.end].lower(), rule_cluster=group, start=c.start)
                for c in items]

    def __call__(self, lone: tuple[str, Any], candidates: Sequence[Sequence[tuple[str, Any]]]) -> int | None:
        self.calls += 1
        key = self._key(lone, candidates)
        if key not in self._decisions:
            self._decisions[key] = self._decide(lone, candidates)
        return self._decisions[key]

    @staticmethod
    def _key(lone: tuple[str, Any], candidates: Sequence[Sequence[tuple[str, Any]]]) -> tuple[Any, ...]:
        """The question: the lone surname and each candidate by its first member (article ids are
        content hashes), so a candidate that gained articles since is still the same question."""
        return _entity_key(lone), tuple(min(_entity_key(m) for m in members) for members in candidates)

    def _sample(self, members: Sequence[tuple[str, Any]]) -> list[NameContext]:
        """Up to ``per_entity`` mentions of a candidate, from its members in the order given (the
        resolver puts those in the lone surname's story first); only as many articles are read as
        that takes."""
        out: list[NameContext] = []
        for aid, ent in members:
            out.extend(self.contexts(aid, ent))
            if len(out) >= self.per_entity:
                break
        return out[: self.per_entity]

    def _question(self, lone: tuple[str, Any], candidates: Sequence[Sequence[tuple[str, Any]]]
                  ) -> tuple[list[NameContext], list[list[NameContext]]]:
        return list(self.contexts(*lone))[: self.per_entity], [self._sample(members) for members in candidates]

    def prefetch(self, questions: Sequence[tuple[tuple[str, Any], Sequence[Sequence[tuple[str, Any]]]]]) -> None:
        """Encode, in large batches, every text the new ones among ``questions`` will need.

        :func:`storyline.read.entities.resolve_local_entities` hands over all its questions first;
        encoding them together instead of one small batch per question is what keeps a store-wide
        refresh of thousands of articles in seconds rather than minutes.
        """
        new = [q for q in questions if self._key(*q) not in self._decisions]
        if not new:
            return
        load = getattr(self.contexts, "load", None)
        if load is not None:  # read every article involved in one go
            needed = set()
            for (aid, _), candidates in new:
                needed.add(aid)
                for members in candidates:
                    needed.update(a for a, _ in members[: self.per_entity])
            load(sorted(needed))
        contexts: list[NameContext] = []
        for lone, candidates in new:
            mine, theirs = self._question(lone, candidates)
            contexts += mine + [c for items in theirs for c in items]
        if not contexts:
            return
        self._encoder = self._encoder or MiniLMSpanEncoder()
        self._span(contexts)
        self._whole([c.sentence[c.start : c.end].lower() for c in contexts])

    def _decide(self, lone: tuple[str, Any], candidates: Sequence[Sequence[tuple[str, Any]]]) -> int | None:
        self.decided += 1
        mine, theirs = self._question(lone, candidates)
        if not mine or not all(theirs):
            return None
        head = mine[0].sentence[mine[0].start : mine[0].end].split()[-1].lower().strip(".,'’s")
        infos = self._infos("lone", mine, head)
        owner = [-1] * len(mine)
        for k, items in enumerate(theirs):
            infos += self._infos(("candidate", k), items, head)
            owner += [k] * len(items)
        contexts = [c for items in (mine, *theirs) for c in items]
        self._encoder = self._encoder or MiniLMSpanEncoder()
        self._model = self._model or TreePairModel.load()
        vectors, said = self._span(contexts)
        surfaces = self._whole([m.surface for m in infos])
        prob = self._model.probabilities(infos, vectors, surfaces)
        own = np.array(owner)
        lone_said = _unit(said[own == -1].mean(axis=0, keepdims=True))[0]
        able = [k for k in range(len(theirs)) if prob[np.ix_(own == -1, own == k)].mean() >= self.threshold]
        closeness = {k: float(_unit(said[own == k].mean(axis=0, keepdims=True))[0] @ lone_said) for k in able}
        ranked = sorted(able, key=lambda k: -closeness[k])
        if not ranked:
            return None
        if len(ranked) > 1 and closeness[ranked[0]] - closeness[ranked[1]] < self.margin:
            return None
        return ranked[0]
