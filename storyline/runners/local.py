"""Run the pipeline in this process over stored articles that are not processed yet.

The runner is the only place that talks to both the store and the stages. A run
has three phases per batch of articles, in arrival order:

1. **pre** stages (``pre_stages``): cheap, stateful, model-free — copy detection,
   so that near-verbatim copies are known before any model runs;
2. **model** stages (``model_stages``): heavy and stateless — embedding and
   reading. :meth:`run_models` runs them here; the Dask runner overrides it to
   run them on workers, yielding batches back in order;
3. **post** stages (``post_stages``): stateful, one writer — story assignment.

Each batch's results are written back before the next batch's post phase, so an
interrupted run loses at most the batches in flight and a re-run picks up the
articles that no story holds yet. ``finish`` then saves stories, resolves
entities store-wide and rebuilds the per-story analysis of touched stories.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..config import Settings
from ..pipeline import Batch, Pipeline, Stage, StageTiming
from ..store import Store

if TYPE_CHECKING:
    from ..stories import StoryWiring

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
    touched: set[str] = field(default_factory=set)

    def summary(self) -> str:
        stages = ", ".join(f"{k} {v:.1f}s" for k, v in self.stage_seconds.items())
        return (
            f"processed {self.articles} articles in {self.seconds:.1f}s: {self.copies} copies, "
            f"{self.stories_touched} stories touched ({self.stories_total} in all), {self.entities} entities, "
            f"{self.briefs} briefs" + (f" [{stages}]" if stages else "")
        )

    def add_timing(self, timing: StageTiming) -> None:
        self.stage_seconds[timing.stage] = self.stage_seconds.get(timing.stage, 0.0) + timing.seconds


class LocalRunner:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        embedder: object | None = None,
        batch_size: int = 64,
    ) -> None:
        self.store = store
        self.settings = settings
        self.embedder = embedder
        self.batch_size = batch_size

    # ------------------------------------------------------------ stages (wired as they land)

    def stories(self) -> StoryWiring:
        """Issue 3: copy, embed and cluster stages with their state loaded from the store (once per runner)."""
        if getattr(self, "_stories", None) is None:
            from ..stories import StoryWiring

            self._stories = StoryWiring(self.store, self.settings, self.embedder)  # type: ignore[arg-type]
        return self._stories

    def pre_stages(self) -> list[Stage]:
        """Cheap, model-free, stateful stages run in arrival order (copy detection)."""
        return self.stories().pre_stages()  # issue 3

    def model_stages(self) -> list[Stage]:
        """Heavy, stateless stages (embedding, reading); safe to run on other processes or machines."""
        from ..read.stage import ReadStage  # issue 4

        if getattr(self, "_read_stage", None) is None:  # one spaCy load per runner
            self._read_stage = ReadStage(self.settings)
        return [*self.stories().model_stages(), self._read_stage]  # issue 3: embeddings

    def post_stages(self) -> list[Stage]:
        """Stateful single-writer stages (story assignment)."""
        return self.stories().post_stages()  # issue 3

    # ------------------------------------------------------------ running

    def pending(self) -> list[str]:
        """Ids of stored articles that no story holds yet, in ingest order."""
        done = set(self.store.assignments())
        return [a.id for a in self.store.iter_articles() if a.id not in done]

    def batches(self, ids: list[str]) -> Iterator[Batch]:
        for start in range(0, len(ids), self.batch_size):
            chunk = ids[start : start + self.batch_size]
            yield Batch(articles=tuple(self.store.articles(ids=chunk)))

    def run_models(self, batches: Iterable[Batch], models: Pipeline, report: ProcessReport) -> Iterator[Batch]:
        """Run the model stages on each batch, yielding results in order. Overridden by the Dask runner."""
        for batch in batches:
            yield models.run(batch, on_stage=report.add_timing)

    def process(self, *, on_progress: StageProgress | None = None) -> ProcessReport:
        began = time.perf_counter()
        report = ProcessReport()
        pending = self.pending()
        if pending:
            pre = Pipeline(self.pre_stages())
            models = Pipeline(self.model_stages(), provided=("articles", *_fields(pre)))
            post = Pipeline(self.post_stages(), provided=("articles", *_fields(pre), *_fields(models)))

            def pre_batches() -> Iterator[Batch]:
                for batch in self.batches(pending):
                    yield pre.run(batch, on_stage=report.add_timing)

            for batch in self.run_models(pre_batches(), models, report):
                batch = post.run(batch, on_stage=report.add_timing)
                self.save(batch, report)
                report.articles += len(batch.articles)
                if on_progress:
                    on_progress("processing", report.articles, len(pending))
        self.finish(report)
        report.seconds = time.perf_counter() - began
        return report

    def save(self, batch: Batch, report: ProcessReport) -> None:
        if batch.copies:
            self.store.put_copies(batch.copies.values())
            report.copies += len(batch.copies)
        if batch.readings:
            self.store.put_readings(batch.readings.values())
        if batch.assignments:
            self.store.put_assignments(batch.assignments.values())
            report.touched.update(a.story_id for a in batch.assignments.values())
        self.stories().save(batch)  # issue 3: new embeddings

    def finish(self, report: ProcessReport) -> None:
        report.touched |= self.stories().finish()  # issue 3: consolidate, save stories
        report.stories_touched = len(report.touched)
        report.stories_total = len(self.store.stories())
        if report.articles:  # issue 4: entities are resolved over every stored reading
            from ..read.catalog import refresh_entities

            report.entities = len(refresh_entities(self.store))
        self.write_story_docs(report)

    def write_story_docs(self, report: ProcessReport) -> None:
        """Issue 5: facts, conflicts, quote groups, timeline and a checked brief for every touched story."""
        if not report.touched:
            return
        from ..brief import analyse_and_store
        from ..compare import CachingEmbedder
        from ..embed import MiniLMEmbedder
        from ..errors import NotFound

        began = time.perf_counter()
        if getattr(self, "_sentence_embedder", None) is None:  # one sentence cache per runner
            base = self.embedder if self.embedder is not None else MiniLMEmbedder(batch_size=self.settings.embed_batch_size)
            self._sentence_embedder = CachingEmbedder(base)
        embedder = self._sentence_embedder
        live = set()
        for touched in report.touched:
            try:
                live.add(self.store.get_story(touched).id)  # follows merge redirects
            except NotFound:  # stories must be saved before finish() reaches this step
                continue
        for story_id in sorted(live):
            analyse_and_store(self.store, story_id, embedder)
            report.briefs += 1
        report.stage_seconds["briefs"] = report.stage_seconds.get("briefs", 0.0) + time.perf_counter() - began


def _fields(pipeline: Pipeline) -> set[str]:
    return {name for stage in pipeline.stages for name in stage.provides}
