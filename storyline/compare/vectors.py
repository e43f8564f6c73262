from __future__ import annotations

import hashlib
import inspect
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from .text import _VERB_STOP, _WORD


class CachingEmbedder:
    """Wraps an :class:`~storyline.embed.Embedder` and remembers sentence vectors (up to ``max_items``).

    A story is re-analysed each time an article joins it; without a cache every earlier article's sentences
    would be encoded again. Keyed by the text itself, so a changed sentence is always encoded afresh.
    """

    def __init__(self, embedder: Any, *, max_items: int = 200_000) -> None:
        self.embedder = embedder
        self.name = getattr(embedder, "name", "embedder")
        self.dim = getattr(embedder, "dim", 0)
        self.max_items = max_items
        self._cache: dict[str, np.ndarray] = {}

    def warm_up(self) -> None:
        self.embedder.warm_up()

    def encode(self, texts: Sequence[str], *, batch_size: int | None = None) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if todo:
            vectors = np.asarray(encode_in_batches(self.embedder, todo, batch_size), dtype=np.float32)
            if len(self._cache) + len(todo) > self.max_items:
                self._cache.clear()  # simple and bounded; a story's own texts are re-encoded at most once more
            self._cache.update(zip(todo, vectors, strict=True))
            if any(t not in self._cache for t in texts):  # cleared above and texts exceed the bound
                return np.asarray(encode_in_batches(self.embedder, list(texts), batch_size), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, self.dim), dtype=np.float32)


#: Texts per model batch when sentences and quotes are embedded. The model pads a batch to its longest text;
#: with sentences sorted by length, smaller batches pad less. Fitted on the throughput benchmark's brief step
#: (synthetic ECB+ stories, 3,568 sentences; ``bench.throughput --n 300 --copies 0.2``): 138 CPU s with
#: batches of 64, 117 with 32, 110 with 16, and the same facts, conflicts and briefs each time (a batch size
#: changes a text's vector by float rounding only). Short news sentences (newsdesk) cost about the same at 8.
SENTENCE_BATCH = 16


def encode_in_batches(embedder: Any, texts: Sequence[str], batch_size: int | None) -> np.ndarray:
    """``embedder.encode(texts)``, with ``batch_size`` when the embedder takes one (MiniLM does; test
    embedders need not)."""
    if batch_size is not None and "batch_size" in inspect.signature(embedder.encode).parameters:
        return embedder.encode(texts, batch_size=batch_size)
    return embedder.encode(texts)


class SentenceVectors:
    """Vectors of sentences and quotes, keyed by their text, from memory, then the store, then the model.

    A vector is stored under ``<kind>:<embedder name>`` (``sentences`` are embedded with digits masked,
    ``quotes`` as written) with the key :func:`text_key` of the text embedded, so one store table holds them
    beside article vectors without a schema change, a syndicated copy's sentence reuses its origin's vector
    (in this analysis, a later one, or another process), and a different text or model never reuses a
    vector. ``store`` may be None (memory only, for one analysis).
    """

    def __init__(self, embedder: Any, store: Any = None) -> None:
        self.embedder = embedder
        self.store = store
        self.name = getattr(embedder, "name", "embedder")
        self._memory: dict[tuple[str, str], np.ndarray] = {}
        self.encoded = 0  # texts sent to the model (for benchmarks)
        self.loaded = 0  # vectors read from the store

    def encode_texts(self, kind: str, texts: Sequence[str]) -> np.ndarray:
        """One unit row per text (``kind`` is ``sentences`` or ``quotes``); each distinct text embedded once."""
        model = f"{kind}:{self.name}"
        keys = [text_key(t) for t in texts]
        missing = [k for k in dict.fromkeys(keys) if (model, k) not in self._memory]
        if missing and self.store is not None:
            stored = self.store.get_embeddings(model, missing)
            self.loaded += len(stored)
            self._memory.update(((model, k), v) for k, v in stored.items())
        todo = {k: t for k, t in zip(keys, texts, strict=True) if (model, k) not in self._memory}
        if todo:
            vectors = np.asarray(encode_in_batches(self.embedder, list(todo.values()), SENTENCE_BATCH), dtype=np.float32)
            self.encoded += len(todo)
            fresh = dict(zip(todo, vectors, strict=True))
            self._memory.update(((model, k), v) for k, v in fresh.items())
            if self.store is not None:
                self.store.put_embeddings(model, fresh)
        if not keys:
            return np.zeros((0, getattr(self.embedder, "dim", 1) or 1), dtype=np.float32)
        return np.stack([self._memory[(model, k)] for k in keys]).astype(np.float32, copy=False)


def text_key(text: str) -> str:
    """The store key of an embedded text: a 128-bit BLAKE2b digest (a CRC32 collides across a large store)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


_BUCKETS = 2048


def _bags(masked: Sequence[str]) -> np.ndarray:
    """Hashed sets of the content words of each text (rows of 0/1 over ``_BUCKETS``)."""
    bags = np.zeros((len(masked), _BUCKETS), dtype=np.float32)
    for row, text in enumerate(masked):
        for w in set(_WORD.findall(text.lower())):
            if len(w) > 2 and w not in _VERB_STOP:
                bags[row, zlib.crc32(w.encode("utf-8")) % _BUCKETS] = 1.0
    return bags


def _candidates(masked: Sequence[str], inc: np.ndarray, article: np.ndarray, text_id: np.ndarray, share: float) -> np.ndarray:
    """Which sentences can align with another article's sentence, and so need an embedding.

    Alignment needs a shared entity or a near-identical sentence (``strong_cosine``). A sentence is a candidate
    when a sentence of another article names one of its entities, or shares ``share`` of its content words
    without one (Jaccard over hashed word sets, a cheap stand-in for "nearly the same words"). A counterpart
    with the very same text (``text_id``: one id per distinct text; a syndicated copy repeats its origin's
    sentences) does not count: the cosine of a text with itself is 1 without a model call. So a story of one
    article and its verbatim copies embeds nothing. Matrix products, no Python loop over pairs.
    """
    n = len(masked)
    if n == 0:
        return np.zeros(0, dtype=bool)
    other = (article[:, None] != article[None, :]) & (text_id[:, None] != text_id[None, :])
    if share <= 0:
        return np.ones(n, dtype=bool)
    bags = _bags(masked)
    inter = bags @ bags.T
    size = bags.sum(axis=1)
    union = size[:, None] + size[None, :] - inter
    jac = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    named = (inc @ inc.T) >= 1
    wanted = (other & (named | (jac >= share))).any(axis=1)
    return np.isin(text_id, text_id[wanted])  # a text is embedded once, for every sentence that says it
