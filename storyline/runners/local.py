"""Run the pipeline in this process over stored articles that are not processed yet.

The runner is the only place that talks to both the store and the stages:
it loads the state stages need (copy index, embedding cache, story index),
runs the :class:`~storyline.pipeline.Pipeline` batch by batch, and writes each
batch's results back before the next, so an interrupted run loses at most one
batch and a re-run picks up where it stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..config import Settings
from ..pipeline import Batch, Pipeline, StageTiming
from ..store import Store

StageProgress = Callable[[str, int, int], None]


@dataclass
class ProcessReport:
    articles: int = 0
    copies: int = 0
    stories_touched: int = 0
    stories_total: int = 0
    entities: int = 0
    briefs: int = 0
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        stages = ", ".join(f"{k} {v:.1f}s" for k, v in self.stage_seconds.items())
        return (
            f"processed {self.articles} articles in {self.seconds:.1f}s: {self.copies} copies, "
            f"{self.stories_touched} stories touched ({self.stories_total} in all), {self.entities} entities, "
            f"{self.briefs} briefs" + (f" [{stages}]" if stages else "")
        )


class LocalRunner:
    def __init__(self, store: Store, settings: Settings, *, embedder: object | None = None, batch_size: int = 64) -> None:
        self.store = store
        self.settings = settings
        self.embedder = embedder
        self.batch_size = batch_size

    def pending(self) -> list[str]:
        """Ids of stored articles that no story holds yet, in ingest order."""
        done = set(self.store.assignments())
        return [a.id for a in self.store.iter_articles() if a.id not in done]

    def process(self, *, on_progress: StageProgress | None = None) -> ProcessReport:
        began = time.perf_counter()
        report = ProcessReport()
        pending = self.pending()
        if not pending:
            report.seconds = time.perf_counter() - began
            return report
        pipeline = self.build_pipeline()

        def on_stage(timing: StageTiming) -> None:
            report.stage_seconds[timing.stage] = report.stage_seconds.get(timing.stage, 0.0) + timing.seconds

        for start in range(0, len(pending), self.batch_size):
            ids = pending[start : start + self.batch_size]
            batch = pipeline.run(Batch(articles=tuple(self.store.articles(ids=ids))), on_stage=on_stage)
            self.save(batch, report)
            report.articles += len(ids)
            if on_progress:
                on_progress("processing", report.articles, len(pending))
        self.finish(report)
        report.seconds = time.perf_counter() - began
        return report

    # The stages are wired in build_pipeline / save / finish as they land.

    def build_pipeline(self) -> Pipeline:
        return Pipeline([])

    def save(self, batch: Batch, report: ProcessReport) -> None:
        if batch.copies:
            self.store.put_copies(batch.copies.values())
            report.copies += len(batch.copies)
        if batch.readings:
            self.store.put_readings(batch.readings.values())
        if batch.assignments:
            self.store.put_assignments(batch.assignments.values())

    def finish(self, report: ProcessReport) -> None:
        report.stories_total = len(self.store.stories())
