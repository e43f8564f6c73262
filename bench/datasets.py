"""Loaders for the read-only datasets in ``../shared/datasets``.

They are never copied into the project. When the folder is absent every loader
raises :class:`DatasetMissing`; benchmarks catch it with :func:`skip_if_missing`
and print a clear message instead of failing.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

T = TypeVar("T")

DEV_TOPICS = frozenset({2, 5, 12, 18, 21, 23, 34, 35})
TEST_TOPICS = frozenset(range(36, 46))
Split = Literal["train", "dev", "test", "all"]


class DatasetMissing(RuntimeError):
    pass


def shared_dir() -> Path:
    """``$STORYLINE_SHARED`` or ``../shared`` beside the repository."""
    env = os.environ.get("STORYLINE_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared"


def datasets_dir() -> Path:
    path = shared_dir() / "datasets"
    if not path.is_dir():
        raise DatasetMissing(f"{path} not found: benchmarks need ../shared/datasets beside the repository")
    return path


@dataclass(frozen=True, slots=True)
class EcbMention:
    m_id: str
    tag: str
    sentence: int
    start: int
    end: int
    text: str
    cluster: str | None  # cross-document instance id, "<doc>:<m_id>" chain, or None (singleton)


@dataclass(frozen=True, slots=True)
class EcbDoc:
    doc_id: str
    topic: int
    subtopic: str  # the gold event
    url: str | None
    text: str
    mentions: tuple[EcbMention, ...]


def split_of(topic: int) -> Split:
    if topic in TEST_TOPICS:
        return "test"
    if topic in DEV_TOPICS:
        return "dev"
    return "train"


def load_ecbplus(split: Split = "all") -> list[EcbDoc]:
    """ECB+ documents of one split, in file order."""
    path = datasets_dir() / "ecbplus" / "ecbplus.jsonl.gz"
    if not path.exists():
        raise DatasetMissing(f"{path} not found")
    docs = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            raw = json.loads(line)
            if split != "all" and split_of(int(raw["topic"])) != split:
                continue
            mentions = tuple(EcbMention(**m) for m in raw["mentions"])
            docs.append(EcbDoc(raw["doc_id"], int(raw["topic"]), raw["subtopic"], raw.get("url"), raw["text"], mentions))
    return docs


def shuffled(docs: list[T], seed: int = 13) -> list[T]:
    """The fixed shuffled arrival order the story benchmarks use."""
    out = list(docs)
    random.Random(seed).shuffle(out)
    return out


@dataclass(frozen=True, slots=True)
class Seed:
    name: str  # "000"
    path: Path
    text: str


def load_seeds() -> list[Seed]:
    folder = datasets_dir() / "seeds"
    if not folder.is_dir():
        raise DatasetMissing(f"{folder} not found")
    return [Seed(p.name[:3], p, p.read_text("utf-8")) for p in sorted(folder.glob("*.txt"))]


def skip_if_missing(main: Callable[[], T]) -> Callable[[], T | None]:
    """Wrap a benchmark's main so a missing dataset prints a clear SKIP and exits 0."""

    def wrapper() -> T | None:
        try:
            return main()
        except DatasetMissing as exc:
            print(f"SKIP: {exc}", file=sys.stderr)
            return None

    return wrapper


def iter_ecb_texts(split: Split = "all") -> Iterator[tuple[str, str]]:
    for doc in load_ecbplus(split):
        yield doc.doc_id, doc.text
