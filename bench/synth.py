"""Synthetic ~600-word articles for throughput runs, built from ECB+ sentences.

Each synthetic article takes one ECB+ document and appends sentences from other
documents of the same topic until it reaches the target length, then varies
numbers and adds a distinct dateline, so that no two are copies of each other
(copy detection would otherwise skip most of them and flatter the figures).
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

from storyline.records import Article

from .datasets import load_ecbplus

_NUM = re.compile(r"\b\d+\b")


def synthetic_articles(n: int, *, words: int = 600, seed: int = 7) -> list[Article]:
    docs = load_ecbplus("all")
    rng = random.Random(seed)
    by_topic: dict[int, list[str]] = {}
    for d in docs:
        by_topic.setdefault(d.topic, []).extend(s for s in d.text.splitlines() if len(s.split()) > 4)
    out: list[Article] = []
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(n):
        doc = docs[i % len(docs)]
        pool = by_topic[doc.topic]
        sentences = [s for s in doc.text.splitlines() if s.strip()]
        while sum(len(s.split()) for s in sentences) < words:
            sentences.append(rng.choice(pool))
        body = " ".join(sentences)
        body = _NUM.sub(lambda m: str(int(m.group()) + rng.randint(1, 9)), body)
        text = f"CITY{i % 97}, {rng.randint(1, 28)} Jan (Synth) - " + body
        url = f"https://synth.example/{i}"
        out.append(
            Article(
                id=Article.make_id(text, url),
                text=text,
                title=sentences[0][:120],
                outlet=f"Synth {i % 12}",
                url=url,
                published=base + timedelta(hours=i),
                source=f"synth#{i}",
            )
        )
    return out
