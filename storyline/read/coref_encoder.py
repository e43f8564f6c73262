"""Mentions embedded in their sentence: all-MiniLM-L6-v2 over the sentence, the vectors of the word pieces inside
the mention averaged (:class:`MiniLMSpanEncoder`). Two mentions of one person get close vectors when their
contexts agree, even when their words differ; the coreference pair model (:mod:`storyline.read.coref`) and the
namesake linker (:mod:`storyline.read.coref_namesakes`) read them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..errors import ModelError


def _unit(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class MiniLMSpanEncoder:
    """Contextual vectors of character spans, from all-MiniLM-L6-v2 (packaged weights, no download).

    ``encode(contexts, spans)``: ``contexts[i]`` is the text around mention ``i`` (its sentence) and
    ``spans[i]`` the mention's ``(start, end)`` inside that text. The result rows are unit length.
    """

    name = "all-MiniLM-L6-v2/span-mean"
    dim = 384

    def __init__(self, *, batch_size: int = 32, loader: Callable[[], Any] | None = None) -> None:
        """``loader`` returns a loaded sentence-transformers MiniLM to share (e.g.
        :meth:`storyline.embed.MiniLMEmbedder.sentence_transformer`); by default this encoder loads its own."""
        self.batch_size = batch_size
        self._loader = loader
        self._model: Any = None
        self._tokenizer: Any = None

    def warm_up(self) -> None:
        if self._model is not None:
            return
        from ..embed import load_minilm

        st = (self._loader or load_minilm)()
        self._model = st[0].auto_model.eval()
        self._tokenizer = st[0].tokenizer

    def encode(self, contexts: Sequence[str], spans: Sequence[tuple[int, int]]) -> np.ndarray:
        return self.encode_span_and_rest(contexts, spans)[0]

    def encode_span_and_rest(self, contexts: Sequence[str], spans: Sequence[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
        """Per mention, two unit vectors from one forward pass over its context: the mean of the word
        pieces inside the span (the mention in context) and of those outside it (what the context says
        around the mention; the name's own pieces left out, so two namesakes' sentences can differ)."""
        if len(contexts) != len(spans):
            raise ModelError("one span per context is needed", item=self.name)
        if not contexts:
            empty = np.zeros((0, self.dim), dtype=np.float32)
            return empty, empty
        self.warm_up()
        import torch

        # one forward pass per distinct context: a sentence with five mentions is read once
        unique = list(dict.fromkeys(contexts))
        where = {c: i for i, c in enumerate(unique)}
        out = np.zeros((len(contexts), self.dim), dtype=np.float32)
        rest = np.zeros((len(contexts), self.dim), dtype=np.float32)
        wanted: dict[int, list[int]] = {}
        for n, c in enumerate(contexts):
            wanted.setdefault(where[c], []).append(n)
        for b in range(0, len(unique), self.batch_size):
            chunk = unique[b : b + self.batch_size]
            enc = self._tokenizer(chunk, return_offsets_mapping=True, padding=True, truncation=True,
                                  max_length=256, return_tensors="pt")
            offsets = enc.pop("offset_mapping").numpy()
            with torch.inference_mode():
                hidden = self._model(**enc).last_hidden_state.numpy()
            mask = enc["attention_mask"].numpy().astype(bool)
            for k in range(len(chunk)):
                offs = offsets[k]
                words = mask[k] & (offs[:, 1] > offs[:, 0])
                for n in wanted[b + k]:
                    s, e = spans[n]
                    inside = words & (offs[:, 0] < e) & (offs[:, 1] > s)
                    outside = words & ~inside
                    out[n] = (hidden[k][inside] if inside.any() else hidden[k][mask[k]]).mean(axis=0)
                    rest[n] = (hidden[k][outside] if outside.any() else hidden[k][mask[k]]).mean(axis=0)
        return _unit(out), _unit(rest)

    def encode_whole(self, texts: Sequence[str]) -> np.ndarray:
        """Each text on its own, mean of all its word pieces: the sentence-transformers vector of the
        text (what :class:`storyline.embed.MiniLMEmbedder` gives), without loading the model twice."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.warm_up()
        import torch

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for b in range(0, len(texts), self.batch_size):
            enc = self._tokenizer(list(texts[b : b + self.batch_size]), padding=True, truncation=True, max_length=128,
                                  return_tensors="pt")
            with torch.inference_mode():
                hidden = self._model(**enc).last_hidden_state.numpy()
            mask = enc["attention_mask"].numpy().astype(np.float32)[..., None]
            out[b : b + len(hidden)] = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1.0)
        return _unit(out)
