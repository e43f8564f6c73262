"""Embedders and the embed stage (the real MiniLM only in the ``models`` test)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from storyline.embed import EmbedStage, Embedder, FakeEmbedder, MiniLMEmbedder, article_text, torch_threads
from storyline.pipeline import Batch, Pipeline
from storyline.errors import ModelError
from storyline.records import Article


def _article(aid: str, text: str, title: str | None = None) -> Article:
    return Article(id=aid, text=text, title=title)


class CountingEmbedder(FakeEmbedder):
    """A fake that remembers how many texts it was asked to encode."""

    def __init__(self) -> None:
        super().__init__(dim=32)
        self.encoded: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.encoded.extend(texts)
        return super().encode(texts)


def test_fake_embedder_is_deterministic_normalised_and_lexical() -> None:
    a, b = FakeEmbedder(dim=48), FakeEmbedder(dim=48)
    texts = ["harbor crane collapses in Portmere", "crane collapse at Portmere harbor", "budget vote in the senate"]
    va, vb = a.encode(texts), b.encode(texts)
    assert isinstance(a, Embedder)
    assert va.dtype == np.float32 and va.shape == (3, 48)
    np.testing.assert_allclose(va, vb)
    np.testing.assert_allclose(np.linalg.norm(va, axis=1), 1.0, rtol=1e-5)
    assert va[0] @ va[1] > va[0] @ va[2] + 0.3


def test_article_text_is_title_then_first_words() -> None:
    art = _article("a1", " ".join(f"w{i}" for i in range(500)), title="Big news")
    text = article_text(art, words=10)
    assert text.startswith("Big news. w0 w1")
    assert text.split()[-1] == "w9"


def test_embed_stage_encodes_only_missing_articles() -> None:
    embedder = CountingEmbedder()
    cached_vec = embedder.encode(["cached text"])[0]
    embedder.encoded.clear()
    stage = EmbedStage(embedder, {"a1": cached_vec}, words=50)
    batch = Batch(articles=(_article("a1", "cached text"), _article("a2", "fresh text about ferries")))
    out = Pipeline([stage]).run(batch)
    assert set(out.embeddings) == {"a1", "a2"}
    np.testing.assert_allclose(out.embeddings["a1"], cached_vec)
    assert embedder.encoded == ["fresh text about ferries"]
    assert set(stage.fresh(out)) == {"a2"}
    # a second run of the same batch encodes nothing new
    Pipeline([stage]).run(batch)
    assert embedder.encoded == ["fresh text about ferries"]


def test_syndicated_copies_borrow_their_origins_vector_without_a_model_pass() -> None:
    from storyline.records import CopyLink

    embedder = CountingEmbedder()
    stage = EmbedStage(embedder, words=50)
    origin = _article("o1", "ferry service resumes after the storm")
    copy = _article("c1", "ferry service resumes after the storm, the wire reported")
    rewrite = _article("r1", "after the storm the ferries run again")
    orphan = _article("c2", "a copy of something never stored")
    links = {
        "c1": CopyLink(article_id="c1", kind="syndicated", score=0.97, copy_of="o1"),
        "r1": CopyLink(article_id="r1", kind="rewrite", score=0.9, copy_of="o1"),
        "c2": CopyLink(article_id="c2", kind="syndicated", score=0.97, copy_of="missing"),
    }
    out = stage.run(Batch(articles=(origin, copy, rewrite, orphan), copies=links))
    np.testing.assert_allclose(out.embeddings["c1"], out.embeddings["o1"])
    assert sorted(embedder.encoded) == sorted([origin.text, rewrite.text, orphan.text])  # the copy cost nothing
    assert stage.borrowed == 1 and set(stage.fresh(out)) == {"o1", "c1", "r1", "c2"}


def test_minilm_rejects_bad_settings() -> None:
    with pytest.raises(Exception, match="positive"):
        MiniLMEmbedder(words=0)


@pytest.mark.models
def test_minilm_embeds_paraphrases_close() -> None:
    embedder = MiniLMEmbedder(batch_size=4, words=200)
    texts = [
        "A crane collapsed at the Portmere container harbor on Tuesday, injuring two dock workers.",
        "Two dockers were hurt when a harbor crane fell over in Portmere on Tuesday.",
        "The city council approved next year's library budget after a long debate.",
        "",
    ]
    vectors = embedder.encode(texts)
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, rtol=1e-4)
    assert vectors[0] @ vectors[1] > 0.6
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3
    chunked = MiniLMEmbedder(words=8, chunks=2).encode(texts[:1])
    assert chunked.shape == (1, 384) and abs(float(np.linalg.norm(chunked)) - 1.0) < 1e-4


def test_torch_threads_are_limited_for_the_block_and_restored():
    torch = pytest.importorskip("torch")
    from storyline.embed import torch_threads

    before = torch.get_num_threads()
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with torch_threads(None):
        assert torch.get_num_threads() == before
    with pytest.raises(ModelError):
        MiniLMEmbedder(threads=0)


def test_precision_is_checked_and_named_so_stored_vectors_of_two_formats_never_mix() -> None:
    from storyline.embed import resolve_precision, sentence_embedder

    with pytest.raises(ModelError, match="precision"):
        MiniLMEmbedder(precision="fp8")
    fp32, bf16 = MiniLMEmbedder(), MiniLMEmbedder(precision="bf16")
    assert fp32.precision == "fp32" and bf16.precision == "bf16"
    assert bf16.name == fp32.name + "/bf16"
    assert resolve_precision("auto") in ("fp32", "bf16")
    twin = fp32.sibling(precision="bf16")
    assert (twin.name, twin.words, twin.max_tokens, twin.threads) == (bf16.name, fp32.words, fp32.max_tokens, fp32.threads)
    fake = FakeEmbedder()
    assert sentence_embedder(fake) is fake  # a test's embedder is used as it is
    assert isinstance(sentence_embedder(fp32), MiniLMEmbedder) and sentence_embedder(fp32) is not fp32


@pytest.mark.models
def test_bf16_sentence_vectors_share_the_model_and_stay_close_to_fp32() -> None:
    fp32 = MiniLMEmbedder()
    bf16 = fp32.sibling(precision="bf16")
    texts = [
        "Two dockers were hurt when a harbor crane fell over on Tuesday.",
        "A crane collapsed at the container harbor, injuring two dock workers.",
        "The council approved next year's library budget after a long debate.",
    ]
    a, b = fp32.encode(texts), bf16.encode(texts)
    assert bf16._model is fp32._model  # one copy of the weights
    assert b.dtype == np.float32 and b.shape == a.shape
    np.testing.assert_allclose(np.linalg.norm(b, axis=1), 1.0, rtol=1e-4)
    assert float(np.abs(a @ a.T - b @ b.T).max()) < 0.01  # cosines move by rounding only
    # the bfloat16 linear layers give exactly what autocast over the float32 model gives
    import torch

    with torch_threads(bf16.threads), torch.autocast("cpu", dtype=torch.bfloat16):  # threads: the same sums
        autocast = fp32._model.encode(texts, batch_size=bf16.batch_size, normalize_embeddings=True)
    np.testing.assert_allclose(b, np.asarray(autocast, dtype=np.float32), rtol=0, atol=1e-6)  # (normalised again)
    # ... and the copy holds only the linear weights anew: embeddings and layer norms are the model's own
    ours = {id(p) for p in fp32._model.parameters()}
    fresh = [p for p in bf16._encoder.parameters() if id(p) not in ours]
    assert fresh and all(p.dtype == torch.bfloat16 for p in fresh)
    everything = sum(p.numel() for p in fp32._model.parameters())
    assert all(p.dim() <= 2 for p in fresh) and sum(p.numel() for p in fresh) < 0.6 * everything
