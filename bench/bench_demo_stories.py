"""Stories and copies on the built-in demo corpus against storyline/demo/ground_truth.json.

    .venv/bin/python -m bench.bench_demo_stories

Ingests the corpus into a fresh temporary database, runs the local runner (every stage, real models) and
compares: story partition (exact match wanted), copies and rewrites with their origin (precision/recall).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from storyline import workflow
from storyline.config import load_settings
from storyline.runners.local import LocalRunner
from storyline.store import open_store

GROUND_TRUTH = Path(__file__).resolve().parents[1] / "storyline" / "demo" / "ground_truth.json"


def evaluate(db: str | None = None) -> dict[str, object]:
    from storyline.demo import corpus_dir

    if not GROUND_TRUTH.exists():
        print(f"SKIP: {GROUND_TRUTH} not found", file=sys.stderr)
        return {}
    truth = json.loads(GROUND_TRUTH.read_text("utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        path = db or str(Path(tmp) / "demo.db")
        settings = load_settings(db=path)
        with open_store(path) as store:
            workflow.ingest(store, [str(corpus_dir())], settings)
            began = time.perf_counter()
            LocalRunner(store, settings).process()
            seconds = time.perf_counter() - began
            articles = store.articles()
            by_url = {a.url: a for a in articles}
            url_of = {a.id: a.url for a in articles}
            assignments = store.assignments()
            links = store.copies()
            stories = {s.id: s for s in store.stories()}

    # stories: the predicted partition of the ground-truth URLs must equal the true one
    gold_groups: dict[str, set[str]] = defaultdict(set)
    pred_groups: dict[str, set[str]] = defaultdict(set)
    missing = []
    for url, info in truth["articles"].items():
        gold_groups[info["story"]].add(url)
        art = by_url.get(url)
        if art is None or art.id not in assignments:
            missing.append(url)
            continue
        pred_groups[assignments[art.id].story_id].add(url)
    gold_set = {frozenset(g) for g in gold_groups.values()}
    pred_set = {frozenset(g) for g in pred_groups.values()}
    exact = sum(1 for g in gold_set if g in pred_set)

    # copies: (copy url, origin url, kind) triples
    gold_copies = {(c["url"], c["origin_url"], c["kind"]) for c in truth.get("copies", [])}
    pred_copies = set()
    for link in links:
        origin = url_of.get(link.copy_of) if link.copy_of else link.credited_url
        pred_copies.add((url_of.get(link.article_id), origin, link.kind))
    hit = gold_copies & pred_copies
    precision = len(hit) / len(pred_copies) if pred_copies else 1.0
    recall = len(hit) / len(gold_copies) if gold_copies else 1.0
    origin_hits = [s.independent_origins == len(gold_groups_for(s, url_of, truth)) for s in stories.values()]
    origins_ok = all(origin_hits)
    result = {
        "articles": len(truth["articles"]),
        "stories_gold": len(gold_set),
        "stories_found": len(pred_set),
        "stories_exact": exact,
        "stories_all_exact": gold_set == pred_set and not missing,
        "copies_precision": precision,
        "copies_recall": recall,
        "independent_origins_ok": origins_ok,
        "independent_origins_share": sum(origin_hits) / len(origin_hits) if origin_hits else 0.0,
        "seconds": seconds,
    }
    print(f"demo: {len(truth['articles'])} articles, {len(gold_set)} true stories, {len(pred_set)} found, "
          f"{exact} exactly right{'; missing ' + str(missing) if missing else ''}")  # fmt: skip
    for g in pred_set - gold_set:
        print("  wrong story:", sorted(truth["articles"][u]["story"] + " " + u.split("/")[2] for u in g))
    print(f"copies: precision {precision:.2f} recall {recall:.2f} ({len(hit)}/{len(gold_copies)} right, {len(pred_copies)} found)")
    for c in sorted(gold_copies - pred_copies, key=str):
        print("  missed:", c)
    for c in sorted(pred_copies - gold_copies, key=str):
        print("  extra: ", c)
    print(f"independent origins match the ground truth in {sum(origin_hits)}/{len(origin_hits)} stories; "
          f"pipeline {seconds:.1f}s")
    return result


def gold_groups_for(story, url_of, truth) -> set[str]:  # type: ignore[no-untyped-def]
    """True independent origins of a story's members: members minus those the truth lists as copies."""
    copies = {c["url"] for c in truth.get("copies", [])}
    origin_of = {c["url"]: c["origin_url"] for c in truth.get("copies", [])}
    members = {url_of.get(a) for a in story.article_ids}
    roots = set()
    for url in members:
        roots.add(origin_of[url] if url in copies else url)
    return roots


if __name__ == "__main__":
    evaluate()
