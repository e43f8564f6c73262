"""End-to-end and per-stage throughput of the runners, with peak memory, against the models' limit.

The issue's runs, one command each (ECB+-based synthetic ~600-word articles, 20 % syndicated copies; first
measure the limit, the models alone, on the same machine):

    python -m bench.model_limit --n 200 --procs 2 --json /tmp/tp/limit.json
    # 5,000 articles, the product's wiring, Dask with 2 workers (about 15-25 min on an idle 2-core machine):
    python -m bench.throughput --n 5000 --copies 0.2 --runner dask --workers 2 \
        --limit-json /tmp/tp/limit.json --json /tmp/tp/n5000.json
    # scaling from 1 to 2 Dask workers (and the local runner beside them), one JSON with a row each:
    python -m bench.throughput --n 1000 --copies 0.2 --scaling 1,2 --with-local \
        --limit-json /tmp/tp/limit.json --json /tmp/tp/scaling.json
    # a short check (local runner) and a profile of where the non-model time goes:
    python -m bench.throughput --n 300 --copies 0.2 --limit-json /tmp/tp/limit.json
    python -m bench.throughput --n 300 --copies 0.2 --profile /tmp/tp/run.prof

Ingest is timed through the library (store writes); processing through the runner
(:class:`storyline.runners.local.LocalRunner`, or :class:`storyline.runners.dask.DaskRunner` with
``--runner dask``), whose report carries per-stage seconds. On Dask the model stages' seconds are summed over the
workers (worker-seconds), so their articles/s there is per worker; the end-to-end figures are wall time.

The run processes with ``briefs = "deferred"`` and then builds every brief in a separate, timed step
(``LocalRunner.build_briefs``), so one run gives end to end **without** brief building (``process_*``: copies,
models, stories, entities) and **with** it (``with_briefs_*``: the same work ``briefs = "eager"`` does inside
``process``). ``--briefs skip`` leaves the briefs out (a 5,000-article store has ~1,000 stories to brief).

``--stages runner`` (default) measures the stages the runner wires. ``--stages standalone`` measures the
package's stages wired here (CopyStage, EmbedStage over MiniLM, ReadStage, ClusterStage).
``--limit-json`` reads ``bench.model_limit``'s figures and reports end to end as a share of the models' limit,
in wall time (``share_of_limit``) and in CPU time (``share_of_limit_cpu``: on a machine shared with other work
the load-independent comparison).

Peak memory: this process (``ru_maxrss``) and, on Dask, each worker's peak. CPU time (this process and the Dask
workers) is recorded beside wall time.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from storyline.config import Settings, load_settings
from storyline.records import Article
from storyline.runners.local import LocalRunner
from storyline.store import Store, open_store

from .datasets import skip_if_missing
from .synth import synthetic_articles

#: Stages that run the two models (embedding and reading); every other stage is the runner's overhead.
MODEL_STAGES = ("embed", "read")


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
    """Times the runner's store-wide ``finish`` (stories, entities) apart from the batches, and keeps the
    batch figures when it fails (the error is reported with them)."""

    finish_seconds = 0.0
    finish_cpu = 0.0  # this process's CPU seconds in finish (it runs on the client only)
    finish_error: str | None = None

    def finish(self, report: Any) -> None:
        began, cpu = time.perf_counter(), _cpu_seconds()
        try:
            super().finish(report)  # type: ignore[misc]
        except Exception as exc:  # noqa: BLE001 - a benchmark reports it and keeps the batch figures
            self.finish_error = f"{type(exc).__name__}: {exc}"[:300]
        self.finish_seconds = time.perf_counter() - began
        self.finish_cpu = _cpu_seconds() - cpu


class StandaloneStages(TimedFinish, LocalRunner):
    """The package's own stages, wired here (no store caches, no story state loaded from the store)."""

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


def _time_brief_models(runner: Any) -> dict[str, float]:
    """Load the brief step's models (MiniLM for sentences, the parser) and time their calls from now on: CPU
    seconds of sentence and quote vectors (``sentence_vectors``) and of the claims parse (``parse``), filled in
    as the brief step runs. The wrappers keep each method's signature (the vectors ask for ``batch_size``)."""
    import functools

    parts = {"sentence_vectors": 0.0, "parse": 0.0}
    embedder, syntax = runner.sentence_embedder(), runner.analysis_tools().get("syntax")
    for key, owner, name in (("sentence_vectors", embedder, "encode"), ("parse", syntax, "claims")):
        if owner is None:
            continue
        owner.warm_up()
        method = getattr(owner, name)

        @functools.wraps(method)
        def timed(*args: Any, _method: Any = method, _key: str = key, **kwargs: Any) -> Any:
            began = _cpu_seconds()
            try:
                return _method(*args, **kwargs)
            finally:
                parts[_key] += _cpu_seconds() - began

        setattr(owner, name, timed)
    return parts


def make_runner(kind: str, stages: str, store: Store, settings: Settings, batch: int, workers: int) -> Any:
    base: type = StandaloneStages if stages == "standalone" else type("BenchLocal", (TimedFinish, LocalRunner), {})
    if kind == "local":
        return base(store, settings, batch_size=batch)
    from storyline.runners.dask import DaskRunner

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


def measure(
    articles: list[Article], *, runner_kind: str = "local", workers: int = 2, stages: str = "runner", batch: int = 64,
    briefs: str = "measure", limits: dict[str, Any] | None = None, profile: Path | None = None,
    keep_db: Path | None = None,
) -> dict[str, Any]:  # fmt: skip
    """One run over ``articles`` in a fresh store; the figures as a JSON-ready dict. ``keep_db``: copy the
    store there afterwards (e.g. for ``bench.bench_entity_refresh``)."""
    n = len(articles)
    copies_made = sum(a.text.startswith("(Synth Wire)") for a in articles)
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        settings = replace(load_settings(db=db, env={}), briefs="deferred")
        store = open_store(db)
        t0 = time.perf_counter()
        store.add_articles(articles)
        t_store = time.perf_counter() - t0
        runner = make_runner(runner_kind, stages, store, settings, batch, workers)
        dask = runner if runner_kind == "dask" else None
        profiler = cProfile.Profile() if profile else None
        try:
            t_start = time.perf_counter()
            if dask is not None:
                dask.client  # start the cluster before the clock: a long-running cluster pays this once
            else:  # load the models before the clock too, as bench.model_limit does (a service loads them once)
                for stage in runner.model_stages():
                    stage.warm_up()
            t_cluster = time.perf_counter() - t_start
            c0, w0, t0 = _cpu_seconds(), _workers_cpu(dask), time.perf_counter()
            if profiler:
                profiler.enable()
            report = runner.process(on_progress=_progress(n))
            if profiler:
                profiler.disable()
            t_process = time.perf_counter() - t0
            c1, w1 = _cpu_seconds(), _workers_cpu(dask)
            built, t_briefs = 0, 0.0
            brief_parts: dict[str, float] = {}
            b0 = c1
            if briefs == "measure":
                brief_parts = _time_brief_models(runner)
                b0 = _cpu_seconds()  # the brief step's models are loaded before its clock, as the batches' are
                t0 = time.perf_counter()
                if profiler:  # the profile covers the brief step too (analysis and briefs: most non-model time)
                    profiler.enable()
                built = runner.build_briefs()
                if profiler:
                    profiler.disable()
                t_briefs = time.perf_counter() - t0
            c2 = _cpu_seconds()
            if dask is not None:
                figures["worker_peak_rss_mb"] = {k: round(v, 1) for k, v in dask.client.run(_worker_peak_mb).items()}
                figures["worker_batches"] = {k: s.batches for k, s in dask.worker_stats().items()}
        finally:
            if dask is not None:
                dask.close()
        stored_copies = len(store.copies())
        stories = len(store.stories())
        store.close()
        if keep_db is not None:
            keep_db.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(db, keep_db)
    client_cpu, workers_cpu = c1 - c0, w1 - w0
    cpu = client_cpu + workers_cpu
    stage_seconds = dict(report.stage_seconds)
    overhead = sum(v for k, v in stage_seconds.items() if k not in MODEL_STAGES)
    figures = {
        "runner": runner_kind + (f" ({workers} workers)" if dask is not None else ""),
        "stages": stages,
        "articles": n,
        "batch": batch,
        "syndicated_copies_made": copies_made,
        "copies_detected": stored_copies,
        "copies_given_origin_reading": report.copies_reused,
        "stories": stories,
        "cpu_count": os.cpu_count(),
        "load_avg_1m_after": round(os.getloadavg()[0], 2),
        "store_articles_per_s": round(n / t_store, 1),
        "start_seconds": round(t_cluster, 1),  # Dask: cluster start; local: model loading (both before the clock)
        # end to end without brief building: copies, models, stories, entities (briefs = "deferred")
        "process_articles_per_s": round(n / t_process, 2),
        "process_seconds": round(t_process, 2),
        "batches_articles_per_s": round(n / max(1e-9, t_process - runner.finish_seconds), 2),  # before finish()
        "finish_seconds": round(runner.finish_seconds, 2),
        # the batches alone (copies, models, stories; before the store-wide finish: entity refresh, stories saved)
        "batches_cpu_ms_per_article": round(1000 * (cpu - runner.finish_cpu) / n, 1),
        "finish_cpu_ms_per_article": round(1000 * runner.finish_cpu / n, 1),
        "finish_error": runner.finish_error,
        "stage_articles_per_s": {k: round(n / v, 1) for k, v in stage_seconds.items() if v > 0},
        "stage_seconds": {k: round(v, 2) for k, v in stage_seconds.items()},
        "non_model_stage_seconds": round(overhead, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        # load-independent: CPU seconds (this process + Dask workers) per article, and what that gives on every
        # core of an idle machine (an upper bound: it assumes the cores are kept busy)
        "cpu_ms_per_article": round(1000 * cpu / n, 1),
        "client_cpu_ms_per_article": round(1000 * client_cpu / n, 1),  # this process (with Dask: the client)
        "workers_cpu_ms_per_article": round(1000 * workers_cpu / n, 1),
        "idle_articles_per_s": round((os.cpu_count() or 1) * n / cpu, 1),
        **figures,
    }
    if briefs == "measure":
        brief_cpu = c2 - b0  # not c1: the batches' CPU ends at c1, before the brief step's models load
        rest = brief_cpu - sum(brief_parts.values())
        figures.update(
            briefs_built=built,
            briefs_seconds=round(t_briefs, 2),
            briefs_cpu_ms_per_article=round(1000 * brief_cpu / n, 1),
            # where the brief step's CPU goes: MiniLM sentence and quote vectors, the claims parse, the rest
            briefs_split_cpu_ms_per_article={
                **{k: round(1000 * v / n, 1) for k, v in brief_parts.items()}, "rest": round(1000 * rest / n, 1)
            },
            briefs_cost_ratio=round(brief_cpu / max(1e-9, cpu - runner.finish_cpu), 3),
            with_briefs_articles_per_s=round(n / (t_process + t_briefs), 2),
            with_briefs_cpu_ms_per_article=round(1000 * (cpu + brief_cpu) / n, 1),
        )
    if limits:
        limit = float(limits["limit_articles_per_s"])
        figures["model_limit_articles_per_s"] = limit
        figures["share_of_limit"] = round(n / t_process / limit, 3)
        if "cpu_ms_per_article" in limits:  # the same comparison in CPU time, which the machine's load does not skew
            limit_cpu = float(limits["cpu_ms_per_article"])
            figures["model_limit_cpu_ms_per_article"] = limit_cpu
            figures["share_of_limit_cpu"] = round(limit_cpu / (1000 * cpu / n), 3)
            figures["batches_share_of_limit_cpu"] = round(limit_cpu / figures["batches_cpu_ms_per_article"], 3)
            if briefs == "measure":
                figures["with_briefs_share_of_limit_cpu"] = round(limit_cpu / figures["with_briefs_cpu_ms_per_article"], 3)
    if profiler and profile:
        profiler.dump_stats(str(profile))
        stats = pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime")
        stats.print_stats(25)
    return figures


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--copies", type=float, default=0.0, help="share of syndicated copies among the articles")
    parser.add_argument("--runner", choices=("local", "dask"), default="local")
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes (one thread each)")
    parser.add_argument("--scaling", help="Dask worker counts to run one after the other, e.g. 1,2")
    parser.add_argument("--with-local", action="store_true", help="with --scaling: also the local runner")
    parser.add_argument("--stages", choices=("runner", "standalone"), default="runner")
    parser.add_argument("--briefs", choices=("measure", "skip"), default="measure",
                        help="build every brief after processing, timed apart (measure), or not at all")  # fmt: skip
    parser.add_argument("--limit-json", type=Path, help="bench.model_limit figures to compare with")
    parser.add_argument("--profile", type=Path, help="cProfile the processing into this file (top 25 on stderr)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep-db", type=Path, help="copy the run's SQLite store here (not with --scaling)")
    args = parser.parse_args()

    articles = synthetic_articles(args.n, words=args.words, copies=args.copies)
    limits = json.loads(args.limit_json.read_text()) if args.limit_json else None
    common = dict(stages=args.stages, batch=args.batch, briefs=args.briefs, limits=limits)
    load_before = round(os.getloadavg()[0], 2)
    result: dict[str, Any]
    if args.scaling:
        rows = []
        if args.with_local:
            rows.append(measure(articles, runner_kind="local", **common))  # type: ignore[arg-type]
        for k in (int(x) for x in args.scaling.split(",")):
            rows.append(measure(articles, runner_kind="dask", workers=k, **common))  # type: ignore[arg-type]
            print(json.dumps(rows[-1], indent=2), file=sys.stderr)
        result = {"load_avg_1m_before": load_before, "runs": rows}
        dask_rows = [r for r in rows if r["runner"].startswith("dask")]
        if len(dask_rows) > 1:
            first = dask_rows[0]
            result["speedup_vs_first"] = {
                r["runner"]: round(r["process_articles_per_s"] / first["process_articles_per_s"], 2) for r in dask_rows
            }
    else:
        result = measure(articles, runner_kind=args.runner, workers=args.workers, profile=args.profile,
                         keep_db=args.keep_db, **common)  # type: ignore[arg-type]
        result["load_avg_1m_before"] = load_before
    result["command"] = " ".join(["python -m bench.throughput", *sys.argv[1:]])
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    skip_if_missing(main)()
