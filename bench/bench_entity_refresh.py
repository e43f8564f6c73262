"""The store-wide entity refresh on an existing store: wall and CPU time, namesake questions, a second refresh.

    .venv/bin/python -m bench.bench_entity_refresh --db /tmp/tp/store.db

Any store a run left works, e.g. the one ``bench.throughput --keep-db`` (or a ``storyline ingest``) wrote. The
store is only read: the refresh runs against a copy of a SQLite file (``--in-place`` writes the entities to the
store itself). Reports how many lone surnames several stored people share (``questions``), how many of them the
story rule settled and how many went to the MiniLM namesake linker, then times a second refresh with the linker's
answers remembered (what every later ``process`` call pays).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from storyline.read.catalog import refresh_entities
from storyline.read.coref import NamesakeLinker
from storyline.read.entities import resolve_local_entities
from storyline.store import open_store


def count_questions(store) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Shared lone surnames with and without the stories (no model: the chooser only records)."""
    entities = store.local_entities()
    story_of = {aid: a.story_id for aid, a in store.assignments().items()}
    counts = {}
    for name, stories in (("without_stories", None), ("with_stories", story_of)):
        asked: list[object] = []
        resolve_local_entities(entities, namesakes=lambda lone, c, asked=asked: asked.append(lone), story_of=stories)
        counts[name] = len(asked)
    return counts


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="a SQLite store path (or a PostgreSQL URL with --in-place)")
    ap.add_argument("--in-place", action="store_true", help="refresh the store itself, not a copy")
    ap.add_argument("--json", help="write the figures here too")
    args = ap.parse_args(argv)
    url = args.db
    if not args.in_place:
        if not Path(args.db).is_file():
            print(f"no SQLite store at {args.db}: give --db a store a run left", file=sys.stderr)
            return 2
        url = str(Path(tempfile.mkdtemp(prefix="entref-")) / "store.db")
        shutil.copyfile(args.db, url)
    store = open_store(url)
    try:
        out: dict[str, object] = {"articles": len(store.local_entities()), **count_questions(store)}
        linker = NamesakeLinker(contexts=None)
        for run in ("first", "again"):
            wall, cpu = time.perf_counter(), time.process_time()
            entities = refresh_entities(store, linker=linker)
            out[f"{run}_wall_s"] = round(time.perf_counter() - wall, 2)
            out[f"{run}_cpu_s"] = round(time.process_time() - cpu, 2)
        out |= {"entities": len(entities), "linker_decisions": linker.decided,
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "command": "python -m bench.bench_entity_refresh " + " ".join(argv)}
    finally:
        store.close()
    print(json.dumps(out, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
