"""How long the codec takes to decode (and encode) every Reading of a store.

    .venv/bin/python -m bench.bench_codec --db /tmp/ent5k.db [--limit 1000] [--repeat 3]

The store is opened read-only (SQLite ``mode=ro``), so pointing it at a shared store is safe. The payloads are
fetched and ``json.loads``-ed once, outside the timing; what is timed is ``from_json(Reading, data)`` — the step
``store.readings()`` repeats for every stored record — and ``to_json`` of the decoded readings. The best of
``--repeat`` runs is reported, in ms per Reading.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from storyline.codec import from_json, to_json
from storyline.records import Reading


def load_payloads(db: Path, limit: int | None) -> list[Any]:
    """Every reading payload of the store, parsed, in a stable order."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        sql = "SELECT payload FROM readings ORDER BY article_id"
        rows = conn.execute(sql + (f" LIMIT {int(limit)}" if limit else "")).fetchall()
    finally:
        conn.close()
    return [json.loads(p) for (p,) in rows]


def best_of(repeat: int, fn: Any, arg: Any) -> tuple[float, Any]:
    """The shortest wall time of ``repeat`` runs of ``fn(arg)``, and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn(arg)
        best = min(best, time.perf_counter() - start)
    return best, out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="SQLite store file (read only)")
    parser.add_argument("--limit", type=int, default=None, help="decode only the first N readings")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the best is reported")
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"bench_codec: skipped, no store at {args.db} (give --db PATH of a SQLite store with readings)")
        return

    payloads = load_payloads(args.db, args.limit)
    if not payloads:
        print(f"bench_codec: skipped, {args.db} holds no readings")
        return
    n = len(payloads)
    decode_s, readings = best_of(args.repeat, lambda ps: [from_json(Reading, p) for p in ps], payloads)
    encode_s, encoded = best_of(args.repeat, lambda rs: [to_json(r) for r in rs], readings)
    same = sum(e == p for e, p in zip(encoded, payloads, strict=True))
    print(f"readings: {n} from {args.db}")
    print(f"from_json(Reading): {decode_s:.2f} s, {1000 * decode_s / n:.3f} ms per Reading")
    print(f"to_json(Reading):   {encode_s:.2f} s, {1000 * encode_s / n:.3f} ms per Reading")
    print(f"to_json(from_json(payload)) == payload for {same} of {n}")


if __name__ == "__main__":
    main()
