"""The store-wide entity refresh at scale: the same-story rule, batched namesake questions, stable answers.

Hand-built readings; the linker tests use a counting stand-in for MiniLM (the tree pair model is the
shipped one), so they check how often the encoder is called, not what it says.
"""

from datetime import datetime, timezone

import numpy as np

from storyline.read.catalog import StoreContexts, refresh_entities
from storyline.read.coref import NamesakeLinker
from storyline.read.entities import resolve_local_entities
from storyline.records import Article, Assignment, LocalEntity, Mention, Reading
from storyline.store import open_store

from .test_coref_trees import contexts_of


def person(name: str, *aliases: str) -> LocalEntity:
    return LocalEntity(name, name, "PERSON", aliases)


KIRILL, IVAN, LONE = person("Kirill Dmitriev"), person("Ivan Dmitriev"), person("Dmitriev", "Mr. Dmitriev")


def by_article() -> dict[str, tuple[LocalEntity, ...]]:
    return {"a1": (KIRILL,), "a2": (IVAN,), "a3": (LONE,), "a4": (KIRILL,)}


class Recorder:
    """A namesake chooser that records what it was asked (and the prefetch), and picks Ivan."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def prefetch(self, questions) -> None:  # type: ignore[no-untyped-def]
        self.events.append(f"prefetch {len(questions)}")

    def __call__(self, lone, candidates):  # type: ignore[no-untyped-def]
        self.events.append(f"ask {lone[0]}")
        return next(k for k, c in enumerate(candidates) if c[0][1].name == "Ivan Dmitriev")


def test_the_candidate_in_the_same_story_wins_without_asking() -> None:
    chooser = Recorder()
    story_of = {"a1": "s-ports", "a3": "s-ports", "a2": "s-cup", "a4": "s-other"}
    entities = resolve_local_entities(by_article(), namesakes=chooser, story_of=story_of)
    kirill = next(e for e in entities if e.name == "Kirill Dmitriev")
    assert kirill.article_ids == ("a1", "a3", "a4")
    assert chooser.events == []


def test_both_namesakes_in_the_story_or_no_story_asks_the_chooser_once_after_a_prefetch() -> None:
    for story_of in ({"a1": "s", "a2": "s", "a3": "s"}, None, {"a1": "s1", "a2": "s2"}):
        chooser = Recorder()
        entities = resolve_local_entities(by_article(), namesakes=chooser, story_of=story_of)
        ivan = next(e for e in entities if e.name == "Ivan Dmitriev")
        assert ivan.article_ids == ("a2", "a3")
        assert chooser.events == ["prefetch 1", "ask a3"]


def test_no_namesake_in_the_story_leaves_the_surname_alone() -> None:
    chooser = Recorder()
    entities = resolve_local_entities(by_article(), namesakes=chooser, story_of={"a1": "s1", "a2": "s2", "a3": "s3"})
    assert {e.name: e.article_ids for e in entities}["Dmitriev"] == ("a3",)
    assert chooser.events == []


def test_the_story_protagonist_wins_when_named_in_twice_as_many_articles() -> None:
    chooser = Recorder()
    ents = {**by_article(), "a5": (KIRILL,), "a6": (IVAN,)}
    story = {aid: "s" for aid in ents}
    kirill = next(e for e in resolve_local_entities(ents, namesakes=chooser, story_of=story) if e.name == "Kirill Dmitriev")
    assert "a3" not in kirill.article_ids and chooser.events == ["prefetch 1", "ask a3"]  # 3 articles vs 2: asked
    del story["a6"]
    kirill = next(e for e in resolve_local_entities(ents, namesakes=chooser, story_of=story) if e.name == "Kirill Dmitriev")
    assert kirill.article_ids == ("a1", "a3", "a4", "a5")  # 3 vs 1: the protagonist
    assert chooser.events == ["prefetch 1", "ask a3"]


def test_only_the_namesakes_in_the_story_are_candidates_and_their_story_mentions_come_first() -> None:
    seen = []

    def choose(lone, candidates):  # type: ignore[no-untyped-def]
        seen.append([[aid for aid, _ in c] for c in candidates])
        return None

    ents = {**by_article(), "a5": (person("Oleg Dmitriev"),)}
    story_of = {"a1": "s9", "a4": "s", "a2": "s", "a3": "s", "a5": "s8"}
    resolve_local_entities(ents, namesakes=choose, story_of=story_of)
    assert seen == [[["a4", "a1"], ["a2"]]]  # Oleg is not in the story; Kirill's a4 (in it) before a1


def test_candidates_are_full_name_people_not_the_lone_surnames_that_joined_them() -> None:
    seen = []

    def choose(lone, candidates):  # type: ignore[no-untyped-def]
        seen.append(sorted(len(c) for c in candidates))
        return 0

    ents = {**by_article(), "a5": (LONE,), "a6": (LONE,)}
    resolve_local_entities(ents, namesakes=choose)
    assert seen == [[1, 2]] * 3  # Ivan (a2) and Kirill (a1, a4) every time, whatever was attached before


class CountingEncoder:
    """Stands in for MiniLMSpanEncoder: deterministic vectors from the text, and a call count."""

    dim = 384

    def __init__(self) -> None:
        self.calls = 0
        self.texts = 0

    def _vec(self, text: str) -> np.ndarray:
        v = np.random.default_rng(sum(map(ord, text))).normal(size=self.dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def encode_span_and_rest(self, contexts, spans):  # type: ignore[no-untyped-def]
        self.calls += 1
        self.texts += len(contexts)
        pairs = [(self._vec(c[s:e]), self._vec(c[:s] + c[e:])) for c, (s, e) in zip(contexts, spans, strict=True)]
        return np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs])

    def encode_whole(self, texts):  # type: ignore[no-untyped-def]
        self.calls += 1
        self.texts += len(texts)
        return np.stack([self._vec(t) for t in texts])


def test_prefetch_encodes_all_questions_in_a_few_calls_and_answers_are_kept_when_candidates_grow() -> None:
    texts = {f"l{k}": f"Mr. Dmitriev spoke on day {k} about the plan." for k in range(40)}
    texts |= {"k1": "Kirill Dmitriev runs the fund.", "k2": "Kirill Dmitriev met bankers.",
              "i1": "Ivan Dmitriev saved a penalty."}
    encoder = CountingEncoder()
    linker = NamesakeLinker(contexts_of(texts), encoder=encoder)
    kirill, ivan = [("k1", KIRILL)], [("i1", IVAN)]
    questions = [((f"l{k}", LONE), [kirill, ivan]) for k in range(40)]
    linker.prefetch(questions)
    after_prefetch = encoder.calls
    assert after_prefetch == 2  # the sentences (mention and rest in one pass), then the names' own words
    answers = [linker(*q) for q in questions]
    assert encoder.calls == after_prefetch  # every text was encoded by the prefetch
    assert linker.decided == 40
    # Kirill gains an article: the same questions, answered from memory
    grown = [(lone, [kirill + [("k2", KIRILL)], ivan]) for lone, _ in questions]
    linker.prefetch(grown)
    assert [linker(*q) for q in grown] == answers
    assert linker.decided == 40 and encoder.calls == after_prefetch


def test_refresh_uses_stored_stories_and_reads_articles_in_bulk(tmp_path) -> None:
    store = open_store(str(tmp_path / "t.db"))
    day = datetime(2026, 3, 18, tzinfo=timezone.utc)
    texts = {"a1": "Kirill Dmitriev opened the port.", "a2": "Ivan Dmitriev saved a penalty.",
             "a3": "Mr. Dmitriev said the port would grow.", "a4": "Kirill Dmitriev spoke again."}
    store.add_articles([Article(id=aid, text=t, published=day) for aid, t in texts.items()])
    readings = []
    for aid, (ent,) in by_article().items():
        form = next(f for f in (*ent.aliases, ent.name) if f in texts[aid])
        s = texts[aid].index(form)
        readings.append(Reading(aid, sentences=((0, len(texts[aid])),), entities=(ent,),
                                mentions=(Mention(form, s, s + len(form), "PERSON", ent.key),)))
    store.put_readings(readings)
    store.put_assignments([Assignment(aid, story, 1.0, True, "test") for aid, story in
                           (("a1", "s-port"), ("a3", "s-port"), ("a2", "s-cup"), ("a4", "s-x"))])
    asked = []
    entities = refresh_entities(store, namesakes=lambda lone, c: asked.append(lone) or None)
    kirill = next(e for e in entities if e.name == "Kirill Dmitriev")
    assert kirill.article_ids == ("a1", "a3", "a4") and "Mr. Dmitriev" in kirill.aliases
    assert asked == []
    contexts = StoreContexts(store)
    contexts.load(["a3", "a1", "missing"])
    assert [c.sentence for c in contexts("a3", LONE)] == [texts["a3"]]
    assert contexts("missing", LONE) == []
    store.close()


def test_one_person_under_two_surnames_is_counted_per_surname() -> None:
    """Ana Lind, also reported as Ana Berg, is one person: her 'Berg' articles decide for a lone 'Berg', even
    after her 'Lind' articles were counted for a lone 'Lind' of another story."""
    ents = {"a1": (person("Ana Lind", "Ana Berg"),), "a2": (person("Ana Berg"),), "a4": (person("Tom Berg"),),
            "a6": (person("Eva Lind"),), "a5": (person("Lind"),), "a3": (person("Berg"),)}
    story = {"a1": "t", "a2": "s", "a3": "s", "a4": "u", "a5": "v", "a6": "w"}
    entities = resolve_local_entities(ents, namesakes=Recorder(), story_of=story)
    ana = next(e for e in entities if "a2" in e.article_ids)
    assert ana.article_ids == ("a1", "a2", "a3")
