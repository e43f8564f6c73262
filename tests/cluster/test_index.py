"""Online story clustering with hand-written fictional articles and the fake embedder."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest

from storyline.cluster import (
    ArticleFeatures,
    ClusterStage,
    StoryIndex,
    features_for,
    story_id_for,
    story_records,
    text_features,
)
from storyline.copies import CopyIndex
from storyline.embed import FakeEmbedder
from storyline.errors import Conflict, PipelineError, StageError
from storyline.pipeline import Batch, Pipeline
from storyline.records import Article, LocalEntity, Place, Reading

EMB = FakeEmbedder(dim=96)

# Two visits by the same (fictional) envoy: same people and vocabulary, different place and month.
VISIT_A = [
    ("Envoy Halvard Brenn arrives in Corvale for trade talks", "Corvale, - Halvard Brenn, the envoy of the Ostmark trade ministry, arrived in Corvale on Tuesday for talks with finance minister Adela Runge about tariffs and the grain corridor."),
    ("Brenn and Runge open Corvale talks on grain tariffs", "Halvard Brenn met Adela Runge in Corvale on Tuesday; the Ostmark envoy said the grain corridor and tariffs topped the agenda of the talks."),
    ("Ostmark envoy in Corvale: tariff talks continue", "Talks between Ostmark envoy Halvard Brenn and minister Adela Runge continued in Corvale, with both sides calling the tariff discussion about the grain corridor constructive."),
]
VISIT_B = [
    ("Envoy Halvard Brenn arrives in Skarvik for trade talks", "Skarvik, - Halvard Brenn, the envoy of the Ostmark trade ministry, arrived in Skarvik on Monday for talks with finance minister Adela Runge about tariffs and the grain corridor."),
    ("Brenn back for talks with Runge, this time in Skarvik", "Skarvik, - Ostmark envoy Halvard Brenn returned for talks with Adela Runge, meeting in Skarvik about tariffs and the grain corridor."),
]
BRIDGE = [
    ("Harbor bridge closes for repairs", "The Eastbrook harbor bridge closed on Monday for six weeks of repairs to its cables; ferries will run extra crossings, the port authority said."),
    ("Eastbrook bridge shut, extra ferries added", "Repairs to the cables of the Eastbrook harbor bridge began on Monday and the port authority added ferry crossings for six weeks."),
]


def make(aid: str, title: str, text: str, published: datetime | None) -> Article:
    return Article(id=aid, title=title, text=text, published=published)


def corpus() -> list[Article]:
    april = datetime(2025, 4, 2, 9, tzinfo=UTC)
    february = datetime(2026, 2, 5, 9, tzinfo=UTC)
    arts = [make(f"a{i}", t, x, april) for i, (t, x) in enumerate(VISIT_A)]
    arts += [make(f"b{i}", t, x, february) for i, (t, x) in enumerate(VISIT_B)]
    arts += [make(f"c{i}", t, x, april) for i, (t, x) in enumerate(BRIDGE)]
    order = [0, 3, 5, 1, 4, 6, 2]  # interleaved arrival
    return [arts[i] for i in order]


def run(arts: list[Article], index: StoryIndex | None = None) -> tuple[StoryIndex, Batch]:
    index = index or StoryIndex(EMB.dim)
    vectors = {a.id: v for a, v in zip(arts, EMB.encode([f"{a.title}. {a.text}" for a in arts]), strict=True)}
    batch = Batch(articles=tuple(arts), embeddings=vectors)
    return index, Pipeline([ClusterStage(index)], provided=("articles", "embeddings")).run(batch)


def groups(index: StoryIndex) -> list[list[str]]:
    return sorted(sorted(index.members(s)) for s in index.live_stories())


def test_same_kind_events_in_different_places_and_months_stay_apart() -> None:
    index, out = run(corpus())
    assert groups(index) == [["a0", "a1", "a2"], ["b0", "b1"], ["c0", "c1"]]
    # stable ids: the content hash of the founding article
    assert out.assignments["a0"].story_id == story_id_for("a0")
    assert out.assignments["a1"].story_id == story_id_for("a0") and not out.assignments["a1"].new_story
    # the decision explains itself
    b0 = out.assignments["b0"]
    assert b0.new_story and "days from the story" in b0.reason
    a1 = out.assignments["a1"]
    assert "closest a0" in a1.reason and "brenn" in a1.reason and "dates agree" in a1.reason


def test_time_and_place_are_what_keeps_the_visits_apart() -> None:
    arts = [a for a in corpus() if a.id[0] in "ab"]
    undated = [Article(id=a.id, title=a.title, text=a.text.replace("Corvale", "Skarvik")) for a in arts]
    index, _ = run(undated)
    assert groups(index) == [sorted(a.id for a in arts)]  # without dates and places they are one story


def test_text_features_fallback() -> None:
    art = Article(id="x", title="Brenn in Corvale", text="Corvale, Ostmark - On February 5th, 2026 the envoy met Adela Runge. He said talks went well.")
    f = text_features(art)
    assert {"brenn", "corvale", "adela", "runge"} <= f.entities and "he" not in f.entities
    assert f.places == {"corvale"}
    assert f.day == date(2026, 2, 5) and f.day_source == "lead"


def test_reading_features_prefer_the_reading() -> None:
    art = Article(id="x", text="Talks went on.", published=datetime(2025, 4, 2, tzinfo=UTC))
    reading = Reading(
        "x",
        entities=(LocalEntity("halvard brenn", "Halvard Brenn", "PERSON"), LocalEntity("q", "Tuesday", "DATE")),
        places=(Place("Corvale", 0, 7, "Corvale", event_location=True), Place("Ostmark", 0, 7, "Ostmark")),
    )
    f = features_for(art, reading)
    assert f.entities == {"halvard brenn", "brenn"} and f.places == {"corvale"}
    assert f.day == date(2025, 4, 2) and f.day_source == "published"


def test_records_reasons_and_origins() -> None:
    arts = corpus()
    index, _ = run(arts)
    copies = CopyIndex()
    for a in arts:
        copies.add(a)
    by_id = {a.id: a for a in arts}
    records = {s.id: s for s in story_records(index, by_id, copies.links)}
    story = records[story_id_for("a0")]
    assert set(story.article_ids) == {"a0", "a1", "a2"}
    assert story.independent_origins == 3
    assert story.first_published == datetime(2025, 4, 2, 9, tzinfo=UTC)
    assert story.title in {t for t, _ in VISIT_A}
    assert "brenn" in story.reason


def test_analyst_merge_and_split_are_kept_by_later_runs() -> None:
    arts = corpus()
    index, _ = run(arts[:5])
    a, b = story_id_for("a0"), story_id_for("b0")
    index.merge(a, b)
    assert index.resolve(b) == a and set(index.members(a)) >= {"a0", "b0"}
    with pytest.raises(Conflict):
        index.merge(a, b)
    merged = {s.id: s for s in story_records(index, {x.id: x for x in arts})}
    assert merged[b].redirect_to == a and merged[a].article_ids
    new_id = index.split(a, ["b0", "b1"])
    assert sorted(index.members(new_id)) == ["b0", "b1"] and "b0" not in index.members(a)
    index.tidy()
    assert index.resolve(new_id) == new_id  # consolidation never merges what an analyst split
    # later arrivals still land by similarity; consolidation never undoes the split
    run(arts[5:], index)
    assert index.resolve(new_id) == new_id and index.resolve(a) == a
    with pytest.raises(Conflict):
        index.split(a, ["c0"])


def test_rebuild_from_stored_state_gives_the_same_answers() -> None:
    arts = corpus()
    index, out = run(arts[:5])
    vectors = dict(out.embeddings)
    feats = {a.id: features_for(a, None) for a in arts[:5]}
    rebuilt = StoryIndex.rebuild(dict(out.assignments), vectors, feats, dim=EMB.dim)
    assert groups(rebuilt) == groups(index)
    tail = arts[5:]
    _, fresh_out = run(tail, index)
    _, rebuilt_out = run(tail, rebuilt)
    assert {k: v.story_id for k, v in fresh_out.assignments.items() if k in {a.id for a in tail}} == {
        k: v.story_id for k, v in rebuilt_out.assignments.items() if k in {a.id for a in tail}
    }


def test_consolidation_merges_fragments_under_the_older_id() -> None:
    index = StoryIndex(4)
    v = np.array([1, 0, 0, 0], dtype=np.float32)
    same = ArticleFeatures(frozenset({"brenn", "corvale"}))
    index.assign("x1", v, same)
    index.settings = type(index.settings)(threshold=99.0)  # force a second story for the same event
    index.assign("x2", v, same)
    assert len(index.live_stories()) == 2
    index.settings = type(index.settings)()
    index.tidy()
    assert index.live_stories() == [story_id_for("x1")] and index.resolve(story_id_for("x2")) == story_id_for("x1")
    assert index.assignments["x2"].story_id == story_id_for("x1") and "consolidation" in index.assignments["x2"].reason


def test_stage_wiring_and_errors() -> None:
    index = StoryIndex(EMB.dim)
    with pytest.raises(PipelineError):
        Pipeline([ClusterStage(index)])  # nothing provides embeddings
    batch = Batch(articles=(make("z", "t", "text", None),))
    with pytest.raises(StageError, match="no embedding"):
        Pipeline([ClusterStage(index)], provided=("articles", "embeddings")).run(batch)
    with pytest.raises(StageError, match="dimensions"):
        index.assign("z", np.ones(3, dtype=np.float32), ArticleFeatures())


def test_split_leaves_a_coherent_story_alone() -> None:
    index = StoryIndex(4)
    v = np.array([1, 0, 0, 0], dtype=np.float32)
    same = ArticleFeatures(frozenset({"mira vell", "vell", "oakridge clinic"}), terms=(("rehab", 2), ("oakridge", 2)))
    for n in range(7):
        index.assign(f"m{n}", v, same)
    assert index.tidy() == set()
    assert len(index.live_stories()) == 1


def _rehab(name: str, clinic: str, year: int, word: str) -> ArticleFeatures:
    """One report of a (fictional) celebrity entering rehab: the names, the year and a word of its own."""
    return ArticleFeatures(
        frozenset({name, name.split()[-1], clinic}), terms=(("rehab", 2), (clinic.split()[0], 2), (word, 1)), years=(year,)
    )


def _one_story_of_two_events() -> tuple[StoryIndex, str]:
    """Same vectors, one story: 4 members name one rehab stay (2009), 3 another (2012)."""
    index = StoryIndex(4)
    v = np.array([1, 0, 0, 0], dtype=np.float32)
    index.settings = type(index.settings)(threshold=-99.0)  # force everything into one story
    for n in range(4):
        index.assign(f"m{n}", v, _rehab("mira vell", "oakridge clinic", 2009, "singer"))
    for n in range(3):
        index.assign(f"t{n}", v, _rehab("tomas grell", "lakeview centre", 2012, "actor"))
    index.settings = type(index.settings)()
    return index, story_id_for("m0")


def test_regroup_splits_a_story_of_two_events_and_keeps_the_id_with_the_larger_group() -> None:
    index, sid = _one_story_of_two_events()
    assert len(index.members(sid)) == 7
    changed = index.regroup([sid])
    assert sid in changed and len(changed) == 2
    assert sorted(index.members(sid)) == ["m0", "m1", "m2", "m3"]
    new = index.story_of["t0"]
    assert new != sid and sorted(index.members(new)) == ["t0", "t1", "t2"]
    assert index.assignments["t0"].new_story and "consolidation split it from" in index.assignments["t0"].reason
    assert "grell" in index.stories[new].reason  # the split-off story says whose it is
    assert index.take_changed() >= {"t0", "t1", "t2"}
    assert index.regroup() == set()  # stable: a second pass changes nothing


def test_regroup_merges_fragments_under_the_older_id_and_redirects_the_other() -> None:
    index = StoryIndex(4)
    v = np.array([1, 0, 0, 0], dtype=np.float32)
    index.settings = type(index.settings)(threshold=99.0)  # every article founds its own story
    for n in range(4):
        index.assign(f"x{n}", v, _rehab("mira vell", "oakridge clinic", 2009, "singer"))
    index.settings = type(index.settings)()
    assert len(index.live_stories()) == 4
    index.regroup()
    assert index.live_stories() == [story_id_for("x0")]
    for n in range(1, 4):
        assert index.resolve(story_id_for(f"x{n}")) == story_id_for("x0")
        assert index.stories[story_id_for(f"x{n}")].redirect_to == story_id_for("x0")
        assert "consolidation merged" in index.assignments[f"x{n}"].reason
    records = {s.id: s for s in story_records(index, {}, story_ids=[story_id_for("x1")])}
    assert records[story_id_for("x1")].redirect_to == story_id_for("x0")


def test_regroup_never_joins_groups_months_apart() -> None:
    """Identical wording, two event days 300 days apart: two stories, whatever the text says."""
    index = StoryIndex(4)
    v = np.array([1, 0, 0, 0], dtype=np.float32)
    index.settings = type(index.settings)(threshold=-99.0)
    for n, day in enumerate([date(2025, 4, 2), date(2025, 4, 3), date(2026, 1, 27), date(2026, 1, 28)]):
        feats = _rehab("mira vell", "oakridge clinic", 2025, "singer")
        index.assign(f"d{n}", v, ArticleFeatures(feats.entities, day=day, day_source="published", terms=feats.terms))
    index.settings = type(index.settings)()
    index.regroup()
    assert groups(index) == [["d0", "d1"], ["d2", "d3"]]


def test_regroup_leaves_analyst_overrides_alone() -> None:
    index, sid = _one_story_of_two_events()
    moved = index.split(sid, ["m3"])  # an analyst's (odd) decision: kept, not re-clustered
    assert index.regroup() == set()
    assert index.members(moved) == ["m3"]
    assert sorted(index.members(sid)) == ["m0", "m1", "m2", "t0", "t1", "t2"]


def test_rebuilt_index_regroups_like_the_live_one() -> None:
    index, sid = _one_story_of_two_events()
    vectors = {a: index.vector(a) for a in index.story_of}
    rebuilt = StoryIndex.rebuild(dict(index.assignments), vectors, dict(index.features), dim=4)
    index.regroup()
    rebuilt.regroup()
    assert groups(rebuilt) == groups(index)
