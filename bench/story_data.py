"""Shared inputs for the story benchmarks: ECB+ documents as articles, cached embeddings and readings.

Embeddings and spaCy readings are cached under bench/results/ (gitignored) so tuning runs take seconds.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from storyline.embed import DEFAULT_WORDS, MiniLMEmbedder, article_text
from storyline.records import Article

from .datasets import EcbDoc, Split, load_ecbplus

RESULTS = Path(__file__).resolve().parent / "results"


def ecb_article(doc: EcbDoc) -> Article:
    """An ECB+ document as an article: the first line is the headline, the rest the body; no metadata."""
    title, _, body = doc.text.partition("\n")
    return Article(id=doc.doc_id, text=body.strip() or title, title=title.strip() or None, source=f"ecbplus:{doc.doc_id}")


def ecb_articles(split: Split = "all") -> tuple[list[EcbDoc], list[Article]]:
    docs = load_ecbplus(split)
    return docs, [ecb_article(d) for d in docs]


def cached_embeddings(
    articles: Sequence[Article], *, words: int = DEFAULT_WORDS, chunks: int = 1, tag: str = "ecb", batch_size: int = 32
) -> tuple[dict[str, np.ndarray], float]:
    """MiniLM vectors for ``articles`` (cached in bench/results/); returns (vectors, seconds spent encoding now)."""
    RESULTS.mkdir(exist_ok=True)
    embedder = MiniLMEmbedder(batch_size=batch_size, words=words, chunks=chunks)
    safe = re.sub(r"[^A-Za-z0-9]+", "_", embedder.name)
    path = RESULTS / f"emb_{tag}_{safe}.npz"
    have: dict[str, np.ndarray] = {}
    if path.exists():
        with np.load(path) as data:
            have = {k: data[k] for k in data.files}
    todo = [a for a in articles if a.id not in have]
    seconds = 0.0
    if todo:
        embedder.warm_up()
        began = time.perf_counter()
        vecs = embedder.encode([article_text(a, words * chunks) for a in todo])
        seconds = time.perf_counter() - began
        for a, v in zip(todo, vecs, strict=True):
            have[a.id] = v
        np.savez(path, **have)
    return {a.id: have[a.id] for a in articles}, seconds


if __name__ == "__main__":  # warm the cache: python -m bench.story_data WORDS CHUNKS
    import sys

    w = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    c = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    _, arts = ecb_articles("all")
    _, secs = cached_embeddings(arts, words=w, chunks=c)
    print(f"words={w} chunks={c}: {len(arts)} articles encoded in {secs:.1f}s ({len(arts) / max(secs, 1e-9):.1f}/s)")
