"""End-to-end and per-stage throughput of the runners, with peak memory.

    python -m bench.throughput --n 500            # ECB+-based synthetic ~600-word articles
    python -m bench.throughput --n 5000 --words 600
    python -m bench.throughput --n 5000 --copies 0.2 --runner dask --workers 2 --limit-json limit.json

Ingest is timed through the library (store writes included); processing through the runner
(:class:`storyline.runners.local.LocalRunner`, or :class:`storyline.runners.dask.DaskRunner` with
``--runner dask``), whose report carries per-stage seconds. On Dask those are summed over the workers
(worker-seconds), so a stage's articles/s there is per worker; the end-to-end figure is wall time.

``--stages runner`` (default) measures the stages the runner wires. ``--stages standalone`` measures the
package's stages wired here (CopyStage, EmbedStage over MiniLM, ReadStage, ClusterStage), for use before the
runner wires them. ``--copies`` makes that share of the articles syndicated copies (``bench.synth``).
``--limit-json`` reads ``bench.model_limit``'s figures and reports end to end as a share of the models' limit.

Peak memory: this process (``ru_maxrss``) and, on Dask, each worker's peak. CPU time (this process and the
Dask workers) is recorded beside wall time: on a machine shared with other work it is the figure to compare
with ``bench.model_limit``'s ``cpu_ms_per_article`` (``share_of_limit_cpu``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from storyline.config import Settings, load_settings
from storyline.runners.local import LocalRunner
from storyline.store import Store, open_store

from .datasets import skip_if_missing
from .synth import synthetic_articles


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _worker_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process so far (all its threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _workers_cpu(runner: Any) -> float:
    return sum(runner.client.run(_cpu_seconds).values()) if runner is not None else 0.0


class TimedFinish:
    """Times the runner's store-wide ``finish`` (stories, entities, briefs) apart from the batches, and keeps the
    batch figures when it fails (the error is reported with them)."""

    finish_seconds = 0.0
    finish_error: str | None = None

    def finish(self, report: Any) -> None:
        began = time.perf_counter()
        try:
            super().finish(report)  # type: ignore[misc]
        except Exception as exc:  # noqa: BLE001 - a benchmark reports it and keeps the batch figures
            self.finish_error = f"{type(exc).__name__}: {exc}"[:300]
        self.finish_seconds = time.perf_counter() - began


class StandaloneStages(TimedFinish, LocalRunner):
    """The package's own stages, wired here: what the runner will run once its stages are wired."""

    def pre_stages(self) -> list[Any]:
        from storyline.copies import CopyIndex, CopyStage

        return [CopyStage(CopyIndex())]

    def model_stages(self) -> list[Any]:
        from storyline.embed import EmbedStage, MiniLMEmbedder
        from storyline.read.stage import ReadStage

        return [EmbedStage(MiniLMEmbedder(batch_size=self.settings.embed_batch_size)), ReadStage(self.settings)]

    def post_stages(self) -> list[Any]:
        from storyline.cluster import ClusterStage, StoryIndex
        from storyline.embed import MiniLMEmbedder

        return [ClusterStage(StoryIndex(MiniLMEmbedder.dim))]


def make_runner(kind: str, stages: str, store: Store, settings: Settings, batch: int, workers: int) -> Any:
    if kind == "local":
        cls: type = StandaloneStages if stages == "standalone" else type("BenchLocal", (TimedFinish, LocalRunner), {})
        return cls(store, settings, batch_size=batch)
    from storyline.runners.dask import DaskRunner

    base = StandaloneStages if stages == "standalone" else type("BenchLocal", (TimedFinish, LocalRunner), {})
    return type("BenchDask", (DaskRunner, base), {})(store, settings, workers=workers, batch_size=batch)


def _progress(total: int) -> Any:
    """Progress on stderr every tenth of the run (a long run on a loaded machine should show it is alive)."""
    began = time.perf_counter()
    step = max(1, total // 10)
    mark = [step]

    def show(stage: str, done: int, _total: int) -> None:
        if done >= mark[0]:
            mark[0] += step
            rate = done / (time.perf_counter() - began)
            print(f"  {done}/{total} articles, {rate:.2f}/s", file=sys.stderr, flush=True)

    return show


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--copies", type=float, default=0.0, help="share of syndicated copies among the articles")
    parser.add_argument("--runner", choices=("local", "dask"), default="local")
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes (one thread each)")
    parser.add_argument("--stages", choices=("runner", "standalone"), default="runner")
    parser.add_argument("--limit-json", type=Path, help="bench.model_limit figures to compare with")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    articles = synthetic_articles(args.n, words=args.words, copies=args.copies)
    copies_made = sum(a.text.startswith("(Synth Wire)") for a in articles)
    workers_peak: dict[str, float] = {}
    worker_batches: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        settings = load_settings(db=db, env={})
        store = open_store(db)
        t0 = time.perf_counter()
        store.add_articles(articles)
        t_store = time.perf_counter() - t0
        runner = make_runner(args.runner, args.stages, store, settings, args.batch, args.workers)
        try:
            dask = runner if args.runner == "dask" else None
            if dask is not None:
                dask.client  # start the cluster before the clock: a long-running cluster pays this once
            c0, w0, t0 = _cpu_seconds(), _workers_cpu(dask), time.perf_counter()
            report = runner.process(on_progress=_progress(args.n))
            t_process = time.perf_counter() - t0
            client_cpu, workers_cpu = _cpu_seconds() - c0, _workers_cpu(dask) - w0
            cpu = client_cpu + workers_cpu
            if args.runner == "dask":
                workers_peak = {k: round(v, 1) for k, v in runner.client.run(_worker_peak_mb).items()}
                worker_batches = {k: s.batches for k, s in runner.worker_stats().items()}
        finally:
            if args.runner == "dask":
                runner.close()
        stored_copies = len(store.copies())
        store.close()
    figures: dict[str, object] = {
        "runner": args.runner + (f" ({args.workers} workers)" if args.runner == "dask" else ""),
        "stages": args.stages,
        "articles": args.n,
        "words_per_article": args.words,
        "syndicated_copies_made": copies_made,
        "copies_detected": stored_copies,
        "cpu_count": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "store_articles_per_s": round(args.n / t_store, 1),
        "process_articles_per_s": round(args.n / t_process, 2),
        "process_seconds": round(t_process, 2),
        "batches_articles_per_s": round(args.n / (t_process - runner.finish_seconds), 2),  # before finish()
        "finish_seconds": round(runner.finish_seconds, 2),
        "finish_error": runner.finish_error,
        "stage_articles_per_s": {k: round(args.n / v, 1) for k, v in report.stage_seconds.items() if v > 0},
        "stage_seconds": {k: round(v, 2) for k, v in report.stage_seconds.items()},
        "peak_rss_mb": round(peak_rss_mb(), 1),
        # load-independent: CPU seconds (this process + Dask workers) per article, and what that gives on every
        # core of an idle machine (an upper bound: it assumes the cores are kept busy)
        "cpu_ms_per_article": round(1000 * cpu / args.n, 1),
        "client_cpu_ms_per_article": round(1000 * client_cpu / args.n, 1),  # this process (with Dask: the client)
        "idle_articles_per_s": round((os.cpu_count() or 1) * args.n / cpu, 1),
    }
    if workers_peak:
        figures["worker_peak_rss_mb"] = workers_peak
        figures["worker_batches"] = worker_batches
    if args.limit_json:
        limits = json.loads(args.limit_json.read_text())
        limit = float(limits["limit_articles_per_s"])
        figures["model_limit_articles_per_s"] = limit
        figures["share_of_limit"] = round(args.n / t_process / limit, 3)
        if "cpu_ms_per_article" in limits:  # the same comparison in CPU time, which the machine's load does not skew
            figures["share_of_limit_cpu"] = round(float(limits["cpu_ms_per_article"]) / (1000 * cpu / args.n), 3)
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    skip_if_missing(main)()
