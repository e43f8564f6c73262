"""Syndicated copies skip the models, and brief building can be deferred out of batch ingest.

spaCy is replaced by a small pattern "model" (sentences split at full stops, capitalised words as entities) that
counts the texts it is given, so the tests see exactly which articles went through the model. FakeEmbedder
stands in for MiniLM, counting its texts too.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from storyline.config import load_settings
from storyline.embed import FakeEmbedder
from storyline.errors import ConfigError
from storyline.pipeline import Batch
from storyline.read import stage as read_stage
from storyline.read.entities import RawEnt
from storyline.read.nlp import Parsed
from storyline.read.stage import ReadStage, copy_offset, copy_reading
from storyline.records import Article, CopyLink, DateRef, Mention, Quote, Reading
from storyline.runners.local import LocalRunner
from storyline.store import open_store

# ---------------------------------------------------------------- fictional corpus

FERRY = (
    "Ferry crews in Orlen walked out on Monday, halting every crossing to Tessaly Island. The Orlen Mariners "
    "Guild said its members want a new rota and hazard pay after two engine fires this spring. \"We will not "
    "sail until the engines are safe,\" said guild secretary Marta Quell. Port director Anselm Vey said talks "
    "would resume on Wednesday."
)
MILL = (
    "A fire at the Brannock textile mill injured three workers late on Saturday. Firefighters from Kell and "
    "Marrow Ford fought the blaze for six hours. The mill owner, Ilse Corrande, said the cause was an overheated "
    "dryer on the second floor."
)
LIBRARY = (
    "The Tessaly Island council postponed its vote on a new public library until May. Councillor Ruth Abernell "
    "said the budget still had a gap of 400,000 crowns."
)
QUOTE = "We will not sail until the engines are safe,"
CREDIT = "(Merriton Wire) - "
FOOTER = "\n\nRead the full article at https://ledger.example/ferry"


def article(aid: str, text: str, day: int, outlet: str) -> Article:
    return Article(
        id=aid, text=text, title=text.split(".")[0][:60], outlet=outlet, url=f"https://{outlet.lower()}.example/{aid}",
        published=datetime(2026, 3, day, 9, tzinfo=UTC), source="test",
    )  # fmt: skip


class CountingParse:
    """Stands in for ``read.nlp.parse``: full-stop sentences, capitalised word runs as ORG; counts texts."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, nlp: object, texts, *, batch_size: int = 32):  # type: ignore[no-untyped-def]
        for text in texts:
            self.texts.append(text)
            sentences = tuple((m.start(), m.end()) for m in re.finditer(r"[^.]+\.", text))
            ents = tuple(RawEnt(m.start(), m.end(), "ORG") for m in re.finditer(r"[A-Z][a-z]+(?: [A-Z][a-z]+)+", text))
            yield Parsed(sentences, ents)


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> CountingParse:
    counting = CountingParse()
    monkeypatch.setattr(read_stage, "parse", counting)
    monkeypatch.setattr(read_stage, "load_nlp", lambda model: object())
    return counting


# ---------------------------------------------------------------- moving a reading onto a copy


def test_copy_reading_moves_every_offset_onto_the_copy() -> None:
    origin = article("o", FERRY, 2, "Ledger")
    copy = article("c", CREDIT + FERRY + FOOTER, 4, "Courier")
    at = FERRY.index("Marta Quell")
    quote_at = FERRY.index("We will")
    reading = Reading(
        article_id="o", sentences=((0, 84),),
        mentions=(Mention("Marta Quell", at, at + 11, "PERSON", "Marta Quell"),),
        quotes=(Quote(QUOTE, quote_at, quote_at + len(QUOTE), "Marta Quell",
                      speaker_start=at, speaker_end=at + 11, cue="said"),),
        dates=(DateRef("on Monday", FERRY.index("on Monday"), FERRY.index("on Monday") + 9,
                       datetime(2026, 3, 2).date(), relative=True),),
    )  # fmt: skip
    moved = copy_reading(copy, origin, reading)
    assert moved is not None and moved.article_id == "c"
    for m in moved.mentions:
        assert copy.text[m.start : m.end] == m.text
    q = moved.quotes[0]
    assert copy.text[q.start : q.end] == q.text
    assert copy.text[q.speaker_start : q.speaker_end] == "Marta Quell"  # type: ignore[misc]
    assert copy.text[moved.dates[0].start : moved.dates[0].end] == "on Monday"
    assert moved.dates[0].value == reading.dates[0].value  # resolved on the origin's day, as written
    assert copy.text[slice(*moved.sentences[0])] == FERRY[:84]


def test_a_copy_that_changes_the_story_text_is_not_mapped() -> None:
    assert copy_offset(CREDIT + FERRY, FERRY) == len(CREDIT)
    assert copy_offset(FERRY.replace("Monday", "Tuesday"), FERRY) is None  # edited: read it
    assert copy_offset(FERRY + " " + MILL * 3, FERRY) is None  # far more than boilerplate around it
    assert copy_offset(FERRY[:100], FERRY) is None


# ---------------------------------------------------------------- the stage


def test_read_stage_reads_each_text_once(fake_model: CountingParse) -> None:
    origin = article("o", FERRY, 2, "Ledger")
    copy = article("c", CREDIT + FERRY, 3, "Courier")
    edited = article("e", FERRY.replace("Wednesday", "Thursday"), 3, "Gazette")  # a copy link, but other words
    done = article("d", MILL, 3, "Northstar")
    links = {
        "c": CopyLink("c", "syndicated", 0.97, copy_of="o"),
        "e": CopyLink("e", "syndicated", 0.91, copy_of="o"),
    }
    prior = Reading(article_id="d", sentences=((0, 10),))
    stage = ReadStage(load_settings(env={}))
    out = stage.run(Batch(articles=(origin, copy, edited, done), copies=links, readings={"d": prior}))
    assert sorted(fake_model.texts) == sorted([FERRY, edited.text])  # not the copy, not the pre-filled one
    assert out.readings["d"] is prior
    assert out.readings["c"] == copy_reading(copy, origin, out.readings["o"])
    assert out.readings["c"].mentions and stage.copies_reused == 1


# ---------------------------------------------------------------- the runner


def _runner(store, settings, embedder: FakeEmbedder, batch_size: int = 1) -> LocalRunner:  # type: ignore[no-untyped-def]
    return LocalRunner(store, settings, embedder=embedder, batch_size=batch_size)


class CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__(64)
        self.texts: list[str] = []

    def encode(self, texts):  # type: ignore[no-untyped-def]
        self.texts.extend(texts)
        return super().encode(texts)


def test_local_runner_runs_no_model_on_copies_of_earlier_batches(tmp_path, fake_model: CountingParse) -> None:
    settings = load_settings(db=str(tmp_path / "s.db"), env={}, briefs="deferred")
    origin = article("o", FERRY, 2, "Ledger")
    others = [article("m", MILL, 2, "Northstar"), article("l", LIBRARY, 3, "Gazette")]
    copy = article("c", CREDIT + FERRY + FOOTER, 4, "Courier")
    embedder = CountingEmbedder()
    with open_store(settings.db) as store:
        store.add_articles([origin, *others, copy])
        report = _runner(store, settings, embedder).process()  # one article per batch: the origin came earlier
        assert report.articles == 4 and report.copies_reused == 1
        assert store.copies()[0].article_id == "c"
        assert len(fake_model.texts) == 3 and not any(CREDIT in t for t in fake_model.texts)
        assert len(embedder.texts) == 3  # the copy borrowed its origin's vector
        readings = store.readings()
        assert readings["c"] == copy_reading(copy, origin, readings["o"])
        vectors = store.get_embeddings(embedder.name, ["o", "c"])
        assert (vectors["c"] == vectors["o"]).all()
        assert store.assignments()["c"].story_id == store.assignments()["o"].story_id


def test_briefs_deferred_leave_batch_ingest_and_are_built_on_request(tmp_path, fake_model: CountingParse) -> None:
    from storyline.brief import brief_for

    settings = load_settings(db=str(tmp_path / "s.db"), env={}, briefs="deferred")
    embedder = FakeEmbedder(64)
    with open_store(settings.db) as store:
        store.add_articles([article("o", FERRY, 2, "Ledger"), article("m", MILL, 2, "Northstar")])
        runner = _runner(store, settings, embedder, batch_size=8)
        report = runner.process()
        stories = [s.id for s in store.stories()]
        assert report.briefs == 0 and report.briefs_deferred == len(stories) == 2
        assert all(store.get_story_doc(s, "brief") is None for s in stories)
        assert "briefs" not in report.stage_seconds
        assert runner.build_briefs() == 2  # the batch step: every story without a brief
        assert all(store.get_story_doc(s, kind) is not None for s in stories for kind in ("brief", "facts"))
        assert runner.build_briefs() == 0

        # a new article joins the ferry story: its documents are cleared, not left stale
        ferry = store.assignments()["o"].story_id
        store.add_articles([article("o2", FERRY.replace("Orlen walked", "Orlen, about 40 of them, walked"), 3, "Courier")])
        again = _runner(store, settings, embedder, batch_size=8).process()
        assert again.articles == 1 and ferry in again.touched
        assert store.get_story_doc(ferry, "brief") is None and store.get_story_doc(ferry, "facts") is None
        other = next(s for s in stories if s != ferry)
        assert store.get_story_doc(other, "brief") is not None  # untouched: kept
        built = brief_for(store, ferry, embedder=embedder)  # the first request builds it (CLI, demo)
        assert store.get_story_doc(ferry, "brief") is not None and "o2" in {s.article_id for s in built.sources}


def test_briefs_eager_is_the_default_and_builds_in_process(tmp_path, fake_model: CountingParse) -> None:
    settings = load_settings(db=str(tmp_path / "s.db"), env={})
    assert settings.briefs == "eager"
    with open_store(settings.db) as store:
        store.add_articles([article("o", FERRY, 2, "Ledger"), article("m", MILL, 2, "Northstar")])
        report = _runner(store, settings, FakeEmbedder(64), batch_size=8).process()
        assert report.briefs == 2 and report.briefs_deferred == 0
        assert all(store.get_story_doc(s.id, "brief") is not None for s in store.stories())


def test_an_unknown_briefs_mode_is_refused() -> None:
    with pytest.raises(ConfigError, match="briefs"):
        load_settings(env={"STORYLINE_BRIEFS": "lazy"})
