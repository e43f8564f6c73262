"""Re-cluster (and re-detect copies in) a database kept by ``bench_newsdesk --keep`` in seconds.

    python -m bench.story_replay DIR [--corpus newsdesk] [--copies]

Reads the stored articles (ingest order), vectors and readings of ``DIR/<corpus>.db``, runs a fresh
:class:`StoryIndex` over them the way the runner does (one article at a time, a regroup every 10 arrivals and
once at the end) and scores the partition with the same B-cubed as the shared scorer, on the corpus' truth.
With ``--copies`` it also re-runs copy detection and scores (copy, origin) pairs. Story decisions that keep
same-kind events apart are printed for the stories the truth pairs. Tuning aid only: the figure that counts is
``bench.bench_newsdesk`` (ingest through the CLI, export, the shared scorer).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from storyline.cluster import ClusterStage, StoryIndex, features_for
from storyline.copies import CopyIndex
from storyline.embed import MiniLMEmbedder
from storyline.pipeline import Batch
from storyline.store.sqlite import SQLiteStore

from .bench_newsdesk import corpus_paths


def b3(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    pc: dict[str, set[str]] = defaultdict(set)
    gc: dict[str, set[str]] = defaultdict(set)
    for i in gold:
        pc[pred.get(i, "alone:" + i)].add(i)
        gc[gold[i]].add(i)
    p = sum(len(pc[pred.get(i, "alone:" + i)] & gc[gold[i]]) / len(pc[pred.get(i, "alone:" + i)]) for i in gold) / len(gold)
    r = sum(len(pc[pred.get(i, "alone:" + i)] & gc[gold[i]]) / len(gc[gold[i]]) for i in gold) / len(gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--corpus", default="newsdesk")
    ap.add_argument("--copies", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    _, truth_path, _ = corpus_paths(args.corpus)
    truth = json.loads(truth_path.read_text())
    store = SQLiteStore(args.dir / f"{args.corpus}.db")
    articles = list(store.iter_articles())
    ext = {a.id: a.external_id or a.id for a in articles}
    model = MiniLMEmbedder().name
    vectors = store.get_embeddings(model, [a.id for a in articles])
    readings = store.readings([a.id for a in articles])
    gold = {aid: s["id"] for s in truth["stories"] for aid in s["articles"]}
    if args.copies:
        index = CopyIndex()
        pred_pairs = set()
        links = {}
        for a in articles:
            for link in index.add(a, vectors.get(a.id)):
                links[link.article_id] = link
        for link in links.values():
            pred_pairs.add((ext[link.article_id], ext[link.copy_of] if link.copy_of else None))
        gold_pairs = {(d["article"], d["copy_of"]) for d in truth["duplicates"]}
        tp = len(gold_pairs & pred_pairs)
        print(f"copies: {tp} right of {len(pred_pairs)} reported, {len(gold_pairs)} true; "
              f"P {tp / max(1, len(pred_pairs)):.2f} R {tp / len(gold_pairs):.2f}")
        for pair in sorted(gold_pairs - pred_pairs):
            print("  missed", pair)
        for pair in sorted(pred_pairs - gold_pairs):
            link = next(v for v in links.values() if ext[v.article_id] == pair[0])
            print("  wrong ", pair, link.kind, link.reason[:160])
    stage = ClusterStage(StoryIndex(384), consolidate_every=10)
    for a in articles:
        if a.id in vectors:
            stage.run(Batch(articles=(a,), embeddings={a.id: vectors[a.id]}, readings={a.id: readings[a.id]} if a.id in readings else {}))
    stage.index.tidy(set(stage.index.touched))
    pred = {ext[aid]: stage.index.resolve(sid) for aid, sid in stage.index.story_of.items()}
    p, r, f = b3(pred, gold)
    print(f"stories B3 {p:.3f}/{r:.3f}/{f:.3f} ({len(set(pred.values()))} for {len(set(gold.values()))})")
    if args.verbose:
        for a in articles:
            feats = features_for(a, readings.get(a.id), stage.gazetteer)
            print(ext[a.id], gold.get(ext[a.id]), pred.get(ext[a.id], "")[:8], feats.day, feats.day_source,
                  sorted(feats.places), feats.event)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
