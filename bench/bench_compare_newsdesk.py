"""Re-run only the comparison on a kept newsdesk database, export, and score (fast iteration on compare/).

    python -m bench.bench_newsdesk --keep DIR            # once: ingest, process, export, score
    python -m bench.bench_compare_newsdesk DIR [--corpus newsdesk] [--json]

Reopens ``DIR/<corpus>.db``, analyses every live story again with the current code (facts, conflicts, quote
groups, timeline and the checked brief, through :func:`storyline.brief.analyse_and_store`), exports with the CLI
and scores the export with the shared scorer, run unchanged in its own process. Prints the scorer's line, and the
time the analyses took (CPU seconds of this process).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from .bench_newsdesk import _cli, corpus_paths
from .datasets import skip_if_missing


def reanalyse(db: Path) -> tuple[int, int, float]:
    """(stories analysed, briefs that failed their check, CPU seconds) for every live story of ``db``."""
    from storyline.brief import analyse_and_store
    from storyline.compare import CachingEmbedder, analysis_tools
    from storyline.embed import MiniLMEmbedder, sentence_embedder
    from storyline.errors import StorylineError
    from storyline.store.base import open_store

    store = open_store(f"sqlite:///{db}")
    embedder = CachingEmbedder(sentence_embedder(MiniLMEmbedder()))
    embedder.warm_up()
    tools = analysis_tools()
    began = time.process_time()
    done = failed = 0
    for story in store.stories():
        try:
            analyse_and_store(store, story.id, embedder, **tools)
        except StorylineError:
            failed += 1  # the story documents are stored before the brief is checked
        done += 1
    return done, failed, time.process_time() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path, help="the folder given to bench.bench_newsdesk --keep")
    parser.add_argument("--corpus", default="newsdesk")
    parser.add_argument("--json", action="store_true", help="print the scorer's JSON figures")
    args = parser.parse_args()
    _, truth, scorer = corpus_paths(args.corpus)
    base = Path(args.corpus).name  # "bench/heldout/h1" keeps "h1.db", as bench_newsdesk --keep names it
    db, export = args.dir / f"{base}.db", args.dir / f"{base}-export.json"
    stories, failed, cpu = reanalyse(db)
    exported = _cli("export", "--format", "json", "-o", str(export), "--db", str(db))
    if exported.returncode != 0:
        raise RuntimeError(f"export failed ({exported.returncode}):\n{exported.stderr[-3000:]}")
    flags = ["--json"] if args.json else []
    scored = subprocess.run([sys.executable, str(scorer), str(export), str(truth), *flags],
                            capture_output=True, text=True, check=True)
    print(scored.stdout.strip())
    print(f"{stories} stories analysed ({failed} briefs failed their check) in {cpu:.1f} CPU s")
    return 0


if __name__ == "__main__":
    sys.exit(skip_if_missing(main)() or 0)
