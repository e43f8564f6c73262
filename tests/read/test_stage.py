"""The reading stage end to end with the real spaCy model (marked ``models``)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from storyline.config import Settings
from storyline.pipeline import Batch, Pipeline
from storyline.read.stage import ReadStage
from storyline.records import Article

TEXT = (
    "Harbour Chief Visits Portmere for Talks With Ferry Union\n"
    "PORTMERE, March 19 (HLN) \u2014 Ana Hallgren, the director of the Portmere Harbour Authority (PHA), "
    "held talks in Portmere on Wednesday with striking ferry workers, the authority said.\n"
    "\u201cWe want the ferries running before the holiday,\u201d Ms. Hallgren told reporters.\n"
    "Union leader Tomas Berglund said the PHA had offered \u201ctoo little, too late.\u201d\n"
    "The strike has cost the port $12 million in lost fees, and 4,000 passengers were stranded last week.\n"
)


@pytest.fixture(scope="session")
def stage() -> ReadStage:
    s = ReadStage(Settings())
    s.warm_up()
    return s


@pytest.fixture(scope="session")
def reading(stage: ReadStage):
    article = Article(id="a1", text=TEXT, published=datetime(2026, 3, 19, 9, tzinfo=timezone.utc))
    batch = Pipeline([stage]).run(Batch(articles=(article,)))
    return batch.readings["a1"]


@pytest.mark.models
def test_offsets_point_into_the_text(reading) -> None:
    for group in (reading.mentions, reading.roles, reading.quotes, reading.dates, reading.amounts, reading.places):
        for item in group:
            if hasattr(item, "text") and not hasattr(item, "speaker"):
                assert TEXT[item.start : item.end] == item.text
    for q in reading.quotes:
        assert TEXT[q.start : q.end] == q.text


@pytest.mark.models
def test_headline_does_not_produce_junk_entities(reading) -> None:
    headline_end = TEXT.index("\n")
    for m in reading.mentions:
        if m.start < headline_end:
            assert any(m.entity == e.key for e in reading.entities)
            assert "Visits" not in m.text


@pytest.mark.models
def test_quotes_speakers_dates_amounts_place(reading) -> None:
    speakers = {q.text: q.speaker for q in reading.quotes}
    lind = next(e.key for e in reading.entities if "Hallgren" in e.name)
    assert speakers.get("We want the ferries running before the holiday,") == lind
    assert any(v and "Berglund" in v for k, v in speakers.items() if k.startswith("too little"))
    days = {d.text: d.value.isoformat() for d in reading.dates}
    assert days.get("on Wednesday") == "2026-03-18"
    assert days.get("last week") == "2026-03-09"
    assert any(a.value == 12e6 and a.unit == "USD" for a in reading.amounts)
    assert [p.name for p in reading.places if p.event_location][:1] == ["Portmere"]
    pha = next(e for e in reading.entities if e.name == "Portmere Harbour Authority")
    assert "PHA" in pha.aliases
    assert any(r.title.startswith("director of the Portmere Harbour Authority") for r in reading.roles)


def test_stage_pickles_without_its_model() -> None:
    import pickle

    stage = ReadStage(Settings())
    stage._nlp = object()  # stands in for a loaded model
    clone = pickle.loads(pickle.dumps(stage))
    assert clone._nlp is None and clone.model == stage.model and clone.provides == ("readings",)
