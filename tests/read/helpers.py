"""Hand-built mentions for the model-free tests: every name in the text, found by string search."""

from __future__ import annotations

import re

from storyline.read.entities import RawEnt


def ents(text: str, **labels: str) -> list[RawEnt]:
    """Raw NER spans for each ``name=LABEL`` (underscores in names are spaces), every occurrence."""
    out = []
    for name, label in labels.items():
        surface = name.replace("_", " ")
        out.extend(RawEnt(m.start(), m.end(), label) for m in re.finditer(re.escape(surface), text))
    out.sort(key=lambda e: (e.start, -e.end))
    kept: list[RawEnt] = []
    for e in out:
        if kept and e.start < kept[-1].end:
            continue
        kept.append(e)
    return kept


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans split after . ! ? (and a closing quote) followed by white space."""
    spans, start = [], 0
    for m in re.finditer(r"(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bDr)(?<!\b[A-Z])[.!?][\u201d\"]?(?=\s)|\n", text):
        end = m.end()
        if text[start:end].strip():
            spans.append((start + len(text[start:end]) - len(text[start:end].lstrip()), end))
        start = end
    if text[start:].strip():
        spans.append((start + len(text[start:]) - len(text[start:].lstrip()), len(text)))
    return spans
