"""The throughput limit: the models alone (spaCy NER as ReadStage configures it + MiniLM article embedding).

    python -m bench.model_limit --n 1000              # in this process, default threads
    python -m bench.model_limit --n 1000 --procs 2    # also: 2 processes, one thread each, half the texts each

No store, no runner, no pre/post stages: just ``storyline.read.nlp.parse`` over the article texts with the
pipeline :class:`storyline.read.stage.ReadStage` loads (``senter`` + ``ner``) and ``MiniLMEmbedder.encode``
over :func:`storyline.embed.article_text` (what :class:`storyline.embed.EmbedStage` embeds). The texts are the
ECB+-based synthetic ~600-word articles of ``bench.synth``, as in ``bench.throughput``.

The limit in articles/s is ``1 / (1/ner + 1/embed)``: both models must see every article, one after the other.
With ``--procs`` the same is measured in that many processes at once (one thread each: the Dask layout), and
the limit is the best of the two layouts, so end-to-end figures are compared with the best the models can do.

On a machine shared with other work, wall-clock rates swing with the load. So the models' CPU time per article
is recorded too (``cpu_ms_per_article``, the cheaper layout), with ``idle_limit_articles_per_s`` = cores / that:
the limit on an idle machine. ``bench.throughput`` records its CPU time the same way.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import time
from pathlib import Path

from .datasets import skip_if_missing


def _models(texts: list[str], embed_texts: list[str], threads: int | None) -> dict[str, float]:
    """Seconds spent in each model over the texts (models loaded and warmed first, not timed)."""
    if threads:
        import torch

        torch.set_num_threads(threads)
    from storyline.config import load_settings
    from storyline.embed import MiniLMEmbedder
    from storyline.read.nlp import load_nlp, parse
    from storyline.read.stage import ReadStage

    settings = load_settings(env={})
    stage = ReadStage(settings)
    nlp = load_nlp(stage.model)
    embedder = MiniLMEmbedder(batch_size=settings.embed_batch_size)
    embedder.warm_up()
    list(parse(nlp, texts[:8], batch_size=stage.batch_size))  # warm caches
    embedder.encode(embed_texts[:8])
    t0, c0 = time.perf_counter(), time.process_time()
    list(parse(nlp, texts, batch_size=stage.batch_size))
    ner, ner_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    embedder.encode(embed_texts)
    embed, embed_cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"ner": ner, "embed": embed, "ner_cpu": ner_cpu, "embed_cpu": embed_cpu}


def _worker(args: tuple[list[str], list[str]]) -> dict[str, float]:
    return _models(*args, threads=1)


def measure(n: int, procs: int = 0, words: int = 600) -> dict[str, object]:
    from storyline.embed import article_text

    from .synth import synthetic_articles

    articles = synthetic_articles(n, words=words)
    texts = [a.text for a in articles]
    embed_texts = [article_text(a) for a in articles]
    one = _models(texts, embed_texts, threads=None)
    ner_rate, embed_rate = n / one["ner"], n / one["embed"]
    single = 1 / (1 / ner_rate + 1 / embed_rate)
    figures: dict[str, object] = {
        "articles": n,
        "cpu_count": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "one_process": {
            "ner_articles_per_s": round(ner_rate, 1),
            "embed_articles_per_s": round(embed_rate, 1),
            "limit_articles_per_s": round(single, 1),
        },
        "limit_articles_per_s": round(single, 1),
    }
    cpu_per_article = (one["ner_cpu"] + one["embed_cpu"]) / n
    figures["one_process"]["cpu_ms_per_article"] = round(1000 * cpu_per_article, 1)  # type: ignore[index]
    figures["one_process"]["ner_cpu_ms_per_article"] = round(1000 * one["ner_cpu"] / n, 1)  # type: ignore[index]
    figures["one_process"]["embed_cpu_ms_per_article"] = round(1000 * one["embed_cpu"] / n, 1)  # type: ignore[index]
    if procs > 1:
        parts = [(texts[i::procs], embed_texts[i::procs]) for i in range(procs)]
        with mp.get_context("spawn").Pool(procs) as pool:
            t0 = time.perf_counter()
            results = pool.map(_worker, parts)  # loading is not timed inside; the slowest worker sets the pace
            wall = time.perf_counter() - t0
        slowest = max(r["ner"] + r["embed"] for r in results)
        parallel = n / slowest
        figures[f"{procs}_processes"] = {
            "limit_articles_per_s": round(parallel, 1),
            "ner_seconds": [round(r["ner"], 1) for r in results],
            "embed_seconds": [round(r["embed"], 1) for r in results],
            "wall_seconds_with_loading": round(wall, 1),
        }
        cpu_per_article = min(cpu_per_article, sum(r["ner_cpu"] + r["embed_cpu"] for r in results) / n)
        for key in ("ner", "embed"):
            figures[f"{procs}_processes"][f"{key}_cpu_ms_per_article"] = round(  # type: ignore[index]
                1000 * sum(r[f"{key}_cpu"] for r in results) / n, 1
            )
        figures[f"{procs}_processes"]["cpu_ms_per_article"] = round(  # type: ignore[index]
            1000 * sum(r["ner_cpu"] + r["embed_cpu"] for r in results) / n, 1
        )
        figures["limit_articles_per_s"] = round(max(single, parallel), 1)
    # Load-independent: the CPU time the models need per article, and what that gives on every core of an idle
    # machine. On a shared machine the wall-clock limit above understates it; compare CPU time with CPU time.
    figures["cpu_ms_per_article"] = round(1000 * cpu_per_article, 1)
    figures["idle_limit_articles_per_s"] = round((os.cpu_count() or 1) / cpu_per_article, 1)
    return figures


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--procs", type=int, default=0, help="also measure N processes with one thread each")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    figures = measure(args.n, args.procs, args.words)
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    skip_if_missing(main)()
