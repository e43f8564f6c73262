"""Run extraction and the model stages on a Dask cluster; keep everything stateful in this process.

The same command works on one laptop and on a multi-node cluster::

    storyline ingest --runner dask PATH...                          # LocalCluster, --workers processes
    storyline ingest --runner dask --scheduler tcp://host:8786 PATH...

What runs where, and why:

* **extraction** (files and URLs into :class:`~storyline.records.Article`): the inputs are expanded here
  (:func:`storyline.ingest.expand_inputs`), cut into parts, and each worker calls
  :func:`storyline.ingest.read_inputs` on its part. Articles come back to this process, which is the only
  writer: parts are stored in input order, so the store's ingest order is the one the local runner gives.
  A part whose task fails (a crashed worker, a parser bug) becomes one ``Skipped`` per item, never an abort.
* **pre stages** (copy detection) run here, in arrival order, before any model: copies are known first.
* **model stages** (embedding, reading) run on the workers, one pre-processed batch per task, with a bounded
  number of batches in flight. The models are loaded once per worker by :class:`ModelStagesPlugin` (a
  ``distributed.WorkerPlugin``), from a picklable factory built out of the runner's :meth:`model_stages`;
  workers that join later get it too.
* **post stages** (story assignment) run only here, one batch at a time, in order: one writer for the story
  index, so story ids and assignments are those the local runner computes on the same batches.

Batches come back in submission order by default (``ordered=True``): a slow batch holds back the ones after it
by at most the window, and in exchange the run is reproducible, identical to :class:`LocalRunner`'s. Pass
``ordered=False`` to hand batches to the post stages as they arrive.

Distributed workers need this package (and its model packages) installed, as the client has them.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from distributed import WorkerPlugin

from ..config import Settings
from ..errors import ConfigError, PipelineError
from ..pipeline import Batch, Pipeline, Stage, StageTiming
from ..records import Article, IngestSummary, Skipped
from ..store import Store
from .local import LocalRunner, ProcessReport, raise_failed

log = logging.getLogger(__name__)

PLUGIN_NAME = "storyline-model-stages"
SPAN_PLUGIN_NAME = "storyline-span-encoder"
#: Not a stage: the count of syndicated copies a worker's reading stage gave their in-batch origin's reading.
IN_BATCH_COPIES = "in-batch-copies"

StageFactory = Callable[[], Sequence[Stage]]


# ---------------------------------------------------------------- what the workers hold


@dataclass(frozen=True)
class PickledStages:
    """A picklable factory that hands out the stages it was built with (fresh copies on every worker).

    Stages keep configuration in ``__init__`` and load models in ``warm_up()``, so un-warmed stages are small
    and travel well; the worker warms them once.
    """

    stages: tuple[Stage, ...]

    def __call__(self) -> Sequence[Stage]:
        return self.stages


@dataclass(frozen=True)
class StagesFromSettings:
    """A picklable spec for stages that do not pickle: the worker rebuilds them from the settings.

    ``runner`` is a runner class whose ``model_stages()`` needs only its settings (and embedder), not the store.
    """

    runner: type[LocalRunner]
    settings: Settings
    embedder: object | None = None

    def __call__(self) -> Sequence[Stage]:
        stages = self.runner(None, self.settings, embedder=self.embedder).model_stages()  # type: ignore[arg-type]
        return [worker_copy(s) for s in stages]


def worker_copy(stage: Stage) -> Stage:
    """The stage as a worker should hold it: without a reference to the store.

    An :class:`~storyline.embed.EmbedStage` may look vectors up in the store's cache; a worker has no store (nor
    should it: the client is the only one that talks to it). The client fills ``batch.embeddings`` with the cached
    vectors before it submits a batch, and the stage encodes only the rest, so the worker's copy needs no cache.
    """
    from ..embed import EmbedStage

    if isinstance(stage, EmbedStage):
        return EmbedStage(stage.embedder, words=stage.words)
    return stage


@dataclass
class WorkerStats:
    """What one worker's plugin did: how often it loaded the models, and how much it ran."""

    loads: int = 0
    batches: int = 0
    articles: int = 0
    seconds: float = 0.0


class ModelStagesPlugin(WorkerPlugin):  # type: ignore[misc]
    """Holds the warmed model stages on one worker: built and warmed once in :meth:`setup`, used by every task.

    No module-level state: the pipeline lives on this plugin instance, which the worker keeps in
    ``worker.plugins[PLUGIN_NAME]``.
    """

    def __init__(self, factory: StageFactory, provided: Sequence[str]) -> None:
        self.factory = factory
        self.provided = tuple(provided)
        self.pipeline: Pipeline | None = None
        self.stats = WorkerStats()
        self._lock: threading.Lock | None = None

    def setup(self, worker: Any) -> None:
        self._lock = threading.Lock()  # a worker may run tasks on several threads; the models are not shared
        self.pipeline = Pipeline(list(self.factory()), provided=self.provided)
        self.pipeline.warm_up()
        self.stats.loads += 1

    def teardown(self, worker: Any) -> None:
        self.pipeline = None

    def run(self, batch: Batch) -> tuple[Batch, list[StageTiming]]:
        if self.pipeline is None or self._lock is None:
            raise PipelineError("the model stages are not set up on this worker", hint="register the plugin first")
        timings: list[StageTiming] = []
        began = time.perf_counter()
        with self._lock:
            before = self._copies_reused()
            out = self.pipeline.run(batch, on_stage=timings.append)
            reused = self._copies_reused() - before
        if reused:  # copies that took an in-batch origin's reading here: the client's report counts them
            timings.append(StageTiming(IN_BATCH_COPIES, 0.0, reused))
        self.stats.batches += 1
        self.stats.articles += len(batch.articles)
        self.stats.seconds += time.perf_counter() - began
        return out, timings

    def _copies_reused(self) -> int:
        return sum(getattr(stage, "copies_reused", 0) for stage in self.pipeline.stages) if self.pipeline else 0


def _take_timings(report: ProcessReport, timings: Iterable[StageTiming]) -> None:
    """A worker's stage timings into the client's report (the in-batch copy count goes to ``copies_reused``)."""
    for timing in timings:
        if timing.stage == IN_BATCH_COPIES:
            report.copies_reused += timing.articles
        else:
            report.add_timing(timing)


def _plugin(worker: Any, name: str) -> ModelStagesPlugin:
    plugin = worker.plugins.get(name)
    if plugin is None:
        raise PipelineError(f"worker {worker.address} has no {name!r} plugin", hint="DaskRunner registers it; re-run")
    return plugin  # type: ignore[no-any-return]


def run_models_task(batch: Batch, plugin_name: str = PLUGIN_NAME) -> tuple[Batch, list[StageTiming]]:
    """The task a worker runs for one batch: its plugin's warmed model stages."""
    from distributed import get_worker

    return _plugin(get_worker(), plugin_name).run(batch)


def read_part_task(items: list[str], settings: Settings, allow_private: bool) -> list[Article | Skipped]:
    """The task a worker runs for one part of the expanded inputs: every item read, failures as ``Skipped``."""
    from ..ingest import read_inputs

    return list(read_inputs(items, settings, allow_private=allow_private))


def _worker_stats(dask_worker: Any, plugin_name: str = PLUGIN_NAME) -> WorkerStats | None:
    plugin = dask_worker.plugins.get(plugin_name)
    return plugin.stats if plugin is not None else None


class SpanEncoderPlugin(WorkerPlugin):  # type: ignore[misc]
    """Holds one warmed :class:`~storyline.read.coref.MiniLMSpanEncoder` on a worker, for the namesake questions
    of the entity refresh (:class:`DaskSpanEncoder`). Loaded when the first refresh needs it, once per worker."""

    def __init__(self) -> None:
        self.encoder: Any = None
        self._lock: threading.Lock | None = None

    def setup(self, worker: Any) -> None:
        from ..read.coref import MiniLMSpanEncoder

        self._lock = threading.Lock()
        self.encoder = MiniLMSpanEncoder()
        self.encoder.warm_up()

    def teardown(self, worker: Any) -> None:
        self.encoder = None

    def run(self, method: str, *args: Any) -> Any:
        if self.encoder is None or self._lock is None:
            raise PipelineError("the span encoder is not set up on this worker", hint="register the plugin first")
        with self._lock:
            return getattr(self.encoder, method)(*args)


def span_encode_task(method: str, args: tuple[Any, ...], plugin_name: str = SPAN_PLUGIN_NAME) -> Any:
    """The task a worker runs for one chunk of namesake contexts: its span encoder's ``method(*args)``."""
    from distributed import get_worker

    plugin = get_worker().plugins.get(plugin_name)
    if plugin is None:
        raise PipelineError(f"this worker has no {plugin_name!r} plugin", hint="DaskSpanEncoder registers it; re-run")
    return plugin.run(method, *args)


class DaskSpanEncoder:
    """:class:`~storyline.read.coref.MiniLMSpanEncoder`'s methods, run in chunks on the Dask workers.

    The store-wide entity refresh runs on the client after the batches, while the workers sit idle; its
    namesake questions are nearly all MiniLM work, so the linker's encodes are spread over the workers.
    """

    name = "all-MiniLM-L6-v2/span-mean"
    dim = 384

    def __init__(self, client: Any, *, chunk: int = 96) -> None:
        self.client = client
        self.chunk = chunk
        self._registered = False

    def _map(self, method: str, columns: tuple[Sequence[Any], ...]) -> list[Any]:
        if not self._registered:
            self.client.register_plugin(SpanEncoderPlugin(), name=SPAN_PLUGIN_NAME)
            self._registered = True
        n = len(columns[0])
        futures = [
            self.client.submit(span_encode_task, method, tuple(list(c[b : b + self.chunk]) for c in columns), pure=False)
            for b in range(0, n, self.chunk)
        ]  # fmt: skip
        return self.client.gather(futures)  # type: ignore[no-any-return]

    def encode_span_and_rest(self, contexts: Sequence[str], spans: Sequence[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
        if len(contexts) != len(spans):
            raise PipelineError("one span per context is needed", item=self.name)
        if not contexts:
            empty = np.zeros((0, self.dim), dtype=np.float32)
            return empty, empty
        parts = self._map("encode_span_and_rest", (contexts, spans))
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def encode_whole(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.concatenate(self._map("encode_whole", (texts,)))


# ---------------------------------------------------------------- the runner


class DaskRunner(LocalRunner):
    """:class:`LocalRunner` with extraction and the model stages on Dask workers.

    Use as a context manager (or call :meth:`close`): it starts a ``LocalCluster`` of ``workers`` processes
    with one thread each when no ``scheduler`` address is given, and connects to that scheduler otherwise.
    ``in_flight`` bounds the batches (and input parts) submitted and not yet consumed; by default two per worker.
    ``part_size`` is the number of expanded inputs one extraction task reads (by default chosen from the count).
    """

    #: The task that reads one part of the inputs on a worker (a class attribute so a subclass can swap it).
    read_task = staticmethod(read_part_task)

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        scheduler: str | None = None,
        workers: int = 2,
        embedder: object | None = None,
        batch_size: int | None = None,
        in_flight: int | None = None,
        ordered: bool = True,
        part_size: int | None = None,
    ) -> None:
        super().__init__(store, settings, embedder=embedder, batch_size=batch_size)
        if workers < 1:
            raise ConfigError("--workers must be at least 1", item=str(workers))
        self.scheduler = scheduler
        self.workers = workers
        self.in_flight = in_flight
        self.ordered = ordered
        self.part_size = part_size
        self._client: Any = None
        self._cluster: Any = None

    # ------------------------------------------------------------ cluster

    @property
    def client(self) -> Any:
        """The Dask client, started on first use."""
        if self._client is None:
            from distributed import Client, LocalCluster

            if self.scheduler:
                try:
                    self._client = Client(self.scheduler, timeout="30s")
                except OSError as exc:
                    raise ConfigError(
                        f"cannot reach the Dask scheduler: {exc}", item=self.scheduler,
                        hint="start one with `dask scheduler` and workers with `dask worker ADDRESS`, or drop --scheduler",
                    ) from exc  # fmt: skip
            else:
                self._cluster = LocalCluster(
                    n_workers=self.workers, threads_per_worker=1, processes=True,
                    dashboard_address=":0", silence_logs=logging.WARNING,
                )  # fmt: skip
                self._client = Client(self._cluster)
        return self._client

    def worker_count(self) -> int:
        return max(1, len(self.client.scheduler_info(n_workers=-1).get("workers", {})))

    def _window(self) -> int:
        return self.in_flight or 2 * self.worker_count()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def __enter__(self) -> DaskRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ extraction

    def ingest(
        self,
        inputs: Sequence[str],
        *,
        on_progress: Callable[[int, int | None], None] | None = None,
        on_skip: Callable[[Skipped], None] | None = None,
        allow_private: bool = True,
        defaults: Any | None = None,
    ) -> IngestSummary:
        """Read ``inputs`` on the workers and store the articles here; the Dask twin of :func:`workflow.ingest`.

        ``allow_private`` defaults to True as on the command line (its operator may ingest an intranet page).
        ``defaults`` (:class:`~storyline.ingest.defaults.BatchDefaults`) fills an outlet and a date left empty.
        """
        from ..ingest import expand_inputs, read_inputs

        added: list[str] = []
        present: list[str] = []
        skipped: list[Skipped] = []

        def skip(item: Skipped) -> None:
            skipped.append(item)
            if on_skip:
                on_skip(item)

        # Inputs that name nothing (a missing path, an empty glob) say why here; reading them is instant.
        for raw in inputs:
            if not expand_inputs([raw]):
                for item in read_inputs([raw], self.settings, allow_private=allow_private):
                    if isinstance(item, Skipped):
                        skip(item)
        items = expand_inputs(inputs)
        # Parts small enough to spread over every worker a few times, large enough to amortise a task's overhead.
        size = self.part_size or max(1, min(32, math.ceil(len(items) / (4 * self.worker_count()))))
        parts = [items[i : i + size] for i in range(0, len(items), size)]
        done = 0
        for part, future in self._submit(parts, lambda p: (self.read_task, p, self.settings, allow_private)):
            try:
                results = future.result()
            except Exception as exc:  # noqa: BLE001 - the worker or the task died: every item of the part is skipped
                reason = f"reading failed on a worker ({type(exc).__name__}: {exc})"
                log.warning("part of %d inputs failed on a worker: %s", len(part), exc)
                results = [Skipped(item, reason) for item in part]
            articles = [defaults.apply(r) if defaults else r for r in results if isinstance(r, Article)]
            for r in results:
                if isinstance(r, Skipped):
                    skip(r)
            if articles:
                new, old = self.store.add_articles(articles)
                added.extend(new)
                present.extend(old)
                self.faults.reached("ingest-chunk")
            done += len(part)
            if on_progress:
                on_progress(done, len(items))
        return IngestSummary(tuple(added), tuple(present), tuple(skipped))

    # ------------------------------------------------------------ models

    def model_factory(self, stages: Sequence[Stage] | None = None) -> StageFactory:
        """A picklable factory for the model stages each worker builds and warms once.

        The stages (by default those of :meth:`model_stages`) themselves when they pickle (un-warmed stages are
        small); otherwise a :class:`StagesFromSettings` spec that rebuilds them on the worker. Override to send
        something else.
        """
        from distributed.protocol.pickle import dumps

        stages = tuple(worker_copy(s) for s in (self.model_stages() if stages is None else stages))
        try:
            dumps(stages)
        except Exception as exc:  # noqa: BLE001 - whatever pickling raises, fall back to the spec
            log.info("model stages do not pickle (%s); workers rebuild them from the settings", exc)
            spec = StagesFromSettings(type(self), self.settings, self.embedder)
            try:
                dumps(spec)
            except Exception as exc2:  # noqa: BLE001
                raise PipelineError(
                    f"the model stages cannot be sent to Dask workers: {exc2}",
                    hint="make the stages picklable (load models in warm_up) or override DaskRunner.model_factory",
                ) from exc2
            return spec
        return PickledStages(stages)

    def run_models(self, batches: Iterable[Batch], models: Pipeline, report: ProcessReport) -> Iterator[Batch]:
        """Each pre-processed batch to a worker; results back in order (or as they arrive, ``ordered=False``)."""
        if not models.stages:  # nothing heavy to ship: skip the round trip
            yield from batches
            return
        provided = ("articles", *sorted({f for f in Batch.FIELDS if f != "articles"}))
        plugin = ModelStagesPlugin(self.model_factory(models.stages), provided)  # never warmed here: small
        self.client.register_plugin(plugin, name=PLUGIN_NAME)  # setup() loads the models on every worker, once
        embed = next((s for s in models.stages if _is_embed(s)), None)
        for batch, future in self._submit(
            (self._with_cached_vectors(b, embed) for b in batches), lambda b: (run_models_task, b, PLUGIN_NAME)
        ):
            try:
                out, timings = future.result()  # a stage error on a worker is raised here, as the local runner would
            except Exception as exc:  # noqa: BLE001 - the runner isolates the article at fault
                raise_failed(batch, exc)
            _take_timings(report, timings)
            if embed is not None:  # the vectors the workers computed join the store's cache, as the local runner's do
                fresh = {aid: v for aid, v in out.embeddings.items() if aid not in batch.embeddings}
                if fresh:
                    self.store.put_embeddings(embed.embedder.name, fresh)
            yield out

    def _with_cached_vectors(self, batch: Batch, embed: Any) -> Batch:
        """``batch`` with the vectors the store already caches for its articles (workers skip encoding those),
        and for each syndicated copy whose origin is in an earlier batch, the origin's vector (no model pass:
        what :class:`~storyline.embed.EmbedStage` does with its cache on the local runner)."""
        if embed is None:
            return batch
        missing = [a.id for a in batch.articles if a.id not in batch.embeddings]
        ids = {a.id for a in batch.articles}
        origins = {
            aid: link.copy_of for aid in missing
            if (link := batch.copies.get(aid)) is not None and link.kind == "syndicated" and link.copy_of
            and link.copy_of not in ids
        }  # fmt: skip
        wanted = sorted({*missing, *origins.values()})
        cached = self.store.get_embeddings(embed.embedder.name, wanted) if wanted else {}
        dim = getattr(embed.embedder, "dim", None)
        cached = {k: v for k, v in cached.items() if dim is None or v.shape[-1] == dim}
        borrowed = {c: cached[o] for c, o in origins.items() if c not in cached and o in cached}
        if borrowed:  # stored now: the run's vectors must all reach the store's cache (the post phase reads it)
            self.store.put_embeddings(embed.embedder.name, borrowed)
        found = {k: v for k, v in cached.items() if k in ids} | borrowed
        return batch.replace(embeddings={**batch.embeddings, **found}) if found else batch

    def run_now(self, batch: Batch, models: Pipeline, report: ProcessReport) -> Batch:
        """One batch on a worker (its plugin is registered by :meth:`run_models`), waited for."""
        if not models.stages:
            return batch
        out, timings = self.client.submit(run_models_task, batch, PLUGIN_NAME, pure=False).result()
        _take_timings(report, timings)
        return out  # type: ignore[no-any-return]

    def namesake_linker(self) -> Any:
        """The entity refresh's namesake linker, its MiniLM encodes run on the workers (:class:`DaskSpanEncoder`)."""
        from ..read.coref import NamesakeLinker

        return NamesakeLinker(contexts=None, encoder=DaskSpanEncoder(self.client))

    def worker_stats(self) -> dict[str, WorkerStats]:
        """Per worker address: model loads, batches, articles and seconds its plugin ran (for benchmarks)."""
        found = self.client.run(_worker_stats)
        return {addr: stats for addr, stats in found.items() if stats is not None}

    # ------------------------------------------------------------ plumbing

    def _submit(self, items: Iterable[Any], task: Callable[[Any], tuple[Any, ...]]) -> Iterator[tuple[Any, Any]]:
        """Submit ``task(item)`` for each item with at most the window in flight; yield (item, done future).

        Items are pulled lazily, so a generator upstream (the pre stages) runs while workers are busy.
        """
        from distributed import as_completed

        client = self.client
        window = self._window()
        source = iter(items)
        pending: deque[tuple[Any, Any]] = deque()

        def submit_next() -> bool:
            try:
                item = next(source)
            except StopIteration:
                return False
            fn, *args = task(item)
            # pure=False: the same batch submitted twice (a re-run) is run again, not served from memory
            pending.append((item, client.submit(fn, *args, pure=False)))
            return True

        while len(pending) < window and submit_next():
            pass
        if self.ordered:
            while pending:
                item, future = pending.popleft()
                _wait(future)
                yield item, future
                future.release()
                submit_next()
            return
        owner = {future.key: item for item, future in pending}
        completed = as_completed([f for _, f in pending])
        pending.clear()
        for future in completed:
            item = owner.pop(future.key)
            yield item, future
            future.release()
            try:
                nxt = next(source)
            except StopIteration:
                continue
            fn, *args = task(nxt)
            new = client.submit(fn, *args, pure=False)
            owner[new.key] = nxt
            completed.add(new)


def _is_embed(stage: Stage) -> bool:
    from ..embed import EmbedStage

    return isinstance(stage, EmbedStage)


def _wait(future: Any) -> None:
    """Block until ``future`` is done, whatever its outcome (the caller reads the result or the error)."""
    from distributed import wait

    wait([future])
