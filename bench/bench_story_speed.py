"""Throughput of the story side on this machine (run it alone; the figures assume 2 cores).

    .venv/bin/python -m bench.bench_story_speed                  # embedding + clustering + 100k latency
    .venv/bin/python -m bench.bench_story_speed --sizes 100000 1000000

* embedding: MiniLM articles/s on ECB+ texts (title + 90 words, 128 word pieces), batch 32;
* clustering: articles/s of ``StoryIndex.assign`` on ECB+ with cached vectors and text features (no embedding);
* latency: p50/p99 of one ``assign`` with N synthetic vectors (stories of ~5 articles) already indexed;
* peak memory (max RSS) of the process after each size.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np

from storyline.cluster import ArticleFeatures, StoryIndex, features_for, story_id_for
from storyline.embed import MiniLMEmbedder, article_text
from storyline.records import Assignment

from .datasets import shuffled, skip_if_missing
from .story_data import cached_embeddings, ecb_articles


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def embedding_rate(n: int = 64) -> tuple[float, float]:
    """(articles per wall second, articles per CPU second of this process): the second survives a busy machine."""
    _, arts = ecb_articles("test")
    texts = [article_text(a) for a in arts[:n]]
    emb = MiniLMEmbedder(batch_size=32)
    emb.warm_up()
    emb.encode(texts[:8])
    began, cpu = time.perf_counter(), time.process_time()
    emb.encode(texts)
    return n / (time.perf_counter() - began), n / (time.process_time() - cpu)


def clustering_rate() -> tuple[float, int, float]:
    _, arts = ecb_articles("all")
    vectors, _ = cached_embeddings(arts)
    feats = {a.id: features_for(a, None) for a in arts}
    order = shuffled(arts)
    index = StoryIndex(384)
    began, cpu = time.perf_counter(), time.process_time()
    for a in order:
        index.assign(a.id, vectors[a.id], feats[a.id])
    return len(order) / (time.perf_counter() - began), len(order), len(order) / (time.process_time() - cpu)


def synthetic(n: int, dim: int = 384, per_story: int = 5, seed: int = 1) -> tuple[np.ndarray, list[Assignment], np.ndarray]:
    rng = np.random.default_rng(seed)
    stories = max(1, n // per_story)
    centres = rng.standard_normal((stories, dim)).astype(np.float32)
    owner = rng.integers(0, stories, n)
    matrix = centres[owner] + 0.6 * rng.standard_normal((n, dim)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    assignments = [Assignment(f"x{i}", story_id_for(f"c{owner[i]}"), 1.0, False, "") for i in range(n)]
    return matrix, assignments, centres


def latency(n: int, queries: int = 1000) -> dict[str, float]:
    matrix, assignments, centres = synthetic(n)
    index = StoryIndex(384, capacity=n + queries + 16)
    empty = ArticleFeatures()
    began = time.perf_counter()
    index.bulk_restore(assignments, matrix, [empty] * n)
    build = time.perf_counter() - began
    rng = np.random.default_rng(7)
    times, cpu_times = [], []
    for q in range(queries):
        if q % 2:  # half join an existing story, half are new events
            v = centres[rng.integers(0, len(centres))] + 0.6 * rng.standard_normal(384).astype(np.float32)
        else:
            v = rng.standard_normal(384).astype(np.float32)
        v /= np.linalg.norm(v)
        t, c = time.perf_counter(), time.thread_time()
        index.assign(f"q{q}", v, empty)
        times.append(time.perf_counter() - t)
        cpu_times.append(time.thread_time() - c)
    ms = np.array(times) * 1000
    cpu_ms = np.array(cpu_times) * 1000
    return {"n": n, "build_s": build, "p50_ms": float(np.percentile(ms, 50)), "p99_ms": float(np.percentile(ms, 99)),
            "cpu_p50_ms": float(np.percentile(cpu_ms, 50)), "cpu_p99_ms": float(np.percentile(cpu_ms, 99)),
            "peak_mb": peak_mb()}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="*", default=[100_000])
    ap.add_argument("--skip-embedding", action="store_true")
    args = ap.parse_args()
    print(f"cores visible: {os.cpu_count()}")
    if not args.skip_embedding:
        wall, cpu = embedding_rate()
        print(f"embedding: {wall:.1f} articles/s wall, {cpu:.1f} per CPU-second of 2 torch threads (MiniLM, title + 90 words, 128 word pieces)")
    rate, n, cpu_rate = clustering_rate()
    print(f"clustering: {rate:.0f} articles/s wall, {cpu_rate:.0f} per CPU-second, over {n} ECB+ articles (assign only)")
    for size in args.sizes:
        r = latency(size)
        print(f"latency with {r['n']:,} indexed: p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms wall; "
              f"CPU p50 {r['cpu_p50_ms']:.2f} ms, p99 {r['cpu_p99_ms']:.2f} ms "
              f"(bulk build {r['build_s']:.0f}s); peak RSS {r['peak_mb']:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    skip_if_missing(main)()
