"""The built-in demo corpus and its hand-written ground truth.

The corpus (``corpus/``) is original writing about fictional events, people,
outlets and places, in every input format storyline ingests (JSON Lines,
full HTML pages, Markdown with front matter, an RSS 2.0 feed). The ground
truth (``ground_truth.json``) follows ``docs/dev/ground_truth.md`` and is what
the benchmarks score the product against, so both ship inside the package.
See ``docs/demo-corpus.md`` for which phenomenon sits in which article.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import InputError

_GROUND_TRUTH = "ground_truth.json"


def corpus_dir() -> Path:
    """Directory holding the demo corpus files (``*.jsonl``, ``*.html``, ``*.md``, ``*.rss``)."""
    return Path(__file__).resolve().parent / "corpus"


def load_ground_truth() -> dict[str, Any]:
    """The demo ground truth as a plain dict (schema: ``docs/dev/ground_truth.md``)."""
    path = Path(__file__).resolve().parent / _GROUND_TRUTH
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(
            "demo ground truth file is missing",
            item=str(path),
            hint="reinstall storyline; package-data must include storyline/demo/*.json",
        ) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"demo ground truth is not valid JSON: {exc}", item=str(path)) from exc


__all__ = ["corpus_dir", "load_ground_truth"]
