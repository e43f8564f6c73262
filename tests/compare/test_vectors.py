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


def test_the_span_call_form_looks_vectors_up_by_text():
    embedder = Counting()
    vectors = SentenceVectors(embedder)
    a = vectors.encode("quotes", ["a1#0-10:x"], ["We did all we could."])
    b = vectors.encode("quotes", ["c9#40-50:y"], ["We did all we could."])
    assert embedder.seen == ["We did all we could."] and np.array_equal(a, b)
