"""Sentence vectors keyed by text: a copy's sentence reuses its origin's vector, a changed text never does."""

from __future__ import annotations

import numpy as np

from storyline.compare.vectors import SentenceVectors, text_key
from storyline.embed import FakeEmbedder


class Counting(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen += list(texts)
        return super().encode(texts)


def test_text_keys_are_stable_distinct_digests():
    assert text_key("The ferry sank.") == text_key("The ferry sank.")
    assert text_key("The ferry sank.") != text_key("The ferry sank!")
    assert len(text_key("")) == 32 and int(text_key("x"), 16) >= 0


def test_each_distinct_text_is_embedded_once_per_call():
    embedder = Counting()
    vectors = SentenceVectors(embedder)
    rows = vectors.encode_texts("sentences", ["The ferry sank.", "Crews searched the bay.", "The ferry sank."])
    assert embedder.seen == ["The ferry sank.", "Crews searched the bay."]
    assert rows.shape == (3, embedder.dim) and np.array_equal(rows[0], rows[2])
    assert vectors.encoded == 2
    assert vectors.encode_texts("sentences", []).shape[0] == 0


def test_a_copy_in_a_later_analysis_reuses_the_stored_vector(tmp_path):
    from storyline.store import open_store

    with open_store(str(tmp_path / "v.db")) as store:
        first = Counting()
        SentenceVectors(first, store).encode_texts("sentences", ["The ferry sank off Varna.", "Crews searched."])
        later = Counting()  # a new analysis, as when a syndicated copy joins the story
        again = SentenceVectors(later, store)
        rows = again.encode_texts("sentences", ["Crews searched.", "The ferry sank off Varna on Monday."])
        assert later.seen == ["The ferry sank off Varna on Monday."]  # only the changed text costs a model call
        assert again.loaded == 1
        assert np.allclose(rows[0], FakeEmbedder().encode(["Crews searched."])[0])
        # quotes are kept apart from sentences: the same text under another kind is embedded on its own
        SentenceVectors(later, store).encode_texts("quotes", ["Crews searched."])
        assert later.seen[-1] == "Crews searched."


def test_verbatim_copies_align_without_a_model_call():
    from datetime import UTC, datetime

    from storyline.compare import analyse_story
    from storyline.records import Story

    from ..side_by_side import ReadingBuilder, article

    text = "Ilse Varga opened the footbridge in Tollford on Friday. The bridge cost 4 million crowns."
    origin = article("o1", "North Post", text, datetime(2026, 5, 4, 8, tzinfo=UTC))
    copy = article("c1", "Wire Client", text, datetime(2026, 5, 4, 9, tzinfo=UTC))
    readings = {
        a.id: ReadingBuilder(a).entity("Ilse Varga", "PERSON").entity("Tollford", "GPE").build() for a in (origin, copy)
    }
    story = Story("s1", "footbridge", ("o1", "c1"))
    embedder = Counting()
    analysis = analyse_story(story, {"o1": origin, "c1": copy}, readings, {}, embedder)
    assert embedder.seen == []  # each sentence's only counterpart is the same text: cosine 1, no model call
    opened = [f for f in analysis.facts if "footbridge" in f.text]
    assert opened and set(opened[0].article_ids) == {"o1", "c1"}

    # a reworded version in a third article needs the model, once per distinct text
    other = article("b1", "South Herald", "Mayor Ilse Varga cut the ribbon on the Tollford footbridge.",
                    datetime(2026, 5, 4, 10, tzinfo=UTC))  # fmt: skip
    readings["b1"] = ReadingBuilder(other).entity("Ilse Varga", "PERSON").entity("Tollford", "GPE").build()
    embedder = Counting()
    analyse_story(Story("s1", "footbridge", ("o1", "c1", "b1")), {"o1": origin, "c1": copy, "b1": other}, readings, {}, embedder)
    assert len(embedder.seen) == len(set(embedder.seen)) and any("ribbon" in t for t in embedder.seen)
    assert sum("opened the footbridge" in t for t in embedder.seen) == 1


def test_sentences_are_embedded_in_the_comparison_batch_size_when_the_embedder_takes_one():
    from storyline.compare.vectors import SENTENCE_BATCH, CachingEmbedder

    class Batched(FakeEmbedder):
        def __init__(self) -> None:
            super().__init__()
            self.batches: list[int | None] = []

        def encode(self, texts, *, batch_size=None):
            self.batches.append(batch_size)
            return super().encode(texts)

    batched = Batched()
    rows = SentenceVectors(batched).encode_texts("sentences", ["The ferry sank.", "Crews searched the bay."])
    assert batched.batches == [SENTENCE_BATCH]
    assert np.allclose(rows, FakeEmbedder().encode(["The ferry sank.", "Crews searched the bay."]))
    # through the runner's cache too; an embedder without the option is called as before
    inner = Batched()
    SentenceVectors(CachingEmbedder(inner)).encode_texts("quotes", ["We will rebuild."])
    assert inner.batches == [SENTENCE_BATCH]
    plain = Counting()
    SentenceVectors(CachingEmbedder(plain)).encode_texts("quotes", ["We will rebuild."])
    assert plain.seen == ["We will rebuild."]
