"""Crash consistency and poison isolation of the local runner, in process and without the big models.

spaCy is replaced by a pattern "model" (full-stop sentences, capitalised word runs as ORG) that raises on texts
holding a marker word, as spaCy raises E088 on a text that is too long; FakeEmbedder stands in for MiniLM. The
store, the stages (copies, embedding, reading, clustering), the commits and the end-of-run work are the real ones.
A crash is simulated by an exception raised at a fault point (the real ``kill -9`` tests are in test_kill.py).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from storyline.config import load_settings
from storyline.embed import FakeEmbedder
from storyline.errors import Conflict, ModelError, NotFound, StageError
from storyline.maintenance import clear_failures, delete_articles, failed_articles
from storyline.read import stage as read_stage
from storyline.read.entities import RawEnt
from storyline.read.nlp import Parsed
from storyline.records import Article, CopyLink
from storyline.runners import faults as faults_module
from storyline.runners.local import LocalRunner
from storyline.store import Store, open_store

POISON = "Zyzzogeton"  # a word that makes the stand-in model fail, wherever it appears

EVENTS = {
    "ferry": (
        "Ferry crews in Orlen walked out on Monday, halting every crossing to Tessaly Island. The Orlen Mariners "
        "Guild wants hazard pay after two engine fires. Port director Anselm Vey said talks would resume on Wednesday."
    ),
    "mill": (
        "A fire at the Brannock textile mill injured three workers late on Saturday. Firefighters from Kell fought "
        "the blaze for six hours. The mill owner Ilse Corrande blamed an overheated dryer."
    ),
    "library": (
        "The Tessaly Island council postponed its vote on a new public library until May. Councillor Ruth Abernell "
        "said the budget still had a gap of 400,000 crowns."
    ),
}
OUTLETS = ("Harbor Ledger", "Valley Courier", "Northstar", "Coastline Gazette")


def corpus() -> list[Article]:
    """Three events, four outlets each, lightly reworded; ids in ingest order."""
    out = []
    for n in range(4):
        for event, text in EVENTS.items():
            body = text if n == 0 else text.replace(". ", f". Reporter {OUTLETS[n].split()[0]} adds that ", 1)
            out.append(Article(
                id=f"a{event}{n}", text=body, title=f"{event} report {n}", outlet=OUTLETS[n],
                published=datetime(2026, 3, 2 + n, 9, tzinfo=UTC), source="test",
            ))  # fmt: skip
    return out


class PatternParse:
    """Stands in for ``read.nlp.parse``; raises on a text holding :data:`POISON`."""

    def __call__(self, nlp: object, texts, *, batch_size: int = 32):  # type: ignore[no-untyped-def]
        for text in texts:
            if POISON in text:
                raise ValueError(f"[E088] cannot read a text containing {POISON}")
            sentences = tuple((m.start(), m.end()) for m in re.finditer(r"[^.]+\.", text))
            ents = tuple(RawEnt(m.start(), m.end(), "ORG") for m in re.finditer(r"[A-Z][a-z]+(?: [A-Z][a-z]+)+", text))
            yield Parsed(sentences, ents)


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> PatternParse:
    parse = PatternParse()
    monkeypatch.setattr(read_stage, "parse", parse)
    monkeypatch.setattr(read_stage, "load_nlp", lambda model: object())
    return parse


@pytest.fixture
def store(tmp_path) -> Store:  # type: ignore[no-untyped-def]
    s = open_store(str(tmp_path / "s.db"))
    yield s
    s.close()


def runner(store: Store, batch_size: int = 3, **settings: object) -> LocalRunner:
    return LocalRunner(store, load_settings(db=store.url, env={}, **settings), embedder=FakeEmbedder(64), batch_size=batch_size)


def partition(store: Store) -> list[tuple[str, tuple[str, ...]]]:
    return sorted((s.id, tuple(sorted(s.article_ids))) for s in store.stories())


def assert_consistent(store: Store) -> None:
    """Every article assigned exactly once to a live story that lists it; no stale work left."""
    live = {s.id: s for s in store.stories()}
    failed = set(store.failures())
    assignments = store.assignments()
    for a in store.articles():
        if a.id in failed:
            assert a.id not in assignments
            continue
        sid = store.get_story(assignments[a.id].story_id).id
        assert a.id in live[sid].article_ids
    members = [m for s in live.values() for m in s.article_ids]
    assert len(members) == len(set(members)) == len(assignments)
    assert all(store.stale(kind) == set() for kind in ("tidy", "entities", "brief"))


def uninterrupted(tmp_path, articles: list[Article]) -> list[tuple[str, tuple[str, ...]]]:  # type: ignore[no-untyped-def]
    with open_store(str(tmp_path / "reference.db")) as ref:
        ref.add_articles(articles)
        runner(ref).process()
        return partition(ref)


# ---------------------------------------------------------------- crash consistency


class Crash(BaseException):
    """Stands in for kill -9 in process: nothing catches it (it is not an Exception)."""


@pytest.mark.parametrize("point", ["models:2", "batch-write:2", "batch:2", "tidy:1", "entities:1", "brief:2"])
def test_a_crash_at_any_point_is_finished_by_the_next_run(tmp_path, fake_model, store, monkeypatch, point) -> None:  # type: ignore[no-untyped-def]
    articles = corpus()
    reference = uninterrupted(tmp_path, articles)
    name, count = point.split(":")

    def reached(self, where: str) -> None:  # type: ignore[no-untyped-def]
        self.seen[where] += 1
        if where == name and self.seen[where] == int(count):
            raise Crash(point)

    store.add_articles(articles)
    with monkeypatch.context() as patch:
        patch.setattr(faults_module.FaultPlan, "reached", reached)
        with pytest.raises(Crash):
            runner(store).process()
    assigned = store.assignments()
    live = {s.id for s in store.stories(include_merged=True)}
    assert all(a.story_id in live for a in assigned.values())  # no assignment names an unsaved story
    if name in ("models", "batch-write"):  # the second batch is lost whole, the first is there whole
        assert set(assigned) == {a.id for a in articles[:3]}
        assert set(store.readings()) == set(assigned) and len(store.stale("tidy")) > 0
    if name != "brief":
        assert store.stale("entities") == {""}  # the refresh did not complete: marked for the next run
    again = runner(store).process()
    assert again.articles == len(articles) - len(assigned)
    assert_consistent(store)
    assert partition(store) == reference
    assert store.entities() and all(store.get_story_doc(s.id, "brief") is not None for s in store.stories())


def test_stories_an_older_run_left_unsaved_are_repaired(tmp_path, fake_model, store) -> None:  # type: ignore[no-untyped-def]
    store.add_articles(corpus())
    runner(store).process()
    before = partition(store)
    gone = [s.id for s in store.stories()][:2]
    store.delete_stories(gone)  # what a kill used to leave: assignments naming stories never saved
    store.put_entities([])
    report = runner(store).process()
    assert report.articles == 0 and report.repaired == 2
    assert partition(store) == before and store.entities()
    assert_consistent(store)


# ---------------------------------------------------------------- poison articles


def poison(n: int) -> Article:
    return Article(id=f"apoison{n}", text=f"The {POISON} report on the Orlen ferry strike. Crews walked out.",
                   title="poison", published=datetime(2026, 3, 3, tzinfo=UTC), source="test")  # fmt: skip


def test_a_failing_article_is_marked_and_the_rest_goes_on(tmp_path, fake_model, store) -> None:  # type: ignore[no-untyped-def]
    articles = corpus()
    reference = uninterrupted(tmp_path, articles)
    store.add_articles([*articles[:4], poison(1), *articles[4:]])
    report = runner(store).process()
    assert [f.article_id for f in report.failed] == ["apoison1"] and report.articles == len(articles)
    failure = store.failures()["apoison1"]
    assert failure.stage == "read" and "E088" in failure.reason
    assert [row.article.id for row in failed_articles(store)] == ["apoison1"]
    assert_consistent(store)
    assert partition(store) == reference  # the others are grouped as without it
    again = runner(store).process()  # later runs skip it instead of failing on it
    assert again.articles == 0 and not again.failed


def test_a_date_that_overflows_fails_at_the_store_and_is_isolated(fake_model, store) -> None:  # type: ignore[no-untyped-def]
    late = datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5)))  # past year 9999 in UTC
    store.add_articles([*corpus()[:3], Article(id="alate", text=EVENTS["mill"], published=late, source="test")])
    report = runner(store).process()
    assert [f.article_id for f in report.failed] == ["alate"] and report.articles == 3
    assert store.failures()["alate"].stage == "store" and "out of range" in store.failures()["alate"].reason
    assert_consistent(store)


def test_retry_processes_a_failed_article_again(fake_model, store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    store.add_articles([*corpus()[:3], poison(1)])
    runner(store).process()
    with pytest.raises(Conflict):
        clear_failures(store, ["aferry0"])  # not failed
    with pytest.raises(NotFound):
        clear_failures(store, ["anowhere"])
    assert clear_failures(store, ["apoison1"]) == ["apoison1"]
    assert runner(store).process().failed[0].article_id == "apoison1"  # fails again: marked again
    healed = lambda nlp, texts, batch_size=32: fake_model(nlp, [t.replace(POISON, "Quill") for t in texts])  # noqa: E731
    monkeypatch.setattr(read_stage, "parse", healed)  # the reader learns to read it
    assert clear_failures(store) == ["apoison1"]
    report = runner(store).process()
    assert report.articles == 1 and not report.failed and store.failures() == {}
    assert_consistent(store)


def test_every_article_failing_alike_is_an_error_not_poison(fake_model, store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(nlp, texts, batch_size=32):  # type: ignore[no-untyped-def]
        raise RuntimeError("the model is gone")
        yield

    monkeypatch.setattr(read_stage, "parse", broken)
    store.add_articles(corpus()[:3])
    with pytest.raises(StageError, match="model is gone"):
        runner(store).process()
    assert store.failures() == {} and store.assignments() == {}


def test_a_model_that_cannot_load_stops_the_run(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def missing(model: str) -> object:
        raise ModelError("model package missing", item=model)

    monkeypatch.setattr(read_stage, "load_nlp", missing)
    store.add_articles(corpus()[:3])
    with pytest.raises(ModelError):
        runner(store).process()
    assert store.failures() == {}


# ---------------------------------------------------------------- deleting


def test_delete_removes_an_article_and_everything_derived(fake_model, store) -> None:  # type: ignore[no-untyped-def]
    articles = corpus()
    lone = Article(id="alone", text="Snow closed the Vellmar pass road for the whole weekend. Drivers turned back.",
                   title="pass closed", published=datetime(2026, 3, 9, tzinfo=UTC), source="test")  # fmt: skip
    store.add_articles([*articles, lone])
    embedder = FakeEmbedder(64)
    runner(store).process()
    ferry = store.get_story(store.assignments()["aferry0"].story_id)
    store.put_copies([CopyLink("aferry1", "rewrite", 0.9, copy_of="aferry0", reason="test")])
    lone_story = store.assignments()["alone"].story_id
    copies_of_it = tuple(sorted(c.article_id for c in store.copies() if c.copy_of == "aferry0"))
    assert "aferry1" in copies_of_it
    assert any("aferry0" in e.article_ids for e in store.entities())

    done = delete_articles(store, ["aferry0", "alone"])
    assert done.articles == ("aferry0", "alone")
    assert done.stories_removed == (lone_story,) and done.stories_changed == (ferry.id,)
    assert done.copies_unlinked == copies_of_it
    with pytest.raises(NotFound):
        store.get_article("aferry0")
    with pytest.raises(NotFound):
        store.get_story(lone_story)
    assert store.get_story(ferry.id).article_ids == tuple(a for a in ferry.article_ids if a != "aferry0")
    assert "aferry0" not in store.readings() and store.get_embeddings(embedder.name, ["aferry0"]) == {}
    assert all(c.copy_of != "aferry0" for c in store.copies())
    assert all("aferry0" not in e.article_ids and "alone" not in e.article_ids for e in store.entities())
    assert store.get_story_doc(ferry.id, "brief") is None and store.stale("brief") == {ferry.id}
    runner(store).process()  # the next run rebuilds the entities and the stale brief
    assert store.get_story_doc(ferry.id, "brief") is not None
    assert_consistent(store)
    with pytest.raises(NotFound):
        delete_articles(store, ["aferry0"])


def test_deleting_a_story_merged_into_removes_the_merged_ones(fake_model, store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import storyline.stories as stories_module

    store.add_articles(corpus())
    embedder = FakeEmbedder(64)
    runner(store).process()
    settings = load_settings(db=store.url, env={})
    first, second = [s.id for s in store.stories()][:2]
    monkeypatch.setattr(stories_module, "default_embedder", lambda settings: embedder)
    merged = stories_module.merge_stories(store, settings, first, second)
    others = {s.id for s in store.stories()} - {merged.id}
    done = delete_articles(store, list(merged.article_ids))
    assert set(done.stories_removed) == {first, second} and done.stories_changed == ()
    assert {s.id for s in store.stories(include_merged=True)} == others  # no redirect left dangling
    assert store.stale("entities") == {""}  # the next run resolves them again
    runner(store).process()
    assert_consistent(store)
