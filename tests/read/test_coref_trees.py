"""The tree pair model (storyline.read.coref.TreePairModel, pair_table) and the store-wide namesake linker."""

from datetime import datetime, timezone

import numpy as np
import pytest

from storyline.errors import ModelError
from storyline.read.catalog import refresh_entities
from storyline.read.coref import TABLE_FEATURES, MentionInfo, NameContext, NamesakeLinker, TreePairModel, pair_table
from storyline.read.entities import resolve_entities
from storyline.records import Article, LocalEntity, Mention, Reading
from storyline.store import open_store


def info(doc: str, surface: str, kind: str = "name", label: str = "PERSON", rule: str = "", start: int = 0) -> MentionInfo:
    return MentionInfo(doc=doc, sentence=start // 100, kind=kind, label=label, head=surface.split()[-1].strip("."),
                       surface=surface, rule_cluster=rule or surface, start=start)


def column(table: np.ndarray, name: str) -> np.ndarray:
    return table[:, TABLE_FEATURES.index(name)]


def test_pair_table_measures_words_acronyms_and_documents() -> None:
    ms = [info("a", "kirill dmitriev"), info("b", "mr. dmitriev"), info("b", "russian direct investment fund", label="ORG"),
          info("c", "rdif", label="ORG"), info("a", "ivan petrov")]
    rows, cols, table = pair_table(ms, np.eye(5, dtype=np.float32))
    assert table.shape == (10, len(TABLE_FEATURES))
    at = {(int(i), int(j)): k for k, (i, j) in enumerate(zip(rows, cols, strict=True))}
    assert column(table, "words_contained")[at[0, 1]] == 1  # "dmitriev" inside "kirill dmitriev"
    assert column(table, "head_in_other")[at[0, 1]] == 1
    assert column(table, "words_contained")[at[0, 4]] == 0
    assert column(table, "acronym")[at[2, 3]] == 1 and column(table, "acronym")[at[0, 3]] == 0
    assert column(table, "same_doc")[at[0, 4]] == 1 and column(table, "same_doc")[at[0, 1]] == 0
    assert column(table, "same_label")[at[0, 2]] == 0


def test_pair_table_tells_lead_mentions_from_late_ones() -> None:
    ms = [info("a", "mayor ines calder", start=0), info("b", "calder", start=150), info("c", "a harbour pilot", start=4000)]
    rows, cols, table = pair_table(ms, np.eye(3, dtype=np.float32))
    at = {(int(i), int(j)): k for k, (i, j) in enumerate(zip(rows, cols, strict=True))}
    assert column(table, "sent_first")[at[0, 1]] == 0 and column(table, "sent_last")[at[0, 1]] == 1
    assert column(table, "sent_last")[at[1, 2]] == 15  # sentence 40, capped: deep in the report
    assert column(table, "sent_first")[at[1, 2]] == 1


def test_exported_trees_predict_what_sklearn_predicts(tmp_path) -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(3)
    x = rng.random((400, len(TABLE_FEATURES))).astype(np.float32)
    y = (x[:, 2] + x[:, 10] > 1.0) ^ (rng.random(400) < 0.1)
    fitted = HistGradientBoostingClassifier(max_iter=15, max_leaf_nodes=7).fit(x, y)
    model = TreePairModel.from_sklearn(fitted)
    model.save(tmp_path / "m.json")
    again = TreePairModel.load(tmp_path / "m.json")
    assert np.allclose(again.predict(x), fitted.predict_proba(x)[:, 1], atol=1e-5)


def test_shipped_model_links_a_surname_and_not_strangers() -> None:
    ms = [info("a", "kirill dmitriev", rule="k"), info("b", "dmitriev", rule="d"), info("c", "tessa coyle", rule="t")]
    vecs = np.array([[1, 0], [1, 0.1], [0, 1]], dtype=np.float32)
    prob = TreePairModel.load().probabilities(ms, vecs / np.linalg.norm(vecs, axis=1, keepdims=True), vecs * 0 + 0.7)
    assert prob[0, 1] > 0.5 > prob[0, 2]
    assert np.allclose(prob, prob.T)


def test_a_model_fit_on_other_features_is_refused(tmp_path) -> None:
    (tmp_path / "m.json").write_text('{"features": ["x"], "baseline": 0, "trees": []}')
    with pytest.raises(ModelError):
        TreePairModel.load(tmp_path / "m.json")


def person(aid: str, name: str, *aliases: str) -> tuple[str, LocalEntity]:
    return aid, LocalEntity(name, name, "PERSON", aliases)


def readings_with_two_namesakes() -> list[Reading]:
    return [Reading("a1", entities=(person("a1", "Kirill Dmitriev")[1],)),
            Reading("a2", entities=(person("a2", "Ivan Dmitriev")[1],)),
            Reading("a3", entities=(person("a3", "Dmitriev", "Mr. Dmitriev")[1],))]


def test_resolver_asks_the_chooser_only_for_namesakes() -> None:
    asked = []

    def choose(lone, candidates):  # type: ignore[no-untyped-def]
        asked.append((lone[1].name, sorted(m[1].name for c in candidates for m in c)))
        return next(k for k, c in enumerate(candidates) if c[0][1].name == "Ivan Dmitriev")

    entities = resolve_entities(readings_with_two_namesakes(), namesakes=choose)
    ivan = next(e for e in entities if e.name == "Ivan Dmitriev")
    assert ivan.article_ids == ("a2", "a3")
    assert asked == [("Dmitriev", ["Ivan Dmitriev", "Kirill Dmitriev"])]
    alone = resolve_entities(readings_with_two_namesakes(), namesakes=lambda lone, c: None)
    assert {e.name for e in alone} == {"Kirill Dmitriev", "Ivan Dmitriev", "Dmitriev"}
    # one candidate only: the rule decides, the chooser is not asked
    asked.clear()
    resolve_entities(readings_with_two_namesakes()[::2], namesakes=choose)
    assert asked == []


def contexts_of(texts: dict[str, str]):  # type: ignore[no-untyped-def]
    def contexts(aid: str, ent: LocalEntity) -> list[NameContext]:
        text = texts[aid]
        form = next(f for f in (*ent.aliases, ent.name) if f in text)
        s = text.index(form)
        return [NameContext(aid, text, s, s + len(form))]

    return contexts


TEXTS = {
    "a1": "Kirill Dmitriev, head of the sovereign wealth fund, said the fund would invest two billion in ports.",
    "a2": "Goalkeeper Ivan Dmitriev saved a penalty in the last minute as his club won the cup final.",
    "a3": "Mr. Dmitriev said the investment fund would put money into new ports and railways.",
    "a4": "Mr. Dmitriev dived to his left and saved the penalty, and the fans sang his name after the match.",
}


@pytest.mark.models
def test_namesake_linker_reads_the_context() -> None:
    linker = NamesakeLinker(contexts_of(TEXTS))
    kirill, ivan = [person("a1", "Kirill Dmitriev")], [person("a2", "Ivan Dmitriev")]
    assert linker(person("a3", "Dmitriev", "Mr. Dmitriev"), [kirill, ivan]) == 0
    assert linker(person("a4", "Dmitriev", "Mr. Dmitriev"), [kirill, ivan]) == 1
    assert linker(person("a4", "Dmitriev", "Mr. Dmitriev"), [ivan, kirill]) == 0


@pytest.mark.models
def test_refresh_entities_settles_a_namesake_from_the_stored_articles(tmp_path) -> None:
    store = open_store(str(tmp_path / "t.db"))
    day = datetime(2026, 3, 18, tzinfo=timezone.utc)
    store.add_articles([Article(id=aid, text=text, published=day) for aid, text in TEXTS.items() if aid != "a4"])
    readings = []
    for ent, form in zip(readings_with_two_namesakes(), ("Kirill Dmitriev", "Ivan Dmitriev", "Mr. Dmitriev"), strict=True):
        aid = ent.article_id
        start = TEXTS[aid].index(form)
        readings.append(Reading(aid, sentences=((0, len(TEXTS[aid])),), entities=ent.entities,
                                mentions=(Mention(form, start, start + len(form), "PERSON", ent.entities[0].key),)))
    store.put_readings(readings)
    entities = refresh_entities(store)
    kirill = next(e for e in entities if e.name == "Kirill Dmitriev")
    assert kirill.article_ids == ("a1", "a3") and "Mr. Dmitriev" in kirill.aliases
    store.close()


def test_linker_remembers_its_answers_across_refreshes():
    """The runner keeps one linker: a question answered once is not put to the models again."""
    asked: list[str] = []

    def contexts(article_id, entity):
        asked.append(article_id)
        return []  # no contexts: the linker abstains, which is an answer worth remembering too

    linker = NamesakeLinker(contexts)
    lone, candidates = ("a1", "dmitriev"), [[("a2", "kirill dmitriev")], [("a3", "ivan dmitriev")]]
    assert linker(lone, candidates) is None
    linker.rebind(contexts)
    assert linker(lone, candidates) is None
    assert (linker.calls, linker.decided) == (2, 1)
    assert asked.count("a1") == 1
