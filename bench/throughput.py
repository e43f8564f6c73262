"""End-to-end and per-stage throughput of the local runner, with peak memory.

    python -m bench.throughput --n 500            # ECB+-based synthetic ~600-word articles
    python -m bench.throughput --n 5000 --words 600

Ingest is timed through the library (store writes included); processing through
:class:`storyline.runners.local.LocalRunner`, whose report carries per-stage seconds.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from storyline.config import load_settings
from storyline.runners.local import LocalRunner
from storyline.store import open_store

from .datasets import skip_if_missing
from .synth import synthetic_articles


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    articles = synthetic_articles(args.n, words=args.words)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        settings = load_settings(db=db, env={})
        store = open_store(db)
        t0 = time.perf_counter()
        store.add_articles(articles)
        t_store = time.perf_counter() - t0
        runner = LocalRunner(store, settings, batch_size=args.batch)
        t0 = time.perf_counter()
        report = runner.process()
        t_process = time.perf_counter() - t0
        store.close()
    figures: dict[str, object] = {
        "articles": args.n,
        "words_per_article": args.words,
        "store_articles_per_s": round(args.n / t_store, 1),
        "process_articles_per_s": round(args.n / t_process, 2),
        "process_seconds": round(t_process, 2),
        "stage_articles_per_s": {k: round(args.n / v, 1) for k, v in report.stage_seconds.items() if v > 0},
        "stage_seconds": {k: round(v, 2) for k, v in report.stage_seconds.items()},
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    skip_if_missing(main)()
