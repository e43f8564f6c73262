"""Outlets side by side: origins, cross-article entities, alignment, statuses, conflicts, quotes, timeline."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone

import pytest

from storyline.compare import analyse_story, independent_origins, join_entities, numbers_agree, sentence_spans
from storyline.embed import FakeEmbedder
from storyline.records import CopyLink, LocalEntity, Reading, Story

from ..side_by_side import LEDGER, ReadingBuilder, article, cannery_story

UTC = timezone.utc


def _analyse(story, articles, readings, copies):
    return analyse_story(story, articles, readings, copies, FakeEmbedder())


def _conflict(analysis, kind):
    found = [c for c in analysis.conflicts if c.kind == kind and not c.update]
    assert len(found) == 1, [(c.kind, c.subject) for c in analysis.conflicts]
    return {v.value: set(v.article_ids) for v in found[0].values}


def test_copies_share_their_origin_and_do_not_count_as_independent():
    story, articles, readings, copies = cannery_story()
    origins = independent_origins(story.article_ids, articles, copies)
    assert origins["a-copy"] == origins["a-ledger"] == "a-ledger"
    assert origins["a-wire"] == "a-wire"
    analysis = _analyse(story, articles, readings, copies)
    assert analysis.independent_origins == 2


def test_credited_url_resolves_to_the_story_article_with_that_url():
    story, articles, readings, _ = cannery_story()
    # scheme and host are case-free and "www." and a trailing slash do not matter; the path's case does (one URL
    # rule: copies.normalize_url)
    url = articles["a-ledger"].url
    scheme, rest = url.split("://", 1)
    host, path = rest.split("/", 1)
    link = CopyLink("a-wire", "rewrite", 0.8, credited_url=f"{scheme.upper()}://WWW.{host.upper()}/{path}/")
    origins = independent_origins(story.article_ids, articles, {"a-wire": link})
    assert origins["a-wire"] == "a-ledger"
    outside = CopyLink("a-wire", "rewrite", 0.8, credited_url="https://elsewhere.example/story")
    assert independent_origins(["a-wire"], articles, {"a-wire": outside})["a-wire"].startswith("url:")


def test_each_conflict_kind_lists_values_with_their_outlets():
    analysis = _analyse(*cannery_story())
    assert _conflict(analysis, "date") == {"2026-03-17": {"a-ledger", "a-copy"}, "2026-03-18": {"a-wire"}}
    assert _conflict(analysis, "location") == {"portmere": {"a-ledger", "a-copy"}, "eastvale": {"a-wire"}}
    assert _conflict(analysis, "number") == {"340": {"a-ledger", "a-copy"}, "430": {"a-wire"}}
    assert _conflict(analysis, "title") == {"fire chief": {"a-ledger", "a-copy"}, "former fire chief": {"a-wire"}}


def test_statuses_agreed_needs_two_independent_origins():
    story, articles, readings, copies = cannery_story()
    analysis = _analyse(story, articles, readings, copies)
    blaze = next(f for f in analysis.facts if f.kind == "event" and "six hours" in f.text)
    # the sentence states Morrow's title, which the outlets dispute
    assert blaze.status == "contested"
    fire = next(f for f in analysis.facts if f.kind == "event" and "killed 12" in f.text)
    assert fire.status == "contested" and set(fire.article_ids) == {"a-ledger", "a-copy", "a-wire"}
    # the origin and its syndicated copy alone: one origin, so nothing is agreed
    two = dataclasses.replace(story, article_ids=("a-ledger", "a-copy"))
    alone = _analyse(two, articles, readings, copies)
    assert alone.conflicts == ()
    assert {f.status for f in alone.facts} == {"single-source"}
    # the same pair without the copy link: two independent origins agree
    free = _analyse(two, articles, readings, {})
    assert {f.status for f in free.facts if f.kind == "event"} == {"agreed"}


def test_quote_versions_show_word_differences_and_truncation():
    analysis = _analyse(*cannery_story())
    (group,) = analysis.quote_groups
    assert group.speaker == "Dana Morrow"
    wire = next(v for v in group.versions if v.article_id == "a-wire")
    assert "truncated" in wire.flags
    assert [(c.op, c.reference) for c in wire.changes] == [("delete", "on the upper floor")]
    assert not group.wording_differs  # a cut is not a rewording
    assert not [c for c in analysis.conflicts if c.kind.startswith("quote")]


def _two_outlets(text_a: str, text_b: str, build_a, build_b, *, days_apart: int = 0):
    a = article("a1", "North Post", text_a, datetime(2026, 5, 4, 8, tzinfo=UTC))
    b = article("b1", "South Herald", text_b, datetime(2026, 5, 4 + days_apart, 18, tzinfo=UTC))
    readings = {"a1": build_a(ReadingBuilder(a)).build(), "b1": build_b(ReadingBuilder(b)).build()}
    return Story("s2", "two outlets", ("a1", "b1")), {"a1": a, "b1": b}, readings, {}


def test_reworded_quote_and_other_speaker_are_contested():
    text_a = 'Mayor Ilse Varga said: "The bridge will reopen before the harvest festival begins."'
    text_b = 'Councillor Tomas Brink said: "The bridge will reopen before the autumn festival begins."'
    story, arts, reads, copies = _two_outlets(
        text_a, text_b,
        lambda r: r.entity("Ilse Varga", "PERSON").quote("The bridge will reopen before the harvest festival begins.", "Ilse Varga", "Ilse Varga"),
        lambda r: r.entity("Tomas Brink", "PERSON").quote("The bridge will reopen before the autumn festival begins.", "Tomas Brink", "Tomas Brink"),
    )  # fmt: skip
    analysis = _analyse(story, arts, reads, copies)
    (group,) = analysis.quote_groups
    assert group.wording_differs
    assert any("speaker_differs" in v.flags for v in group.versions)
    # one outlet's speaker against one other's is a dispute (SPEAKER_ORIGINS): each name is a value
    assert group.speaker_differs
    speaker = _conflict(analysis, "quote_speaker")
    assert set(speaker) == {"ilse varga", "tomas brink"} and all(len(a) == 1 for a in speaker.values())
    wording = _conflict(analysis, "quote_wording")
    assert len(wording) == 2
    changes = {c.version for v in group.versions for c in v.changes}
    assert changes & {"harvest", "autumn"}


def test_rounding_is_tolerated():
    assert numbers_agree(338_512, 340_000) and numbers_agree(324e9, 324.2e9)
    assert not numbers_agree(340_000, 430_000) and not numbers_agree(12, 15)


TOLL_A = "Floods in Lowmarsh killed 12 people, the regional office said."
TOLL_B = "The death toll from floods in Lowmarsh rose to 15 people, the regional office said."


def _toll(days_apart: int, text_b: str = TOLL_B):
    return _two_outlets(
        TOLL_A, text_b,
        lambda r: r.entity("Lowmarsh", "GPE").amount("12 people", 12, "dead"),
        lambda r: r.entity("Lowmarsh", "GPE").amount("15 people", 15, "dead"),
        days_apart=days_apart,
    )  # fmt: skip


@pytest.mark.parametrize("days_apart", [0, 1])
def test_a_rising_toll_is_an_update_when_the_dates_show_it(days_apart):
    analysis = _analyse(*_toll(days_apart))
    assert [c.kind for c in analysis.conflicts if not c.update] == []
    (update,) = [c for c in analysis.conflicts if c.update]
    assert update.kind == "number"
    assert {v.value for v in update.values} == {"12", "15"}
    assert all(f.status != "contested" for f in analysis.facts)


def test_different_figures_the_same_day_without_a_cue_are_contested():
    plain = "Floods in Lowmarsh killed 15 people, the regional office said."
    analysis = _analyse(*_toll(0, plain))
    (conflict,) = analysis.conflicts
    assert conflict.kind == "number" and not conflict.update
    assert {v.value: v.article_ids for v in conflict.values} == {"12": ("a1",), "15": ("b1",)}
    # the same sentences, the larger figure published first: no update, whatever the cue says ("killed 12 people"
    # and "rose to 15 people" count under different verbs, and the word diff pairs them only on "people", which
    # names no count: they are not reported as a conflict either)
    story, arts, reads, copies = _toll(0)
    swapped = {"a1": dataclasses.replace(arts["a1"], published=arts["b1"].published),
               "b1": dataclasses.replace(arts["b1"], published=arts["a1"].published)}  # fmt: skip
    again = _analyse(story, swapped, reads, copies)
    assert not any(c.update for c in again.conflicts)


def test_identical_independent_reports_raise_no_conflict():
    story, articles, readings, _ = cannery_story()
    two = dataclasses.replace(story, article_ids=("a-ledger", "a-copy"))
    analysis = _analyse(two, articles, readings, {})
    assert analysis.conflicts == ()
    assert all(f.status == "agreed" for f in analysis.facts)


def test_entities_join_across_articles_by_name_initials_and_surname():
    def reading(aid, *ents):
        return Reading(aid, entities=tuple(LocalEntity(n, n, label, aliases) for n, label, aliases in ents))

    index = join_entities({
        "x": reading("x", ("Sergey V. Lavrov", "PERSON", ()), ("Harbor Authority", "ORG", ("HPA",))),
        "y": reading("y", ("Sergey Lavrov", "PERSON", ()), ("HPA", "ORG", ())),
        "z": reading("z", ("Lavrov", "PERSON", ("Mr. Lavrov",))),
    })  # fmt: skip
    keys = {index.key_of[(a, n)] for a, n in (("x", "Sergey V. Lavrov"), ("y", "Sergey Lavrov"), ("z", "Lavrov"))}
    assert len(keys) == 1
    assert index.key_of[("x", "Harbor Authority")] == index.key_of[("y", "HPA")]
    assert index.name(keys.pop()) == "Sergey V. Lavrov"


def test_timeline_dates_with_sources_and_earlier_events():
    analysis = _analyse(*cannery_story())
    days = {(e.date, e.granularity): e for e in analysis.timeline}
    assert set(days[(date(2026, 3, 17), "day")].article_ids) == {"a-ledger", "a-copy"}
    assert days[(date(2026, 3, 17), "day")].earlier  # the day before the first report
    assert not days[(date(2026, 3, 18), "day")].earlier
    assert set(days[(date(2026, 3, 1), "month")].article_ids) == {"a-ledger", "a-copy", "a-wire"}
    for event in analysis.timeline:
        for c in event.citations:
            assert analysis.articles[c.article_id].text[c.start : c.end] == event.text or c.article_id != event.article_ids[0]


def test_documents_are_json_ready():
    import json

    docs = _analyse(*cannery_story()).documents()
    assert set(docs) == {"facts", "conflicts", "quote_groups", "timeline"}
    json.dumps(docs)


def test_an_article_without_reading_still_aligns_on_its_text():
    story, articles, readings, copies = cannery_story()
    readings = {k: v for k, v in readings.items() if k != "a-wire"}
    analysis = _analyse(story, articles, readings, copies)
    kinds = {c.kind: c for c in analysis.conflicts}
    # figures, and a place the other outlet's reading knows, are read off the words themselves;
    # dates, titles and quotes need the reading
    assert set(kinds) == {"number", "location"}
    assert {v.value for v in kinds["number"].values} == {"340", "430"}
    assert "a-wire" in {a for f in analysis.facts for a in f.article_ids}


@pytest.mark.parametrize(
    ("title_a", "title_b", "contested"),
    [
        ("Harbor Board envoy", "Port Council envoy for the Northern Isles", True),  # different employers
        ("Harbor Board envoy", "Harbor Board envoy for the Northern Isles", False),  # one says more
        ("HB chair", "board's chair", False),  # an acronym against a generic description
        ("Harbor Board chair", "HB chair", False),  # acronym of the employer
        ("plant manager", "safety director", True),  # one job each, and they differ
        ("fire chief", "police chief", True),
        ("envoy", "former envoy", True),
    ],
)
def test_titles_compare_employer_rank_and_job(title_a, title_b, contested):
    text_a = f"Mira Holst, {title_a}, visited the docks on Monday."
    text_b = f"Mira Holst, {title_b}, visited the docks on Monday."
    story, arts, reads, copies = _two_outlets(
        text_a, text_b,
        lambda r: r.entity("Mira Holst", "PERSON").role("Mira Holst", title_a, former=title_a.startswith("former")),
        lambda r: r.entity("Mira Holst", "PERSON").role("Mira Holst", title_b, former=title_b.startswith("former")),
    )  # fmt: skip
    analysis = _analyse(story, arts, reads, copies)
    titles = [c for c in analysis.conflicts if c.kind == "title"]
    assert bool(titles) is contested
    if contested:
        assert {v.article_ids for v in titles[0].values} == {("a1",), ("b1",)}


def test_a_changed_figure_is_found_by_lining_up_the_words():
    # the reader found no amounts at all: the word-level diff still pairs 12 with 15
    text_a = "The storm flooded the harbor district, injuring 12 residents and closing the ferry for a day."
    text_b = "The storm flooded the harbor district, injuring 15 residents and closing the ferry for a day."
    story, arts, reads, copies = _two_outlets(text_a, text_b, lambda r: r.entity("Harbor", "ORG", "harbor"),
                                              lambda r: r.entity("Harbor", "ORG", "harbor"))  # fmt: skip
    analysis = _analyse(story, arts, reads, copies)
    (conflict,) = analysis.conflicts
    assert conflict.kind == "number" and {v.value for v in conflict.values} == {"12", "15"}
    assert {v.text for v in conflict.values} == {"injuring 12 residents", "injuring 15 residents"}


def test_caching_embedder_encodes_each_text_once():
    from storyline.compare import CachingEmbedder

    class Counting(FakeEmbedder):
        calls: list[int] = []

        def encode(self, texts):
            self.calls.append(len(texts))
            return super().encode(texts)

    inner = Counting()
    cached = CachingEmbedder(inner, max_items=10)
    first = cached.encode(["a harbor", "a ferry", "a harbor"])
    again = cached.encode(["a ferry", "a harbor"])
    assert inner.calls == [2]
    assert (first[1] == again[0]).all() and (first[0] == first[2]).all()
    big = cached.encode([f"text {n}" for n in range(12)])  # more than the cache holds
    assert big.shape == (12, inner.dim)


# ---------------------------------------------------------------- slot clauses and the sentence vector cache


def _clauses(text, build):
    from storyline.compare import _sentences_of, resolve_entities, sentence_clauses

    a = article("c1", "Post", text, datetime(2026, 5, 4, 8, tzinfo=UTC))
    reading = build(ReadingBuilder(a)).build()
    ents = resolve_entities({"c1": reading})
    sentences = _sentences_of(a, reading, ents)
    return [(ents.name(c.subject) or c.subject, c.verb, " ".join(c.obj), c.passive) for s in sentences for c in sentence_clauses(s, ents)]


def test_clauses_take_the_grammatical_subject_only():
    text = (
        "Shares in Brennard Chemicals fell on Monday. "
        "The court ruled that Norvale Water overcharged households. "
        "Brennard Chemicals makes solvents and employs about 400 people in Halden Falls. "
        "The strike was called by the Harbour Union."
    )
    got = _clauses(text, lambda r: r.entity("Brennard Chemicals", "ORG").entity("Norvale Water", "ORG").entity("Harbour Union", "ORG"))
    assert ("Brennard Chemicals", "makes", "solvents", False) in got
    assert ("Brennard Chemicals", "employs", "about 400 people", False) in got
    assert ("Harbour Union", "called", "", True) in got  # vouches, never written out
    assert not [c for c in got if c[1] == "fell"]  # "in Brennard": not the subject
    assert not [c for c in got if c[0] == "Norvale Water"]  # a reported clause is not stated as fact


def test_a_clause_takes_the_day_of_its_own_verb_not_of_a_verb_joined_after_it():
    from storyline.compare import _sentences_of, resolve_entities, sentence_clauses

    text = "Mara Quell has ordered an inquiry and will visit Dunmere on Friday. Mara Quell opened the bridge on Monday."
    a = article("c1", "Post", text, datetime(2026, 5, 4, 8, tzinfo=UTC))
    reading = (ReadingBuilder(a).entity("Mara Quell", "PERSON").date("on Friday", date(2026, 5, 8))
               .date("on Monday", date(2026, 5, 4)).build())  # fmt: skip
    ents = resolve_entities({"c1": reading})
    days = {c.verb: c.days for s in _sentences_of(a, reading, ents) for c in sentence_clauses(s, ents)}
    assert days["has ordered"] == () and days["opened"] == (date(2026, 5, 4),)


def test_sentence_vectors_are_kept_in_the_store_and_reused(tmp_path):
    from storyline.store import open_store

    class Counting(FakeEmbedder):
        def __init__(self):
            super().__init__()
            self.texts = 0

        def encode(self, texts):
            self.texts += len(texts)
            return super().encode(texts)

    story, articles, readings, copies = cannery_story()
    with open_store(str(tmp_path / "v.db")) as store:
        cold = Counting()
        first = analyse_story(story, articles, readings, copies, cold, vector_store=store)
        assert cold.texts > 0
        warm = Counting()
        again = analyse_story(story, articles, readings, copies, warm, vector_store=store)
        assert warm.texts == 0  # every sentence vector came from the store
        assert again.facts == first.facts and again.conflicts == first.conflicts
        assert again.quote_groups == first.quote_groups
        stored = store.get_embeddings(f"sentences:{cold.name}", [f"a-ledger#0-{LEDGER.index('.') + 1}:x"])
        assert stored == {}  # keys carry the text's checksum: a different text never reuses a vector


def test_only_sentences_that_can_align_are_embedded():
    class Counting(FakeEmbedder):
        def __init__(self):
            super().__init__()
            self.seen: list[str] = []

        def encode(self, texts):
            self.seen += list(texts)
            return super().encode(texts)

    story, arts, reads, copies = _two_outlets(
        "Ilse Varga opened the footbridge in Tollford on Friday. Rain fell on the hills all week long.",
        "Mayor Ilse Varga cut the ribbon on the new footbridge. Bakers expect flour prices to climb again.",
        lambda r: r.entity("Ilse Varga", "PERSON"),
        lambda r: r.entity("Ilse Varga", "PERSON"),
    )
    embedder = Counting()
    analyse_story(story, arts, reads, copies, embedder)
    # the two sentences naming Ilse Varga can align; the weather and the flour prices share neither a name
    # nor words with the other outlet, so they cannot, and cost no model call
    assert len(embedder.seen) == 2 and all("footbridge" in t for t in embedder.seen)


def test_a_single_source_fact_cites_only_the_outlet_that_says_it():
    """Another outlet's sentence on the same topic is no witness: a single-source fact must not cite it."""
    text_a = "Mayor Ilse Varga said the Brannock footbridge in Tollford cost the town 4 million crowns to build."
    text_b = "In Tollford, Ilse Varga thanked the volunteers who planted trees along the river by the footbridge."
    story, arts, reads, copies = _two_outlets(
        text_a, text_b,
        lambda r: r.entity("Ilse Varga", "PERSON").entity("Tollford", "GPE").place("Tollford"),
        lambda r: r.entity("Ilse Varga", "PERSON").entity("Tollford", "GPE").place("Tollford"),
    )  # fmt: skip
    analysis = _analyse(story, arts, reads, copies)
    single = [f for f in analysis.facts if f.status == "single-source" and f.kind == "event"]
    assert single, [(f.kind, f.status, f.text) for f in analysis.facts]
    for fact in single:
        assert len({c.article_id for c in fact.citations}) == 1, fact


# ---------------------------------------------------------------- "agreed": the facts must match; every origin is cited

HARBOR_POST = (
    "The Marrowby town council under Mayor Odile Ferrant approved a $14.3 million budget for the new harbor wall "
    "on Monday. Work on the wall is due to start in the spring."
)
HARBOR_HERALD = (
    "On Monday the Marrowby town council approved a $14.3m budget for the new harbor wall, the mayor's office said. "
    "Fishermen have asked for a stronger wall since the storms of last winter."
)


def _with_sentences(reading: Reading, text: str) -> Reading:
    """The reader's sentence spans (a regex split would cut "$14.3m" at its decimal point)."""
    spans, start = [], 0
    for part in text.split(". "):
        end = start + len(part) + (0 if part.endswith(".") else 1)
        spans.append((start, end))
        start = end + 1
    return dataclasses.replace(reading, sentences=tuple(spans))


def harbor_story():
    """Two independent outlets state one decision in their own words ("$14.3m", "the mayor's office"); a copy."""
    post = article("h-post", "Marrowby Post", HARBOR_POST, datetime(2026, 5, 4, 19, tzinfo=UTC))
    copy = article("h-copy", "Coast Digest", HARBOR_POST, datetime(2026, 5, 4, 20, tzinfo=UTC))
    herald = article("h-herald", "Shore Herald", HARBOR_HERALD, datetime(2026, 5, 4, 21, tzinfo=UTC))

    def post_reading(art):
        r = (
            ReadingBuilder(art).entity("Marrowby", "GPE").entity("Odile Ferrant", "PERSON")
            .date("on Monday", date(2026, 5, 4), relative=True).amount("$14.3 million", 14.3e6).build()
        )  # fmt: skip
        return _with_sentences(r, art.text)

    herald_reading = _with_sentences(
        ReadingBuilder(herald).entity("Marrowby", "GPE").date("On Monday", date(2026, 5, 4), relative=True)
        .amount("$14.3m", 14.3e6).build(),
        herald.text,
    )  # fmt: skip
    articles = {a.id: a for a in (post, copy, herald)}
    readings = {"h-post": post_reading(post), "h-copy": post_reading(copy), "h-herald": herald_reading}
    copies = {"h-copy": CopyLink("h-copy", "syndicated", 0.99, copy_of="h-post", reason="same text")}
    return Story("s-harbor", "Harbor wall budget", tuple(articles)), articles, readings, copies


def test_an_agreed_fact_cites_the_sentence_of_each_agreeing_origin_once():
    from storyline.compare import squash

    analysis = _analyse(*harbor_story())
    fact = next(f for f in analysis.facts if f.kind == "event" and "budget" in f.text)
    assert fact.status == "agreed"
    # the Post's own sentence first, then the Herald's paraphrase; the Post's copy is the same origin
    assert [c.article_id for c in fact.citations] == ["h-post", "h-herald"]
    herald = fact.citations[1]
    assert analysis.articles["h-herald"].text[herald.start : herald.end].startswith("On Monday the Marrowby")
    # what the citation checker may accept as a paraphrase of this fact: exactly these sentence spans
    recorded = {k for k, texts in analysis.entities.paraphrases.items() if squash(fact.text) in texts}
    assert recorded == {(c.article_id, c.start, c.end) for c in fact.citations}


def test_a_different_figure_a_day_later_without_an_update_cue_is_a_conflict():
    text_a = "Floods in Lowmarsh killed 12 people on Sunday, the regional office said."
    text_b = "Floods in Lowmarsh killed 15 people on Sunday, the regional office said."
    story, arts, reads, copies = _two_outlets(
        text_a, text_b,
        lambda r: r.entity("Lowmarsh", "GPE").date("on Sunday", date(2026, 5, 3), relative=True),
        lambda r: r.entity("Lowmarsh", "GPE").date("on Sunday", date(2026, 5, 3), relative=True),
        days_apart=1,
    )  # fmt: skip
    analysis = _analyse(story, arts, reads, copies)
    assert [(c.kind, c.update) for c in analysis.conflicts] == [("number", False)]


def test_same_wording_with_a_different_figure_is_not_agreed():
    # nearly every word is shared, but the toll differs; a day apart and written as the state now it reads as an
    # update, not a dispute, so no conflict contests the fact: only the figures keep it from being "agreed"
    text_a = "Floods in Lowmarsh killed 12 people on Sunday, the regional office said."
    text_b = "Floods in Lowmarsh killed 15 people on Sunday, the regional office said in its latest count."
    story, arts, reads, copies = _two_outlets(
        text_a, text_b,
        lambda r: r.entity("Lowmarsh", "GPE").date("on Sunday", date(2026, 5, 3), relative=True),
        lambda r: r.entity("Lowmarsh", "GPE").date("on Sunday", date(2026, 5, 3), relative=True),
        days_apart=1,
    )  # fmt: skip
    analysis = _analyse(story, arts, reads, copies)
    assert [c.update for c in analysis.conflicts] == [True]
    (fact,) = [f for f in analysis.facts if f.kind == "event"]
    assert set(fact.article_ids) == {"a1", "b1"}  # still aligned: the sentences are about the same floods
    assert fact.status == "single-source"
    assert [c.article_id for c in fact.citations] == ["a1"]
    assert not analysis.entities.paraphrases


def _contradict(text_a: str, text_b: str) -> bool:
    from storyline.compare import _sentences_of, facts_contradict

    def reading(art):
        r = ReadingBuilder(art)
        for place in ("Lowmarsh", "Eastholm"):
            if place in art.text:
                r.entity(place, "GPE").place(place)
        for said, day in (("on Sunday", date(2026, 5, 3)), ("on Monday", date(2026, 5, 4))):
            if said in art.text:
                r.date(said, day, relative=True)
        return r.build()

    arts = [article(aid, "Post", t, datetime(2026, 5, 4, 8, tzinfo=UTC)) for aid, t in (("x", text_a), ("y", text_b))]
    reads = {a.id: reading(a) for a in arts}
    ents = join_entities(reads)
    (a,), (b,) = (_sentences_of(art, reads[art.id], ents) for art in arts)
    return facts_contradict(a, b)


@pytest.mark.parametrize(
    ("text_b", "contradicts"),
    [
        ("Floods in Lowmarsh killed 12 people on Sunday, the regional office said.", False),
        ("Floods in Lowmarsh killed twelve people, officials said.", False),  # a figure in words, no day given
        ("Floods killed 12 people, the regional office said.", False),  # a place left out is no contradiction
        ("Floods in Lowmarsh killed 15 people on Sunday, the regional office said.", True),
        ("Floods in Eastholm killed 12 people on Sunday, the regional office said.", True),
        ("Floods in Lowmarsh killed 12 people on Monday, the regional office said.", True),
    ],
)
def test_facts_contradict_compares_numbers_places_and_days(text_b, contradicts):
    text_a = "Floods in Lowmarsh killed 12 people on Sunday, the regional office said."
    assert _contradict(text_a, text_b) is contradicts


def test_an_agency_credit_line_is_not_a_fact():
    credit = "(Reporting by Owen Strand; editing by Tomas Reyne)"
    text_a = f"The Norvale ferry will stop running on Sunday, the operator said.\n\n{credit}"
    text_b = f"The operator said the Norvale ferry would stop running on Sunday.\n\n{credit}"
    story, articles, readings, copies = _two_outlets(text_a, text_b, lambda r: r, lambda r: r)
    facts = _analyse(story, articles, readings, copies).facts
    assert facts and not any("Reporting by" in f.text for f in facts)


def test_a_multi_sentence_quote_is_one_sentence_span_not_a_fragment():
    quote = "\u201cNobody needs to apply. The refund will come off the bills automatically,\u201d Lind said."
    text = f"The Norvale refund will reach 94,000 homes. The court said so.\n\n{quote}\n\n\u201cWe won. It was long."
    art = article("a1", "North Post", text, datetime(2026, 5, 4, 8, tzinfo=UTC))
    parts = ["The Norvale refund will reach 94,000 homes.", "The court said so.", "\u201cNobody needs to apply.",
             "The refund will come off", "the bills automatically,\u201d Lind said.", "\u201cWe won. It was long."]
    at = [text.index(p) for p in parts]  # the reader split the quote twice, once mid-sentence
    split_inside = Reading("a1", sentences=tuple((a, a + len(p)) for a, p in zip(at, parts, strict=True)))
    for reading in (None, split_inside):
        spans = [text[s:e] for s, e in sentence_spans(art, reading)]
        assert quote in spans, spans
        assert spans[:2] == ["The Norvale refund will reach 94,000 homes.", "The court said so."]
        assert spans[-1].startswith("\u201cWe won.")  # left open at the end of its paragraph: stops there
