"""DaskRunner against a real LocalCluster of 2 worker processes.

The model stage here is the package's :class:`EmbedStage` over :class:`FakeEmbedder` plus a small reading stage
defined in this module (sent to the workers by value), so the workers load no spaCy or MiniLM, but the path is the
real one: stages pickled into the worker plugin, warmed once per worker, batches submitted and gathered.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import cloudpickle
import numpy as np
import pytest

from storyline.config import load_settings
from storyline.embed import EmbedStage, FakeEmbedder
from storyline.pipeline import Batch
from storyline.records import Assignment, CopyLink, Reading, content_id, normalize_text
from storyline.runners.dask import DaskRunner, read_part_task
from storyline.runners.commit import finish_stories, story_index_of
from storyline.runners.local import LocalRunner, ProcessReport
from storyline.store import open_store

distributed = pytest.importorskip("distributed")

# Workers unpickle the stages and task functions below; they may not be able to import this test module.
cloudpickle.register_pickle_by_value(sys.modules[__name__])

# ---------------------------------------------------------------- a small hand-written corpus (fictional)

CORPUS = {
    "a1.md": ("Ferry strike halts Orlen crossings", "Harbor Ledger",
              "Ferry crews in Orlen walked out on Monday, halting every crossing to Tessaly Island. The Orlen "
              "Mariners Guild said its members want a new rota and hazard pay after two engine fires this spring. "
              "Port director Anselm Vey said talks would resume on Wednesday."),
    "a2.md": ("Orlen ferry crews strike over hazard pay", "Valley Courier",
              "No ferries left Orlen harbor on Monday as crews began a strike over hazard pay and rotas. Tessaly "
              "Island residents queued at the small airstrip instead. Anselm Vey, the port director, said the "
              "guild and the port would meet again on Wednesday."),
    "a3.md": ("Brannock mill fire injures three", "Northstar",
              "A fire at the Brannock textile mill injured three workers late on Saturday. Firefighters from "
              "Kell and Marrow Ford fought the blaze for six hours. The mill owner, Ilse Corrande, said the cause "
              "was an overheated dryer on the second floor."),
    "a4.md": ("Three hurt as blaze sweeps Brannock mill", "Coastline Gazette",
              "Three workers were hurt when fire swept through the Brannock textile mill on Saturday night. Crews "
              "from Kell and Marrow Ford needed six hours to put it out. Owner Ilse Corrande blamed an overheated "
              "dryer on the second floor."),
    "a5.md": ("Tessaly council delays library vote", "Harbor Ledger",
              "The Tessaly Island council postponed its vote on a new public library until May. Councillor Ruth "
              "Abernell said the budget still had a gap of 400,000 crowns. The library would replace a reading "
              "room that closed in the floods of last year."),
    "a6.md": ("Ferry strike halts Orlen crossings", "Merriton Wire",  # a syndicated copy of a1
              "Ferry crews in Orlen walked out on Monday, halting every crossing to Tessaly Island. The Orlen "
              "Mariners Guild said its members want a new rota and hazard pay after two engine fires this spring. "
              "Port director Anselm Vey said talks would resume on Wednesday."),
    "a7.md": ("Library plan for Tessaly waits until May", "Valley Courier",
              "Tessaly Island will wait until May for a decision on its new library, after councillors delayed "
              "the vote. Ruth Abernell said a 400,000-crown gap remained in the budget for the building."),
}


def write_corpus(folder: Path) -> list[str]:
    folder.mkdir()
    for n, (name, (title, outlet, body)) in enumerate(CORPUS.items()):
        (folder / name).write_text(
            f"---\ntitle: {title}\noutlet: {outlet}\nurl: https://example.test/{n}\n"
            f"published: 2026-03-0{n + 1}T09:00:00+00:00\n---\n{body}\n",
            encoding="utf-8",
        )
    (folder / "broken.json").write_text("{ this is not json", encoding="utf-8")
    return [str(folder)]


# ---------------------------------------------------------------- small stages (pre, model, post)


class ExactCopies:
    """Pre stage: an article whose normalised text was seen before is a syndicated copy of the first one."""

    name = "copies"
    requires = ("articles",)
    provides = ("copies",)

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def warm_up(self) -> None:
        return None

    def run(self, batch: Batch) -> Batch:
        links = dict(batch.copies)
        for a in batch.articles:
            key = normalize_text(a.text)
            if key in self.seen:
                links[a.id] = CopyLink(a.id, "syndicated", 1.0, copy_of=self.seen[key], reason="same text")
            else:
                self.seen[key] = a.id
        return batch.replace(copies=links)


class SentenceReader:
    """Model stage: sentence spans and capitalised words as 'mentions'; counts its warm-ups."""

    name = "read"
    requires = ("articles",)
    provides = ("readings",)

    def __init__(self) -> None:
        self.warmed = 0

    def warm_up(self) -> None:
        self.warmed += 1

    def run(self, batch: Batch) -> Batch:
        readings = dict(batch.readings)
        for a in batch.articles:
            spans = tuple((m.start(), m.end()) for m in re.finditer(r"[^.]+\.", a.text))
            readings[a.id] = Reading(article_id=a.id, sentences=spans)
        return batch.replace(readings=readings)


class GreedyStories:
    """Post stage: joins the most similar story at cosine >= 0.5, else opens one (order-dependent, like the real one)."""

    name = "cluster"
    requires = ("embeddings",)
    provides = ("assignments",)

    def __init__(self) -> None:
        self.centroids: dict[str, np.ndarray] = {}

    def warm_up(self) -> None:
        return None

    def run(self, batch: Batch) -> Batch:
        out = dict(batch.assignments)
        for a in batch.articles:
            v = batch.embeddings[a.id]
            best, score = None, -1.0
            for sid, c in self.centroids.items():
                s = float(np.dot(v, c) / (np.linalg.norm(c) or 1.0))
                if s > score:
                    best, score = sid, s
            if best is not None and score >= 0.5:
                self.centroids[best] = self.centroids[best] + v
                out[a.id] = Assignment(a.id, best, score, False, f"cosine {score:.2f}")
            else:
                sid = content_id(a.id, prefix="s")
                self.centroids[sid] = v.copy()
                out[a.id] = Assignment(a.id, sid, 1.0, True, "new story")
        return batch.replace(assignments=out)


class StagesForTest(LocalRunner):
    def pre_stages(self):  # noqa: ANN201
        return [ExactCopies()]

    def model_stages(self):  # noqa: ANN201
        return [EmbedStage(FakeEmbedder(32)), SentenceReader()]

    def post_stages(self):  # noqa: ANN201
        return [GreedyStories()]


class LocalTest(StagesForTest):
    pass


class DaskTest(DaskRunner, StagesForTest):
    pass


def exploding_read(items: list[str], settings, allow_private: bool):  # noqa: ANN001, ANN201
    """A read task that dies on one part, as a crashed parser or worker would."""
    if any("a3" in i for i in items):
        raise RuntimeError("worker blew up")
    return read_part_task(items, settings, allow_private)


class ExplodingDask(DaskTest):
    read_task = staticmethod(exploding_read)


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def cluster():
    """One real LocalCluster of 2 worker processes for the module (starting one takes seconds)."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
    ) as c:
        yield c.scheduler_address


def stored(url: str) -> dict[str, object]:
    store = open_store(url)
    try:
        return {
            "articles": [(a.id, a.title, a.outlet, a.source) for a in store.articles()],
            "copies": sorted(store.copies(), key=lambda c: c.article_id),
            "readings": store.readings(),
            "assignments": store.assignments(),
        }
    finally:
        store.close()


def run_local(db: str, inputs: list[str]):  # noqa: ANN201
    from storyline import workflow

    settings = load_settings(db=db, env={})
    store = open_store(db)
    try:
        summary = workflow.ingest(store, inputs, settings)
        LocalTest(store, settings, batch_size=2).process()
    finally:
        store.close()
    return summary


def run_dask(db: str, inputs: list[str], scheduler: str, cls: type[DaskRunner] = DaskTest):  # noqa: ANN201
    settings = load_settings(db=db, env={})
    store = open_store(db)
    try:
        with cls(store, settings, scheduler=scheduler, batch_size=2, part_size=2) as runner:
            summary = runner.ingest(inputs)
            report = runner.process()
            stats = runner.worker_stats()
    finally:
        store.close()
    return summary, report, stats


# ---------------------------------------------------------------- tests


def test_same_stored_results_as_local_runner(tmp_path: Path, cluster: str) -> None:
    inputs = write_corpus(tmp_path / "corpus")
    local_db, dask_db = str(tmp_path / "local.db"), str(tmp_path / "dask.db")
    local_summary = run_local(local_db, inputs)
    summary, report, stats = run_dask(dask_db, inputs, cluster)

    assert summary.added == local_summary.added and len(summary.added) == len(CORPUS)  # a6: a1's text, own url
    assert stored(dask_db) == stored(local_db)
    assignments = stored(dask_db)["assignments"]
    assert len(assignments) == 7 and len({a.story_id for a in assignments.values()}) < 7
    assert report.articles == 7 and report.copies >= 1
    assert {"embed", "read", "copies", "cluster"} <= set(report.stage_seconds)
    # the models ran on the workers, each loaded once per worker however many batches it ran
    assert sum(s.batches for s in stats.values()) == 4  # 7 articles in batches of 2
    assert all(s.loads == 1 for s in stats.values())


def test_bad_input_on_a_worker_is_skipped(tmp_path: Path, cluster: str) -> None:
    inputs = write_corpus(tmp_path / "corpus")
    summary, _, _ = run_dask(str(tmp_path / "dask.db"), [*inputs, str(tmp_path / "missing.md")], cluster)
    sources = {Path(s.source).name: s.reason for s in summary.skipped}
    assert "broken.json" in sources and "json" in sources["broken.json"].lower()
    assert "missing.md" in sources and "no such file" in sources["missing.md"]
    assert len(summary.added) == len(CORPUS)


def test_a_part_that_fails_on_a_worker_becomes_skipped(tmp_path: Path, cluster: str) -> None:
    inputs = write_corpus(tmp_path / "corpus")
    summary, report, _ = run_dask(str(tmp_path / "dask.db"), inputs, cluster, cls=ExplodingDask)
    failed = [s for s in summary.skipped if "blew up" in s.reason]
    assert [Path(s.source).name for s in failed] == ["a3.md", "a4.md"]  # the part of 2 holding a3
    assert len(summary.added) == 5 and report.articles == 5


def test_rerun_duplicates_nothing(tmp_path: Path, cluster: str) -> None:
    inputs = write_corpus(tmp_path / "corpus")
    db = str(tmp_path / "dask.db")
    _, _, before = run_dask(db, inputs, cluster)
    first = stored(db)
    summary, report, after = run_dask(db, inputs, cluster)
    assert summary.added == () and len(summary.present) == len(CORPUS)
    assert report.articles == 0
    assert sum(s.batches for s in after.values()) == sum(s.batches for s in before.values())  # no batch re-run
    assert stored(db) == first


def test_cli_ingest_with_a_local_cluster(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from storyline.cli import app

    inputs = write_corpus(tmp_path / "corpus")
    db = tmp_path / "cli.db"
    result = CliRunner().invoke(
        app, ["ingest", *inputs, "--db", str(db), "--runner", "dask", "--workers", "2", "--no-process"]
    )
    assert result.exit_code == 1, result.output  # exit 1: some inputs were skipped, the rest went in
    assert "7 articles added" in result.output and "1 skipped" in result.output
    store = open_store(str(db))
    try:
        assert store.count_articles() == len(CORPUS)
    finally:
        store.close()


def test_unordered_mode_processes_every_batch(tmp_path: Path, cluster: str) -> None:
    inputs = write_corpus(tmp_path / "corpus")
    db = str(tmp_path / "dask.db")
    settings = load_settings(db=db, env={})
    store = open_store(db)
    try:
        with DaskTest(store, settings, scheduler=cluster, batch_size=2, ordered=False, in_flight=2) as runner:
            runner.ingest(inputs)
            report = runner.process()
        assert report.articles == len(CORPUS)
        assert set(store.readings()) == set(store.assignments()) == {a.id for a in store.articles()}
    finally:
        store.close()


class Unpicklable(SentenceReader):
    def __init__(self) -> None:
        super().__init__()
        import threading

        self.lock = threading.Lock()  # a lock does not pickle


class UnpicklableStages(DaskRunner):
    def model_stages(self):  # noqa: ANN201
        return [Unpicklable()]


def test_stages_that_do_not_pickle_are_rebuilt_from_settings(tmp_path: Path) -> None:
    from distributed.protocol.pickle import dumps, loads

    from storyline.runners.dask import PickledStages, StagesFromSettings

    db = str(tmp_path / "x.db")
    store = open_store(db)
    try:
        settings = load_settings(db=db, env={})
        factory = UnpicklableStages(store, settings).model_factory()
        assert isinstance(factory, StagesFromSettings) and factory.settings == settings
        rebuilt = loads(dumps(factory))()  # what a worker's plugin does in setup()
        assert [type(s).__name__ for s in rebuilt] == ["Unpicklable"]
        assert isinstance(DaskTest(store, settings).model_factory(), PickledStages)
    finally:
        store.close()


class StagesOnly(LocalRunner):
    """The runner's own stages and story saving, without the store-wide steps of ``finish`` (entities, briefs):
    those run in the client after the batches, the same code for both runners, and are tested with their modules."""

    def finish(self, report: ProcessReport) -> None:
        _, _, post = self.pipelines()
        report.touched |= finish_stories(self.store, story_index_of(post.stages), self.faults)
        report.stories_touched = len(report.touched)


class LocalStagesOnly(StagesOnly):
    pass


class DaskStagesOnly(DaskRunner, StagesOnly):
    pass


@pytest.mark.models
@pytest.mark.parametrize("batch_size", [2, 8])
def test_the_runners_own_stages_give_the_same_store(tmp_path: Path, cluster: str, batch_size: int) -> None:
    """LocalRunner's wired stages (copies, embed, read with spaCy, cluster) with the model stages on workers.

    FakeEmbedder stands in for MiniLM (passed as the runner's embedder); spaCy is the real one, loaded once on each
    worker. The vectors the workers compute must reach the store's cache exactly as the local runner stores them.
    With batches of 8 the copy a6 is in its origin's batch: the worker's reading stage maps it, and the client's
    report still counts it.
    """
    inputs = write_corpus(tmp_path / "corpus")
    results = {}
    for kind in ("local", "dask"):
        db = str(tmp_path / f"{kind}.db")
        settings = load_settings(db=db, env={})
        store = open_store(db)
        try:
            embedder = FakeEmbedder(64)
            if kind == "local":
                from storyline import workflow

                workflow.ingest(store, inputs, settings)
                report = LocalStagesOnly(store, settings, embedder=embedder, batch_size=batch_size).process()
            else:
                with DaskStagesOnly(store, settings, scheduler=cluster, embedder=embedder, batch_size=batch_size) as runner:
                    runner.ingest(inputs)
                    report = runner.process()
                    again = runner.process()
                    assert again.articles == 0
            ids = [a.id for a in store.articles()]
            results[kind] = {
                **stored(db),
                "vectors": {k: v.tolist() for k, v in store.get_embeddings(embedder.name, ids).items()},
                "stories": sorted((s.id, s.article_ids) for s in store.stories()),
                "report": (report.articles, report.copies, report.stories_touched, report.copies_reused),
            }
        finally:
            store.close()
    assert results["dask"] == results["local"]
    # a6 copies a1 word for word: it takes a1's reading, whether a1 was read in an earlier batch (local) or is
    # still in flight on a worker when a6 is sent (Dask: held back, then given a1's reading)
    assert results["dask"]["report"][3] == 1
    assert len(results["dask"]["vectors"]) == len(CORPUS) and results["dask"]["stories"]
    assert all(r.mentions for r in results["dask"]["readings"].values())  # spaCy ran on the workers


@pytest.mark.models
def test_the_entity_refresh_encodes_namesake_contexts_on_the_workers(cluster: str) -> None:
    """DaskSpanEncoder gives what MiniLMSpanEncoder gives in this process, and the linker answers with it."""
    from storyline.read.coref import MiniLMSpanEncoder, NameContext, NamesakeLinker
    from storyline.records import LocalEntity
    from storyline.runners.dask import DaskSpanEncoder

    texts = {
        "k": "Kirill Dmitriev, head of the sovereign wealth fund, said the fund would invest two billion in ports.",
        "i": "Goalkeeper Ivan Dmitriev saved a penalty in the last minute as his club won the cup final.",
        "l1": "Mr. Dmitriev said the investment fund would put money into new ports and railways.",
        "l2": "Mr. Dmitriev dived to his left and saved the penalty, and the fans sang his name after the match.",
    }
    spans = [(t.index("Dmitriev"), t.index("Dmitriev") + 8) for t in texts.values()]
    with distributed.Client(cluster) as client:
        remote = DaskSpanEncoder(client, chunk=3)  # 4 contexts: two tasks
        here = MiniLMSpanEncoder()
        for got, want in zip(remote.encode_span_and_rest(list(texts.values()), spans),
                             here.encode_span_and_rest(list(texts.values()), spans), strict=True):
            assert got.shape == (4, 384) and np.allclose(got, want, atol=1e-5)
        assert np.allclose(remote.encode_whole(["Dmitriev", "the fund"]), here.encode_whole(["Dmitriev", "the fund"]), atol=1e-5)

        def contexts(aid: str, ent: LocalEntity) -> list[NameContext]:
            s, e = spans[list(texts).index(aid)]
            return [NameContext(aid, texts[aid], s, e)]

        linker = NamesakeLinker(contexts, encoder=remote)
        person = lambda name: LocalEntity(name, name, "PERSON")  # noqa: E731
        kirill, ivan = [("k", person("Kirill Dmitriev"))], [("i", person("Ivan Dmitriev"))]
        questions = [((aid, person("Dmitriev")), [kirill, ivan]) for aid in ("l1", "l2")]
        linker.prefetch(questions)
        assert [linker(*q) for q in questions] == [0, 1]
