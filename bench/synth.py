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


def synthetic_articles(n: int, *, words: int = 600, seed: int = 7, copies: float = 0.0) -> list[Article]:
    """``n`` articles; a share ``copies`` of them are syndicated copies of an earlier one.

    A copy is what a wire client publishes: the original's text under a credit line ("(Synth Wire) -"), with its
    own outlet, URL and title. Copy detection should find them before the models run; the originals stay the
    same whatever the share (copy decisions draw from their own random stream).
    """
    docs = load_ecbplus("all")
    rng = random.Random(seed)
    copy_rng = random.Random(seed + 1)
    originals: list[Article] = []
    by_topic: dict[int, list[str]] = {}
    for d in docs:
        by_topic.setdefault(d.topic, []).extend(s for s in d.text.splitlines() if len(s.split()) > 4)
    out: list[Article] = []
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(n):
        if originals and copy_rng.random() < copies:
            source = copy_rng.choice(originals[-500:])  # wire copies follow their original closely in time
            text = f"(Synth Wire) - {source.text}"
            url = f"https://client{i % 7}.example/wire/{i}"
            out.append(
                Article(
                    id=Article.make_id(text, url), text=text, title=f"{source.title} (wire)", outlet=f"Client {i % 7}",
                    url=url, published=base + timedelta(hours=i), source=f"synth#{i}",
                )  # fmt: skip
            )
            continue
        doc = docs[i % len(docs)]
        pool = by_topic[doc.topic]
        sentences = [s for s in doc.text.splitlines() if s.strip()]
        count = sum(len(s.split()) for s in sentences)
        while count < words:
            sentences.append(rng.choice(pool))
            count += len(sentences[-1].split())
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
        originals.append(out[-1])
    return out
