"""newsdesk end to end, as a user would run it, scored by the shared scorer.

    python -m bench.bench_newsdesk [--keep DIR] [--corpus newsdesk]

A fresh SQLite database; ``storyline ingest ../shared/datasets/newsdesk/articles.jsonl``; ``storyline export
--format json``; ``../shared/eval/score.py EXPORT TRUTH --json`` (run unchanged, in its own process). Prints the
scorer's one-line summary and saves the figures to ``bench/results/newsdesk.json`` (and the export beside it with
``--keep``). Skips with a clear message when the corpus or the scorer is absent.

``--corpus NAME`` scores any corpus laid out like newsdesk (``articles.jsonl`` + ``truth.json``): a folder under
../shared/datasets, or a path to a folder (the check corpora in ``bench/heldout/``, see its README).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .datasets import DatasetMissing, datasets_dir, shared_dir, skip_if_missing

RESULTS = Path(__file__).resolve().parent / "results"


def corpus_paths(name: str = "newsdesk") -> tuple[Path, Path, Path]:
    """(articles.jsonl, truth.json, score.py) of a corpus, or :class:`DatasetMissing`."""
    folder = Path(name) if "/" in name else datasets_dir() / name
    articles, truth = folder / "articles.jsonl", folder / "truth.json"
    scorer = shared_dir() / "eval" / "score.py"
    for path in (articles, truth, scorer):
        if not path.exists():
            raise DatasetMissing(f"{path} not found")
    return articles, truth, scorer


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the storyline CLI in its own process, as a user would."""
    return subprocess.run([sys.executable, "-m", "storyline.cli", *args], capture_output=True, text=True)


def run(name: str = "newsdesk", keep: Path | None = None) -> dict[str, Any]:
    """Ingest, export and score one corpus; the scorer's figures plus timings and the ingest exit status."""
    articles, truth, scorer = corpus_paths(name)
    with tempfile.TemporaryDirectory() as tmp:
        work = keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        base = Path(name).name
        db, export = work / f"{base}.db", work / f"{base}-export.json"
        for stale in (db, export):
            stale.unlink(missing_ok=True)
        began = time.perf_counter()
        ingested = _cli("ingest", str(articles), "--db", str(db))
        ingest_s = time.perf_counter() - began
        if ingested.returncode not in (0, 1):  # 1 = some inputs skipped; anything else is a failure
            raise RuntimeError(f"ingest failed ({ingested.returncode}):\n{ingested.stderr[-3000:]}")
        exported = _cli("export", "--format", "json", "-o", str(export), "--db", str(db))
        if exported.returncode != 0:
            raise RuntimeError(f"export failed ({exported.returncode}):\n{exported.stderr[-3000:]}")
        scored = subprocess.run([sys.executable, str(scorer), str(export), str(truth), "--json"],
                                capture_output=True, text=True, check=True)
        summary = subprocess.run([sys.executable, str(scorer), str(export), str(truth)],
                                 capture_output=True, text=True, check=True)
    figures: dict[str, Any] = json.loads(scored.stdout)
    figures["summary"] = summary.stdout.strip()
    figures["ingest_seconds"] = round(ingest_s, 1)
    figures["ingest_exit"] = ingested.returncode
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="newsdesk",
                        help="folder under ../shared/datasets (default newsdesk), or a path to a corpus folder")
    parser.add_argument("--keep", type=Path, help="keep the database and the export in this folder")
    args = parser.parse_args()
    figures = run(args.corpus, args.keep)
    name = Path(args.corpus).name
    print(figures["summary"])
    print(f"ingest + processing: {figures['ingest_seconds']} s (exit {figures['ingest_exit']})")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{name}.json"
    out.write_text(json.dumps(figures, indent=1))
    print(f"figures saved to {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(skip_if_missing(main)() or 0)
