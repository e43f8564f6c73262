"""Store throughput on SQLite and (when configured) PostgreSQL: the same calls the pipeline makes.

    .venv/bin/python -m bench.store_backends [--n 2000]

PostgreSQL runs when STORYLINE_TEST_PG_URL is set (``bash scripts/pg.sh start``); the bench works in a
scratch schema it drops afterwards. Articles are generated text (~250 words), so no dataset is needed.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import numpy as np

from storyline.records import Article, Reading
from storyline.store import open_store

_WORDS = "harbour storm council budget wall surge ferry strike minister vote river bridge court ruling".split()


def _articles(n: int) -> list[Article]:
    rng = np.random.default_rng(3)
    out = []
    for i in range(n):
        words = [_WORDS[k] for k in rng.integers(0, len(_WORDS), 250)]
        out.append(Article(id=f"a{i:012d}", title=f"Report {i} on the {words[0]}", text=" ".join(words) + f" {i}."))
    return out


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(url: str, n: int) -> dict[str, float]:
    arts = _articles(n)
    ids = [a.id for a in arts]
    vectors = {a.id: np.full(384, 0.5, dtype=np.float32) for a in arts}
    store = open_store(url)
    try:
        return {
            "add_articles /s": n / _timed(lambda: store.add_articles(arts)),
            "iter_articles /s": n / _timed(lambda: sum(1 for _ in store.iter_articles())),
            "put_embeddings /s": n / _timed(lambda: store.put_embeddings("m", vectors)),
            "get_embeddings /s": n / _timed(lambda: store.get_embeddings("m", ids)),
            "put_readings /s": n / _timed(lambda: store.put_readings(Reading(article_id=i) for i in ids)),
            "search ms (common word)": 1000 * _timed(lambda: store.search("storm council", limit=20)),
            "search ms (rare word)": 1000 * _timed(lambda: store.search(f"{n - 1}", limit=20)),
        }
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="articles to write (default 2000)")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = run(str(Path(tmp) / "bench.db"), args.n)
    pg = os.environ.get("STORYLINE_TEST_PG_URL")
    if pg:
        import psycopg

        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(pg, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            sep = "&" if "?" in pg else "?"
            results["postgres"] = run(f"{pg}{sep}options=" + quote(f"-csearch_path={schema}", safe=""), args.n)
        finally:
            with psycopg.connect(pg, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    else:
        print("PostgreSQL skipped: STORYLINE_TEST_PG_URL is not set (bash scripts/pg.sh start)")
    names = list(results)
    print(f"n={args.n}  " + "  ".join(f"{b:>10}" for b in names))
    for metric in next(iter(results.values())):
        print(f"{metric:26}" + "  ".join(f"{results[b][metric]:10.0f}" for b in names))


if __name__ == "__main__":
    main()
