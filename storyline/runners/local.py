"""Run the pipeline in this process over stored articles that are not processed yet.

The runner is the only place that talks to both the store and the stages. A run
has three phases per batch of articles, in arrival order:

1. **pre** stages (``pre_stages``): cheap, stateful, model-free — copy detection,
   so that near-verbatim copies are known before any model runs;
2. **model** stages (``model_stages``): heavy and stateless — embedding and
   reading. :meth:`run_models` runs them here; the Dask runner overrides it to
   run them on workers, yielding batches back in order;
3. **post** stages (``post_stages``): stateful, one writer — story assignment.

Each batch's results — copy links, readings, vectors, assignments and the stories they
name — are committed in one transaction before the next batch's post phase
(:mod:`.commit`), so a run killed at any point loses at most the batches in flight,
and the next run picks up the articles that no story holds yet at the same batch
boundary. ``finish`` then consolidates the touched stories, resolves entities
store-wide and rebuilds the per-story analysis of touched stories; each batch marks
that work stale in its transaction and ``finish`` clears a mark only when its work is
committed, so a kill in between is repaired by the next run.

An article whose processing fails in any stage (or whose results cannot be stored) is
isolated: the batch is processed again article by article, the failing one is stored
as failed with its stage and reason (``storyline articles --failed``), and later runs
skip it until ``storyline retry`` or ``storyline delete``.

Syndicated copies cost no model pass: CopyStage finds them first, the embed stage borrows the origin's
vector, and a copy whose text is its origin's plus a credit line or boilerplate takes the origin's reading,
moved onto its own offsets (:meth:`LocalRunner.with_copy_readings` for origins read in earlier batches,
:class:`~storyline.read.stage.ReadStage` for origins in the same batch).

Briefs (facts, conflicts, quote groups, timeline and the checked brief of each touched story) are the
heaviest step after the models. ``settings.briefs == "eager"`` builds them in ``finish``;
``"deferred"`` only clears the touched stories' stale documents, so batch ingest is not held up by them:
``brief_for`` (``storyline brief``, ``storyline demo``) builds a missing brief on first request, and
:meth:`LocalRunner.build_briefs` builds every missing one in one go.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

from ..config import Settings
from ..errors import PipelineBusy
from ..pipeline import Batch, Pipeline, Stage, StageTiming
from ..records import Article, Reading
from ..store import ArticleFailure, Store
from .commit import ENTITIES_KEY, commit_batch, failure_of, finish_stories, is_systemic, orphan_stories, story_index_of
from .faults import FaultPlan

if TYPE_CHECKING:
    from ..stories import StoryWiring

log = logging.getLogger(__name__)

StageProgress = Callable[[str, int, int], None]

#: The per-story documents a brief build writes (``brief.analyse_and_store``); cleared together when deferred.
STORY_DOC_KINDS = ("facts", "conflicts", "quote_groups", "timeline", "brief")

#: Articles (with their readings) of recent batches kept for copies that arrive later: wire copies follow their
#: origin closely, so most origins are found here rather than in the store.
RECENT_READINGS = 2048


@dataclass
class ProcessReport:
    articles: int = 0
    copies: int = 0
    stories_touched: int = 0
    stories_total: int = 0
    entities: int = 0
    briefs: int = 0
    briefs_deferred: int = 0  # touched stories whose brief is left for the first request (settings.briefs)
    copies_reused: int = 0  # syndicated copies that took their origin's reading from an earlier batch
    failed: list[ArticleFailure] = field(default_factory=list)  # articles isolated as failed in this run
    brief_errors: int = 0  # touched stories whose brief failed to build (left to be built on request)
    repaired: int = 0  # stories an earlier, interrupted run had left unsaved (saved now)
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)
    #: ``on_progress(stage, done, total)`` of the run, told each stage as it starts (the CLI's progress bar).
    on_progress: StageProgress | None = field(default=None, repr=False, compare=False)
    total: int = 0  # articles this run processes
    stage_order: tuple[str, ...] = field(default=(), repr=False, compare=False)  # per-batch stages, in order

    def stage(self, name: str, done: int | None = None, total: int | None = None) -> None:
        """Tell the progress callback that ``name`` runs now (``done`` of ``total``; default: the articles)."""
        if self.on_progress is not None:
            self.on_progress(name, self.articles if done is None else done, self.total if total is None else total)

    def summary(self) -> str:
        stages = ", ".join(f"{k} {v:.1f}s" for k, v in self.stage_seconds.items())
        return (
            f"processed {self.articles} articles in {self.seconds:.1f}s: {self.copies} copies, "
            f"{self.stories_touched} stories touched ({self.stories_total} in all), {self.entities} entities, "
            f"{self.briefs} briefs" + (f" ({self.briefs_deferred} deferred)" if self.briefs_deferred else "")
            + (f", {len(self.failed)} failed (see `storyline articles --failed`)" if self.failed else "")
            + (f", {self.repaired} unsaved stories repaired" if self.repaired else "")
            + (f" [{stages}]" if stages else "")
        )

    def add_timing(self, timing: StageTiming) -> None:
        self.stage_seconds[timing.stage] = self.stage_seconds.get(timing.stage, 0.0) + timing.seconds
        if timing.stage in self.stage_order:  # a per-batch stage ended: the next one starts
            order = self.stage_order
            self.stage(order[(order.index(timing.stage) + 1) % len(order)])


class LocalRunner:
    #: Model results come back in submission order (the Dask runner's ``ordered=False`` turns this off).
    ordered = True
    #: Seconds :meth:`process` waits while another process runs the pipeline on the same database, before it
    #: raises PipelineBusy (0: refuse at once; the stored articles wait for the next run).
    lock_wait = 0.0

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        embedder: object | None = None,
        batch_size: int | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.embedder = embedder
        self.batch_size = batch_size or settings.process_batch
        self._recent: OrderedDict[str, tuple[Article, Reading]] = OrderedDict()
        self._namesakes: Any = None  # read.coref.NamesakeLinker, made on the first entity refresh
        self._pipelines: tuple[Pipeline, Pipeline, Pipeline] | None = None  # pre, models, post (see pipelines())
        self.faults = FaultPlan.from_env()  # a test hook: kill this process at a named point (runners/faults.py)

    # ------------------------------------------------------------ stages (wired as they land)

    def stories(self) -> StoryWiring:
        """Copy, embed and cluster stages with their state loaded from the store (once per runner)."""
        if getattr(self, "_stories", None) is None:
            from ..stories import StoryWiring

            self._stories = StoryWiring(self.store, self.settings, self.embedder)  # type: ignore[arg-type]
        return self._stories

    def pre_stages(self) -> list[Stage]:
        """Cheap, model-free, stateful stages run in arrival order (copy detection)."""
        return self.stories().pre_stages()

    def model_stages(self) -> list[Stage]:
        """Heavy, stateless stages (embedding, reading); safe to run on other processes or machines."""
        from ..read.stage import ReadStage

        if getattr(self, "_read_stage", None) is None:  # one spaCy load per runner
            self._read_stage = ReadStage(self.settings)
        return [*self.stories().model_stages(), self._read_stage]  # embeddings

    def post_stages(self) -> list[Stage]:
        """Stateful single-writer stages (story assignment)."""
        return self.stories().post_stages()

    # ------------------------------------------------------------ running

    def pending(self) -> list[str]:
        """Ids of stored articles that no story holds yet and that have not failed, in ingest order."""
        done = set(self.store.assignments()) | set(self.store.failures())
        return [a.id for a in self.store.iter_articles() if a.id not in done]

    def batches(self, ids: list[str]) -> Iterator[Batch]:
        for start in range(0, len(ids), self.batch_size):
            chunk = ids[start : start + self.batch_size]
            yield Batch(articles=tuple(self.store.articles(ids=chunk)))

    def pipelines(self) -> tuple[Pipeline, Pipeline, Pipeline]:
        """The pre, model and post pipelines, built once (and again after :meth:`reset`)."""
        if self._pipelines is None:
            pre = Pipeline(self.pre_stages())
            models = Pipeline(self.model_stages(), provided=("articles", *_fields(pre)))
            post = Pipeline(self.post_stages(), provided=("articles", *_fields(pre), *_fields(models)))
            self._pipelines = (pre, models, post)
        return self._pipelines

    def reset(self) -> None:
        """Forget the stateful stages' in-memory state (copy and story indexes); it is loaded again from the
        store, which holds exactly the committed batches. Called after a batch failed part way through."""
        wiring = getattr(self, "_stories", None)
        if wiring is not None:
            from ..stories import StoryWiring

            self._stories = StoryWiring(self.store, self.settings, wiring.embedder)  # same model, no reload
        self._pipelines = None

    def run_models(self, batches: Iterable[Batch], models: Pipeline, report: ProcessReport) -> Iterator[Batch]:
        """Run the model stages on each batch, yielding results in order. Overridden by the Dask runner."""
        for batch in batches:
            try:
                out = models.run(batch, on_stage=report.add_timing)
            except Exception as exc:  # noqa: BLE001 - isolated by process()
                raise_failed(batch, exc)
            yield out

    def process(self, *, on_progress: StageProgress | None = None) -> ProcessReport:
        """Process every pending article, then finish the work the batches (of this run or an interrupted one)
        left: consolidation, entities, briefs."""
        with contextlib.ExitStack() as held:
            try:  # one run per database (storyline/store/pipeline_lock.py)
                held.enter_context(self.store.pipeline_lock(wait=self.lock_wait))
            except PipelineBusy:
                self.store.enqueue("process")  # a running worker (storyline serve) then processes what is stored
                raise
            return self._process(on_progress)

    def _process(self, on_progress: StageProgress | None) -> ProcessReport:
        began = time.perf_counter()
        report = ProcessReport(on_progress=on_progress)
        self.repair(report)
        pending = self.pending()
        total = report.total = len(pending)
        if pending:
            reused_before = getattr(getattr(self, "_read_stage", None), "copies_reused", 0)
            while pending:
                try:
                    self.run_batches(pending, report, on_progress, total)
                    break
                except BatchFailed as failed:  # the batch's writes were rolled back; find the article(s) at fault
                    self.reset()
                    self.isolate(failed, report, on_progress, total)
                    pending = self.pending()
            reader = getattr(self, "_read_stage", None)  # copies whose origin was in the same batch (local only)
            report.copies_reused += getattr(reader, "copies_reused", 0) - reused_before
        self.finish(report)
        report.seconds = time.perf_counter() - began
        return report

    def run_batches(self, pending: list[str], report: ProcessReport, on_progress: StageProgress | None, total: int) -> None:
        """Stream ``pending`` through the stages batch by batch, committing each; a batch that fails raises
        :class:`BatchFailed` (the batches after it are left pending)."""
        pre, models, post = self.pipelines()
        # Batches submitted to the model stages and not consumed yet (only the Dask runner has several), with
        # the copies held back from each because their origin is among them (see hold_copies).
        in_flight: dict[str, Article] = {}
        held: deque[tuple[Batch, dict[str, str]]] = deque()

        def pre_batches() -> Iterator[Batch]:
            for raw in self.batches(pending):
                try:
                    batch = pre.run(raw, on_stage=report.add_timing)
                    batch = self.with_copy_readings(batch, report)
                except Exception as exc:  # noqa: BLE001 - isolated by process()
                    raise_failed(raw, exc)
                if not self.ordered:  # results may come back in any order: nothing can be held back
                    yield batch
                    continue
                sent, hold = self.hold_copies(batch, in_flight)
                in_flight.update((a.id, a) for a in batch.articles)
                held.append((batch, hold))
                yield sent

        for batch in self.run_models(pre_batches(), models, report):
            self.faults.reached("models")
            current = batch
            try:
                if self.ordered:
                    full, hold = held.popleft()
                    current = full  # with the copies held back from the models
                    batch = self.restore_copies(full, batch, hold, models, report)
                    for article in full.articles:
                        in_flight.pop(article.id, None)
                batch = post.run(batch, on_stage=report.add_timing)
                self.save(batch, report)
            except Exception as exc:  # noqa: BLE001 - isolated by process()
                raise_failed(current, exc)
            report.articles += len(batch.articles)
            if on_progress:
                on_progress("processing", report.articles + len(report.failed), total)

    def isolate(self, failed: BatchFailed, report: ProcessReport, on_progress: StageProgress | None, total: int) -> None:
        """Process the articles of a failed batch one at a time; those that fail again are stored as failed with
        their reason (later runs skip them) and the others are committed as usual.

        When every article of a batch of several fails with the same message, the fault is not theirs (a model
        that cannot run, a store that cannot be written): the error is raised and nothing is marked.
        """
        failures: list[tuple[ArticleFailure, BaseException]] = []
        for article in failed.batch.articles:
            try:
                self.process_now(Batch(articles=(article,)), report)
            except Exception as exc:  # noqa: BLE001 - one article's failure, recorded below
                cause = exc.error if isinstance(exc, BatchFailed) else exc
                if is_systemic(cause):
                    raise cause from exc
                failures.append((failure_of(article.id, cause), cause))
                self.reset()  # the failed article may have entered the copy or story index
                continue
            report.articles += 1
            if on_progress:
                on_progress("processing", report.articles + len(report.failed) + len(failures), total)
        if len(failures) > 1 and len(failures) == len(failed.batch.articles) and len({f.reason for f, _ in failures}) == 1:
            raise failures[0][1]
        if failures:
            self.store.put_failures(f for f, _ in failures)
            report.failed.extend(f for f, _ in failures)

    def process_now(self, batch: Batch, report: ProcessReport) -> None:
        """Every phase for one small batch, waited for, and its commit (the article-by-article path)."""
        pre, models, post = self.pipelines()
        batch = pre.run(batch, on_stage=report.add_timing)
        batch = self.with_copy_readings(batch, report)
        batch = self.run_now(batch, models, report)
        batch = post.run(batch, on_stage=report.add_timing)
        self.save(batch, report)

    def with_copy_readings(self, batch: Batch, report: ProcessReport) -> Batch:
        """``batch`` with readings for its syndicated copies whose origin was read in an earlier batch (or run).

        A copy that is its origin's text plus a credit line or boilerplate takes the origin's reading moved onto
        its own offsets (:func:`~storyline.read.stage.copy_reading`), so the reading stage skips it; any other
        copy, or one whose origin's reading is not at hand yet (a Dask batch still in flight), is read as usual.
        """
        from ..read.stage import copy_reading

        began = time.perf_counter()
        ids = {a.id for a in batch.articles}
        wanted = {
            a.id: link.copy_of for a in batch.articles
            if a.id not in batch.readings and (link := batch.copies.get(a.id)) is not None
            and link.kind == "syndicated" and link.copy_of and link.copy_of not in ids
        }  # fmt: skip
        if not wanted:
            return batch
        known = {o: self._recent[o] for o in wanted.values() if o in self._recent}
        missing = sorted({o for o in wanted.values() if o not in known})
        if missing:  # origins read in an earlier run (or pushed out of the recent window)
            stored = self.store.readings(missing)
            if stored:
                for article in self.store.articles(ids=sorted(stored)):
                    known[article.id] = (article, stored[article.id])
        readings = dict(batch.readings)
        by_id = {a.id: a for a in batch.articles}
        for copy_id, origin_id in wanted.items():
            if origin_id in known:
                origin, reading = known[origin_id]
                mapped = copy_reading(by_id[copy_id], origin, reading)
                if mapped is not None:
                    readings[copy_id] = mapped
        reused = len(readings) - len(batch.readings)
        report.copies_reused += reused
        report.add_timing(StageTiming("copy-readings", time.perf_counter() - began, len(batch.articles)))
        return batch.replace(readings=readings) if reused else batch

    def hold_copies(self, batch: Batch, in_flight: dict[str, Article]) -> tuple[Batch, dict[str, str]]:
        """The batch to send to the model stages, without the syndicated copies whose origin is in a batch still
        in flight (Dask: submitted, not back yet) and whose text is the origin's plus boilerplate; and those held
        copies (copy id -> origin id). :meth:`restore_copies` gives them the origin's reading and vector when the
        batch comes back, so a copy costs no model pass whichever batch its origin was in, and the stored result
        is the one the local runner gives.
        """
        from ..read.stage import copy_offset

        if not in_flight:
            return batch, {}
        hold = {}
        for article in batch.articles:
            link = batch.copies.get(article.id)
            if article.id in batch.readings or link is None or link.kind != "syndicated" or not link.copy_of:
                continue
            origin = in_flight.get(link.copy_of)
            if origin is not None and copy_offset(article.text, origin.text) is not None:
                hold[article.id] = origin.id
        if not hold:
            return batch, {}
        return batch.replace(articles=tuple(a for a in batch.articles if a.id not in hold)), hold

    def restore_copies(
        self, full: Batch, out: Batch, hold: dict[str, str], models: Pipeline, report: ProcessReport
    ) -> Batch:
        """``out`` (the model stages' result for ``full`` without the held copies) with the held copies put back
        in place, each with its origin's reading (moved onto its offsets) and vector."""
        if not hold:
            return out
        from ..embed import EmbedStage
        from ..read.stage import copy_reading

        began = time.perf_counter()
        embed = next((s for s in models.stages if isinstance(s, EmbedStage)), None)
        by_id = {a.id: a for a in full.articles}
        readings, vectors = dict(out.readings), dict(out.embeddings)
        origin_vectors = self.store.get_embeddings(embed.embedder.name, sorted(set(hold.values()))) if embed else {}
        unread: list[Article] = []
        for copy_id, origin_id in hold.items():
            known = self._recent.get(origin_id)
            mapped = copy_reading(by_id[copy_id], *known) if known is not None else None
            if mapped is None or (embed is not None and origin_id not in origin_vectors):
                unread.append(by_id[copy_id])  # not expected with ordered results; read it after all
                continue
            readings[copy_id] = mapped
            if embed is not None:
                vectors[copy_id] = origin_vectors[origin_id]
        if embed is not None:
            borrowed = {c: vectors[c] for c in hold if c in vectors}
            if borrowed:
                self.store.put_embeddings(embed.embedder.name, borrowed)
        report.copies_reused += len(hold) - len(unread)
        report.add_timing(StageTiming("copy-readings", time.perf_counter() - began, len(hold)))
        if unread:
            extra = self.run_now(Batch(articles=tuple(unread), copies=full.copies), models, report)
            readings.update(extra.readings)
            vectors.update(extra.embeddings)
            if embed is not None:
                self.store.put_embeddings(embed.embedder.name, {a.id: extra.embeddings[a.id] for a in unread})
        return out.replace(articles=full.articles, readings=readings, embeddings=vectors)

    def run_now(self, batch: Batch, models: Pipeline, report: ProcessReport) -> Batch:
        """Run the model stages on one batch and wait for it (the rare held copy that could not be restored)."""
        return models.run(batch, on_stage=report.add_timing)

    def _remember(self, batch: Batch) -> None:
        for article in batch.articles:
            reading = batch.readings.get(article.id)
            if reading is not None:
                self._recent[article.id] = (article, reading)
                self._recent.move_to_end(article.id)
        while len(self._recent) > RECENT_READINGS:
            self._recent.popitem(last=False)

    def save(self, batch: Batch, report: ProcessReport) -> None:
        """Commit one batch's results in one transaction (:func:`~storyline.runners.commit.commit_batch`)."""
        _, _, post = self.pipelines()
        touched = commit_batch(self.store, batch, story_index_of(post.stages), self.faults, self.stories().save)
        report.copies += len(batch.copies)
        report.touched |= touched
        if batch.readings:
            self._remember(batch)

    def repair(self, report: ProcessReport) -> None:
        """Mark for the end of this run the stories an interrupted run left unsaved (assignments name them, no
        story record exists): a store written before batches committed their stories can hold such."""
        orphans = orphan_stories(self.store)
        if orphans:
            with self.store.transaction():
                self.store.mark_stale("tidy", orphans)
                self.store.mark_stale("brief", orphans)
                self.store.mark_stale("entities", [ENTITIES_KEY])
            report.repaired = len(orphans)

    def finish(self, report: ProcessReport) -> None:
        """The work the batches marked stale: consolidate the touched stories, refresh the store-wide entities,
        build (or clear) the touched stories' briefs. Each mark is cleared once its work is stored."""
        index = None
        if self.store.stale("tidy"):
            _, _, post = self.pipelines()  # loads the story index from the store when no batch ran
            index = story_index_of(post.stages)
        report.stage_order = ()
        report.stage("stories")
        report.touched |= finish_stories(self.store, index, self.faults)
        report.stories_touched = len(report.touched)
        report.stories_total = len(self.store.stories())
        if self.store.stale("entities"):  # entities are resolved over every stored reading
            from ..read.catalog import refresh_entities

            began = time.perf_counter()
            report.stage("entities")
            if self._namesakes is None:
                self._namesakes = self.namesake_linker()  # remembers its answers across batches
            report.entities = len(refresh_entities(self.store, linker=self._namesakes))
            self.faults.reached("entities")
            self.store.clear_stale("entities")
            report.stage_seconds["entities"] = report.stage_seconds.get("entities", 0.0) + time.perf_counter() - began
        if self.settings.briefs == "eager":
            self.write_story_docs(report)
        else:
            self.defer_story_docs(report)

    def namesake_linker(self) -> Any:
        """The :class:`~storyline.read.coref.NamesakeLinker` the entity refresh asks about shared surnames;
        it encodes in this process (the Dask runner's encodes on its workers)."""
        from ..read.coref import MiniLMSpanEncoder, NamesakeLinker

        # The story embedder's MiniLM, shared: one model load per process (it loaded twice before).
        shared = getattr(self.stories().embedder, "sentence_transformer", None)
        return NamesakeLinker(contexts=None, encoder=MiniLMSpanEncoder(loader=shared))

    def live_stories(self, story_ids: Iterable[str]) -> list[str]:
        """The stored stories ``story_ids`` name, merge redirects followed, sorted; unknown ids dropped."""
        from ..errors import NotFound

        live = set()
        for ref in story_ids:
            try:
                live.add(self.store.get_story(ref).id)  # follows merge redirects
            except NotFound:  # stories must be saved before finish() reaches this step
                continue
        return sorted(live)

    def write_story_docs(self, report: ProcessReport) -> None:
        """Facts, conflicts, quote groups, timeline and a checked brief for every story marked stale."""
        marked = self.store.stale("brief")
        if marked:
            report.briefs += self.build_briefs(marked, report=report)
            self.store.clear_stale("brief", marked)  # stories gone since (merged, deleted) need nothing

    def defer_story_docs(self, report: ProcessReport) -> None:
        """``briefs = "deferred"``: clear the touched stories' stale documents; a brief is built when asked for.

        A stored document would describe the story without its new articles, so it is cleared (stored as null,
        which every reader takes as "not computed yet"): ``brief_for`` then builds it on first request.
        """
        began = time.perf_counter()
        marked = self.store.stale("brief")
        for story_id in self.live_stories(marked):
            if self.store.get_story_doc(story_id, "brief") is not None or self.store.get_story_doc(story_id, "facts") is not None:
                with self.store.transaction():
                    for kind in STORY_DOC_KINDS:
                        self.store.put_story_doc(story_id, kind, None)
            report.briefs_deferred += 1
        self.store.clear_stale("brief", marked)
        report.stage_seconds["briefs-deferred"] = report.stage_seconds.get("briefs-deferred", 0.0) + time.perf_counter() - began

    def build_briefs(self, story_ids: Iterable[str] | None = None, *, report: ProcessReport | None = None) -> int:
        """Build and store the documents and brief of ``story_ids`` (by default: every live story without a
        stored brief, i.e. those a deferred run left); returns how many were built.

        The batch step for ``briefs = "deferred"``: run it after a large ingest, or leave briefs to the first request.
        """
        from ..brief import analyse_and_store

        began = time.perf_counter()
        if story_ids is None:
            todo = [s.id for s in self.store.stories() if self.store.get_story_doc(s.id, "brief") is None]
        else:
            todo = self.live_stories(story_ids)
        embedder = self.sentence_embedder() if todo else None
        tools = self.analysis_tools() if todo else {}
        for n, story_id in enumerate(todo):
            if report is not None:
                report.stage("briefs", n, len(todo))
            try:
                analyse_and_store(self.store, story_id, embedder, **tools)
            except Exception as exc:  # noqa: BLE001 - one story's brief must not stop every later run
                if story_ids is None:
                    raise
                log.warning("brief of story %s failed (%s); it is built again when asked for", story_id, exc)
                with self.store.transaction():
                    for kind in STORY_DOC_KINDS:
                        self.store.put_story_doc(story_id, kind, None)
                if report is not None:
                    report.brief_errors += 1
            if story_ids is not None:
                self.store.clear_stale("brief", [story_id])  # done: a kill after this does not build it again
            self.faults.reached("brief")
        if report is not None:
            report.stage_seconds["briefs"] = report.stage_seconds.get("briefs", 0.0) + time.perf_counter() - began
        return len(todo)

    def analysis_tools(self) -> dict[str, object]:
        """The comparison's parser and gazetteer, kept for the runner's life (each loads on first use)."""
        if getattr(self, "_analysis_tools", None) is None:
            from ..compare import analysis_tools

            self._analysis_tools = analysis_tools()
        return self._analysis_tools

    def sentence_embedder(self) -> object:
        """The embedder briefs align sentences with, behind a cache kept for the runner's life."""
        if getattr(self, "_sentence_embedder", None) is None:
            from ..compare import CachingEmbedder
            from ..embed import MiniLMEmbedder, sentence_embedder

            # the story embedder (the same MiniLM settings) when it is one: its model is loaded once per process
            stories = self.stories().embedder
            base = self.embedder if self.embedder is not None else (
                stories if isinstance(stories, MiniLMEmbedder) else MiniLMEmbedder(batch_size=self.settings.embed_batch_size))
            self._sentence_embedder = CachingEmbedder(sentence_embedder(base))
        return self._sentence_embedder


def _fields(pipeline: Pipeline) -> set[str]:
    return {name for stage in pipeline.stages for name in stage.provides}


class BatchFailed(Exception):
    """A batch failed part way through (any stage, or its commit); nothing of it is stored.

    ``batch`` holds the articles as the batch entered the failing phase; ``error`` is what went wrong.
    """

    def __init__(self, batch: Batch, error: BaseException) -> None:
        super().__init__(str(error))
        self.batch = batch
        self.error = error


def raise_failed(batch: Batch, exc: BaseException) -> NoReturn:
    """Raise (from an ``except`` block) what ``batch`` failing with ``exc`` means: a :class:`BatchFailed` for the
    runner to isolate the article at fault, or ``exc`` itself when the setup is broken (``commit.SYSTEMIC``) or
    it already is one."""
    if isinstance(exc, BatchFailed) or is_systemic(exc):
        raise exc
    raise BatchFailed(batch, exc) from exc
