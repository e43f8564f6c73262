"""Kill -9 at many points of ``storyline ingest`` and check that one more ``ingest`` of the same input repairs all.

    python -m bench.bench_faults                       # 300 ECB+ articles, SQLite, and PostgreSQL when configured
    python -m bench.bench_faults --n 120 --backend sqlite
    python -m bench.bench_faults --pg postgresql://user@host:port/db

For each backend: one uninterrupted ``storyline ingest`` of the input into a fresh database (the reference); then,
for each kill point, a fresh database, an ``ingest`` that kills itself at that point (``STORYLINE_FAULT_AFTER``, a
real SIGKILL: see storyline/runners/faults.py), and one more plain ``ingest`` of the same input. Each row says
whether every article ended in exactly one live story with no assignment naming a missing story, no duplicate,
no stale work left, entities present, and the same partition of articles into stories as the reference.
Exits non-zero when any row fails. The input is written as JSONL from ECB+ (``../shared``, arrival order of
``bench.datasets.shuffled``); the real models run (spaCy, MiniLM).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .datasets import load_ecbplus, shuffled, skip_if_missing

PG_ENV = "STORYLINE_TEST_PG_URL"

BATCH = 32  # articles per batch (STORYLINE_PROCESS_BATCH): 300 articles make 10 batches
CHUNK = 200  # articles per stored ingest chunk (storyline.workflow.ingest)


def points_for(n: int) -> tuple[str, ...]:
    """At least ten kill points spread over a run of ``n`` articles, in the order a run reaches them
    (storyline/runners/faults.py): after each stored ingest chunk, in and between early, middle and last batches,
    after the end-of-run consolidation and after the entity refresh."""
    batches = max(1, -(-n // BATCH))
    chunks = max(1, -(-n // CHUNK))
    mid, last = max(1, batches // 2), batches
    points = [f"ingest-chunk:{c}" for c in range(1, chunks + 1)]
    points += ["models:1", "batch-write:1", "batch:1", f"models:{mid}", f"batch-write:{mid}", f"batch:{mid}",
               f"batch-write:{last}", f"batch:{last}", "tidy:1", "entities:1"]  # fmt: skip
    return tuple(dict.fromkeys(points))


@dataclass(frozen=True)
class Outcome:
    point: str
    killed: bool  # the process died by SIGKILL at the point (False: the point was never reached)
    problems: tuple[str, ...]
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.problems


def write_input(n: int, folder: Path) -> Path:
    """``n`` ECB+ documents as a JSONL input (one record per document)."""
    docs = shuffled(load_ecbplus("all"))[:n]
    path = folder / "ecb.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for k, doc in enumerate(docs):
            title = doc.text.strip().split("\n", 1)[0][:120]
            record = {"id": doc.doc_id, "title": title, "text": doc.text, "url": doc.url or f"https://ecb.example/{k}",
                      "outlet": f"outlet-{k % 7}"}  # fmt: skip
            fh.write(json.dumps(record) + "\n")
    return path


def cli(args: list[str], *, env: dict[str, str] | None = None, timeout: float = 3600) -> subprocess.CompletedProcess[str]:
    """``storyline ARGS`` in a child process (the real CLI of this checkout)."""
    full = {**os.environ, **(env or {})}
    full["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[1]), full.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "storyline.cli", *args], env=full, capture_output=True, text=True,
                          timeout=timeout)  # fmt: skip


def state(db: str) -> dict[str, Any]:
    """What the checks need from a store."""
    from storyline.store import open_store

    with open_store(db) as store:
        stories = store.stories()
        return {
            "articles": [a.id for a in store.articles()],
            "assignments": {aid: a.story_id for aid, a in store.assignments().items()},
            "saved": {s.id for s in store.stories(include_merged=True)},
            "live": {s.id: s.article_ids for s in stories},
            "resolve": {sid: store.get_story(sid).id for sid in {a.story_id for a in store.assignments().values()}
                        if sid in {s.id for s in store.stories(include_merged=True)}},
            "entities": len(store.entities()),
            "stale": {kind: len(store.stale(kind)) for kind in ("tidy", "entities", "brief")},
            "failed": len(store.failures()),
        }  # fmt: skip


def partition(st: dict[str, Any]) -> list[tuple[str, ...]]:
    return sorted(tuple(sorted(members)) for members in st["live"].values())


def problems_of(st: dict[str, Any], reference: list[tuple[str, ...]] | None, n_articles: int) -> list[str]:
    """Everything wrong with a store after recovery (empty: all good)."""
    out = []
    if len(st["articles"]) != n_articles or len(set(st["articles"])) != len(st["articles"]):
        out.append(f"{len(st['articles'])} articles stored ({len(set(st['articles']))} distinct), expected {n_articles}")
    missing = sorted(a for a, s in st["assignments"].items() if s not in st["saved"])
    if missing:
        out.append(f"{len(missing)} assignments name a story that is not saved")
    unassigned = [a for a in st["articles"] if a not in st["assignments"]]
    if unassigned:
        out.append(f"{len(unassigned)} articles in no story")
    members = [m for ms in st["live"].values() for m in ms]
    if len(members) != len(set(members)):
        out.append("an article is listed in two stories")
    wrong = [a for a, s in st["assignments"].items() if s in st["resolve"] and a not in st["live"].get(st["resolve"][s], ())]
    if wrong:
        out.append(f"{len(wrong)} articles not listed by the live story they are assigned to")
    if not st["entities"]:
        out.append("no entities")
    if any(st["stale"].values()):
        out.append(f"stale work left: {st['stale']}")
    if st["failed"]:
        out.append(f"{st['failed']} articles marked failed")
    if reference is not None and partition(st) != reference:
        out.append(f"stories differ from the uninterrupted run ({len(st['live'])} vs {len(reference)})")
    return out


def kill_and_recover(input_path: str, db: str, point: str, reference: list[tuple[str, ...]] | None, n_articles: int,
                     env: dict[str, str]) -> Outcome:  # fmt: skip
    """``ingest`` killed at ``point``, then one plain ``ingest`` of the same input; the checks on the result."""
    began = time.perf_counter()
    first = cli(["ingest", input_path, "--db", db], env={**env, "STORYLINE_FAULT_AFTER": point})
    killed = first.returncode == -9
    if not killed and first.returncode != 0:
        return Outcome(point, False, (f"the killed run failed otherwise (exit {first.returncode}): {first.stderr[-400:]}",), 0.0)
    second = cli(["ingest", input_path, "--db", db], env=env)
    if second.returncode != 0:
        return Outcome(point, killed, (f"recovery run failed (exit {second.returncode}): {second.stderr[-400:]}",), 0.0)
    found = problems_of(state(db), reference, n_articles)
    return Outcome(point, killed, tuple(found), time.perf_counter() - began)


def pg_database(base: str) -> tuple[str, Any]:
    """A fresh database on the server of ``base``; returns its URL and a function that drops it."""
    from urllib.parse import urlsplit

    import psycopg

    name = f"storyline_faults_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlsplit(base)._replace(path="/" + name).geturl(), drop


def run_backend(backend: str, input_path: str, n_articles: int, points: tuple[str, ...], folder: Path,
                pg: str | None, env: dict[str, str]) -> list[Outcome]:  # fmt: skip
    made: list[Any] = []

    def fresh(tag: str) -> str:
        if backend == "sqlite":
            return str(folder / f"{tag}.db")
        url, drop = pg_database(pg)  # type: ignore[arg-type]
        made.append(drop)
        return url

    try:
        ref_db = fresh("reference")
        began = time.perf_counter()
        done = cli(["ingest", input_path, "--db", ref_db], env=env)
        if done.returncode != 0:
            raise SystemExit(f"the uninterrupted run failed: {done.stderr[-800:]}")
        ref_state = state(ref_db)
        print(f"[{backend}] uninterrupted: {len(ref_state['live'])} stories, {ref_state['entities']} entities, "
              f"{time.perf_counter() - began:.0f}s", flush=True)  # fmt: skip
        ref_problems = problems_of(ref_state, None, n_articles)
        out = [Outcome("(uninterrupted)", False, tuple(ref_problems), time.perf_counter() - began)]
        reference = partition(ref_state)
        for n, point in enumerate(points):
            outcome = kill_and_recover(input_path, fresh(f"kill{n}"), point, reference, n_articles, env)
            print(f"[{backend}] {point:16} {'killed' if outcome.killed else 'NOT REACHED':11} "
                  f"{'ok' if outcome.ok else 'FAIL: ' + '; '.join(outcome.problems)} ({outcome.seconds:.0f}s)", flush=True)
            out.append(outcome)
        return out
    finally:
        for drop in made:
            drop()


def run(n: int = 300, backends: tuple[str, ...] = ("sqlite", "postgres"), pg: str | None = None,
        points: tuple[str, ...] | None = None, briefs: str = "deferred") -> dict[str, Any]:  # fmt: skip
    """Every kill point on every backend; figures for the gate (all rows must pass)."""
    pg = pg or os.environ.get(PG_ENV)
    env = {"STORYLINE_PROCESS_BATCH": str(BATCH), "STORYLINE_BRIEFS": briefs}
    points = points or points_for(n)
    results: dict[str, list[Outcome]] = {}
    with tempfile.TemporaryDirectory(prefix="storyline-faults-") as tmp:
        folder = Path(tmp)
        input_path = str(write_input(n, folder))
        for backend in backends:
            if backend == "postgres" and not pg:
                print(f"[postgres] skipped: set {PG_ENV} or pass --pg URL", flush=True)
                continue
            results[backend] = run_backend(backend, input_path, n, points, folder, pg, env)
    rows = [o for outcomes in results.values() for o in outcomes]
    kills = [o for o in rows if o.point != "(uninterrupted)"]
    return {
        "backends": sorted(results),
        "kill_points": len(kills),
        "killed": sum(o.killed for o in kills),
        "recovered": sum(o.ok for o in kills),
        "failures": sum(not o.ok for o in rows),
        "recovered_share": sum(o.ok for o in kills) / len(kills) if kills else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="articles (ECB+ documents)")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--pg", help=f"PostgreSQL server URL (default: ${PG_ENV}); a fresh database per run")
    parser.add_argument("--briefs", choices=("deferred", "eager"), default="deferred",
                        help="eager also builds every brief in each run (slow)")
    parser.add_argument("--points", default=None,
                        help=f"comma-separated kill points (default: all for --n; at 300: {','.join(points_for(300))})")
    args = parser.parse_args()
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    points = tuple(p.strip() for p in args.points.split(",") if p.strip()) if args.points else None
    figures = skip_if_missing(lambda: run(args.n, backends, args.pg, points, briefs=args.briefs))()
    if figures is None:
        return 0
    print(json.dumps(figures, indent=2))
    return 0 if figures["failures"] == 0 and figures["killed"] == figures["kill_points"] else 1


if __name__ == "__main__":
    sys.exit(main())
